//! A Lambda permission (`AddPermission`, Terraform's
//! `aws_lambda_permission`, CloudFormation's `AWS::Lambda::Permission`) as
//! the statement AWS writes into the function's resource policy
//! (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html):
//! `Allow`, the principal (a service name, `*`, or an account/ARN), the
//! action, the function ARN (with its qualifier), and `aws:SourceArn`
//! (`ArnLike`), `aws:SourceAccount`, `aws:PrincipalOrgID`,
//! `lambda:FunctionUrlAuthType` and `lambda:EventSourceToken`
//! (`StringEquals`) conditions.
//!
//! Trusts its callers for the fields; holds no evaluation.

use serde_json::{json, Map, Value};

/// The fields of one permission, as its source gives them.
pub struct LambdaPermission<'a> {
    pub statement_id: Option<&'a str>,
    pub action: Option<&'a str>,
    pub principal: Option<&'a str>,
    pub function_arn: &'a str,
    pub qualifier: Option<&'a str>,
    pub source_arn: Option<&'a str>,
    pub source_account: Option<&'a str>,
    pub principal_org_id: Option<&'a str>,
    /// `NONE` or `AWS_IAM`, for `lambda:InvokeFunctionUrl`.
    pub function_url_auth_type: Option<&'a str>,
    /// The token an Alexa skill passes.
    pub event_source_token: Option<&'a str>,
}

impl LambdaPermission<'_> {
    /// The statement, as JSON.
    pub fn statement(&self) -> Value {
        let given = |value: Option<&str>| value.filter(|text| !text.is_empty()).map(str::to_string);
        let principal = self.principal.unwrap_or("*");
        let principal =
            if principal.ends_with(".amazonaws.com") || principal.ends_with(".amazonaws.com.cn") {
                json!({"Service": principal})
            } else if principal == "*" {
                json!("*")
            } else {
                json!({"AWS": principal})
            };
        let resource = match given(self.qualifier) {
            Some(qualifier) => format!("{}:{qualifier}", self.function_arn),
            None => self.function_arn.to_string(),
        };
        let mut condition = Map::new();
        if let Some(source_arn) = given(self.source_arn) {
            condition.insert("ArnLike".into(), json!({"AWS:SourceArn": source_arn}));
        }
        let mut equals = Map::new();
        if let Some(account) = given(self.source_account) {
            equals.insert("AWS:SourceAccount".into(), json!(account));
        }
        if let Some(organization) = given(self.principal_org_id) {
            equals.insert("aws:PrincipalOrgID".into(), json!(organization));
        }
        if let Some(auth_type) = given(self.function_url_auth_type) {
            equals.insert("lambda:FunctionUrlAuthType".into(), json!(auth_type));
        }
        if let Some(token) = given(self.event_source_token) {
            equals.insert("lambda:EventSourceToken".into(), json!(token));
        }
        if !equals.is_empty() {
            condition.insert("StringEquals".into(), Value::Object(equals));
        }
        let mut statement = Map::new();
        if let Some(sid) = self.statement_id {
            statement.insert("Sid".into(), json!(sid));
        }
        statement.insert("Effect".into(), json!("Allow"));
        statement.insert("Principal".into(), principal);
        statement.insert(
            "Action".into(),
            json!(self.action.unwrap_or("lambda:InvokeFunction")),
        );
        statement.insert("Resource".into(), json!(resource));
        if !condition.is_empty() {
            statement.insert("Condition".into(), Value::Object(condition));
        }
        Value::Object(statement)
    }
}

/// A function as `AddPermission`'s `FunctionName` names it — `NAME`,
/// `NAME:QUALIFIER`, `ACCOUNT:function:NAME[:QUALIFIER]` or the ARN
/// `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` — as the
/// unqualified function ARN and the qualifier (alias or version). `region`,
/// `account` and `partition` fill in what a short form leaves out; `None`
/// when the Region is needed and unknown or the text is no function.
pub fn function_arn(
    function: &str,
    partition: &str,
    region: Option<&str>,
    account: &str,
) -> Option<(String, Option<String>)> {
    let fields: Vec<&str> = function.split(':').collect();
    let (partition, region, account, name, qualifier) = match fields.as_slice() {
        ["arn", partition, "lambda", region, account, "function", name, rest @ ..] => {
            (*partition, *region, *account, *name, rest.first().copied())
        }
        [account, "function", name, rest @ ..] => {
            (partition, region?, *account, *name, rest.first().copied())
        }
        [name] => (partition, region?, account, *name, None),
        [name, qualifier] => (partition, region?, account, *name, Some(*qualifier)),
        _ => return None,
    };
    (!name.is_empty()).then(|| {
        (
            format!("arn:{partition}:lambda:{region}:{account}:function:{name}"),
            qualifier
                .filter(|text| !text.is_empty())
                .map(str::to_string),
        )
    })
}

/// The resource policy of a function: its permissions' statements joined,
/// located at the first permission (`path`, `position`).
pub fn function_policy(
    file: &std::sync::Arc<str>,
    function_arn: &str,
    statements: &[Value],
    path: &str,
    position: crate::policy::json::SourcePosition,
) -> Result<crate::inventory::InventoryPolicy, crate::source::InputError> {
    use crate::inventory::{InventoryPolicy, PolicyEncoding, Provenance};
    use crate::policy::PolicyKind;
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let parsed =
        crate::policy::parse_policy(&text, file, Some(PolicyKind::Resource)).map_err(|error| {
            crate::source::InputError::invalid(
                file,
                position,
                path,
                format!("the permission does not make a policy statement: {error}"),
            )
        })?;
    let mut document = parsed.document;
    document.name = function_arn.to_string();
    let relocate = |_| position;
    crate::inventory::provenance::relocate_document(&mut document, &relocate);
    let provenance = Provenance {
        file: file.clone(),
        position,
        json_path: path.to_string(),
        encoding: PolicyEncoding::Document,
    };
    Ok(InventoryPolicy {
        name: "resource-policy".to_string(),
        kind: PolicyKind::Resource,
        document: std::sync::Arc::new(document),
        provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_name_form_gives_the_function_and_its_qualifier() {
        let arn = "arn:aws:lambda:us-east-1:111111111111:function:f";
        let read = |text: &str| function_arn(text, "aws", Some("us-east-1"), "111111111111");
        assert_eq!(read("f"), Some((arn.to_string(), None)));
        assert_eq!(read("f:prod"), Some((arn.to_string(), Some("prod".into()))));
        assert_eq!(
            read("111111111111:function:f"),
            Some((arn.to_string(), None))
        );
        assert_eq!(
            read(&format!("{arn}:7")),
            Some((arn.to_string(), Some("7".into())))
        );
        assert_eq!(function_arn("f", "aws", None, "111111111111"), None);
        let statement = LambdaPermission {
            statement_id: None,
            action: Some("lambda:InvokeFunctionUrl"),
            principal: Some("*"),
            function_arn: arn,
            qualifier: Some("prod"),
            source_arn: None,
            source_account: None,
            principal_org_id: None,
            function_url_auth_type: Some("AWS_IAM"),
            event_source_token: None,
        }
        .statement();
        assert_eq!(statement["Resource"], format!("{arn}:prod"));
        assert_eq!(
            statement["Condition"]["StringEquals"]["lambda:FunctionUrlAuthType"],
            "AWS_IAM"
        );
    }
}
