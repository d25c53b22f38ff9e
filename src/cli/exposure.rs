//! `iamz exposure POLICY --resource-type T --resource ARN [--account ID]
//! --zone-account ID… | --zone-org o-…`: who outside the zone of trust can
//! reach the resource, as findings that cover every such request. Exit 0
//! no finding, 1 findings, 2 bad input, 3 incomplete (a limit or the
//! solver stopped the enumeration).

use super::{bad_input, exit, load_policy};
use crate::exposure::inventory::inventory_exposure;
use crate::exposure::reach::{find_reach, Reach};
use crate::exposure::{find_exposure, ResourceExposure};
use crate::query::{QueryOptions, Zone};
use crate::report::exposure::{exposure_json, exposure_markdown, exposure_sarif, exposure_text};
use crate::report::reach::{path_json, reach_dot, reach_json, reach_text};
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
    /// With `--inventory`: also follow chains of role assumptions from
    /// outside the zone to the inventory's resources.
    #[arg(long, requires = "inventory")]
    pub reach: bool,
    /// With `--reach`: at most this many candidate steps decided by the
    /// solver (those plain requests do not settle); beyond it the answer
    /// says incomplete.
    #[arg(long, default_value_t = 20_000, requires = "reach")]
    pub reach_solver_limit: usize,
    /// text, json, sarif (one result per finding, at its statement),
    /// markdown, or (with `--reach`) dot: the chains as a Graphviz graph.
    #[arg(long, value_enum, default_value_t)]
    pub format: ExposureFormat,
    #[command(flatten)]
    pub stack: super::StackArguments,
}

/// Output formats of `iamz exposure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ExposureFormat {
    #[default]
    Text,
    Json,
    /// The reach chains as a Graphviz digraph (with `--reach`).
    Dot,
    /// SARIF 2.1.0: one result per finding at its granting statement.
    Sarif,
    /// A Markdown summary for a review comment.
    Markdown,
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
    reach: Option<&Reach>,
    zone: &Zone,
    format: ExposureFormat,
    out: &mut dyn Write,
) -> u8 {
    let rendered = match format {
        ExposureFormat::Text => {
            let mut text = exposure_text(exposures, zone);
            if let Some(reach) = reach {
                text.push('\n');
                text.push_str(&reach_text(reach));
            }
            text
        }
        ExposureFormat::Json => {
            let mut value = exposure_json(exposures);
            if let Some(reach) = reach {
                // Each chain is also a finding of its resource, with its path.
                if let Some(resources) = value["resources"].as_array_mut() {
                    for path in &reach.paths {
                        let entry = resources
                            .iter_mut()
                            .find(|entry| entry["resource"] == path.resource.as_str());
                        match entry {
                            Some(entry) => {
                                if let Some(findings) = entry["findings"].as_array_mut() {
                                    findings.push(path_json(path));
                                }
                            }
                            None => resources.push(serde_json::json!({
                                "resource": path.resource,
                                "complete": reach.is_complete(),
                                "findings": [path_json(path)],
                            })),
                        }
                    }
                }
                if !reach.paths.is_empty() && value["verdict"] == "contained" {
                    value["verdict"] = "exposed".into();
                }
                if !reach.is_complete() {
                    value["verdict"] = "inconclusive".into();
                    value["complete"] = false.into();
                }
                value["reach"] = reach_json(reach);
            }
            serde_json::to_string_pretty(&value).unwrap_or_default()
        }
        ExposureFormat::Dot => reach.map(reach_dot).unwrap_or_default(),
        ExposureFormat::Sarif => {
            serde_json::to_string_pretty(&exposure_sarif(exposures)).unwrap_or_default()
        }
        ExposureFormat::Markdown => exposure_markdown(exposures),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    let incomplete = exposures
        .iter()
        .any(|exposure| exposure.incomplete.is_some())
        || reach.is_some_and(|reach| !reach.is_complete());
    let found = exposures
        .iter()
        .any(|exposure| !exposure.findings.is_empty())
        || reach.is_some_and(|reach| !reach.paths.is_empty());
    if incomplete {
        exit::INCONCLUSIVE
    } else if found {
        exit::VIOLATED
    } else {
        exit::HOLDS
    }
}

pub fn run(arguments: &ExposureArguments, out: &mut dyn Write) -> u8 {
    if arguments.format == ExposureFormat::Dot && !arguments.reach {
        return bad_input(&"--format dot draws the chains of --reach");
    }
    let zone = match zone_of(arguments) {
        Ok(zone) => zone,
        Err(message) => return bad_input(&message),
    };
    if let Some(folder) = &arguments.inventory {
        let facts = match arguments.stack.facts() {
            Ok(facts) => facts,
            Err(error) => return bad_input(&error),
        };
        let inventory = match crate::ingest::read_inventory(folder, &facts) {
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
        let progress = crate::exposure::progress::Progress::to_standard_error();
        let exposures = match inventory_exposure(
            &inventory,
            &zone,
            &QueryOptions::default(),
            arguments.limit,
            &progress,
        ) {
            Ok(exposures) => exposures,
            Err(error) => {
                eprintln!("error: {error}");
                return exit::INCONCLUSIVE;
            }
        };
        let reach = if arguments.reach {
            match find_reach(
                &inventory,
                &exposures,
                &QueryOptions::default(),
                arguments.reach_solver_limit,
                &progress,
            ) {
                Ok(reach) => Some(reach),
                Err(error) => {
                    eprintln!("error: {error}");
                    return exit::INCONCLUSIVE;
                }
            }
        } else {
            None
        };
        return render(&exposures, reach.as_ref(), &zone, arguments.format, out);
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
        Ok(exposure) => render(&[exposure], None, &zone, arguments.format, out),
        Err(error) => {
            eprintln!("error: {error}");
            exit::INCONCLUSIVE
        }
    }
}
