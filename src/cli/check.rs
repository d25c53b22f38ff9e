//! `iamz check`: IAM Access Analyzer's single-policy checks, offline.
//! - `no-public-access POLICY --resource-type T [--account ID]`: FAIL when
//!   the resource policy lets the public in (any account or anonymous
//!   callers, by Amazon S3's definition of public), with the statements and
//!   a replayed request; PASS is a proof.
//! - `access-not-granted POLICY --action A… [--resource R…] [--policy-type
//!   K]`: FAIL when the policy, judged alone as `diff` judges one policy,
//!   allows some request for one of the actions on one of the resources.
//!
//! Exit 0 pass, 1 fail, 2 bad input, 3 inconclusive.

use super::{bad_input, exit, load_policy, resource_type, OutputFormat};
use crate::eval::evaluate_alone;
use crate::exposure::{find_exposure, ResourceScope};
use crate::org::full_access_policy;
use crate::policy::{ActionPattern, PolicyKind, ResourcePattern};
use crate::query::readable::make_readable;
use crate::query::{
    ComparedSide, Found, Query, QueryError, QueryOptions, RequestConstraints, Zone,
};
use crate::report::comparison::request_json;
use crate::report::exposure::exposure_json;
use crate::scenario::{Scenario, SetupScope};
use crate::semantics::alone::PolicyAlone;
use crate::semantics::Interpretation;
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct CheckArguments {
    #[command(subcommand)]
    pub check: Check,
}

#[derive(Debug, clap::Subcommand)]
pub enum Check {
    /// Does this resource policy grant public access?
    NoPublicAccess(NoPublicAccessArguments),
    /// Does this policy allow any of these actions on these resources?
    AccessNotGranted(AccessNotGrantedArguments),
}

#[derive(Debug, clap::Args)]
pub struct NoPublicAccessArguments {
    pub policy: PathBuf,
    /// The resource type, as `iamz exposure` takes it.
    #[arg(long)]
    pub resource_type: String,
    /// The account that owns the resource (any 12 digits: the check does
    /// not depend on it unless the policy names accounts).
    #[arg(long, default_value = "111122223333")]
    pub account: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct AccessNotGrantedArguments {
    pub policy: PathBuf,
    /// An action (or action pattern) that must not be granted; repeatable.
    #[arg(long = "action", required = true)]
    pub actions: Vec<String>,
    /// A resource ARN (or pattern) on which they must not be granted;
    /// repeatable; any resource when none is given.
    #[arg(long = "resource")]
    pub resources: Vec<String>,
    #[arg(long, default_value = "identity")]
    pub policy_type: PolicyKind,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(arguments: &CheckArguments, out: &mut dyn Write) -> u8 {
    match &arguments.check {
        Check::NoPublicAccess(arguments) => no_public_access(arguments, out),
        Check::AccessNotGranted(arguments) => access_not_granted(arguments, out),
    }
}

fn no_public_access(arguments: &NoPublicAccessArguments, out: &mut dyn Write) -> u8 {
    let (kind, policy_kind) = match resource_type(&arguments.resource_type) {
        Ok(kinds) => kinds,
        Err(message) => return bad_input(&message),
    };
    if !crate::policy::parse::is_account_id(&arguments.account) {
        return bad_input(&format!(
            "--account {}: not a 12-digit account id",
            arguments.account
        ));
    }
    let policy = match load_policy(&arguments.policy, policy_kind) {
        Ok(policy) => policy,
        Err(error) => return bad_input(&error),
    };
    let scenario = Scenario::exposure_frame(
        &arguments.policy.display().to_string(),
        Arc::new(policy),
        kind,
        "*",
        &arguments.account,
        None,
    );
    let setup = scenario.setup(&SetupScope {
        principal_account: None,
        resource_account: Some(arguments.account.clone()),
    });
    let zone = Zone {
        accounts: vec![arguments.account.clone()],
        organization_id: None,
    };
    let exposure = match find_exposure(
        &setup,
        &ResourceScope::Any,
        &arguments.account,
        &zone,
        &QueryOptions::default(),
        50,
    ) {
        Ok(exposure) => exposure,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::INCONCLUSIVE;
        }
    };
    let public: Vec<_> = exposure
        .findings
        .iter()
        .filter(|finding| finding.public)
        .collect();
    let result = if exposure.incomplete.is_some() && public.is_empty() {
        "INCONCLUSIVE"
    } else if public.is_empty() {
        "PASS"
    } else {
        "FAIL"
    };
    match arguments.format {
        OutputFormat::Json => {
            let mut report = exposure_json(std::slice::from_ref(&exposure));
            report["result"] = json!(result);
            super::write_json(out, &report);
        }
        OutputFormat::Text => {
            let _ = writeln!(
                out,
                "{result}: no-public-access on {}",
                arguments.policy.display()
            );
            for finding in &public {
                let statements: Vec<String> = finding
                    .statements
                    .iter()
                    .map(|statement| statement.statement.clone())
                    .collect();
                let _ = writeln!(
                    out,
                    "  public to {}: {} (statements {})\n  request: {}",
                    finding.principal.kind(),
                    finding.actions.join(", "),
                    statements.join(", "),
                    serde_json::to_string(&request_json(&finding.request)).unwrap_or_default()
                );
            }
            if let Some(reason) = &exposure.incomplete {
                let _ = writeln!(out, "  incomplete: {reason}");
            } else if public.is_empty() {
                let _ = writeln!(
                    out,
                    "  no request by any account or anonymous caller is public (proved)"
                );
            }
        }
    }
    match result {
        "PASS" => exit::HOLDS,
        "FAIL" => exit::VIOLATED,
        _ => exit::INCONCLUSIVE,
    }
}

fn access_not_granted(arguments: &AccessNotGrantedArguments, out: &mut dyn Write) -> u8 {
    let kind = arguments.policy_type;
    let policy = match load_policy(&arguments.policy, kind) {
        Ok(policy) => policy,
        Err(error) => return bad_input(&error),
    };
    let catalog = crate::catalog::Catalog::get();
    for action in &arguments.actions {
        if action != "*" && catalog.expand_action_pattern(action).is_empty() {
            return bad_input(&format!(
                "--action {action}: matches no action of the IAM catalog"
            ));
        }
    }
    let alone = PolicyAlone::new(&policy, kind, full_access_policy(kind));
    let model = RequestModel::build(&[&policy], &[]);
    let interpretation = SymbolicInterpretation::new(&model);
    let actions: Vec<ActionPattern> = arguments
        .actions
        .iter()
        .map(|action| ActionPattern::new(action))
        .collect();
    let resources: Vec<ResourcePattern> = arguments
        .resources
        .iter()
        .map(|resource| ResourcePattern::new(resource, false))
        .collect();
    let mut goal = vec![
        alone.aspects(&interpretation).access,
        Term::or(
            actions
                .iter()
                .map(|pattern| interpretation.action_matches(pattern)),
        ),
    ];
    if !resources.is_empty() {
        goal.push(Term::or(
            resources
                .iter()
                .map(|pattern| interpretation.resource_matches(pattern)),
        ));
    }
    let unsupported = interpretation.unsupported();
    if !unsupported.is_empty() || !model.unsupported.is_empty() {
        eprintln!("inconclusive: constructs outside the encoding");
        return exit::INCONCLUSIVE;
    }
    let found =
        Query::new(&model, &Term::truth(), &QueryOptions::default()).and_then(|mut query| {
            query.find(&Term::and(goal), |request| {
                let in_scope_of = |candidate: &crate::request::ConcreteRequest| {
                    actions
                        .iter()
                        .any(|pattern| pattern.matches(&candidate.action_lowercase))
                        && (resources.is_empty()
                            || resources.iter().any(|pattern| {
                                pattern
                                    .constant_glob
                                    .as_ref()
                                    .is_some_and(|glob| glob.matches(&candidate.resource))
                            }))
                };
                // Readable when it is decided alike and stays in scope.
                let side = ComparedSide::policy(&policy, kind);
                let readable = make_readable(
                    &side,
                    &side,
                    &RequestConstraints::default(),
                    request.clone(),
                );
                let request = if in_scope_of(&readable) {
                    readable
                } else {
                    request
                };
                let (decision, aspects) = evaluate_alone(&alone, &request);
                if !aspects.access || !in_scope_of(&request) {
                    return Err(QueryError::ReplayMismatch {
                        side: "policy".into(),
                        claimed: "an allowed request for a listed action and resource".into(),
                        replayed: decision.decision,
                        request: Box::new(request),
                    });
                }
                Ok((request, decision))
            })
        });
    let (result, request) = match found {
        Ok(Found::None) => ("PASS", None),
        Ok(Found::Certified((request, decision))) => ("FAIL", Some((request, decision))),
        Ok(Found::Unknown(reason)) => {
            eprintln!("inconclusive: {reason}");
            ("INCONCLUSIVE", None)
        }
        Err(error) => {
            eprintln!("error: {error}");
            return exit::INCONCLUSIVE;
        }
    };
    match arguments.format {
        OutputFormat::Json => {
            let report = json!({
                "result": result,
                "request": request.as_ref().map(|(request, _)| request_json(request)),
                "deciding_statements": request.as_ref().map(|(_, decision)| decision.explanation.deciding_statements.clone()),
            });
            super::write_json(out, &report);
        }
        OutputFormat::Text => {
            let _ = writeln!(
                out,
                "{result}: access-not-granted on {}",
                arguments.policy.display()
            );
            match &request {
                Some((request, decision)) => {
                    for statement in &decision.explanation.deciding_statements {
                        let _ = writeln!(out, "  granted by statement {}", statement.statement);
                    }
                    let _ = writeln!(
                        out,
                        "  request: {}",
                        serde_json::to_string(&request_json(request)).unwrap_or_default()
                    );
                }
                None if result == "PASS" => {
                    let _ = writeln!(
                        out,
                        "  no request for these actions and resources is allowed (proved)"
                    );
                }
                None => {}
            }
        }
    }
    match result {
        "PASS" => exit::HOLDS,
        "FAIL" => exit::VIOLATED,
        _ => exit::INCONCLUSIVE,
    }
}
