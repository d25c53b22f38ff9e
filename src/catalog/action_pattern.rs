//! Matching IAM action patterns (`s3:Get*`, `ec2:Describe?pc*`, `*`) against
//! catalog actions.
//!
//! IAM matches the `Action` / `NotAction` element case-insensitively, with `*`
//! standing for any run of characters (the empty run included) and `?` for
//! exactly one, over the whole `service:name` text. The wildcards may cross the
//! colon: `s3*` matches `s3-outposts:GetObject`.
//!
//! Trusts: catalog action names are ASCII (the loader checks it), so matching
//! bytes is matching characters. A pattern with non-ASCII text simply matches
//! nothing.

use super::action::Action;
use crate::policy::pattern::{Glob, WildcardRule};

/// One action pattern, prepared once so that testing many actions is cheap.
#[derive(Debug, Clone)]
pub(super) enum ActionPattern {
    /// No wildcard at all: the pattern names one action (`s3:getobject`).
    Exact { lowercase_full_name: String },
    /// A literal service prefix and a wildcard name part (`s3:get*`): only
    /// that service's actions can match.
    InService {
        service_prefix: String,
        name_pattern: Glob,
    },
    /// A wildcard before the colon, or no colon at all (`*`, `s3*`,
    /// `*:get*`): matched against the whole lower-case `service:name`.
    Anywhere { pattern: Glob },
}

impl ActionPattern {
    pub(super) fn parse(pattern: &str) -> Self {
        let lowercase = pattern.to_ascii_lowercase();
        if !lowercase.contains(['*', '?']) {
            return Self::Exact {
                lowercase_full_name: lowercase,
            };
        }
        match lowercase.split_once(':') {
            // Actions have exactly one colon and prefixes never contain
            // wildcards, so a literal text before the first colon must equal
            // the action's prefix.
            Some((service_prefix, name_pattern)) if !service_prefix.contains(['*', '?']) => {
                Self::InService {
                    service_prefix: service_prefix.to_string(),
                    name_pattern: Glob::compile(name_pattern, WildcardRule::Plain),
                }
            }
            _ => Self::Anywhere {
                pattern: Glob::compile(&lowercase, WildcardRule::Plain),
            },
        }
    }

    /// The service prefix every matching action has, when the pattern fixes
    /// it.
    pub(super) fn literal_service_prefix(&self) -> Option<&str> {
        match self {
            Self::Exact {
                lowercase_full_name,
            } => lowercase_full_name
                .split_once(':')
                .map(|(prefix, _)| prefix),
            Self::InService { service_prefix, .. } => Some(service_prefix),
            Self::Anywhere { .. } => None,
        }
    }

    pub(super) fn matches(&self, action: &Action) -> bool {
        match self {
            Self::Exact {
                lowercase_full_name,
            } => action.lowercase_full_name() == lowercase_full_name,
            Self::InService {
                service_prefix,
                name_pattern,
            } => {
                action.service_prefix() == service_prefix
                    && name_pattern.matches(action.lowercase_name())
            }
            Self::Anywhere { pattern } => pattern.matches(action.lowercase_full_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::pattern::{Glob, WildcardRule};

    /// The shared glob, as the catalog uses it.
    fn action_glob_matches(pattern_lowercase: &str, action_lowercase: &str) -> bool {
        Glob::compile(pattern_lowercase, WildcardRule::Plain).matches(action_lowercase)
    }

    #[test]
    fn literal_patterns_match_only_themselves() {
        assert!(action_glob_matches("s3:getobject", "s3:getobject"));
        assert!(!action_glob_matches("s3:getobject", "s3:getobjectacl"));
        assert!(!action_glob_matches("s3:getobjectacl", "s3:getobject"));
        assert!(!action_glob_matches("", "s3:getobject"));
        assert!(action_glob_matches("", ""));
    }

    #[test]
    fn a_star_matches_any_run_including_the_empty_one() {
        assert!(action_glob_matches("*", ""));
        assert!(action_glob_matches("*", "s3:getobject"));
        assert!(action_glob_matches("s3:get*", "s3:get"));
        assert!(action_glob_matches("s3:get*", "s3:getobject"));
        assert!(action_glob_matches("s3:*object", "s3:getobject"));
        assert!(action_glob_matches("*:*", "s3:getobject"));
        assert!(action_glob_matches("s3*", "s3-outposts:getobject"));
        assert!(action_glob_matches("s*:g*t*t", "s3:getobject"));
        assert!(!action_glob_matches("s3:put*", "s3:getobject"));
        assert!(!action_glob_matches("*:", "s3:getobject"));
    }

    #[test]
    fn a_question_mark_matches_exactly_one_character() {
        assert!(action_glob_matches("s3:?etobject", "s3:getobject"));
        assert!(!action_glob_matches("s3:?getobject", "s3:getobject"));
        assert!(!action_glob_matches("s3:getobject?", "s3:getobject"));
        assert!(action_glob_matches("??:*", "s3:getobject"));
        assert!(!action_glob_matches("?", ""));
    }

    #[test]
    fn backtracking_finds_the_right_split() {
        assert!(action_glob_matches("*a*b", "xaxbxab"));
        assert!(action_glob_matches("a*bc", "abcbc"));
        assert!(!action_glob_matches("a*bc", "abcb"));
        assert!(action_glob_matches("*?b", "ab"));
        assert!(!action_glob_matches("*?b", "b"));
    }

    #[test]
    fn many_stars_stay_fast() {
        // Exponential for a naive recursive matcher; quadratic at worst here.
        let text = "a".repeat(5_000);
        let pattern = format!("{}b", "*a".repeat(200));
        assert!(!action_glob_matches(&pattern, &text));
        let pattern = format!("{}*", "*a".repeat(200));
        assert!(action_glob_matches(&pattern, &text));
    }
}
