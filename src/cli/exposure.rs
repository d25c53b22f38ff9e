//! `iamz exposure POLICY --resource-type T --resource ARN [--account ID]
//! --zone-account ID… | --zone-org o-…`: who outside the zone of trust can
//! reach the resource, as findings that cover every such request. Exit 0
//! no finding, 1 findings, 2 bad input, 3 incomplete (a limit or the
//! solver stopped the enumeration).

use super::{bad_input, exit, OutputFormat};
use crate::exposure::{find_exposure, ResourceExposure};
use crate::policy::PolicyKind;
use crate::query::{QueryOptions, Zone};
use crate::report::exposure::{exposure_json, exposure_text};
use crate::scenario::policy_reference::load_policy_file;
use crate::scenario::{ResourceKind, Scenario, SetupScope};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ExposureArguments {
    /// The resource's policy (a bucket, key, queue, topic, function,
    /// secret or repository policy, or a role's trust policy).
    pub policy: PathBuf,
    /// s3-bucket, s3-object, kms-key, sqs-queue, sns-topic,
    /// lambda-function, secretsmanager-secret, ecr-repository or iam-role.
    #[arg(long)]
    pub resource_type: String,
    /// The resource's ARN (for S3 objects: `arn:aws:s3:::bucket/*` names
    /// every object; give one object's ARN).
    #[arg(long)]
    pub resource: String,
    /// The account that owns the resource (read from the ARN when it has
    /// one).
    #[arg(long)]
    pub account: Option<String>,
    /// An account of the zone of trust (repeatable). The resource's
    /// account is always in it.
    #[arg(long = "zone-account", value_name = "ID")]
    pub zone_accounts: Vec<String>,
    /// The organization of the zone of trust (`o-…`): its accounts (from
    /// `--organization` when given) and `aws:PrincipalOrgID`.
    #[arg(long)]
    pub zone_org: Option<String>,
    /// An organization file or collected folder: the resource account's
    /// RCPs apply, and its accounts form the zone with `--zone-org`.
    #[arg(long)]
    pub organization: Option<PathBuf>,
    /// At most this many findings before the answer says incomplete.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(arguments: &ExposureArguments, out: &mut dyn Write) -> u8 {
    let Some(kind) = ResourceKind::parse(&arguments.resource_type) else {
        return bad_input(&format!(
            "--resource-type {}: expected one of {}",
            arguments.resource_type,
            ResourceKind::NAMES.join(", ")
        ));
    };
    let policy_kind = if kind == ResourceKind::IamRole {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    let mut warnings = Vec::new();
    let policy = match load_policy_file(&arguments.policy, policy_kind, &mut warnings) {
        Ok(policy) => policy,
        Err(error) => return bad_input(&error),
    };
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let account =
        match arguments.account.clone().or_else(|| {
            crate::scenario::setup::arn_account(&arguments.resource).map(str::to_string)
        }) {
            Some(account) if crate::policy::parse::is_account_id(&account) => account,
            Some(account) => {
                return bad_input(&format!("--account {account}: not a 12-digit account id"))
            }
            None => {
                return bad_input(&format!(
                    "{}: the ARN names no account; give --account",
                    arguments.resource
                ))
            }
        };
    let organization = match &arguments.organization {
        Some(path) => match super::gate::load_organization(path) {
            Ok(organization) => Some(organization),
            Err(message) => return bad_input(&message),
        },
        None => None,
    };
    let mut zone = Zone {
        accounts: arguments.zone_accounts.clone(),
        organization_id: arguments.zone_org.clone(),
    };
    for zone_account in &zone.accounts {
        if !crate::policy::parse::is_account_id(zone_account) {
            return bad_input(&format!(
                "--zone-account {zone_account}: not a 12-digit account id"
            ));
        }
    }
    if let (Some(id), Some(organization)) = (&arguments.zone_org, &organization) {
        if *id == organization.id {
            zone.accounts
                .extend(organization.accounts().map(|node| node.id.clone()));
        }
    }
    zone.accounts.push(account.clone());
    zone.accounts.sort();
    zone.accounts.dedup();
    let scenario = Scenario::exposure_frame(
        &arguments.policy.display().to_string(),
        Arc::new(policy),
        kind,
        &arguments.resource,
        &account,
        organization,
    );
    let setup = scenario.setup(&SetupScope {
        principal_account: None,
        resource_account: Some(account.clone()),
    });
    let exposure: ResourceExposure = match find_exposure(
        &setup,
        &arguments.resource,
        &account,
        &zone,
        &QueryOptions::default(),
        arguments.limit,
    ) {
        Ok(exposure) => exposure,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::INCONCLUSIVE;
        }
    };
    let rendered = match arguments.format {
        OutputFormat::Text => exposure_text(&exposure, &zone),
        OutputFormat::Json => {
            serde_json::to_string_pretty(&exposure_json(&exposure)).unwrap_or_default()
        }
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    if exposure.incomplete.is_some() {
        exit::INCONCLUSIVE
    } else if exposure.findings.is_empty() {
        exit::HOLDS
    } else {
        exit::VIOLATED
    }
}
