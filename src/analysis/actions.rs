//! The catalog actions a policy's Allow statements cover.
//!
//! For each Allow statement, `Action` gives the catalog actions its patterns
//! match, and `NotAction` every catalog action none of its patterns match.
//! Resources, principals, conditions and Deny statements are not taken into
//! account: the result is what the Allow statements could grant at most, the
//! list a diff compares to name gained and lost actions.
//!
//! Trusts: the catalog's list of actions (an action AWS added after the
//! catalog was built is not listed) and its wildcard matching
//! (`Catalog::expand_action_pattern`, `Catalog::actions_not_matching`).

use std::collections::HashSet;

use crate::catalog::{ActionRef, Catalog};
use crate::policy::{Effect, PolicyDocument, Statement};

/// The actions of one Allow statement, in canonical catalog order.
#[derive(Debug, Clone)]
pub struct StatementActions<'catalog> {
    /// The statement's position in the document, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub actions: Vec<ActionRef<'catalog>>,
}

/// Per Allow statement, and the union over all of them.
#[derive(Debug, Clone)]
pub struct GrantedActions<'catalog> {
    pub statements: Vec<StatementActions<'catalog>>,
    /// Every action some Allow statement covers, each once, in canonical
    /// catalog order (by service prefix, then by name ignoring case).
    pub actions: Vec<ActionRef<'catalog>>,
}

/// The catalog actions each Allow statement of `document` covers, and their
/// union.
pub fn granted_actions<'catalog>(
    catalog: &'catalog Catalog,
    document: &PolicyDocument,
) -> GrantedActions<'catalog> {
    let statements: Vec<StatementActions<'catalog>> = document
        .statements
        .iter()
        .filter(|statement| statement.effect == Effect::Allow)
        .map(|statement| StatementActions {
            index: statement.index,
            sid: statement.sid.clone(),
            actions: statement_actions(catalog, statement),
        })
        .collect();
    let granted: HashSet<&str> = statements
        .iter()
        .flat_map(|statement| statement.actions.iter().map(|action| action.full_name()))
        .collect();
    let actions = if granted.is_empty() {
        Vec::new()
    } else {
        catalog
            .actions()
            .filter(|action| granted.contains(action.full_name()))
            .collect()
    };
    GrantedActions {
        statements,
        actions,
    }
}

/// The catalog actions one statement's `Action` or `NotAction` covers, in
/// canonical order, each once.
pub fn statement_actions<'catalog>(
    catalog: &'catalog Catalog,
    statement: &Statement,
) -> Vec<ActionRef<'catalog>> {
    let texts: Vec<&str> = statement
        .actions
        .patterns
        .iter()
        .map(|pattern| pattern.text.as_str())
        .collect();
    if statement.actions.negated {
        return catalog.actions_not_matching(&texts);
    }
    if texts.len() == 1 {
        return catalog.expand_action_pattern(texts[0]);
    }
    let matched: HashSet<&str> = texts
        .iter()
        .flat_map(|text| catalog.expand_action_pattern(text))
        .map(|action| action.full_name())
        .collect();
    catalog
        .actions()
        .filter(|action| matched.contains(action.full_name()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    fn document(text: &str) -> PolicyDocument {
        parse_policy(text, "test.json", None)
            .expect("a valid policy")
            .document
    }

    #[test]
    fn allow_statements_expand_and_deny_statements_are_left_out() {
        let policy = document(
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"Read","Effect":"Allow","Action":["s3:getobject","S3:GetObjectAcl"],"Resource":"*"},
                {"Effect":"Deny","Action":"s3:*","Resource":"*"},
                {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#,
        );
        let granted = granted_actions(Catalog::get(), &policy);
        assert_eq!(granted.statements.len(), 2);
        assert_eq!(granted.statements[0].sid.as_deref(), Some("Read"));
        assert_eq!(granted.statements[1].index, 2);
        let names: Vec<&str> = granted.actions.iter().map(|a| a.full_name()).collect();
        assert_eq!(
            names,
            ["s3:GetObject", "s3:GetObjectAcl", "sqs:SendMessage"]
        );
    }

    #[test]
    fn not_action_covers_everything_else() {
        let policy =
            document(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#);
        let catalog = Catalog::get();
        let granted = granted_actions(catalog, &policy);
        let iam_actions = catalog.service("iam").map_or(0, |s| s.actions().len());
        assert_eq!(granted.actions.len(), catalog.action_count() - iam_actions);
        assert!(granted.actions.iter().all(|a| a.service_prefix() != "iam"));
    }

    #[test]
    fn unknown_actions_cover_nothing() {
        let policy = document(
            r#"{"Statement":{"Effect":"Allow","Action":"nosuchservice:Get*","Resource":"*"}}"#,
        );
        let granted = granted_actions(Catalog::get(), &policy);
        assert!(granted.actions.is_empty());
        assert!(granted.statements[0].actions.is_empty());
    }
}
