//! The requesting principal, classified from how it is written: an ARN of an
//! IAM user, a role, an assumed-role session, a federated user or the
//! account root; a service principal name; a federated identity provider;
//! or `anonymous`.
//!
//! ARN formats: "IAM identifiers"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).

use crate::policy::pattern::split_arn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    IamUser,
    /// A session of an IAM role (assumed-role ARN, or the role ARN when the
    /// session name does not matter).
    RoleSession,
    FederatedUser,
    AccountRoot,
    /// An AWS service principal such as `cloudtrail.amazonaws.com`.
    Service,
    /// A web-identity or SAML provider, as seen by a role trust policy.
    FederatedProvider,
    Anonymous,
}

impl PrincipalKind {
    /// The value of `aws:PrincipalType`
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype).
    pub fn principal_type(self) -> Option<&'static str> {
        match self {
            PrincipalKind::IamUser => Some("User"),
            PrincipalKind::RoleSession => Some("AssumedRole"),
            PrincipalKind::FederatedUser => Some("FederatedUser"),
            PrincipalKind::AccountRoot => Some("Account"),
            PrincipalKind::Anonymous => Some("Anonymous"),
            PrincipalKind::Service | PrincipalKind::FederatedProvider => None,
        }
    }

    /// Whether the principal has identity policies of its own (and so a
    /// principal side in the decision).
    pub fn has_identity_side(self) -> bool {
        matches!(
            self,
            PrincipalKind::IamUser
                | PrincipalKind::RoleSession
                | PrincipalKind::FederatedUser
                | PrincipalKind::AccountRoot
        )
    }
}

/// The requesting principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPrincipal {
    pub kind: PrincipalKind,
    /// As written: the session ARN for a session, the user ARN, …; the
    /// service or provider name for those; `anonymous`.
    pub text: String,
    pub account: Option<String>,
    /// For a role session: the IAM role ARN (`arn:aws:iam::A:role/path/name`).
    pub role_arn: Option<String>,
    /// For a session written as an assumed-role ARN: that ARN.
    pub session_arn: Option<String>,
    /// The user name (IAM users) or role name (sessions).
    pub name: Option<String>,
    /// The role is a service-linked role (`role/aws-service-role/…`): SCPs
    /// and RCPs do not restrict it.
    pub is_service_linked_role: bool,
}

/// Why a principal could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read principal `{text}`: {reason}")]
pub struct PrincipalSyntaxError {
    pub text: String,
    pub reason: String,
}

impl RequestPrincipal {
    /// Reads `anonymous`, a service principal (`s3.amazonaws.com`), a
    /// federated provider (`federated:cognito-identity.amazonaws.com`), or
    /// an ARN.
    pub fn parse(text: &str) -> Result<RequestPrincipal, PrincipalSyntaxError> {
        let error = |reason: &str| PrincipalSyntaxError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let plain = |kind, account: Option<&str>| RequestPrincipal {
            kind,
            text: text.to_string(),
            account: account.map(str::to_string),
            role_arn: None,
            session_arn: None,
            name: None,
            is_service_linked_role: false,
        };
        if text == "anonymous" {
            return Ok(plain(PrincipalKind::Anonymous, None));
        }
        if let Some(provider) = text.strip_prefix("federated:") {
            let mut principal = plain(PrincipalKind::FederatedProvider, None);
            principal.text = provider.to_string();
            return Ok(principal);
        }
        if !text.starts_with("arn:") {
            if text.contains('.') && !text.contains([':', '/', ' ', '*']) {
                let mut principal = plain(PrincipalKind::Service, None);
                principal.text = text.to_ascii_lowercase();
                return Ok(principal);
            }
            return Err(error(
                "expected an ARN, a service principal such as `s3.amazonaws.com`, `federated:PROVIDER`, or `anonymous`",
            ));
        }
        let Some([_, partition, service, _, account, resource]) = split_arn(text) else {
            return Err(error("an ARN has six colon-separated parts"));
        };
        if partition.is_empty()
            || !(account.len() == 12 && account.bytes().all(|byte| byte.is_ascii_digit()))
        {
            return Err(error("the ARN needs a partition and a 12-digit account id"));
        }
        let account_text = account.to_string();
        let mut principal = plain(PrincipalKind::AccountRoot, Some(account));
        match (service, resource) {
            ("iam", "root") => {}
            ("iam", resource) if resource.starts_with("user/") => {
                principal.kind = PrincipalKind::IamUser;
                principal.name = resource.rsplit('/').next().map(str::to_string);
            }
            ("iam", resource) if resource.starts_with("role/") => {
                principal.kind = PrincipalKind::RoleSession;
                principal.role_arn = Some(text.to_string());
                principal.name = resource.rsplit('/').next().map(str::to_string);
                principal.is_service_linked_role = resource.starts_with("role/aws-service-role/");
            }
            ("sts", resource) if resource.starts_with("assumed-role/") => {
                let mut parts = resource["assumed-role/".len()..].splitn(2, '/');
                let role_name = parts.next().unwrap_or_default();
                let session = parts.next().unwrap_or_default();
                if role_name.is_empty() || session.is_empty() {
                    return Err(error("an assumed-role ARN is `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`"));
                }
                principal.kind = PrincipalKind::RoleSession;
                principal.session_arn = Some(text.to_string());
                principal.role_arn = Some(format!("arn:{partition}:iam::{account_text}:role/{role_name}"));
                principal.name = Some(role_name.to_string());
            }
            ("sts", resource) if resource.starts_with("federated-user/") => {
                principal.kind = PrincipalKind::FederatedUser;
                principal.name = Some(resource["federated-user/".len()..].to_string());
            }
            _ => {
                return Err(error(
                    "not a principal ARN (expected iam::A:root, iam::A:user/…, iam::A:role/…, sts::A:assumed-role/…, sts::A:federated-user/…)",
                ))
            }
        }
        Ok(principal)
    }

    /// The principal in the form a scenario or request file reads back:
    /// `federated:PROVIDER` for a federated provider, as written otherwise.
    pub fn written(&self) -> String {
        match self.kind {
            PrincipalKind::FederatedProvider => format!("federated:{}", self.text),
            _ => self.text.clone(),
        }
    }

    /// The value of `aws:PrincipalArn`: the role ARN for a session, the
    /// principal's ARN otherwise; absent for services, providers, anonymous.
    pub fn principal_arn(&self) -> Option<&str> {
        match self.kind {
            PrincipalKind::RoleSession => self.role_arn.as_deref(),
            PrincipalKind::IamUser | PrincipalKind::FederatedUser | PrincipalKind::AccountRoot => {
                Some(&self.text)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_principals() {
        let session =
            RequestPrincipal::parse("arn:aws:sts::111111111111:assumed-role/Dev/alice").unwrap();
        assert_eq!(session.kind, PrincipalKind::RoleSession);
        assert_eq!(
            session.principal_arn(),
            Some("arn:aws:iam::111111111111:role/Dev")
        );
        let user = RequestPrincipal::parse("arn:aws:iam::111111111111:user/ops/bob").unwrap();
        assert_eq!(user.name.as_deref(), Some("bob"));
        let linked = RequestPrincipal::parse(
            "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/R",
        )
        .unwrap();
        assert!(linked.is_service_linked_role);
        assert_eq!(
            RequestPrincipal::parse("anonymous").unwrap().kind,
            PrincipalKind::Anonymous
        );
        assert_eq!(
            RequestPrincipal::parse("S3.amazonaws.com").unwrap().text,
            "s3.amazonaws.com"
        );
        assert!(RequestPrincipal::parse("arn:aws:iam::12:user/x").is_err());
        assert!(RequestPrincipal::parse("bob").is_err());
    }
}
