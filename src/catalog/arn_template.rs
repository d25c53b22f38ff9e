//! ARN templates: the forms AWS documents for a resource type's ARNs, such as
//! `arn:${Partition}:s3:::${BucketName}/${ObjectName}`, matched against
//! concrete ARNs and filled in to make example ARNs.
//!
//! An ARN is `arn:partition:service:region:account:resource`. What a
//! placeholder may stand for depends on where it sits:
//! - in the first five fields (`${Partition}`, `${Region}`, `${Account}`, a
//!   service placeholder such as `${Vendor}`): one or more characters other
//!   than `:` and `/`;
//! - in the resource part, by default: one or more characters other than `:`
//!   and `/`, so that `table/${TableName}` does not take the ARN of one of the
//!   table's indexes (`table/t/index/i`), nor `${BucketName}` an object;
//! - in the resource part, for paths and for names AWS lets hold slashes:
//!   one or more characters other than `:`. These are the placeholders whose
//!   name ends in `Path` (`${RoleNameWithPath}`, `${ResourcePath}`) and a short
//!   list of others (`PATH_PLACEHOLDERS`: log groups, SSM parameters, secrets,
//!   ECR repositories, IoT topics);
//! - `${ObjectName}` (an S3 object key): one or more characters of any kind,
//!   since keys may hold both `/` and `:`.
//!
//! A literal `*` in a template (`cert:*`, `arn:${Partition}:braket:*:*:…`)
//! stands for any run of characters, the empty one included: in the first five
//! fields without `:` or `/`, in the resource part of any kind. Everything
//! else in a template is literal text and matches itself, case included.
//!
//! Trusts: the templates in the catalog (checked to start with `arn:` when
//! loaded). The character rules are this module's reading of the AWS naming
//! rules, chosen so that the resource types of one service stay apart; a
//! name AWS allows but the rules refuse (a slash in a name not listed) makes a
//! real ARN not fit, never the reverse for the listed kinds.

use std::fmt;
use std::sync::OnceLock;

/// Placeholders of the resource part whose values may hold `/`, besides those
/// whose name ends in `Path`: (the template's service field, placeholder).
const PATH_PLACEHOLDERS: &[(&str, &str)] = &[
    ("codeartifact", "EncodedPackageGroupPattern"),
    ("ecr", "RepositoryName"),
    ("iot", "TopicFilter"),
    ("iot", "TopicName"),
    ("logs", "LogGroupName"),
    ("logs", "LogStreamName"),
    ("secretsmanager", "SecretId"),
    ("ssm", "ParameterNameWithoutLeadingSlash"),
];

/// Example values with the shape the service gives its ids, for placeholders
/// whose shape is cheap to imitate: (service field or "" for any, name, value).
/// Values hold no `/` or `:`, so they fit every placeholder.
const EXAMPLE_VALUES: &[(&str, &str, &str)] = &[
    ("", "BucketName", "example-bucket"),
    ("", "ObjectName", "example-object"),
    ("", "UUID", "0123abcd-4567-89ef-0123-456789abcdef"),
    ("", "Uuid", "0123abcd-4567-89ef-0123-456789abcdef"),
    ("ec2", "ImageId", "ami-0123456789abcdef0"),
    ("ec2", "InstanceId", "i-0123456789abcdef0"),
    ("ec2", "NetworkInterfaceId", "eni-0123456789abcdef0"),
    ("ec2", "SecurityGroupId", "sg-0123456789abcdef0"),
    ("ec2", "SnapshotId", "snap-0123456789abcdef0"),
    ("ec2", "SubnetId", "subnet-0123456789abcdef0"),
    ("ec2", "VolumeId", "vol-0123456789abcdef0"),
    ("ec2", "VpcId", "vpc-0123456789abcdef0"),
    ("kms", "KeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"),
];

/// Which characters a placeholder or wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Characters {
    /// Anything but `:` and `/`.
    Segment,
    /// Anything but `:`.
    Path,
    /// Anything.
    Any,
}

impl Characters {
    fn allows(self, byte: u8) -> bool {
        match self {
            Self::Segment => byte != b':' && byte != b'/',
            Self::Path => byte != b':',
            Self::Any => true,
        }
    }
}

/// The ARN field a piece of a template sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// `arn`, partition, service, region, account: the first five, by number.
    Header(u8),
    Resource,
}

const SERVICE_FIELD: Field = Field::Header(2);
const REGION_FIELD: Field = Field::Header(3);
const ACCOUNT_FIELD: Field = Field::Header(4);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    /// `${Name}`: one or more characters.
    Placeholder {
        name: String,
        field: Field,
        characters: Characters,
    },
    /// `*`: any run of characters, the empty one included.
    Wildcard {
        field: Field,
        characters: Characters,
    },
}

/// One ARN template, split into pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArnTemplate {
    pieces: Vec<Piece>,
    /// The service field when it is literal text (`s3`), for indexing.
    literal_service: Option<String>,
}

impl ArnTemplate {
    /// Splits a template at its placeholders and wildcards. Never fails: text
    /// that is not a complete `${…}` is literal.
    pub(super) fn parse(template: &str) -> Self {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut colons: u8 = 0;
        let field = |colons: u8| {
            if colons < 5 {
                Field::Header(colons)
            } else {
                Field::Resource
            }
        };
        let mut literal = String::new();
        let mut service_field = String::new();
        let mut service_is_literal = true;
        let mut rest = template;
        while let Some(character) = rest.chars().next() {
            let placeholder = rest
                .strip_prefix("${")
                .and_then(|after| after.find('}').map(|end| &after[..end]))
                .filter(|name| !name.is_empty() && !name.contains(['$', '{', ':']));
            let current = field(colons);
            if let Some(name) = placeholder {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                let characters = match current {
                    Field::Header(_) => Characters::Segment,
                    Field::Resource => resource_placeholder_characters(&service_field, name),
                };
                if current == SERVICE_FIELD {
                    service_is_literal = false;
                }
                pieces.push(Piece::Placeholder {
                    name: name.to_string(),
                    field: current,
                    characters,
                });
                rest = &rest[name.len() + 3..];
                continue;
            }
            if character == '*' {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                if current == SERVICE_FIELD {
                    service_is_literal = false;
                }
                pieces.push(Piece::Wildcard {
                    field: current,
                    characters: match current {
                        Field::Header(_) => Characters::Segment,
                        Field::Resource => Characters::Any,
                    },
                });
            } else {
                if character == ':' && colons < 5 {
                    colons += 1;
                } else if current == SERVICE_FIELD {
                    service_field.push(character);
                }
                literal.push(character);
            }
            rest = &rest[character.len_utf8()..];
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Self {
            pieces,
            literal_service: service_is_literal.then_some(service_field),
        }
    }

    /// How many placeholders and wildcards the template has.
    pub(super) fn placeholder_count(&self) -> usize {
        self.pieces
            .iter()
            .filter(|piece| !matches!(piece, Piece::Literal(_)))
            .count()
    }

    /// The service field when the template spells it out (`iam` in a role
    /// template, whichever service lists it).
    pub(super) fn literal_service(&self) -> Option<&str> {
        self.literal_service.as_deref()
    }

    /// Whether `arn` is this template with each placeholder and wildcard
    /// replaced by characters it may stand for.
    ///
    /// Runs over the pieces keeping the set of positions in `arn` where the
    /// text so far can end: linear in the ARN's length per piece.
    pub(super) fn matches(&self, arn: &str) -> bool {
        let text = arn.as_bytes();
        let mut reachable = vec![false; text.len() + 1];
        reachable[0] = true;
        let mut next = vec![false; text.len() + 1];
        for piece in &self.pieces {
            next.fill(false);
            let mut any = false;
            match piece {
                Piece::Literal(literal) => {
                    let literal = literal.as_bytes();
                    for position in 0..text.len() {
                        if reachable[position] && text[position..].starts_with(literal) {
                            next[position + literal.len()] = true;
                            any = true;
                        }
                    }
                    if literal.is_empty() && reachable[text.len()] {
                        next[text.len()] = true;
                        any = true;
                    }
                }
                Piece::Placeholder { characters, .. } | Piece::Wildcard { characters, .. } => {
                    let allows_empty = matches!(piece, Piece::Wildcard { .. });
                    // `open`: some reachable position before this one starts a
                    // run of allowed characters that reaches here.
                    let mut open = false;
                    for position in 0..=text.len() {
                        if position > 0 {
                            if characters.allows(text[position - 1]) {
                                open |= reachable[position - 1];
                            } else {
                                open = false;
                            }
                        }
                        if open || (allows_empty && reachable[position]) {
                            next[position] = true;
                            any = true;
                        }
                    }
                }
            }
            if !any {
                return false;
            }
            std::mem::swap(&mut reachable, &mut next);
        }
        reachable[text.len()]
    }

    /// The template with plausible values in place of its placeholders and
    /// wildcards (see `example_value`); it matches the template.
    pub(super) fn example(&self, account: &str, region: &str) -> String {
        let service = self.literal_service.as_deref().unwrap_or("");
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(literal) => out.push_str(literal),
                Piece::Placeholder { name, field, .. } => {
                    out.push_str(example_value(service, name, *field, account, region))
                }
                Piece::Wildcard { field, .. } => out.push_str(match *field {
                    REGION_FIELD => region,
                    ACCOUNT_FIELD => account,
                    _ => "example",
                }),
            }
        }
        out
    }
}

impl fmt::Display for ArnTemplate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Literal(literal) => formatter.write_str(literal)?,
                Piece::Placeholder { name, .. } => write!(formatter, "${{{name}}}")?,
                Piece::Wildcard { .. } => formatter.write_str("*")?,
            }
        }
        Ok(())
    }
}

fn resource_placeholder_characters(service: &str, name: &str) -> Characters {
    if name == "ObjectName" {
        Characters::Any
    } else if name.ends_with("Path") || PATH_PLACEHOLDERS.contains(&(service, name)) {
        Characters::Path
    } else {
        Characters::Segment
    }
}

/// A value for the placeholder `name`: `aws` for the partition, the given
/// region and account where the template wants them, an id shaped like the
/// service's own where `EXAMPLE_VALUES` has one, else `example`.
fn example_value<'a>(
    service: &str,
    name: &str,
    field: Field,
    account: &'a str,
    region: &'a str,
) -> &'a str {
    if name == "Partition" {
        return "aws";
    }
    match field {
        REGION_FIELD => return region,
        ACCOUNT_FIELD => return account,
        _ => {}
    }
    if let Some((_, _, value)) = EXAMPLE_VALUES.iter().find(|(for_service, for_name, _)| {
        *for_name == name && (for_service.is_empty() || *for_service == service)
    }) {
        return value;
    }
    if name.contains("Account") {
        account
    } else if name.contains("Region") {
        region
    } else {
        "example"
    }
}

/// The ARN templates of one resource type, compiled on first use.
pub(super) struct ArnTemplates {
    sources: Vec<String>,
    compiled: OnceLock<Vec<ArnTemplate>>,
}

impl ArnTemplates {
    pub(super) fn new(sources: Vec<String>) -> Self {
        Self {
            sources,
            compiled: OnceLock::new(),
        }
    }

    pub(super) fn sources(&self) -> &[String] {
        &self.sources
    }

    pub(super) fn compiled(&self) -> &[ArnTemplate] {
        self.compiled.get_or_init(|| {
            self.sources
                .iter()
                .map(|source| ArnTemplate::parse(source))
                .collect()
        })
    }

    /// Whether `arn` fits one of the templates.
    pub(super) fn fit(&self, arn: &str) -> bool {
        // Every template starts with `arn:` (the loader checks it); a
        // template that spells out another service cannot match.
        if !arn.starts_with("arn:") {
            return false;
        }
        let arn_service = arn.split(':').nth(2);
        self.compiled().iter().any(|template| {
            template
                .literal_service()
                .is_none_or(|service| Some(service) == arn_service)
                && template.matches(arn)
        })
    }

    /// How many placeholders the first template has (`usize::MAX` for none).
    pub(super) fn placeholder_count(&self) -> usize {
        self.compiled()
            .first()
            .map_or(usize::MAX, ArnTemplate::placeholder_count)
    }

    /// An example ARN from the first template.
    pub(super) fn example(&self, account: &str, region: &str) -> String {
        self.compiled().first().map_or_else(
            || "*".to_string(),
            |template| template.example(account, region),
        )
    }
}

impl fmt::Debug for ArnTemplates {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_list().entries(&self.sources).finish()
    }
}

impl PartialEq for ArnTemplates {
    fn eq(&self, other: &Self) -> bool {
        self.sources == other.sources
    }
}

impl Eq for ArnTemplates {}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(template: &str, arn: &str) -> bool {
        ArnTemplate::parse(template).matches(arn)
    }

    #[test]
    fn templates_split_at_placeholders_and_wildcards() {
        let template = ArnTemplate::parse("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert_eq!(template.literal_service(), Some("s3"));
        assert_eq!(
            template.to_string(),
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        );
        let vendor = ArnTemplate::parse("arn:${Partition}:${Vendor}:${Region}:*:${Type}:${Id}");
        assert_eq!(vendor.literal_service(), None);
        // An unfinished placeholder is literal text.
        let odd = ArnTemplate::parse("arn:${Partition}:svc:::thing/${Name");
        assert!(odd.matches("arn:aws:svc:::thing/${Name"));
    }

    #[test]
    fn header_placeholders_hold_no_colon_or_slash() {
        let key = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}";
        assert!(fits(key, "arn:aws:kms:us-east-1:111122223333:key/abc"));
        assert!(fits(
            key,
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc"
        ));
        assert!(!fits(key, "arn:aws:kms::111122223333:key/abc"));
        assert!(!fits(key, "arn:aws:kms:us-east-1:1111:2222:key/abc"));
        assert!(!fits(key, "arn:aws:kms:us/east:111122223333:key/abc"));
        assert!(!fits(key, "arn:aws:kms:us-east-1:111122223333:key/"));
        assert!(!fits(key, "arn:aws:kms:us-east-1:111122223333:key/a/b"));
        assert!(!fits(key, "arn:aws:KMS:us-east-1:111122223333:key/abc"));
    }

    #[test]
    fn resource_placeholders_follow_their_kind() {
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert!(fits(bucket, "arn:aws:s3:::b"));
        assert!(!fits(bucket, "arn:aws:s3:::b/k"));
        assert!(fits(object, "arn:aws:s3:::b/k"));
        assert!(fits(object, "arn:aws:s3:::b/dir/sub/k:v"));
        assert!(!fits(object, "arn:aws:s3:::b/"));
        assert!(!fits(object, "arn:aws:s3:::b"));
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(fits(
            user,
            "arn:aws:iam::111122223333:user/division/team/alice"
        ));
        assert!(!fits(user, "arn:aws:iam::111122223333:user/a:b"));
        let log_group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        let log_stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        let stream_arn =
            "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:log-stream:2024/01/01/x";
        assert!(fits(
            log_group,
            "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f"
        ));
        assert!(!fits(log_group, stream_arn));
        assert!(fits(log_stream, stream_arn));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        assert!(!fits(
            table,
            "arn:aws:dynamodb:us-east-1:111122223333:table/t/index/i"
        ));
        let adjacent = "arn:${Partition}:codeartifact:${Region}:${Account}:package-group/${DomainName}${EncodedPackageGroupPattern}";
        assert!(fits(
            adjacent,
            "arn:aws:codeartifact:us-east-1:111122223333:package-group/d/npm/p"
        ));
    }

    #[test]
    fn wildcards_stand_for_any_run_including_the_empty_one() {
        let device = "arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}";
        assert!(fits(
            device,
            "arn:aws:braket:::device/quantum-simulator/amazon/sv1"
        ));
        assert!(fits(
            device,
            "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-1"
        ));
        assert!(!fits(
            device,
            "arn:aws:braket:us-east-1:a:b:device/qpu/ionq/Aria-1"
        ));
        let cert = "arn:${Partition}:dms:${Region}:${Account}:cert:*";
        assert!(fits(cert, "arn:aws:dms:us-east-1:111122223333:cert:ABC"));
        assert!(fits(cert, "arn:aws:dms:us-east-1:111122223333:cert:a/b:c"));
        assert!(!fits(
            cert,
            "arn:aws:dms:us-east-1:111122223333:endpoint:ABC"
        ));
    }

    #[test]
    fn examples_fill_placeholders_with_plausible_values() {
        let example =
            |template: &str| ArnTemplate::parse(template).example("111122223333", "us-east-1");
        assert_eq!(
            example("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            "arn:aws:s3:::example-bucket/example-object"
        );
        assert_eq!(
            example("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        assert_eq!(
            example("arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"),
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"
        );
        assert_eq!(
            example("arn:${Partition}:braket:*:*:device/${DeviceType}"),
            "arn:aws:braket:us-east-1:111122223333:device/example"
        );
        assert_eq!(
            example("arn:${Partition}:svc::${AccountId}:thing/*"),
            "arn:aws:svc::111122223333:thing/example"
        );
    }
}
