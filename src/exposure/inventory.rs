//! Exposure of every resource of an inventory: each resource with a policy
//! (bucket, key, queue, topic, function, secret, repository) and each role's
//! trust policy becomes its exposure frame (`Scenario::exposure_frame`,
//! with the organization's RCPs), and is searched on its own thread. An S3
//! bucket is searched twice: the bucket itself, and its objects
//! (`arn:…:s3:::bucket/*`), since one bucket policy speaks for both.

use super::{find_exposure, ResourceExposure};
use crate::inventory::Inventory;
use crate::policy::PolicyDocument;
use crate::query::{QueryError, QueryOptions, Zone};
use crate::scenario::{ResourceKind, Scenario, SetupScope};
use rayon::prelude::*;
use std::sync::Arc;

/// One thing to search: a resource (or a bucket's objects), its kind, its
/// account and its policy.
struct Target {
    resource: String,
    kind: ResourceKind,
    account: String,
    policy: Arc<PolicyDocument>,
    block_public_access: Option<crate::inventory::BlockPublicAccess>,
}

fn targets(inventory: &Inventory) -> Vec<Target> {
    let mut targets = Vec::new();
    for resource in inventory.resources() {
        let Some(policy) = &resource.policy else {
            continue;
        };
        let kind = ResourceKind::parse(resource.resource_type.name()).unwrap_or_default();
        let block_public_access = inventory.block_public_access_of(resource);
        targets.push(Target {
            resource: resource.arn.clone(),
            kind,
            account: resource.account.clone(),
            policy: policy.document.clone(),
            block_public_access,
        });
        if resource.resource_type == crate::inventory::resources::ResourceType::S3Bucket {
            targets.push(Target {
                resource: format!("{}/*", resource.arn),
                kind,
                account: resource.account.clone(),
                policy: policy.document.clone(),
                block_public_access,
            });
        }
    }
    for (account_id, account) in &inventory.accounts {
        for role in account.roles.values() {
            if let Some(trust) = &role.trust_policy {
                targets.push(Target {
                    resource: role.arn.clone(),
                    kind: ResourceKind::IamRole,
                    account: account_id.clone(),
                    policy: trust.document.clone(),
                    block_public_access: None,
                });
            }
        }
    }
    targets.sort_by(|left, right| left.resource.cmp(&right.resource));
    targets
}

/// Every resource's exposure, in ARN order.
pub fn inventory_exposure(
    inventory: &Inventory,
    zone: &Zone,
    options: &QueryOptions,
    limit: usize,
    progress: &super::progress::Progress,
) -> Result<Vec<ResourceExposure>, QueryError> {
    let targets = targets(inventory);
    targets
        .par_iter()
        .map(|target| {
            let mut scenario = Scenario::exposure_frame(
                &inventory.source,
                target.policy.clone(),
                target.kind,
                &target.resource,
                &target.account,
                inventory.organization.clone(),
            );
            scenario.block_public_access = target.block_public_access;
            let setup = scenario.setup(&SetupScope {
                principal_account: None,
                resource_account: Some(target.account.clone()),
            });
            let exposure = find_exposure(
                &setup,
                &super::ResourceScope::of_arn(&target.resource),
                &target.account,
                zone,
                options,
                limit,
            );
            progress.step("exposure: policies searched", targets.len());
            exposure
        })
        .collect()
}
