//! `iamz check no-public-access` and `iamz check access-not-granted`
//! through the command line: pass, fail with a request, bad input.

mod common;

use common::iamz;

fn policy(directory: &std::path::Path, name: &str, text: &str) -> String {
    let path = directory.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn no_public_access_fails_on_a_public_grant_and_passes_on_a_cidr_limited_one() {
    let directory = tempfile::tempdir().unwrap();
    let public = policy(
        directory.path(),
        "public.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#,
    );
    let limited = policy(
        directory.path(),
        "limited.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#,
    );
    let (code, out) = iamz(&[
        "check",
        "no-public-access",
        &public,
        "--resource-type",
        "s3-bucket",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAIL"), "{out}");
    assert!(out.contains("\"principal\":\"anonymous\""), "{out}");
    let (code, out) = iamz(&[
        "check",
        "no-public-access",
        &limited,
        "--resource-type",
        "s3-bucket",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(proved)"), "{out}");
    let (code, _) = iamz(&[
        "check",
        "no-public-access",
        &public,
        "--resource-type",
        "s3-lake",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn access_not_granted_respects_a_deny_and_finds_a_grant() {
    let directory = tempfile::tempdir().unwrap();
    let identity = policy(
        directory.path(),
        "identity.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#,
    );
    let (code, out) = iamz(&[
        "check",
        "access-not-granted",
        &identity,
        "--action",
        "s3:DeleteBucket",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = iamz(&[
        "check",
        "access-not-granted",
        &identity,
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::prod/*",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["result"], "FAIL");
    assert_eq!(report["request"]["action"], "s3:DeleteObject");
    assert!(report["request"]["resource"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:s3:::prod/"));
    let (code, _) = iamz(&[
        "check",
        "access-not-granted",
        &identity,
        "--action",
        "s3:NoSuchAction",
    ]);
    assert_eq!(code, 2);
}
