//! `iamz validate` on the shared corpus: every policy validates without an
//! error-level finding, except the few listed below with the reason each
//! really has one. The files that do not parse at all are left out by name
//! (tests/corpus.rs checks their parse errors).

mod files;

use iamz::policy::PolicyKind;
use iamz::validate::{validate_policy, Finding, Severity, ValidateOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// Files that do not parse: one is not JSON, two are templates with
/// placeholders IAM rejects, one writes `ForAnyValue:Stringlike`.
const UNPARSABLE: &[&str] = &[
    "Service-specific-controls_AWS-IAM_deny-service-specific-credential-by-type.json",
    "service_control_policies_resource_perimeter_scp.json",
    "vpc_endpoint_policies_s3_endpoint_policy.json",
    "Service-specific-controls_STS-protect-IAMRA-session-tags.json",
];

/// AWS managed policies are not held to the 6,144-character limit of
/// customer managed policies (ReadOnlyAccess is over 90,000), so their size
/// is not an error.
const MANAGED_POLICIES_ARE_NOT_SIZE_LIMITED: &str = "aws-managed-policies";

const RETIRED_OR_NEWER: &str = "names a service or action the catalog does not list: retired (DeepRacer, Mobile Hub, IoT 1-Click, CloudHSM Classic, …) or newer than the catalog";
const TYPO: &str = "names an action that does not exist (s3:ListBuckets, s3:ListObjects, s3:ListObjectsV2, ssm:RemoveTagsToResource): the entry grants nothing";
const UNDOCUMENTED_KEY: &str = "uses a condition key the AWS documentation does not list (aws:PrincipalOrgMasterAccountId, lakeformation:GlueARN)";
const EMPTY_ARN_RESOURCE: &str =
    "Resource `arn:aws:organizations::*:` has an empty resource part and matches no ARN";
const LONG_RCP_SAMPLE: &str =
    "a sample of 20 statements, over the 5,120-character RCP limit even without white space";
const BROKEN_RCP_STATEMENT: &str = "statement EnforceTrustedOIDCTenantGoogle is an Allow in an RCP, has no Resource, and tests the key `accounts.google.com`, which does not exist";

const PLACEHOLDER_VARIABLE: &str = "a template: `${Account}` stands where the account id (or `${aws:PrincipalAccount}`) must be; no request has a key `Account`";
const PLACEHOLDER_VALUE: &str = "a template: a placeholder (`<my-corporate-cidr>`, `[MAX_SIGNATURE_AGE_IN_MILLISECONDS]`) stands where an address or a number must be";

/// Files with a real error-level finding: (file, code, reason).
const KNOWN_ERRORS: &[(&str, &str, &str)] = &[
    ("Deny-changes-to-security-services_Deny-deletion-or-disassociation-or-updation-to-AWS-SecurityHub.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Deny-changes-to-security-services_Deny-enabling-and-disabling-AWS-Config.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Deny-changes-to-security-services_Deny-modifications-to-specific-CloudTrail-trails.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Deny-changes-to-security-services_Deny-users-from-disabling-Amazon-GuardDuty-or-modifying-its-configuration.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Deny-changes-to-security-services_Deny-users-from-disabling-or-altering-CloudWatch.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Deny-changes-to-security-services_Protect-disabling-or-deleting-Amazon-Macie.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Establish-intra-organization-boundaries_Deny-resource-access-if-the-resource-belongs-to-a-specific-organizational-unit.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Deny-AWS-CLI-login-using-console-credentials.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Deny-Amazon-Virtual-Private-Network-connection-creation-modification-deletion.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Deny-billing-modification-action.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Deny-modifications-to-specific-IAM-roles.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Deny-unwarranted-IAM-federations-creation-modification.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Privileged-access-controls_Prevent-creating-or-expanding-public-connectivity-for-VPCs.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-CloudHSM-deletion.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-KMS-key-deletion.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-deletion-of-specific-CloudWatch-Log-groups-and-streams.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-disabling-default-EBS-encryption.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-modifications-to-specific-AWS-CloudFormation-resources.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-modifications-to-specific-Amazon-Lambda-functions.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-modifications-to-specific-SNS-topics.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-unwanted-cancellation-or-changes-to-AWS-Marketplace-product-subscription.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Restrict-deletion-and-modification-of-privileged-policies.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Region-controls_Deny-access-to-AWS-based-on-the-requested-AWS-region-with-Bedrock-CRIS.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Region-controls_Deny-access-to-AWS-based-on-the-requested-AWS-region.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Region-controls_Deny-account-region-enable-and-disable-actions.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Sensitive-data-protection_Deny-modification-to-SSM-service-settings.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Service-specific-controls_Cognito-Deny-deletion-and-only-allow-specific-roles.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Service-specific-controls_KMS-Deny-the-accidental-or-intentional-deletion-of-a-KMS-key-and-only-allow-specific-roles-to-delete-KMS-keys.json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Service-specific-controls_S3-Deny-users-from-modifying-S3-Block-Public-Access-(Account-Level).json", "unknown-variable-key", PLACEHOLDER_VARIABLE),
    ("Protect-cloud-platform-resource_Deny-use-of-IAM-user-credentials-from-unexpected-networks.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("Service-specific-controls_S3-Prevent-long-term-presigned-url.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("resource_control_policies_network_perimeter_sourcevpc_rcp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("resource_control_policies_network_perimeter_vpceorgid_rcp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("resource_control_policies_service_specific_controls_api_gateway_policy.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("resource_control_policies_service_specific_controls_sns_topic_policy.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_network_perimeter_sourcevpc_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_network_perimeter_vpceorgid_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_service_specific_controls_network_perimeter_ec2_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_service_specific_controls_network_perimeter_glue_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_service_specific_controls_network_perimeter_iam_users_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),
    ("service_control_policies_service_specific_controls_network_perimeter_lambda_scp.json", "condition-value-malformed", PLACEHOLDER_VALUE),

    ("AWSCodeStarFullAccess.json", "unknown-action", RETIRED_OR_NEWER),
    ("AWSDeepLensLambdaFunctionAccessPolicy.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSDeepLensServiceRolePolicy.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSDeepRacerAccountAdminAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSDeepRacerDefaultMultiUserAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSDeepRacerServiceRolePolicy.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSIAMIdentityCenterAllowListForIdentityContext.json", "unknown-action", RETIRED_OR_NEWER),
    ("AWSIoT1ClickFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSIoT1ClickReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSIotRoboRunnerFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSIotRoboRunnerReadOnly.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSManagedSettingsAdminAccess.json", "unknown-action", RETIRED_OR_NEWER),
    ("AWSManagedSettingsAdminAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSMobileHub_FullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSMobileHub_ReadOnly.json", "unknown-service", RETIRED_OR_NEWER),
    ("AWSSSOServiceRolePolicy.json", "unknown-condition-key", UNDOCUMENTED_KEY),
    ("AWSSupplyChainFederationAdminAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonApplicationWizardFullaccess.json", "unknown-action", TYPO),
    ("AmazonApplicationWizardFullaccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonDataZoneGlueManageAccessRolePolicy.json", "unknown-condition-key", UNDOCUMENTED_KEY),
    ("AmazonDataZonePortalFullAccessPolicy.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonDataZonePreviewConsoleFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonDevOpsGuruOrganizationsAccess.json", "arn-malformed", EMPTY_ARN_RESOURCE),
    ("AmazonEC2ReportsAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonLaunchWizardFullaccess.json", "unknown-action", TYPO),
    ("AmazonMechanicalTurkCrowdFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonMechanicalTurkCrowdReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonRoute53RecoveryControlConfigReadOnlyAccess.json", "unknown-action", RETIRED_OR_NEWER),
    ("AmazonSageMakerFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonSumerianFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonZocaloFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("AmazonZocaloReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("GroundTruthSyntheticConsoleFullAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("GroundTruthSyntheticConsoleReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("Limit-access-to-trusted-OIDC-identity-providers_Shared-Issuers.json", "policy-too-large", LONG_RCP_SAMPLE),
    ("Limit-access-to-trusted-OIDC-identity-providers_Shared-Issuers.json", "rcp-allow", BROKEN_RCP_STATEMENT),
    ("Limit-access-to-trusted-OIDC-identity-providers_Shared-Issuers.json", "resource-missing", BROKEN_RCP_STATEMENT),
    ("Limit-access-to-trusted-OIDC-identity-providers_Shared-Issuers.json", "unknown-condition-key", BROKEN_RCP_STATEMENT),
    ("MemoryDBServiceRolePolicy.json", "unknown-action", RETIRED_OR_NEWER),
    ("Protect-cloud-platform-resource_Deny-unwanted-cancellation-or-changes-to-AWS-Marketplace-product-subscription.json", "unknown-action", RETIRED_OR_NEWER),
    ("RDSCloudHsmAuthorizationRole.json", "unknown-action", RETIRED_OR_NEWER),
    ("ReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("ResourceGroupsTaggingAPITagUntagSupportedResources.json", "unknown-service", RETIRED_OR_NEWER),
    ("SecurityAgentWebAppAPIPolicy.json", "unknown-action", RETIRED_OR_NEWER),
    ("SecurityAudit.json", "unknown-service", RETIRED_OR_NEWER),
    ("ServiceCatalogAdminReadOnlyAccess.json", "unknown-action", RETIRED_OR_NEWER),
    ("ServiceCatalogAdminReadOnlyAccess.json", "unknown-service", RETIRED_OR_NEWER),
    ("ServiceCatalogEndUserAccess.json", "unknown-service", RETIRED_OR_NEWER),
];

fn json_files(folder: &str) -> Vec<PathBuf> {
    files::json_files_in(&Path::new(CORPUS).join(folder))
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().to_string()
}

fn data_perimeter_kind(name: &str) -> PolicyKind {
    if name.starts_with("service_control_policies_") {
        PolicyKind::Scp
    } else if name.starts_with("resource_control_policies_") {
        PolicyKind::Rcp
    } else {
        PolicyKind::Endpoint
    }
}

/// (file name, policy text, kind) for every parsable corpus policy; managed
/// policies are taken out of their `{name, arn, version, document}` wrapper.
fn corpus() -> Vec<(String, String, PolicyKind)> {
    let mut policies = Vec::new();
    for path in json_files("aws-managed-policies") {
        let wrapper: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let text = serde_json::to_string_pretty(&wrapper["document"]).unwrap();
        policies.push((file_name(&path), text, PolicyKind::Identity));
    }
    for (folder, kind_of) in [
        (
            "scp-examples",
            (|_: &str| PolicyKind::Scp) as fn(&str) -> PolicyKind,
        ),
        ("rcp-examples", |_: &str| PolicyKind::Rcp),
        ("data-perimeter-examples", data_perimeter_kind),
    ] {
        for path in json_files(folder) {
            let name = file_name(&path);
            if UNPARSABLE.contains(&name.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            policies.push((name.clone(), text, kind_of(&name)));
        }
    }
    policies
}

fn validate_all() -> Vec<(String, PolicyKind, Vec<Finding>)> {
    corpus()
        .into_iter()
        .map(|(name, text, kind)| {
            let findings = validate_policy(&text, &name, &ValidateOptions::new(kind))
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            (name, kind, findings)
        })
        .collect()
}

#[test]
fn the_corpus_has_no_unexpected_errors() {
    let results = validate_all();
    assert_eq!(results.len(), 1641 + 56 + 22 + 27);
    let managed: std::collections::HashSet<String> =
        json_files(MANAGED_POLICIES_ARE_NOT_SIZE_LIMITED)
            .iter()
            .map(|path| file_name(path))
            .collect();
    let mut used = vec![false; KNOWN_ERRORS.len()];
    let mut unexpected = Vec::new();
    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for (name, kind, findings) in &results {
        for finding in findings {
            *counts
                .entry((finding.code, finding.severity.to_string()))
                .or_default() += 1;
            if finding.severity != Severity::Error {
                continue;
            }
            let known = KNOWN_ERRORS
                .iter()
                .position(|(file, code, _)| file == name && *code == finding.code);
            if let Some(entry) = known {
                used[entry] = true;
                continue;
            }
            let managed_size =
                finding.code == "policy-too-large" && managed.contains(name.as_str());
            if !managed_size {
                unexpected.push(format!(
                    "{name} ({kind}): {} {}: {}",
                    finding.code, finding.location, finding.message
                ));
            }
        }
    }
    for ((code, severity), count) in &counts {
        println!("{code} ({severity}): {count}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected errors:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let stale: Vec<_> = KNOWN_ERRORS
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(entry, _)| entry)
        .collect();
    assert!(
        stale.is_empty(),
        "allow-list entries no longer needed: {stale:?}"
    );
}
