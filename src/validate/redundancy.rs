//! Statements another statement already covers: same effect and principals,
//! the other has no condition, and its Action and Resource patterns cover
//! this one's (see `coverage`). Of two statements that cover each other,
//! the later one is reported. Statements with NotAction or NotResource are
//! left alone.

use super::coverage::{action_covers, resource_covers};
use super::{Context, Finding};
use crate::policy::Statement;

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let statements = &context.document.statements;
    for statement in statements {
        let covering = statements.iter().find(|other| {
            other.index != statement.index
                && covers(other, statement)
                && (other.index < statement.index || !covers(statement, other))
        });
        if let Some(other) = covering {
            findings.push(context.finding(
                "redundant-statement",
                statement,
                &context.statement_path(statement),
                format!(
                    "statement {} is covered by statement {}, which has no condition",
                    describe(statement),
                    describe(other)
                ),
            ));
        }
    }
}

/// Whether `outer` applies, unconditionally, to every request `inner`
/// applies to, with the same effect.
fn covers(outer: &Statement, inner: &Statement) -> bool {
    if outer.effect != inner.effect
        || !outer.conditions.is_empty()
        || outer.principals != inner.principals
        || outer.actions.negated
        || inner.actions.negated
    {
        return false;
    }
    let actions_covered = inner.actions.patterns.iter().all(|pattern| {
        outer
            .actions
            .patterns
            .iter()
            .any(|outer_pattern| action_covers(outer_pattern, pattern))
    });
    let resources_covered = match (&outer.resources, &inner.resources) {
        (None, None) => true,
        (Some(outer), Some(inner)) if !outer.negated && !inner.negated => {
            inner.patterns.iter().all(|pattern| {
                outer
                    .patterns
                    .iter()
                    .any(|outer_pattern| resource_covers(outer_pattern, pattern))
            })
        }
        _ => false,
    };
    actions_covered && resources_covered
}

/// `#2 (PublicRead)`, or `#2` without a Sid: the index keeps statements
/// with the same Sid apart.
fn describe(statement: &Statement) -> String {
    match &statement.sid {
        Some(sid) if !sid.is_empty() => format!("#{} ({sid})", statement.index),
        _ => format!("#{}", statement.index),
    }
}
