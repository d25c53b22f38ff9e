//! `iamz explain SCENARIO [--request F | --cloudtrail F |
//! --authorization-message F]`, or `iamz explain --inventory FOLDER
//! [--principal ARN --resource ARN] …`: why a request is decided as it is,
//! and the smallest change that allows a denied one. Exit 0 when allowed,
//! 1 when denied, 2 on bad input.

use super::eval::{load_scenario, read_recorded_request, read_request_file};
use super::{bad_input, exit, OutputFormat};
use crate::eval::{evaluate, Decision};
use crate::explain::dependent_requests::decided;
use crate::explain::{dependent_requests, explain, what_else, DependentRequest};
use crate::ingest::cloudtrail::RecordedRequest;
use crate::query::QueryOptions;
use crate::report::explanation::{explanation_json, explanation_text};
use crate::scenario::{RequestSpec, Scenario, SetupScope};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExplainArguments {
    /// The scenario file (principal, resource, policies, organization).
    #[arg(required_unless_present = "inventory")]
    pub scenario: Option<PathBuf>,
    /// Instead of a scenario: a collected folder of AWS CLI output,
    /// projected to the request's principal and resource.
    #[arg(long, conflicts_with = "scenario")]
    pub inventory: Option<PathBuf>,
    /// With `--inventory`: the requesting principal (default: the recorded
    /// request's).
    #[arg(long, requires = "inventory")]
    pub principal: Option<String>,
    /// With `--inventory`: the resource ARN (default: the recorded
    /// request's).
    #[arg(long, requires = "inventory")]
    pub resource: Option<String>,
    /// A request file laid over the scenario's request.
    #[arg(long, conflicts_with_all = ["cloudtrail", "authorization_message"])]
    pub request: Option<PathBuf>,
    /// The request as CloudTrail recorded it: one record, a log file, or
    /// what `aws cloudtrail lookup-events` prints (the first denied event).
    #[arg(long, conflicts_with = "authorization_message")]
    pub cloudtrail: Option<PathBuf>,
    /// The request as `aws sts decode-authorization-message` prints it.
    #[arg(long)]
    pub authorization_message: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// The request time (epoch seconds) for aws:CurrentTime when the request
    /// does not give it; default: now.
    #[arg(long)]
    pub now: Option<i64>,
    #[command(flatten)]
    pub stack: super::StackArguments,
}

/// Decides a dependent request when the inputs hold its resource's
/// policies: an inventory, projected to the dependent resource.
fn decide_dependent(
    dependent: DependentRequest,
    inventory: Option<&Path>,
    stack: &super::StackArguments,
    principal: &str,
    now: i64,
) -> DependentRequest {
    let (Some(folder), Some(resource)) = (inventory, dependent.resource.clone()) else {
        if dependent.not_decided.is_some() {
            return dependent;
        }
        return DependentRequest {
            not_decided: Some(
                "a scenario holds one resource's policies: decide it with --inventory, or with a scenario of that resource".to_string(),
            ),
            ..dependent
        };
    };
    let projected = stack
        .facts()
        .and_then(|facts| {
            crate::ingest::read_inventory(folder, &facts).map_err(|error| error.to_string())
        })
        .and_then(|inventory| {
            inventory
                .scenario(principal, &resource)
                .map_err(|error| error.to_string())
        });
    let scenario: Scenario = match projected {
        Ok(scenario) => scenario,
        Err(error) => {
            return DependentRequest {
                not_decided: Some(error),
                ..dependent
            }
        }
    };
    let spec = RequestSpec {
        action: Some(dependent.action.to_string()),
        ..RequestSpec::default()
    };
    match scenario.resolve(&spec, now) {
        Ok(resolved) => {
            let setup = scenario.setup(&SetupScope::of_request(&resolved.request));
            let decision = evaluate(&setup, &resolved.request).decision;
            decided(dependent, decision)
        }
        Err(error) => DependentRequest {
            not_decided: Some(error.to_string()),
            ..dependent
        },
    }
}

pub fn run(arguments: &ExplainArguments, out: &mut dyn Write) -> u8 {
    let recorded: Option<RecordedRequest> = match read_recorded_request(
        arguments.cloudtrail.as_deref(),
        arguments.authorization_message.as_deref(),
    ) {
        Ok(recorded) => recorded,
        Err(error) => return bad_input(&error),
    };
    let (scenario, file) = match load_scenario(
        arguments.scenario.as_deref(),
        arguments.inventory.as_deref(),
        arguments.principal.as_deref(),
        arguments.resource.as_deref(),
        recorded.as_ref(),
        &arguments.stack,
    ) {
        Ok(loaded) => loaded,
        Err(message) => return bad_input(&message),
    };
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
    let overrides = match (&arguments.request, &recorded) {
        (Some(path), _) => match read_request_file(path) {
            Ok(spec) => spec,
            Err(error) => return bad_input(&error),
        },
        (None, Some(recorded)) => recorded.spec.clone(),
        (None, None) => RequestSpec::default(),
    };
    let now = arguments.now.unwrap_or_else(super::eval::now_epoch_seconds);
    let resolved = match scenario.resolve(&overrides, now) {
        Ok(resolved) => resolved,
        Err(error) => {
            let mut message = format!("{}: {error}", file.display());
            if let Some(recorded) = &recorded {
                for unknown in &recorded.unknown {
                    message.push_str(&format!("\n  unknown: {unknown}"));
                }
            }
            return bad_input(&message);
        }
    };
    let request = &resolved.request;
    let setup = scenario.setup(&SetupScope::of_request(request));
    let mut explanation = explain(&setup, request);
    if let Some(plan) = explanation
        .smallest_change
        .as_mut()
        .filter(|plan| plan.checked)
    {
        match what_else(&setup, request, plan, &QueryOptions::default()) {
            Ok(also_allows) => plan.also_allows = also_allows,
            Err(error) => eprintln!("warning: what else the change allows is not known: {error}"),
        }
    }
    explanation.dependent_requests = dependent_requests(request)
        .into_iter()
        .map(|dependent| {
            decide_dependent(
                dependent,
                arguments.inventory.as_deref(),
                &arguments.stack,
                &request.principal.written(),
                now,
            )
        })
        .collect();
    let mut warnings = resolved.warnings.clone();
    if let Some(recorded) = &recorded {
        warnings.extend(recorded.warnings.iter().cloned());
    }
    let rendered = match arguments.format {
        OutputFormat::Json => explanation_json(&explanation, recorded.as_ref(), &warnings),
        OutputFormat::Text => explanation_text(&explanation, recorded.as_ref(), &warnings),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    if explanation.decision == Decision::Allow {
        exit::HOLDS
    } else {
        exit::VIOLATED
    }
}
