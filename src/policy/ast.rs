//! The policy language as typed data: documents, statements, and the
//! patterns, principals and conditions they hold.
//!
//! Trusts the parser (`parse.rs`) to have checked the grammar; everything here
//! is well-formed by construction. Patterns are compiled once at parse time so
//! that evaluation never re-reads policy text.

use super::pattern::{ActionPattern, ResourcePattern};
use super::template::Template;
use crate::policy::json::SourcePosition;

/// A parsed policy document with the name used in explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// Name used in explanations (a file name or an organization policy name).
    pub name: String,
    /// The file its statements' positions refer to.
    pub file: String,
    pub version: PolicyVersion,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// The policy language version. Only `2012-10-17` substitutes policy
/// variables; otherwise `${…}` is literal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyVersion {
    V2012_10_17,
    V2008_10_17,
    Absent,
}

impl PolicyVersion {
    pub fn substitutes_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement. `index` is its position in the document (0-based), used
/// when it has no Sid.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: ActionClause,
    /// Absent in role trust policies.
    pub resources: Option<ResourceClause>,
    /// Present only in resource-based policies.
    pub principals: Option<PrincipalClause>,
    pub conditions: Vec<Condition>,
    pub position: SourcePosition,
}

impl PolicyDocument {
    /// The document's content, independent of its name and of where it was
    /// written: two documents with equal fingerprints decide every request
    /// alike (statement order and Sids are kept, so equal fingerprints are
    /// sufficient, not necessary, for equal meaning).
    pub fn content_fingerprint(&self) -> String {
        let statements: Vec<Statement> = self
            .statements
            .iter()
            .map(|statement| {
                let mut statement = statement.clone();
                statement.position = SourcePosition::default();
                for condition in &mut statement.conditions {
                    condition.position = SourcePosition::default();
                }
                statement
            })
            .collect();
        format!("{:?}{statements:?}", self.version)
    }
}

impl Statement {
    /// `Sid` when present, otherwise `#index`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("#{}", self.index),
        }
    }
}

/// `Action` (negated = false) or `NotAction` (negated = true).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionClause {
    pub negated: bool,
    pub patterns: Vec<ActionPattern>,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceClause {
    pub negated: bool,
    pub patterns: Vec<ResourcePattern>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalClause {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
}

/// One principal named in a resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`: every principal, anonymous included.
    Everyone,
    /// A 12-digit account id or `arn:PARTITION:iam::ACCOUNT:root`: delegates to
    /// that account's IAM policies.
    Account(String),
    /// `arn:…:iam::ACCOUNT:user/…`
    IamUser { account: String, arn: String },
    /// `arn:…:iam::ACCOUNT:role/…`: every session of the role.
    Role { account: String, arn: String },
    /// `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION`: one session.
    RoleSession { account: String, arn: String },
    /// `arn:…:sts::ACCOUNT:federated-user/NAME`
    FederatedUser { account: String, arn: String },
    /// The unique ID AWS shows for a deleted principal (`AIDA…`, `AROA…`):
    /// compared as text with the principal ARN, so it matches no request.
    /// Other shapes are refused by the parser.
    OtherAws(String),
    /// `{"Service": "s3.amazonaws.com"}` (compared case-insensitively).
    Service(String),
    /// `{"Federated": "cognito-identity.amazonaws.com"}` or a SAML/OIDC
    /// provider ARN.
    Federated(String),
    /// `{"CanonicalUser": "…"}`: S3 canonical ids, which no request model
    /// here carries; never matches (documented limitation).
    CanonicalUser(String),
}

/// One entry of a `Condition` block: `operator: { key: [values] }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: ConditionOperator,
    /// The key as written.
    pub key: String,
    /// The key in lower case: condition key names are case-insensitive.
    pub key_lowercase: String,
    pub values: Vec<ConditionValue>,
    pub position: SourcePosition,
}

/// A condition value as written, with its policy variables resolved into a
/// template (only under Version 2012-10-17).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionValue {
    pub text: String,
    pub template: Template,
}

/// `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    pub set_qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// How one value of a key is compared with one policy value: the primitive
/// comparison an interpretation must provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Ordering),
    Date(Ordering),
    Bool,
    BinaryEquals,
    IpInRange,
    /// ArnEquals and ArnLike behave alike: both accept wildcards and compare
    /// the six ARN components one by one.
    ArnLike,
}

/// The order relation of a numeric or date comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ordering {
    Equal,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}

impl BaseOperator {
    pub const ALL: [BaseOperator; 27] = [
        BaseOperator::StringEquals,
        BaseOperator::StringNotEquals,
        BaseOperator::StringEqualsIgnoreCase,
        BaseOperator::StringNotEqualsIgnoreCase,
        BaseOperator::StringLike,
        BaseOperator::StringNotLike,
        BaseOperator::NumericEquals,
        BaseOperator::NumericNotEquals,
        BaseOperator::NumericLessThan,
        BaseOperator::NumericLessThanEquals,
        BaseOperator::NumericGreaterThan,
        BaseOperator::NumericGreaterThanEquals,
        BaseOperator::DateEquals,
        BaseOperator::DateNotEquals,
        BaseOperator::DateLessThan,
        BaseOperator::DateLessThanEquals,
        BaseOperator::DateGreaterThan,
        BaseOperator::DateGreaterThanEquals,
        BaseOperator::Bool,
        BaseOperator::BinaryEquals,
        BaseOperator::IpAddress,
        BaseOperator::NotIpAddress,
        BaseOperator::ArnEquals,
        BaseOperator::ArnLike,
        BaseOperator::ArnNotEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BaseOperator::StringEquals => "StringEquals",
            BaseOperator::StringNotEquals => "StringNotEquals",
            BaseOperator::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOperator::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOperator::StringLike => "StringLike",
            BaseOperator::StringNotLike => "StringNotLike",
            BaseOperator::NumericEquals => "NumericEquals",
            BaseOperator::NumericNotEquals => "NumericNotEquals",
            BaseOperator::NumericLessThan => "NumericLessThan",
            BaseOperator::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOperator::NumericGreaterThan => "NumericGreaterThan",
            BaseOperator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOperator::DateEquals => "DateEquals",
            BaseOperator::DateNotEquals => "DateNotEquals",
            BaseOperator::DateLessThan => "DateLessThan",
            BaseOperator::DateLessThanEquals => "DateLessThanEquals",
            BaseOperator::DateGreaterThan => "DateGreaterThan",
            BaseOperator::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOperator::Bool => "Bool",
            BaseOperator::BinaryEquals => "BinaryEquals",
            BaseOperator::IpAddress => "IpAddress",
            BaseOperator::NotIpAddress => "NotIpAddress",
            BaseOperator::ArnEquals => "ArnEquals",
            BaseOperator::ArnLike => "ArnLike",
            BaseOperator::ArnNotEquals => "ArnNotEquals",
            BaseOperator::ArnNotLike => "ArnNotLike",
            BaseOperator::Null => "Null",
        }
    }

    /// The primitive comparison and whether the operator negates it. `Null`
    /// has no comparison: it tests presence.
    pub fn comparison(self) -> Option<(Comparison, bool)> {
        use BaseOperator as B;
        use Ordering as O;
        Some(match self {
            B::StringEquals => (Comparison::StringEquals, false),
            B::StringNotEquals => (Comparison::StringEquals, true),
            B::StringEqualsIgnoreCase => (Comparison::StringEqualsIgnoreCase, false),
            B::StringNotEqualsIgnoreCase => (Comparison::StringEqualsIgnoreCase, true),
            B::StringLike => (Comparison::StringLike, false),
            B::StringNotLike => (Comparison::StringLike, true),
            B::NumericEquals => (Comparison::Numeric(O::Equal), false),
            B::NumericNotEquals => (Comparison::Numeric(O::Equal), true),
            B::NumericLessThan => (Comparison::Numeric(O::LessThan), false),
            B::NumericLessThanEquals => (Comparison::Numeric(O::LessThanOrEqual), false),
            B::NumericGreaterThan => (Comparison::Numeric(O::GreaterThan), false),
            B::NumericGreaterThanEquals => (Comparison::Numeric(O::GreaterThanOrEqual), false),
            B::DateEquals => (Comparison::Date(O::Equal), false),
            B::DateNotEquals => (Comparison::Date(O::Equal), true),
            B::DateLessThan => (Comparison::Date(O::LessThan), false),
            B::DateLessThanEquals => (Comparison::Date(O::LessThanOrEqual), false),
            B::DateGreaterThan => (Comparison::Date(O::GreaterThan), false),
            B::DateGreaterThanEquals => (Comparison::Date(O::GreaterThanOrEqual), false),
            B::Bool => (Comparison::Bool, false),
            B::BinaryEquals => (Comparison::BinaryEquals, false),
            B::IpAddress => (Comparison::IpInRange, false),
            B::NotIpAddress => (Comparison::IpInRange, true),
            B::ArnEquals | B::ArnLike => (Comparison::ArnLike, false),
            B::ArnNotEquals | B::ArnNotLike => (Comparison::ArnLike, true),
            B::Null => return None,
        })
    }

    /// Whether policy variables are substituted in this operator's values
    /// (string and ARN operators only).
    pub fn accepts_policy_variables(self) -> bool {
        matches!(
            self.comparison(),
            Some((
                Comparison::StringEquals
                    | Comparison::StringEqualsIgnoreCase
                    | Comparison::StringLike
                    | Comparison::ArnLike,
                _
            ))
        )
    }
}

impl ConditionOperator {
    /// The operator as written in a policy.
    pub fn name(&self) -> String {
        let prefix = match self.set_qualifier {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{prefix}{}{suffix}", self.base.name())
    }

    /// The operator a name spells in another case (`ForAnyValue:Stringlike`
    /// for `ForAnyValue:StringLike`), for the hint of the error that
    /// refuses it.
    pub fn spelled_in_another_case(name: &str) -> Option<ConditionOperator> {
        let lower = name.to_ascii_lowercase();
        let (set_qualifier, rest) = if let Some(rest) = lower.strip_prefix("forallvalues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = lower.strip_prefix("foranyvalue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, lower.as_str())
        };
        let (if_exists, base_name) = match rest.strip_suffix("ifexists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let base = BaseOperator::ALL
            .into_iter()
            .find(|operator| operator.name().eq_ignore_ascii_case(base_name))?;
        let operator = ConditionOperator {
            set_qualifier,
            base,
            if_exists,
        };
        ConditionOperator::parse(&operator.name()).map(|_| operator)
    }

    /// Parses an operator name (case-sensitive, as AWS does).
    pub fn parse(name: &str) -> Option<ConditionOperator> {
        let (set_qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let base = BaseOperator::ALL
            .into_iter()
            .find(|operator| operator.name() == base_name)?;
        if base == BaseOperator::Null && (if_exists || set_qualifier.is_some()) {
            return None;
        }
        Some(ConditionOperator {
            set_qualifier,
            base,
            if_exists,
        })
    }
}
