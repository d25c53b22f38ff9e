//! Readers of what users already have, each producing an `Inventory`:
//! today the AWS CLI output collected into a folder (`aws_cli/`, the layout
//! documented in `docs/formats.md` and written by `scripts/collect-aws`).
//! Beside them, readers of one request as AWS recorded it: a CloudTrail
//! record (`cloudtrail.rs`) and a decoded authorization message
//! (`authorization_message.rs`), each giving a `RecordedRequest`.
//! Beside it, the Terraform plan reader (`terraform/`: `terraform show
//! -json` output, read into a before and an after inventory), sharing
//! `located_file.rs` (collected JSON with every node located) and
//! `embedded_policy.rs` (policies held as JSON or URL-encoded strings,
//! located inside the string), and the CloudFormation template reader
//! (`cloudformation/`: JSON or YAML, intrinsics resolved from the stack's
//! account, Region and parameters). `lambda_permission.rs` turns a Lambda
//! permission of either tool into its policy statement.
//!
//! Bad input is reported all at once, each problem with its file,
//! line:column and JSON path (inside an embedded policy string too); what
//! can be read in part is read, with a warning that names what is missing.
//!
//! Trusts `policy/` for the policy language and `org/` for the tree's shape.

pub mod authorization_message;
pub mod aws_cli;
pub mod cloudformation;
pub mod cloudtrail;
pub mod cloudtrail_actions;
pub mod embedded_policy;
pub mod lambda_permission;
pub mod located_file;
pub mod terraform;

use crate::inventory::Inventory;
use crate::source::InputError;
use std::fmt;
use std::path::Path;

/// Why a source could not be read into an inventory.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: {reason}")]
    Unrecognised { path: String, reason: String },
    /// Every problem found, in file order.
    #[error("{0}")]
    Invalid(Problems),
}

/// The problems of an input that could not be used, sorted by file and
/// place.
#[derive(Debug)]
pub struct Problems(pub Vec<InputError>);

impl fmt::Display for Problems {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(formatter)?;
            }
            write!(formatter, "{problem}")?;
        }
        if count > 1 {
            write!(formatter, "\n{count} problems")?;
        }
        Ok(())
    }
}

/// Reads an inventory from `source`: a folder of collected AWS CLI output,
/// or a CloudFormation template (JSON or YAML) deployed with `stack`.
pub fn read_inventory(
    source: &Path,
    stack: &cloudformation::StackFacts,
) -> Result<Inventory, IngestError> {
    let path = source.display().to_string();
    let metadata =
        std::fs::metadata(source).map_err(|_| IngestError::NotFound { path: path.clone() })?;
    if metadata.is_dir() {
        return aws_cli::read_collected_folder(source);
    }
    if cloudformation::is_template_file(source) {
        return cloudformation::read_template(source, stack);
    }
    Err(IngestError::Unrecognised {
        path,
        reason: "expected a folder of collected AWS CLI output (see docs/formats.md, \"Collected AWS CLI output\") or a CloudFormation template (JSON or YAML, with `Resources`); a Terraform plan is read by `iamz inventory PLAN.json` and `iamz gate --plan PLAN.json`".to_string(),
    })
}
