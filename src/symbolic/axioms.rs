//! The well-formedness axioms of the symbolic request, as data: what each
//! says and the AWS page it comes from. The constraints themselves are built
//! in `request_model.rs`, one block per axiom id; this table is what
//! `encodings/README.md` documents and what a reader checks them against.
//!
//! Trusts nothing; it is the single place to read what a symbolic request
//! may be.

/// Identifies one axiom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AxiomId {
    PrincipalKinds,
    AccountIds,
    PrincipalArnShape,
    PrincipalArnKey,
    PrincipalAccountKey,
    PrincipalTypeKey,
    UsernameKey,
    ServicePrincipalKeys,
    ServiceSourceKeys,
    UnprefixedKeys,
    AlwaysPresentKeys,
    BoolKeys,
    ActionShape,
    ResourceShape,
    SingleValuedKeys,
    TypedKeys,
    ArnKeys,
    PrintableValues,
    DerivedKeys,
}

/// One axiom: what it says and where AWS says so.
#[derive(Debug, Clone, Copy)]
pub struct Axiom {
    pub id: AxiomId,
    pub statement: &'static str,
    pub source: &'static str,
}

const IDENTIFIERS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html";
const GLOBAL_KEYS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";
const MULTIVALUED: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html";
const OPERATORS: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html";
const ACTIONS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html";

/// Every axiom of the request model.
pub const AXIOMS: &[Axiom] = &[
    Axiom {
        id: AxiomId::PrincipalKinds,
        statement: "The principal is one of: IAM user, role session, federated user, account root, AWS service, federated provider, anonymous.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    },
    Axiom {
        id: AxiomId::AccountIds,
        statement: "IAM users, role sessions, federated users and account roots belong to a 12-digit account; services, providers and anonymous callers have no account. Every resource belongs to a 12-digit account (the principal's own for actions on `*`).",
        source: IDENTIFIERS,
    },
    Axiom {
        id: AxiomId::PrincipalArnShape,
        statement: "The principal's ARN is arn:P:iam::A:user/PATH NAME, arn:P:iam::A:role/PATH NAME (optionally written as the session arn:P:sts::A:assumed-role/NAME/SESSION), arn:P:sts::A:federated-user/NAME or arn:P:iam::A:root, with the account A of the principal; a service principal is a lower-case DNS-like name.",
        source: IDENTIFIERS,
    },
    Axiom {
        id: AxiomId::PrincipalArnKey,
        statement: "aws:PrincipalArn is present exactly for IAM principals (users, sessions, federated users, roots) and is the principal's ARN, the role's ARN for a role session.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn",
    },
    Axiom {
        id: AxiomId::PrincipalAccountKey,
        statement: "aws:PrincipalAccount is present exactly for IAM principals and is the account of the principal's ARN.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount",
    },
    Axiom {
        id: AxiomId::PrincipalTypeKey,
        statement: "aws:PrincipalType is User, AssumedRole, FederatedUser, Account or Anonymous by principal kind, absent for services.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype",
    },
    Axiom {
        id: AxiomId::UsernameKey,
        statement: "aws:username is present only for IAM users and is the user's name (the last segment of its ARN).",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-username",
    },
    Axiom {
        id: AxiomId::ServicePrincipalKeys,
        statement: "aws:PrincipalServiceName is present only for service principals and is the service's name; aws:PrincipalIsAWSService is present in every signed request (not for anonymous callers or federated providers), \"true\" exactly for service principals.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice",
    },
    Axiom {
        id: AxiomId::ServiceSourceKeys,
        statement: "aws:SourceAccount, aws:SourceArn, aws:SourceOrgID and aws:SourceOrgPaths are present only when an AWS service principal makes the request (for the resource it acts for); aws:SourceOwner, the undocumented older form of aws:SourceAccount, only for a service principal or, on a request an IAM principal makes itself, as that principal's own account (absent also allowed).",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
    },
    Axiom {
        id: AxiomId::UnprefixedKeys,
        statement: "A condition key without a prefix (`Account` rather than `aws:…` or `service:…`) is never in a request: every key AWS sets is a global aws: key or a service's key.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    },
    Axiom {
        id: AxiomId::AlwaysPresentKeys,
        statement: "aws:SecureTransport, aws:CurrentTime and aws:EpochTime are present in every request.",
        source: GLOBAL_KEYS,
    },
    Axiom {
        id: AxiomId::BoolKeys,
        statement: "A key compared with the Bool operator is Boolean: each of its values is \"true\" or \"false\".",
        source: OPERATORS,
    },
    Axiom {
        id: AxiomId::ActionShape,
        statement: "The action is service:name, both non-empty, without colons; it is compared in lower case.",
        source: ACTIONS,
    },
    Axiom {
        id: AxiomId::ResourceShape,
        statement: "The resource is an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, the first four colon-free) or `*` (actions without resource-level permissions); an ARN's non-empty account field is the resource's account.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    },
    Axiom {
        id: AxiomId::SingleValuedKeys,
        statement: "A key is multivalued only when some policy uses it with ForAllValues/ForAnyValue or it is a known multivalued global key (aws:TagKeys, aws:CalledVia, aws:PrincipalServiceNamesList); other keys carry one value.",
        source: MULTIVALUED,
    },
    Axiom {
        id: AxiomId::TypedKeys,
        statement: "A key has one type, taken from the operators used on it: numeric keys carry decimal numbers, date keys carry dates between 1970 and 9999, IP keys carry IPv4 or IPv6 addresses.",
        source: OPERATORS,
    },
    Axiom {
        id: AxiomId::ArnKeys,
        statement: "A key compared with an Arn operator carries ARNs (at least six colon-separated components).",
        source: OPERATORS,
    },
    Axiom {
        id: AxiomId::PrintableValues,
        statement: "Request strings are printable ASCII; account ids are digits; action parts and service principals are lower case. (Checked on every model and asserted only when a model breaks them.)",
        source: IDENTIFIERS,
    },
    Axiom {
        id: AxiomId::DerivedKeys,
        statement: "aws:ResourceAccount is the resource's account; aws:PrincipalOrgID and aws:PrincipalOrgPaths (aws:ResourceOrgID, aws:ResourceOrgPaths) are the organization's id and the account's path when the principal's (resource's) account is in the known organization, and never that id otherwise; aws:PrincipalTag/K (IAM principals but roots), aws:ResourceTag/K (s3:ExistingObjectTag/K on S3 objects) hold the scenario's tags; keys the scenario's request gives hold those values. The same rule as the evaluator's derivation (semantics/derived_keys.rs).",
        source: GLOBAL_KEYS,
    },
];

/// How a global key is tied to the principal or always present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyBinding {
    PrincipalArn,
    PrincipalAccount,
    PrincipalType,
    Username,
    PrincipalServiceName,
    PrincipalIsAwsService,
    /// Present in every request, value free.
    AlwaysPresent,
}

/// Global keys whose presence or value the principal decides (lower case).
pub const BOUND_KEYS: &[(&str, KeyBinding, AxiomId)] = &[
    (
        "aws:principalarn",
        KeyBinding::PrincipalArn,
        AxiomId::PrincipalArnKey,
    ),
    (
        "aws:principalaccount",
        KeyBinding::PrincipalAccount,
        AxiomId::PrincipalAccountKey,
    ),
    (
        "aws:principaltype",
        KeyBinding::PrincipalType,
        AxiomId::PrincipalTypeKey,
    ),
    ("aws:username", KeyBinding::Username, AxiomId::UsernameKey),
    (
        "aws:principalservicename",
        KeyBinding::PrincipalServiceName,
        AxiomId::ServicePrincipalKeys,
    ),
    (
        "aws:principalisawsservice",
        KeyBinding::PrincipalIsAwsService,
        AxiomId::ServicePrincipalKeys,
    ),
    (
        "aws:securetransport",
        KeyBinding::AlwaysPresent,
        AxiomId::AlwaysPresentKeys,
    ),
    (
        "aws:currenttime",
        KeyBinding::AlwaysPresent,
        AxiomId::AlwaysPresentKeys,
    ),
    (
        "aws:epochtime",
        KeyBinding::AlwaysPresent,
        AxiomId::AlwaysPresentKeys,
    ),
];

/// Global keys that carry several values (lower case).
pub const MULTIVALUED_KEYS: &[&str] = &[
    "aws:tagkeys",
    "aws:calledvia",
    "aws:principalservicenameslist",
];

/// The binding of a key, if it has one.
pub fn binding_of(key_lowercase: &str) -> Option<KeyBinding> {
    BOUND_KEYS
        .iter()
        .find(|(key, _, _)| *key == key_lowercase)
        .map(|(_, binding, _)| *binding)
}

/// The axiom with this id.
pub fn axiom(id: AxiomId) -> &'static Axiom {
    AXIOMS
        .iter()
        .find(|axiom| axiom.id == id)
        .unwrap_or(&AXIOMS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_axiom_has_a_source() {
        for axiom in AXIOMS {
            assert!(axiom.source.starts_with("https://docs.aws.amazon.com/"));
        }
        for (_, _, id) in BOUND_KEYS {
            assert_eq!(axiom(*id).id, *id);
        }
    }
}
