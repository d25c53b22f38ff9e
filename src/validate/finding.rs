//! Findings: what `iamz validate` reports, each with a severity, a stable
//! code, a place in the policy and a one-line fix hint; and the table of
//! every check, which gives each code its severity and hint.

use std::fmt;
use std::str::FromStr;

use crate::policy::SourceLocation;

/// How bad a finding is, from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The policy works, but could be simpler.
    Suggestion,
    /// Legal, but probably not what was meant.
    Warning,
    /// Legal, but grants more than it seems to.
    SecurityWarning,
    /// AWS rejects the policy, or part of it can never take effect.
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::SecurityWarning,
        Severity::Warning,
        Severity::Suggestion,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::SecurityWarning => "security-warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.name() == text)
            .ok_or_else(|| {
                format!("unknown severity `{text}` (expected error, security-warning, warning or suggestion)")
            })
    }
}

/// One check: its stable code, severity, a short title and the fix hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub hint: &'static str,
}

/// One problem found in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub location: SourceLocation,
    pub message: String,
    pub hint: &'static str,
}

impl Finding {
    /// A finding of the check `code`, which must be in `CHECKS`; an unlisted
    /// code becomes a warning without a hint.
    pub fn new(code: &'static str, location: SourceLocation, message: String) -> Finding {
        let (severity, hint) = check(code).map_or((Severity::Warning, ""), |check| {
            (check.severity, check.hint)
        });
        Finding {
            severity,
            code,
            location,
            message,
            hint,
        }
    }

    /// The order findings are reported in: file, line, column, code, then
    /// message (so that equal places still sort the same way every time).
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.location.file,
            self.location.position.line,
            self.location.position.column,
            self.code,
            &self.message,
        )
    }
}

/// The check with this code.
pub fn check(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|check| check.code == code)
}

const fn entry(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    hint: &'static str,
) -> Check {
    Check {
        code,
        severity,
        title,
        hint,
    }
}

use Severity::{Error, SecurityWarning, Suggestion, Warning};

/// Every check `iamz validate` runs, grouped as in docs/validate.md.
pub const CHECKS: &[Check] = &[
    // The document.
    entry("policy-too-large", Error, "The policy is over the size limit of its policy type",
        "split the policy into several, or merge statements and shorten action lists with wildcards"),
    entry("missing-version", Warning, "The policy has no Version",
        "add \"Version\": \"2012-10-17\" at the top of the document"),
    entry("variables-without-version", Error, "Policy variables under a Version other than 2012-10-17 are literal text",
        "set \"Version\": \"2012-10-17\" so that ${...} variables are substituted"),
    entry("duplicate-sid", Error, "Two statements share a Sid",
        "give each statement its own Sid"),
    entry("empty-statement", Warning, "The policy has no statement",
        "add statements, or delete the policy"),
    // Elements and the policy type.
    entry("principal-in-identity-policy", Error, "Principal or NotPrincipal in a policy type that does not name principals",
        "remove Principal/NotPrincipal; identity, boundary, session policies and SCPs apply to the principal they are attached to"),
    entry("principal-missing", Error, "A resource-based policy statement names no principal",
        "add a Principal element (\"*\" with conditions, an account, or ARNs)"),
    entry("resource-missing", Error, "A statement has neither Resource nor NotResource",
        "add \"Resource\": \"*\" or the ARNs the statement is about"),
    entry("resource-in-trust-policy", Error, "A role trust policy statement has Resource or NotResource",
        "remove Resource: a trust policy is about the role itself"),
    entry("rcp-allow", Error, "An RCP statement allows something other than full access",
        "write RCP statements as Deny; only the RCPFullAWSAccess statement may Allow"),
    entry("rcp-principal", Error, "An RCP statement names principals other than \"*\"",
        "use \"Principal\": \"*\" and restrict principals with conditions (aws:PrincipalOrgID, aws:PrincipalAccount)"),
    entry("condition-value-malformed", Error, "A condition value does not have the type its operator compares",
        "write a number for Numeric operators, an ISO 8601 date or epoch seconds for Date, an IP address or CIDR range for IpAddress, true or false for Bool"),
    entry("allow-with-not-principal", SecurityWarning, "Allow with NotPrincipal",
        "name the principals to allow in Principal instead of excluding some with NotPrincipal"),
    // Actions.
    entry("unknown-service", Error, "An action names a service the catalog does not know",
        "check the service prefix (the part before the colon) against the AWS Service Authorization Reference"),
    entry("unknown-action", Error, "An action the catalog does not list for its service",
        "check the spelling against the service's actions in the AWS Service Authorization Reference"),
    entry("action-matches-nothing", Error, "An action pattern with wildcards matches no catalog action",
        "fix the pattern so that it matches the actions meant"),
    entry("redundant-action", Suggestion, "An action is covered by another pattern of the same statement",
        "remove the covered action"),
    // Resources.
    entry("arn-malformed", Error, "A resource is not a well-formed ARN",
        "write ARNs as arn:partition:service:region:account:resource"),
    entry("arn-service-mismatch", Warning, "A resource ARN belongs to a service none of the statement's actions act on",
        "use ARNs of the actions' service, or move the resource to a statement with matching actions"),
    // Conditions.
    entry("unknown-variable-key", Error, "A policy variable naming a key that is neither global nor defined by its service",
        "replace the placeholder with the key meant (`${aws:PrincipalAccount}`, say) or with the value"),
    entry("unknown-condition-key", Error, "A condition key that is neither global nor defined by its service",
        "check the key's spelling against the AWS global condition keys and the service's condition keys"),
    entry("condition-key-not-for-actions", Warning, "A service condition key that none of the statement's actions support",
        "use a key of the actions' service, or move the condition to a statement whose actions support it"),
    entry("condition-type-mismatch", Error, "A condition operator of the wrong type for its key",
        "use an operator of the key's type (String, Numeric, Date, Bool, IpAddress, Arn, Binary)"),
    entry("condition-type-loose", Warning, "A string operator on a key of another type",
        "use the operator family of the key's type, which compares values rather than text"),
    entry("if-exists-on-always-present-key", Suggestion, "...IfExists on a key that every request carries",
        "drop the IfExists suffix; it changes nothing for this key"),
    entry("multivalued-key-without-set-operator", Warning, "A multivalued key used without ForAllValues/ForAnyValue",
        "prefix the operator with ForAnyValue: or ForAllValues:"),
    entry("set-operator-on-single-valued-key", Warning, "ForAllValues/ForAnyValue on a single-valued key",
        "drop the set qualifier"),
    entry("for-all-values-allow-single-valued", SecurityWarning, "ForAllValues in an Allow with a single-valued key: true when the key is absent",
        "drop ForAllValues:, or add a Null condition that requires the key"),
    // Exposure.
    entry("allow-not-action-star-resource", SecurityWarning, "Allow with NotAction on every resource",
        "list the actions to allow in Action instead"),
    entry("allow-not-resource-star-action", SecurityWarning, "Allow with NotResource and a wildcard action",
        "list the resources to allow in Resource instead"),
    entry("public-access-without-condition", SecurityWarning, "A resource policy allows everyone (\"*\") without a restricting condition",
        "name the principals, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn, aws:SourceAccount or aws:SourceVpce"),
    entry("cross-account-access-without-condition", SecurityWarning, "A resource policy allows another account without a restricting condition",
        "check that the account is trusted, or add a condition on aws:PrincipalArn, aws:PrincipalOrgID or aws:SourceArn"),
    // Redundancy.
    entry("redundant-statement", Suggestion, "A statement is covered by another statement without conditions",
        "remove the covered statement"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_have_hints() {
        let mut codes: Vec<&str> = CHECKS.iter().map(|check| check.code).collect();
        codes.sort_unstable();
        let count = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), count);
        assert!(CHECKS.iter().all(|check| !check.hint.is_empty()));
    }

    #[test]
    fn severities_are_ordered_and_parse() {
        assert!(Severity::Error > Severity::SecurityWarning);
        assert!(Severity::SecurityWarning > Severity::Warning);
        assert!(Severity::Warning > Severity::Suggestion);
        for severity in Severity::ALL {
            assert_eq!(severity.name().parse::<Severity>(), Ok(severity));
        }
        assert!("fatal".parse::<Severity>().is_err());
    }
}
