//! `iamz validate FILE…`: findings for each policy, as text, JSON or SARIF;
//! the exit code says whether a finding reached `--fail-on`.

use super::{exit, ValidateFormat};
use crate::policy::PolicyKind;
use crate::report::findings::{findings_json, findings_text};
use crate::report::sarif::findings_sarif;
use crate::source::read_text;
use crate::validate::{sort_findings, validate_policy, Finding, Severity, ValidateOptions};
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, clap::Args)]
pub struct ValidateArguments {
    /// The policy files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// What the policies are: identity, resource, scp, rcp, boundary,
    /// session, endpoint or trust.
    #[arg(long = "policy-type", default_value = "identity")]
    pub policy_type: PolicyKind,
    /// The account that owns the resource (resource and trust policies):
    /// grants to other accounts without a restricting condition are reported.
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ValidateFormat,
    /// The least severity that makes the exit code 1: error,
    /// security-warning, warning, suggestion, or none.
    #[arg(long = "fail-on", default_value = "error")]
    pub fail_on: FailOn,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    AtLeast(Severity),
    Never,
}

impl FromStr for FailOn {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "none" {
            return Ok(FailOn::Never);
        }
        text.parse::<Severity>().map(FailOn::AtLeast).map_err(|_| {
            format!("unknown threshold `{text}` (expected error, security-warning, warning, suggestion or none)")
        })
    }
}

impl FailOn {
    pub fn is_reached_by(self, findings: &[Finding]) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::AtLeast(threshold) => {
                findings.iter().any(|finding| finding.severity >= threshold)
            }
        }
    }
}

pub fn run(arguments: &ValidateArguments, out: &mut dyn Write) -> u8 {
    let options = ValidateOptions {
        kind: arguments.policy_type,
        account: arguments.account.clone(),
    };
    let mut findings = Vec::new();
    let mut unreadable = false;
    for path in &arguments.files {
        let file = path.display().to_string();
        let result = read_text(path)
            .map_err(|error| error.to_string())
            .and_then(|text| {
                validate_policy(&text, &file, &options).map_err(|error| error.to_string())
            });
        match result {
            Ok(file_findings) => findings.extend(file_findings),
            Err(message) => {
                eprintln!("error: {message}");
                unreadable = true;
            }
        }
    }
    sort_findings(&mut findings);
    let rendered = match arguments.format {
        ValidateFormat::Text => findings_text(&findings),
        ValidateFormat::Json => findings_json(&findings).to_string(),
        ValidateFormat::Sarif => {
            serde_json::to_string_pretty(&findings_sarif(&findings)).unwrap_or_default()
        }
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    if unreadable {
        exit::BAD_INPUT
    } else if arguments.fail_on.is_reached_by(&findings) {
        exit::VIOLATED
    } else {
        exit::HOLDS
    }
}
