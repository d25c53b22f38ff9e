//! Context keys AWS derives from the request itself, and the facts they are
//! derived from. The facts ([`DerivedKeyFacts`]: the organization's accounts
//! and paths, the principal's and the resource's tags) are data shared by
//! two readers: [`DerivedKeyFacts::derive`] fills the keys into a concrete
//! request (`iamz eval`, and the replay of every counterexample), and the
//! symbolic request model binds the same keys to the same facts
//! (`symbolic/request_model.rs`), so a printed counterexample, completed by
//! `eval`, is the request the solver reasoned about. A property test checks
//! the two readers agree.
//!
//! A value given in the request context wins over a derived one (with a
//! warning when they differ), so a scenario may state what it cannot know.
//!
//! Source: "AWS global condition context keys"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
//! `aws:PrincipalArn` is the role ARN for a role session; `aws:username`
//! exists for IAM users only; `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`
//! only when the principal's account is in an organization (management
//! account included); `aws:ResourceOrgID`/`aws:ResourceOrgPaths` likewise
//! for the resource's account; anonymous callers and federated providers
//! sign no request, so carry no principal keys at all (not even
//! `aws:PrincipalIsAWSService`); `aws:SecureTransport` and `aws:CurrentTime`
//! are always present. S3 objects expose their tags as
//! `s3:ExistingObjectTag/<key>`, not `aws:ResourceTag`
//! (https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html).

use crate::request::{ConcreteRequest, PrincipalKind};
use indexmap::IndexMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Context keys as a request gives them: name, values, given as a list.
pub type GivenContext = Vec<(String, Vec<String>, bool)>;

/// A derived key: its name as AWS spells it and in lower case (how a
/// context is indexed; fixed names carry both, so deriving allocates
/// neither), its values, and whether it is multivalued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedKey {
    pub name: Cow<'static, str>,
    pub name_lowercase: Cow<'static, str>,
    pub values: Vec<String>,
    pub multivalued: bool,
}

impl DerivedKey {
    /// A key of a fixed name with one value.
    fn fixed(name: &'static str, name_lowercase: &'static str, value: String) -> DerivedKey {
        debug_assert_eq!(name.to_ascii_lowercase(), name_lowercase);
        DerivedKey {
            name: Cow::Borrowed(name),
            name_lowercase: Cow::Borrowed(name_lowercase),
            values: vec![value],
            multivalued: false,
        }
    }

    fn named(name: String, values: Vec<String>, multivalued: bool) -> DerivedKey {
        DerivedKey {
            name_lowercase: Cow::Owned(name.to_ascii_lowercase()),
            name: Cow::Owned(name),
            values,
            multivalued,
        }
    }
}

/// What the organization tells about an account: the organization's id and
/// each account's `aws:PrincipalOrgPaths` value (the path of its parent,
/// `o-…/r-…/ou-…/`), the management account included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationKeys {
    pub id: String,
    /// Account → org path, sorted by account.
    pub paths: BTreeMap<String, String>,
}

impl OrganizationKeys {
    /// The accounts sharing each path, paths sorted (the symbolic model
    /// tests "the account is one of these" once per path).
    pub fn accounts_by_path(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (account, path) in &self.paths {
            groups
                .entry(path.as_str())
                .or_default()
                .push(account.as_str());
        }
        groups
    }
}

/// Keys AWS sets only on a request an AWS service principal makes for a
/// resource it acts for (lower case), with whether an IAM principal's own
/// request may carry the key as its own account (`aws:SourceOwner`: AWS
/// does not document it and "does not plan to", awsdocs/iam-user-guide#111;
/// the SNS default topic policy grants `"AWS": "*"` under it, so the
/// request space keeps both readings, absent and the caller's account).
pub const SERVICE_SOURCE_KEYS: &[(&str, bool)] = &[
    ("aws:sourceaccount", false),
    ("aws:sourcearn", false),
    ("aws:sourceorgid", false),
    ("aws:sourceorgpaths", false),
    ("aws:sourceowner", true),
];

/// Whether `key_lowercase` is a service source key, and if so whether an
/// IAM principal's own request may carry it as its own account.
pub fn service_source_key(key_lowercase: &str) -> Option<bool> {
    SERVICE_SOURCE_KEYS
        .iter()
        .find(|(key, _)| *key == key_lowercase)
        .map(|(_, own_account)| *own_account)
}

/// The facts derived keys are read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DerivedKeyFacts {
    pub organization: Option<Arc<OrganizationKeys>>,
    /// The principal's tags (`aws:PrincipalTag/<key>`), for IAM principals
    /// other than an account's root.
    pub principal_tags: IndexMap<String, String>,
    /// The resource's tags (`aws:ResourceTag/<key>`, or
    /// `s3:ExistingObjectTag/<key>` on S3 objects).
    pub resource_tags: IndexMap<String, String>,
    /// The resource, when an S3 general purpose bucket, enables ABAC
    /// (`PutBucketAbac`): only then are its tags `aws:ResourceTag/<key>`.
    /// "By default, ABAC is disabled for all Amazon S3 general purpose
    /// buckets" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html).
    pub s3_bucket_abac: bool,
    /// The principal's and the resource's tags are not known (a question
    /// about every principal of an account): tag keys are then the
    /// request's own, as it gives them, and none is derived.
    pub tags_unknown: bool,
    /// The context the scenario's request gives: a request that does not
    /// give one of these keys takes this value (they win over derived
    /// values, and a request may override them without a warning).
    pub request_context: GivenContext,
}

/// Keys whose derived value is only a default: a given value is normal and
/// draws no warning.
const DEFAULT_KEYS: [&str; 3] = ["aws:currenttime", "aws:epochtime", "aws:securetransport"];

/// The resource is an S3 object (`arn:P:s3:::bucket/key`).
pub fn is_s3_object(resource: &str) -> bool {
    resource
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(_partition, rest)| rest.strip_prefix("s3:::"))
        .is_some_and(|path| path.contains('/'))
}

/// The resource is an S3 general purpose bucket (`arn:P:s3:::bucket`).
pub fn is_s3_bucket(resource: &str) -> bool {
    resource
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(_partition, rest)| rest.strip_prefix("s3:::"))
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

impl DerivedKeyFacts {
    /// No organization, no tags: what a single policy's requests know.
    pub fn none() -> Arc<DerivedKeyFacts> {
        Arc::new(DerivedKeyFacts::default())
    }

    /// The keys AWS would put in the context of this request, defaults
    /// (`aws:SecureTransport` true, the time `now`) included, before the
    /// context the scenario gives is laid over them.
    fn derive_with_defaults(
        &self,
        request: &ConcreteRequest,
        now_epoch_seconds: i64,
    ) -> Vec<DerivedKey> {
        let mut keys = self.derive_from_principal_and_resource(request);
        keys.push(DerivedKey::fixed(
            "aws:SecureTransport",
            "aws:securetransport",
            "true".to_string(),
        ));
        keys.push(DerivedKey::fixed(
            "aws:CurrentTime",
            "aws:currenttime",
            iso8601_memoized(now_epoch_seconds),
        ));
        keys.push(DerivedKey::fixed(
            "aws:EpochTime",
            "aws:epochtime",
            now_epoch_seconds.to_string(),
        ));
        keys
    }

    /// These facts with the scenario's request context kept only where it
    /// describes the principal, the resource or the organization (a key
    /// derived from them, a tag, an organization key), not where it is a
    /// value the request itself carries (an address, a Region, a time):
    /// for questions over every request this principal could send.
    pub fn without_request_values(&self, request: &ConcreteRequest) -> DerivedKeyFacts {
        let derived: Vec<String> = self
            .derive_from_principal_and_resource(request)
            .into_iter()
            .map(|key| key.name_lowercase.to_string())
            .collect();
        let describes = |name: &str| {
            let name = name.to_ascii_lowercase();
            derived.contains(&name)
                || [
                    "aws:principaltag/",
                    "aws:resourcetag/",
                    "s3:existingobjecttag/",
                ]
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || [
                    "aws:principalorgid",
                    "aws:principalorgpaths",
                    "aws:resourceorgid",
                    "aws:resourceorgpaths",
                    "aws:resourceaccount",
                    "aws:principalaccount",
                ]
                .contains(&name.as_str())
        };
        let mut facts = self.clone();
        facts.request_context.retain(|(name, _, _)| describes(name));
        facts
    }

    /// The derived keys that follow from the request and the facts alone
    /// (no defaults), the context the scenario gives laid over them.
    pub fn derive_from_request(&self, request: &ConcreteRequest) -> Vec<DerivedKey> {
        let mut keys = self.derive_from_principal_and_resource(request);
        for (name, values, multivalued) in &self.request_context {
            keys.retain(|key| !key.name.eq_ignore_ascii_case(name));
            keys.push(DerivedKey::named(
                name.clone(),
                values.clone(),
                *multivalued,
            ));
        }
        keys
    }

    /// The keys that follow from the request's principal and resource and
    /// the facts.
    pub fn derive_from_principal_and_resource(&self, request: &ConcreteRequest) -> Vec<DerivedKey> {
        let mut keys: Vec<DerivedKey> = Vec::with_capacity(16);
        let principal = &request.principal;
        if let Some(arn) = principal.principal_arn() {
            keys.push(DerivedKey::fixed(
                "aws:PrincipalArn",
                "aws:principalarn",
                arn.to_string(),
            ));
        }
        let identity_account = principal
            .account
            .as_deref()
            .filter(|_| principal.kind.has_identity_side());
        if let Some(account) = identity_account {
            keys.push(DerivedKey::fixed(
                "aws:PrincipalAccount",
                "aws:principalaccount",
                account.to_string(),
            ));
        }
        if let Some(principal_type) = principal.kind.principal_type() {
            keys.push(DerivedKey::fixed(
                "aws:PrincipalType",
                "aws:principaltype",
                principal_type.to_string(),
            ));
        }
        if principal.kind == PrincipalKind::IamUser {
            if let Some(name) = &principal.name {
                keys.push(DerivedKey::fixed(
                    "aws:username",
                    "aws:username",
                    name.clone(),
                ));
            }
        }
        let is_service = |value: &str| {
            DerivedKey::fixed(
                "aws:PrincipalIsAWSService",
                "aws:principalisawsservice",
                value.to_string(),
            )
        };
        match principal.kind {
            PrincipalKind::Service => {
                keys.push(is_service("true"));
                keys.push(DerivedKey::fixed(
                    "aws:PrincipalServiceName",
                    "aws:principalservicename",
                    principal.text.clone(),
                ));
            }
            PrincipalKind::Anonymous | PrincipalKind::FederatedProvider => {}
            _ => keys.push(is_service("false")),
        }
        if principal.kind.has_identity_side()
            && principal.kind != PrincipalKind::AccountRoot
            && !self.tags_unknown
        {
            for (tag, value) in &self.principal_tags {
                keys.push(DerivedKey::named(
                    format!("aws:PrincipalTag/{tag}"),
                    vec![value.clone()],
                    false,
                ));
            }
        }
        let tag_key_prefix = if is_s3_object(&request.resource) {
            "s3:ExistingObjectTag"
        } else {
            "aws:ResourceTag"
        };
        // Without ABAC a bucket's tags serve cost allocation only.
        let resource_tags =
            if self.tags_unknown || (is_s3_bucket(&request.resource) && !self.s3_bucket_abac) {
                None
            } else {
                Some(&self.resource_tags)
            };
        for (tag, value) in resource_tags.into_iter().flatten() {
            keys.push(DerivedKey::named(
                format!("{tag_key_prefix}/{tag}"),
                vec![value.clone()],
                false,
            ));
        }
        if let Some(account) = &request.resource_account {
            keys.push(DerivedKey::fixed(
                "aws:ResourceAccount",
                "aws:resourceaccount",
                account.clone(),
            ));
        }
        if let Some(organization) = &self.organization {
            for (account, organization_key, paths_key) in [
                (
                    identity_account,
                    ("aws:PrincipalOrgID", "aws:principalorgid"),
                    ("aws:PrincipalOrgPaths", "aws:principalorgpaths"),
                ),
                (
                    request.resource_account.as_deref(),
                    ("aws:ResourceOrgID", "aws:resourceorgid"),
                    ("aws:ResourceOrgPaths", "aws:resourceorgpaths"),
                ),
            ] {
                let Some(path) = account.and_then(|account| organization.paths.get(account)) else {
                    continue;
                };
                keys.push(DerivedKey::fixed(
                    organization_key.0,
                    organization_key.1,
                    organization.id.clone(),
                ));
                let mut paths = DerivedKey::fixed(paths_key.0, paths_key.1, path.clone());
                paths.multivalued = true;
                keys.push(paths);
            }
        }
        keys
    }

    /// The scenario's request gives this key (lower case).
    fn gives(&self, key_lowercase: &str) -> bool {
        self.request_context
            .iter()
            .any(|(key, _, _)| key.eq_ignore_ascii_case(key_lowercase))
    }

    /// Fills every derived key the request's context does not give; returns
    /// a warning for each given value that contradicts the derived one, and
    /// for each service source key an IAM principal's request cannot carry
    /// (the given value is used all the same: a scenario may state what
    /// iamz cannot know).
    pub fn complete(&self, request: &mut ConcreteRequest, now_epoch_seconds: i64) -> Vec<String> {
        // What the scenario gives wins over what is derived, without a
        // warning; a request that already has such a key keeps its value.
        for (name, values, multivalued) in &self.request_context {
            if request.context.get(&name.to_ascii_lowercase()).is_none() {
                request.context.set(name, values.clone(), *multivalued);
            }
        }
        let mut warnings = Vec::new();
        for key in self.derive_with_defaults(request, now_epoch_seconds) {
            if self.gives(&key.name_lowercase) {
                continue;
            }
            match request.context.get(&key.name_lowercase) {
                Some(given) => {
                    if given.values != key.values && !DEFAULT_KEYS.contains(&&*key.name_lowercase) {
                        warnings.push(format!(
                            "context key {} is given as {:?} but the request implies {:?}; the given value is used",
                            key.name, given.values, key.values
                        ));
                    }
                }
                None => request.context.set_lowercase(
                    key.name_lowercase,
                    key.name,
                    key.values,
                    key.multivalued,
                ),
            }
        }
        if request.principal.kind != PrincipalKind::Service {
            for (key, own_account) in SERVICE_SOURCE_KEYS {
                let Some(given) = request.context.get(key) else {
                    continue;
                };
                let own = *own_account
                    && request.principal.kind.has_identity_side()
                    && given
                        .values
                        .iter()
                        .all(|value| Some(value.as_str()) == request.principal.account.as_deref());
                if !own {
                    warnings.push(format!(
                        "context key {} is set only when an AWS service makes the request, not on a request by {}; the given value is used",
                        given.key, request.principal.text
                    ));
                }
            }
        }
        warnings
    }

    /// Removes from the context every key that each of `facts` derives with
    /// exactly the value given, so that completing the request under any of
    /// them gives it back (defaults are kept: their value is a choice).
    pub fn strip(request: &mut ConcreteRequest, facts: &[&DerivedKeyFacts]) {
        let Some((first, rest)) = facts.split_first() else {
            return;
        };
        for key in first.derive_from_request(request) {
            let same_everywhere = rest.iter().all(|other| {
                other.derive_from_request(request).iter().any(|other_key| {
                    other_key.name_lowercase == key.name_lowercase && other_key.values == key.values
                })
            });
            let given_equal = request
                .context
                .get(&key.name_lowercase)
                .is_some_and(|given| given.values == key.values);
            if same_everywhere && given_equal {
                request.context.remove(&key.name_lowercase);
            }
        }
    }
}

/// [`format_iso8601`] of the last time asked on this thread, kept: a
/// stream of requests decided at one time formats it once.
fn iso8601_memoized(epoch_seconds: i64) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(i64, String)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((seconds, text)) if *seconds == epoch_seconds => text.clone(),
            _ => {
                let text = format_iso8601(epoch_seconds);
                *last = Some((epoch_seconds, text.clone()));
                text
            }
        }
    })
}

/// `YYYY-MM-DDThh:mm:ssZ` of epoch seconds.
pub fn format_iso8601(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let seconds_of_day = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = crate::values::date::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds_of_day / 3600,
        (seconds_of_day / 60) % 60,
        seconds_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestPrincipal;

    #[test]
    fn formats_dates_that_parse_back() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(
            crate::values::parse_date(&format_iso8601(951_782_400)),
            Some(951_782_400_000)
        );
    }

    fn facts() -> DerivedKeyFacts {
        DerivedKeyFacts {
            organization: Some(Arc::new(OrganizationKeys {
                id: "o-example".into(),
                paths: [(
                    "111111111111".to_string(),
                    "o-example/r-root/ou-prod/".to_string(),
                )]
                .into_iter()
                .collect(),
            })),
            principal_tags: [("team".to_string(), "red".to_string())]
                .into_iter()
                .collect(),
            resource_tags: IndexMap::new(),
            s3_bucket_abac: false,
            tags_unknown: false,
            request_context: Vec::new(),
        }
    }

    #[test]
    fn organization_keys_follow_each_account() {
        let principal = RequestPrincipal::parse("arn:aws:iam::111111111111:user/alice").unwrap();
        let mut request = ConcreteRequest::new(principal, "s3:GetObject", "arn:aws:s3:::b/k");
        request.resource_account = Some("222222222222".into());
        let keys = facts().derive_from_request(&request);
        let value = |name: &str| {
            keys.iter()
                .find(|key| key.name == name)
                .map(|key| key.values.clone())
        };
        assert_eq!(value("aws:PrincipalOrgID"), Some(vec!["o-example".into()]));
        assert_eq!(
            value("aws:PrincipalOrgPaths"),
            Some(vec!["o-example/r-root/ou-prod/".into()])
        );
        assert_eq!(value("aws:ResourceOrgID"), None, "outside the organization");
        assert_eq!(value("aws:PrincipalTag/team"), Some(vec!["red".into()]));
        assert_eq!(
            value("aws:ResourceAccount"),
            Some(vec!["222222222222".into()])
        );
    }

    #[test]
    fn strip_then_complete_gives_the_request_back() {
        let principal = RequestPrincipal::parse("arn:aws:iam::111111111111:user/alice").unwrap();
        let mut request = ConcreteRequest::new(principal, "s3:GetObject", "arn:aws:s3:::b/k");
        request.resource_account = Some("111111111111".into());
        request.context.set_single("aws:SecureTransport", "false");
        facts().complete(&mut request, 0);
        let completed = request.clone();
        DerivedKeyFacts::strip(&mut request, &[&facts()]);
        assert!(request.context.get("aws:principalorgid").is_none());
        assert!(request.context.get("aws:securetransport").is_some());
        facts().complete(&mut request, 0);
        let mut keys: Vec<_> = request
            .context
            .entries()
            .map(|entry| entry.key.clone())
            .collect();
        let mut expected: Vec<_> = completed
            .context
            .entries()
            .map(|entry| entry.key.clone())
            .collect();
        keys.sort();
        expected.sort();
        assert_eq!(keys, expected);
    }

    #[test]
    fn a_service_source_key_on_an_iam_principals_request_is_warned_about() {
        let facts = DerivedKeyFacts::default();
        let principal = crate::request::RequestPrincipal::parse("arn:aws:iam::111111111111:user/u")
            .expect("a principal");
        let mut request = ConcreteRequest::new(principal.clone(), "sns:Publish", "*");
        request
            .context
            .set("aws:SourceArn", vec!["arn:aws:s3:::b".into()], false);
        let warnings = facts.complete(&mut request, 0);
        assert!(
            warnings
                .iter()
                .any(|warning| warning.contains("aws:SourceArn")),
            "{warnings:?}"
        );
        // aws:SourceOwner as the caller's own account is a reading iamz keeps.
        let mut request = ConcreteRequest::new(principal, "sns:Publish", "*");
        request
            .context
            .set("aws:SourceOwner", vec!["111111111111".into()], false);
        assert!(facts.complete(&mut request, 0).is_empty());
    }
}
