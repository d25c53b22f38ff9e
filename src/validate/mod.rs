//! `iamz validate`: checks one policy against the IAM grammar, the IAM
//! catalog and the rules of its policy type, and reports findings with a
//! severity, a stable code, a place and a fix hint.
//!
//! Data flow: text → `policy::parse_policy` (errors stop here; its warnings
//! become findings) → located JSON for positions (`locate`) → the checks,
//! one module per concern → findings sorted by file, line, column and code.
//!
//! Submodules:
//! - `finding`: `Severity`, `Finding`, and `CHECKS`, the table of every check
//! - `locate`: JSON paths to line and column
//! - `document`: size limits, Version, the parser's own warnings
//! - `elements`: which elements each policy type requires or forbids
//! - `actions`, `resources`, `conditions`: names checked against the catalog
//! - `exposure`: statements that grant more than they seem to
//! - `redundancy`: statements and actions that another one already covers
//! - `coverage`: when one action or resource pattern covers another
//!
//! Trusts: the parser for the grammar, the catalog for which services,
//! actions and condition keys exist and what type each key has.

mod actions;
mod conditions;
mod coverage;
mod document;
mod elements;
mod exposure;
pub mod finding;
mod locate;
mod redundancy;
mod resources;
pub mod size;

pub use finding::{check, Check, Finding, Severity, CHECKS};
pub use size::{size_limit, SizeLimit};

use crate::analysis::actions::statement_actions;
use crate::catalog::{ActionRef, Catalog, Service};
use crate::policy::json::{parse_json, SourcePosition};
use crate::policy::{
    parse_policy_with, PolicyDocument, PolicyError, PolicyKind, RequiredElements, SourceLocation,
    Statement,
};
use locate::Locator;

/// What to validate a policy as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateOptions {
    pub kind: PolicyKind,
    /// The account that owns the resource, for resource and trust policies:
    /// grants to other accounts are then reported. Without it only grants to
    /// everyone are.
    pub account: Option<String>,
}

impl ValidateOptions {
    pub fn new(kind: PolicyKind) -> ValidateOptions {
        ValidateOptions {
            kind,
            account: None,
        }
    }
}

/// Validates policy text. `file` names the policy in the findings. Returns
/// the findings in report order, or the parse error when the text is not a
/// valid policy.
pub fn validate_policy(
    text: &str,
    file: &str,
    options: &ValidateOptions,
) -> Result<Vec<Finding>, PolicyError> {
    // Missing elements are findings here, listed with every other problem.
    let parsed = parse_policy_with(text, file, Some(options.kind), RequiredElements::Report)?;
    let locator = parse_json(text)
        .map(|root| Locator::new(&root))
        .unwrap_or_default();
    let catalog = Catalog::get();
    let statements = parsed
        .document
        .statements
        .iter()
        .map(|statement| StatementFacts::new(catalog, statement))
        .collect();
    let context = Context {
        file,
        text,
        document: &parsed.document,
        options,
        catalog,
        locator,
        statements,
    };
    let mut findings: Vec<Finding> = parsed
        .warnings
        .into_iter()
        .map(|warning| Finding::new(warning.code, warning.location, warning.message))
        .collect();
    document::check(&context, &mut findings);
    elements::check(&context, &mut findings);
    actions::check(&context, &mut findings);
    resources::check(&context, &mut findings);
    conditions::check(&context, &mut findings);
    exposure::check(&context, &mut findings);
    redundancy::check(&context, &mut findings);
    sort_findings(&mut findings);
    Ok(findings)
}

/// Puts findings in report order: file, line, column, code, message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
}

/// The most severe finding's severity, if any.
pub fn worst_severity(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|finding| finding.severity).max()
}

/// What the checks share: the policy, where its parts are, and what each
/// statement's actions are.
pub(crate) struct Context<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub document: &'a PolicyDocument,
    pub options: &'a ValidateOptions,
    pub catalog: &'static Catalog,
    pub locator: Locator,
    /// One per statement, in document order.
    pub statements: Vec<StatementFacts>,
}

impl Context<'_> {
    /// The location of `json_path`, or of `fallback` when the path has no
    /// value of its own.
    pub fn location(&self, json_path: &str, fallback: SourcePosition) -> SourceLocation {
        SourceLocation {
            file: self.file.to_string(),
            position: self.locator.position(json_path).unwrap_or(fallback),
            json_path: json_path.to_string(),
        }
    }

    /// A finding at `json_path`, falling back to the statement's position.
    pub fn finding(
        &self,
        code: &'static str,
        statement: &Statement,
        json_path: &str,
        message: String,
    ) -> Finding {
        Finding::new(code, self.location(json_path, statement.position), message)
    }

    pub fn statement_path(&self, statement: &Statement) -> String {
        self.locator.statement_path(statement.index)
    }

    /// `Statement[i].Action` or `Statement[i].NotAction`.
    pub fn action_path(&self, statement: &Statement) -> String {
        let element = if statement.actions.negated {
            "NotAction"
        } else {
            "Action"
        };
        format!("{}.{element}", self.statement_path(statement))
    }

    /// `Statement[i].Resource` or `Statement[i].NotResource`.
    pub fn resource_path(&self, statement: &Statement) -> String {
        let negated = statement
            .resources
            .as_ref()
            .is_some_and(|clause| clause.negated);
        let element = if negated { "NotResource" } else { "Resource" };
        format!("{}.{element}", self.statement_path(statement))
    }

    /// `Statement[i].Principal` or `Statement[i].NotPrincipal`.
    pub fn principal_path(&self, statement: &Statement) -> String {
        let negated = statement
            .principals
            .as_ref()
            .is_some_and(|clause| clause.negated);
        let element = if negated { "NotPrincipal" } else { "Principal" };
        format!("{}.{element}", self.statement_path(statement))
    }

    pub fn facts(&self, statement: &Statement) -> &StatementFacts {
        &self.statements[statement.index]
    }
}

/// What the catalog says about one statement's Action element.
pub(crate) struct StatementFacts {
    /// The services the statement's `Action` patterns name, each once, when
    /// every pattern names a known service; `None` for `NotAction`, a `*`
    /// pattern or an unknown service (any service may then be meant).
    pub services: Option<Vec<&'static Service>>,
    /// The catalog actions `Action` covers; empty for `NotAction`.
    pub actions: Vec<ActionRef<'static>>,
}

impl StatementFacts {
    fn new(catalog: &'static Catalog, statement: &Statement) -> StatementFacts {
        if statement.actions.negated {
            return StatementFacts {
                services: None,
                actions: Vec::new(),
            };
        }
        let mut services: Option<Vec<&'static Service>> = Some(Vec::new());
        for pattern in &statement.actions.patterns {
            let service = pattern
                .text
                .split_once(':')
                .and_then(|(prefix, _)| catalog.service(prefix));
            match (service, services.as_mut()) {
                (Some(service), Some(list)) => {
                    if !list.iter().any(|known| known.prefix() == service.prefix()) {
                        list.push(service);
                    }
                }
                _ => services = None,
            }
        }
        StatementFacts {
            services,
            actions: statement_actions(catalog, statement),
        }
    }
}
