//! Who asks for what, and which policies apply in which layer: the scenario
//! file, its requests, and their resolution into the layers and facts of the
//! shared semantics. The file format is documented in `docs/formats.md`.

pub mod load;
pub mod policy_reference;
pub mod request_line;
pub mod resolve;
pub mod setup;

pub use load::{RequestSpec, Scenario};
pub use resolve::{ResolvedRequest, ScenarioError};
pub use setup::{services_supporting_rcps, OrganizationChains, SetupScope};

/// What kind of resource the request targets, where it changes the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResourceKind {
    /// Any resource whose resource policy (if any) grants in one account.
    #[default]
    Generic,
    /// A KMS key: its key policy must allow even in one account.
    KmsKey,
    /// An IAM role as the target of `sts:AssumeRole*`: its trust policy must
    /// allow even in one account.
    IamRole,
}

impl ResourceKind {
    /// The kinds a scenario may name: `kms-key` and `iam-role` change the
    /// rules; the others (or `generic`) do not.
    pub const NAMES: &'static [&'static str] = &[
        "generic",
        "kms-key",
        "iam-role",
        "s3-bucket",
        "s3-object",
        "sqs-queue",
        "sns-topic",
        "secretsmanager-secret",
        "lambda-function",
        "ecr-repository",
    ];

    pub fn parse(text: &str) -> Option<ResourceKind> {
        match text {
            "kms-key" => Some(ResourceKind::KmsKey),
            "iam-role" => Some(ResourceKind::IamRole),
            _ if ResourceKind::NAMES.contains(&text) => Some(ResourceKind::Generic),
            _ => None,
        }
    }

    pub fn resource_policy_required(self) -> bool {
        self != ResourceKind::Generic
    }
}
