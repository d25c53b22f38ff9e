//! When one action or resource pattern covers another: everything the
//! second matches, the first matches too. The tests here are sound but not
//! complete: "covers" is never claimed wrongly, and a few true cases are
//! missed (they only cost a redundancy suggestion).

use crate::policy::{ActionPattern, ResourcePattern};

/// Whether `outer` matches every action `inner` matches.
///
/// `outer` is matched against `inner`'s text, its wildcards taken as plain
/// characters. When `outer` has only `*` wildcards this is exact: each `*` or
/// `?` of `inner` then falls inside a `*` of `outer`, which absorbs whatever
/// it stands for. An `outer` with `?` could match a `*` of `inner` with one
/// character, so it covers only wildcard-free patterns that way.
pub fn action_covers(outer: &ActionPattern, inner: &ActionPattern) -> bool {
    let inner_has_wildcards = inner.text.contains(['*', '?']);
    if inner_has_wildcards && outer.text.contains('?') {
        return outer.text.eq_ignore_ascii_case(&inner.text);
    }
    outer.matches(&inner.text.to_ascii_lowercase())
}

/// Whether `outer` matches every ARN `inner` matches: `outer` is `*`, the
/// same text, or a literal prefix followed by one final `*` that `inner`
/// starts with (a final `*` runs over colons and slashes alike). Patterns
/// with policy variables cover only themselves.
pub fn resource_covers(outer: &ResourcePattern, inner: &ResourcePattern) -> bool {
    if outer.text == "*" || outer.text == inner.text {
        return true;
    }
    if outer.text.contains("${") || inner.text.contains("${") {
        return false;
    }
    match outer.text.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => inner.text.starts_with(prefix),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(text: &str) -> ActionPattern {
        ActionPattern::new(text)
    }

    fn resource(text: &str) -> ResourcePattern {
        ResourcePattern::new(text, true)
    }

    #[test]
    fn action_patterns_cover_what_they_match() {
        assert!(action_covers(&action("s3:*"), &action("s3:GetObject")));
        assert!(action_covers(&action("s3:Get*"), &action("S3:getobject")));
        assert!(action_covers(&action("s3:*"), &action("s3:Get*")));
        assert!(action_covers(&action("*"), &action("ec2:Describe?pc*")));
        assert!(!action_covers(&action("s3:Get*"), &action("s3:*")));
        assert!(!action_covers(
            &action("s3:GetObject"),
            &action("s3:GetObject*")
        ));
        assert!(!action_covers(&action("s3:Get?"), &action("s3:Get*")));
        assert!(action_covers(&action("s3:Get?"), &action("s3:GetX")));
    }

    #[test]
    fn resource_patterns_cover_by_prefix() {
        assert!(resource_covers(
            &resource("*"),
            &resource("arn:aws:s3:::b/*")
        ));
        assert!(resource_covers(
            &resource("arn:aws:s3:::b/*"),
            &resource("arn:aws:s3:::b/x/y")
        ));
        assert!(!resource_covers(
            &resource("arn:aws:s3:::b/x"),
            &resource("arn:aws:s3:::b/*")
        ));
        assert!(!resource_covers(
            &resource("arn:aws:s3:::*/x*"),
            &resource("arn:aws:s3:::b/xy")
        ));
        assert!(!resource_covers(
            &resource("arn:aws:s3:::${aws:username}/*"),
            &resource("arn:aws:s3:::${aws:username}/a")
        ));
    }
}
