//! Checks on the document as a whole: its size against the limit of its
//! policy type, and a missing Version. (Duplicate Sids, variables under an
//! old Version and empty statement lists come from the parser's warnings.)

use super::{size_limit, Context, Finding};
use crate::policy::json::SourcePosition;
use crate::policy::PolicyVersion;

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let start = SourcePosition { line: 1, column: 1 };
    let limit = size_limit(context.options.kind, context.document);
    let size = limit.measure(context.text);
    if size > limit.limit {
        let white_space = if limit.counts_white_space {
            ""
        } else {
            " not counting white space"
        };
        findings.push(Finding::new(
            "policy-too-large",
            context.location("", start),
            format!(
                "the policy is {size} {unit}{white_space}, over the {} {unit} AWS allows for {}",
                limit.limit,
                limit.applies_to,
                unit = limit.unit()
            ),
        ));
    }
    if context.document.version == PolicyVersion::Absent {
        findings.push(Finding::new(
            "missing-version",
            context.location("", start),
            "the policy has no Version: AWS then applies the 2008-10-17 language, without policy variables".to_string(),
        ));
    }
}
