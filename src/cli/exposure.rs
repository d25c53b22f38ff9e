//! `iamz exposure POLICY --resource-type T --resource ARN [--account ID]
//! --zone-account ID… | --zone-org o-…`: who outside the zone of trust can
//! reach the resource, as findings that cover every such request. Exit 0
//! no finding, 1 findings, 2 bad input, 3 incomplete (a limit or the
//! solver stopped the enumeration).

use super::{bad_input, exit, load_policy, OutputFormat};
use crate::exposure::inventory::inventory_exposure;
use crate::exposure::{find_exposure, ResourceExposure};
use crate::query::{QueryOptions, Zone};
use crate::report::exposure::{exposure_json, exposure_text};
use crate::scenario::{Scenario, SetupScope};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ExposureArguments {
    /// The resource's policy (a bucket, key, queue, topic, function,
    /// secret or repository policy, or a role's trust policy).
    #[arg(required_unless_present = "inventory", requires_all = ["resource_type", "resource"])]
    pub policy: Option<PathBuf>,
    /// Instead of one policy: every resource policy and role trust policy
    /// of a collected folder; the zone defaults to the folder's accounts
    /// and organization.
    #[arg(long, conflicts_with_all = ["policy", "organization"])]
    pub inventory: Option<PathBuf>,
    /// s3-bucket, s3-object, kms-key, sqs-queue, sns-topic,
    /// lambda-function, secretsmanager-secret, ecr-repository or iam-role.
    #[arg(long)]
    pub resource_type: Option<String>,
    /// The resource's ARN (`arn:aws:s3:::bucket/*` stands for every object
    /// of the bucket).
    #[arg(long)]
    pub resource: Option<String>,
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

fn zone_of(arguments: &ExposureArguments) -> Result<Zone, String> {
    for zone_account in &arguments.zone_accounts {
        if !crate::policy::parse::is_account_id(zone_account) {
            return Err(format!(
                "--zone-account {zone_account}: not a 12-digit account id"
            ));
        }
    }
    Ok(Zone {
        accounts: arguments.zone_accounts.clone(),
        organization_id: arguments.zone_org.clone(),
    })
}

/// The zone with the organization's accounts when it names the
/// organization, and `more` accounts; sorted.
fn completed_zone(
    mut zone: Zone,
    organization: Option<&crate::org::Organization>,
    more: impl IntoIterator<Item = String>,
) -> Zone {
    if let (Some(id), Some(organization)) = (&zone.organization_id, organization) {
        if *id == organization.id {
            zone.accounts
                .extend(organization.accounts().map(|node| node.id.clone()));
        }
    }
    zone.accounts.extend(more);
    zone.accounts.sort();
    zone.accounts.dedup();
    zone
}

fn render(
    exposures: &[ResourceExposure],
    zone: &Zone,
    format: OutputFormat,
    out: &mut dyn Write,
) -> u8 {
    let rendered = match format {
        OutputFormat::Text => exposure_text(exposures, zone),
        OutputFormat::Json => {
            serde_json::to_string_pretty(&exposure_json(exposures)).unwrap_or_default()
        }
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    if exposures
        .iter()
        .any(|exposure| exposure.incomplete.is_some())
    {
        exit::INCONCLUSIVE
    } else if exposures
        .iter()
        .all(|exposure| exposure.findings.is_empty())
    {
        exit::HOLDS
    } else {
        exit::VIOLATED
    }
}

pub fn run(arguments: &ExposureArguments, out: &mut dyn Write) -> u8 {
    let zone = match zone_of(arguments) {
        Ok(zone) => zone,
        Err(message) => return bad_input(&message),
    };
    if let Some(folder) = &arguments.inventory {
        let inventory = match crate::ingest::read_inventory(folder) {
            Ok(inventory) => inventory,
            Err(error) => return bad_input(&error),
        };
        // Without a zone: the collected accounts and their organization.
        let zone = if zone.accounts.is_empty() && zone.organization_id.is_none() {
            Zone {
                accounts: Vec::new(),
                organization_id: inventory
                    .organization
                    .as_ref()
                    .map(|organization| organization.id.clone()),
            }
        } else {
            zone
        };
        let zone = completed_zone(
            zone,
            inventory.organization.as_ref(),
            inventory.accounts.keys().cloned(),
        );
        let exposures = match inventory_exposure(
            &inventory,
            &zone,
            &QueryOptions::default(),
            arguments.limit,
        ) {
            Ok(exposures) => exposures,
            Err(error) => {
                eprintln!("error: {error}");
                return exit::INCONCLUSIVE;
            }
        };
        return render(&exposures, &zone, arguments.format, out);
    }
    let (Some(policy_path), Some(resource_type), Some(resource)) = (
        &arguments.policy,
        &arguments.resource_type,
        &arguments.resource,
    ) else {
        return bad_input(&"give POLICY --resource-type T --resource ARN, or --inventory FOLDER");
    };
    let (kind, policy_kind) = match super::resource_type(resource_type) {
        Ok(kinds) => kinds,
        Err(message) => return bad_input(&message),
    };
    let policy = match load_policy(policy_path, policy_kind) {
        Ok(policy) => policy,
        Err(error) => return bad_input(&error),
    };
    let account = match arguments
        .account
        .clone()
        .or_else(|| crate::scenario::setup::arn_account(resource).map(str::to_string))
    {
        Some(account) if crate::policy::parse::is_account_id(&account) => account,
        Some(account) => {
            return bad_input(&format!("--account {account}: not a 12-digit account id"))
        }
        None => {
            return bad_input(&format!(
                "{resource}: the ARN names no account; give --account"
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
    let zone = completed_zone(zone, organization.as_ref(), [account.clone()]);
    let scenario = Scenario::exposure_frame(
        &policy_path.display().to_string(),
        Arc::new(policy),
        kind,
        resource,
        &account,
        organization,
    );
    let setup = scenario.setup(&SetupScope {
        principal_account: None,
        resource_account: Some(account.clone()),
    });
    match find_exposure(
        &setup,
        &crate::exposure::ResourceScope::of_arn(resource),
        &account,
        &zone,
        &QueryOptions::default(),
        arguments.limit,
    ) {
        Ok(exposure) => render(&[exposure], &zone, arguments.format, out),
        Err(error) => {
            eprintln!("error: {error}");
            exit::INCONCLUSIVE
        }
    }
}
