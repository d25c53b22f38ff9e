//! The kinds of policy AWS attaches, which decide which elements a document
//! may hold and which layer of the decision it joins.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Attached to a user, group or role.
    Identity,
    /// Attached to a resource (bucket, queue, key, …); names principals.
    Resource,
    /// Service control policy of AWS Organizations.
    Scp,
    /// Resource control policy of AWS Organizations.
    Rcp,
    /// Permissions boundary of a user or role.
    Boundary,
    /// Session policy passed when a session is created.
    Session,
    /// VPC endpoint policy.
    Endpoint,
    /// IAM role trust policy (a resource policy without Resource).
    Trust,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 8] = [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Boundary,
        PolicyKind::Session,
        PolicyKind::Endpoint,
        PolicyKind::Trust,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Endpoint => "endpoint",
            PolicyKind::Trust => "trust",
        }
    }

    /// Whether statements of this kind name principals.
    pub fn names_principals(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::Rcp | PolicyKind::Endpoint | PolicyKind::Trust
        )
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

impl FromStr for PolicyKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        PolicyKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| {
                format!(
                    "unknown policy type `{text}` (expected one of: identity, resource, scp, rcp, boundary, session, endpoint, trust)"
                )
            })
    }
}
