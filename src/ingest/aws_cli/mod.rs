//! A folder of AWS CLI output, as `scripts/collect-aws` writes it (the
//! layout is documented in `docs/formats.md`, "Collected AWS CLI output",
//! so that it can be produced by other means too):
//!
//! ```text
//! FOLDER/
//!   organizations/                       (absent for one account)
//!     describe-organization.json
//!     list-roots.json
//!     list-organizational-units-for-parent/PARENT-ID.json
//!     list-accounts-for-parent/PARENT-ID.json
//!     list-policies-for-target/SERVICE_CONTROL_POLICY/TARGET-ID.json
//!     list-policies-for-target/RESOURCE_CONTROL_POLICY/TARGET-ID.json
//!     describe-policy/POLICY-ID.json
//!   accounts/ACCOUNT-ID/
//!     iam/get-account-authorization-details.json   (or pages: …-1.json, …-2.json)
//!     s3control/get-public-access-block.json
//!     s3/BUCKET/get-bucket-policy.json, get-public-access-block.json,
//!               get-bucket-ownership-controls.json, get-bucket-tagging.json
//!     REGION/kms/KEY-ID/get-key-policy.json, list-resource-tags.json
//!     REGION/lambda/FUNCTION/get-policy.json, list-tags.json
//!     REGION/sqs/QUEUE/get-queue-attributes.json, list-queue-tags.json
//!     REGION/sns/TOPIC/get-topic-attributes.json, list-tags-for-resource.json
//!     REGION/secretsmanager/SECRET/get-resource-policy.json, describe-secret.json
//!     REGION/ecr/REPOSITORY/get-repository-policy.json, list-tags-for-resource.json
//!   collect-aws.log                       (the script's log of calls that failed)
//!   README…                               (notes; not read)
//! ```
//!
//! Each file is the command's JSON output as the AWS CLI prints it
//! (`--output json`). Files and folders this reader does not know are
//! listed as warnings, never read silently or dropped silently. Accounts
//! are read in parallel and merged in account order, so the result (and
//! the order of every warning) is the same on every run.
//!
//! Trusts the per-command readers (`organizations.rs`,
//! `authorization_details.rs`, `resources.rs`).

mod authorization_details;
mod organizations;
mod resources;

use super::embedded_policy::PolicyCache;
use super::{IngestError, Problems};
use crate::inventory::{Account, Inventory, InventoryWarning, Resource};
use crate::source::InputError;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files a reader has read, so that the others can be listed.
#[derive(Default)]
pub(super) struct UsedFiles(HashSet<PathBuf>);

impl UsedFiles {
    fn mark(&mut self, path: &Path) {
        self.0.insert(path.to_path_buf());
    }

    fn contains(&self, path: &Path) -> bool {
        self.0.contains(path)
    }
}

/// `directory/relative` as messages name it.
fn relative_display(directory: &Path, relative: &str) -> String {
    directory.join(relative).display().to_string()
}

/// One entry of a folder.
struct Entry {
    name: String,
    path: PathBuf,
    is_directory: bool,
}

/// The entries of a folder, sorted by name.
fn entries(directory: &Path, problems: &mut Vec<InputError>) -> Vec<Entry> {
    let listing = match std::fs::read_dir(directory) {
        Ok(listing) => listing,
        Err(error) => {
            problems.push(InputError::Unreadable {
                file: directory.display().to_string(),
                reason: error.to_string(),
            });
            return Vec::new();
        }
    };
    let mut entries: Vec<Entry> = listing
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.path();
            // The entry's own type needs no further call, except for a
            // link, which is followed.
            let is_directory = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                _ => path.is_dir(),
            };
            Entry {
                name: entry.file_name().to_string_lossy().to_string(),
                is_directory,
                path,
            }
        })
        .collect();
    entries.sort_by(|left, right| left.name.cmp(&right.name));
    entries
}

fn unknown(entry: &Entry, warnings: &mut Vec<InventoryWarning>, expected: &str) {
    let what = if entry.is_directory { "folder" } else { "file" };
    warnings.push(InventoryWarning::about_file(
        if entry.is_directory {
            "unknown-folder"
        } else {
            "unknown-file"
        },
        &entry.path.display().to_string(),
        format!(
            "not read: this {what} is not part of the collected layout here (expected {expected})"
        ),
    ));
}

/// Orders names so that numbered pages sort by number (`page-2` before
/// `page-10`).
fn natural_order(left: &str, right: &str) -> std::cmp::Ordering {
    fn chunks(text: &str) -> Vec<(bool, &str)> {
        let mut chunks = Vec::new();
        let mut start = 0;
        let bytes = text.as_bytes();
        for index in 1..=bytes.len() {
            if index == bytes.len()
                || bytes[index].is_ascii_digit() != bytes[start].is_ascii_digit()
            {
                chunks.push((bytes[start].is_ascii_digit(), &text[start..index]));
                start = index;
            }
        }
        chunks
    }
    let (left_chunks, right_chunks) = (chunks(left), chunks(right));
    for (left_chunk, right_chunk) in left_chunks.iter().zip(&right_chunks) {
        let ordering = match (left_chunk, right_chunk) {
            ((true, left_digits), (true, right_digits)) => {
                let left_digits = left_digits.trim_start_matches('0');
                let right_digits = right_digits.trim_start_matches('0');
                left_digits
                    .len()
                    .cmp(&right_digits.len())
                    .then_with(|| left_digits.cmp(right_digits))
            }
            ((_, left_text), (_, right_text)) => left_text.cmp(right_text),
        };
        if ordering != std::cmp::Ordering::Equal {
            return ordering;
        }
    }
    left_chunks
        .len()
        .cmp(&right_chunks.len())
        .then_with(|| left.cmp(right))
}

/// A folder name URL-decoded (`team%2Fapp` is `team/app`); as it is when it
/// does not decode.
fn folder_name(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| name.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                decoded.push(value);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| name.to_string())
}

/// `us-east-1`, `us-gov-west-1`, `ap-southeast-3`, …
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|last| last.bytes().all(|byte| byte.is_ascii_digit()))
        && parts[0].bytes().all(|byte| byte.is_ascii_lowercase())
}

fn is_account_id(name: &str) -> bool {
    name.len() == 12 && name.bytes().all(|byte| byte.is_ascii_digit())
}

/// What one account's folder held.
struct AccountRead {
    account: Account,
    resources: Vec<Resource>,
    warnings: Vec<InventoryWarning>,
    problems: Vec<InputError>,
}

const AUTHORIZATION_DETAILS: &str = "get-account-authorization-details";

fn read_account(
    id: &str,
    directory: &Path,
    default_partition: &str,
    cache: &PolicyCache,
) -> AccountRead {
    let mut read = AccountRead {
        account: Account::new(id),
        resources: Vec::new(),
        warnings: Vec::new(),
        problems: Vec::new(),
    };
    let mut used = UsedFiles::default();
    let listing = entries(directory, &mut read.problems);
    // IAM first: its ARNs say the account's partition.
    let mut pages: Vec<PathBuf> = Vec::new();
    if let Some(iam) = listing
        .iter()
        .find(|entry| entry.name == "iam" && entry.is_directory)
    {
        for entry in entries(&iam.path, &mut read.problems) {
            if !entry.is_directory
                && entry.name.starts_with(AUTHORIZATION_DETAILS)
                && entry.name.ends_with(".json")
            {
                pages.push(entry.path);
            } else {
                unknown(
                    &entry,
                    &mut read.warnings,
                    "get-account-authorization-details*.json",
                );
            }
        }
    }
    pages.sort_by(|left, right| natural_order(&left.to_string_lossy(), &right.to_string_lossy()));
    if pages.is_empty() {
        read.warnings.push(InventoryWarning::about_file(
            "missing-file",
            &relative_display(directory, "iam/get-account-authorization-details.json"),
            format!("not collected: account {id} has no IAM users, groups, roles or managed policies in the inventory"),
        ));
    }
    authorization_details::read_pages(
        &mut read.account,
        &pages,
        &mut read.warnings,
        &mut read.problems,
        cache,
    );
    let partition = read
        .account
        .users
        .values()
        .map(|user| &user.arn)
        .chain(read.account.roles.values().map(|role| &role.arn))
        .find_map(|arn| arn.split(':').nth(1).map(str::to_string))
        .unwrap_or_else(|| default_partition.to_string());
    for entry in &listing {
        match entry.name.as_str() {
            "iam" if entry.is_directory => {}
            "s3control" if entry.is_directory => {
                read.account.block_public_access = resources::read_account_block_public_access(
                    &entry.path,
                    &mut used,
                    &mut read.problems,
                );
                for file in entries(&entry.path, &mut read.problems) {
                    if !used.contains(&file.path) {
                        unknown(&file, &mut read.warnings, "get-public-access-block.json");
                    }
                }
            }
            "s3" if entry.is_directory => {
                read_resource_folders(
                    &mut read,
                    &mut used,
                    "s3",
                    &entry.path,
                    id,
                    &partition,
                    None,
                    cache,
                );
            }
            name if entry.is_directory && is_region_name(name) => {
                for service in entries(&entry.path, &mut read.problems) {
                    if service.is_directory
                        && resources::REGIONAL_SERVICES.contains(&service.name.as_str())
                    {
                        read_resource_folders(
                            &mut read,
                            &mut used,
                            &service.name,
                            &service.path,
                            id,
                            &partition,
                            Some(name),
                            cache,
                        );
                    } else {
                        unknown(
                            &service,
                            &mut read.warnings,
                            "one of kms, lambda, sqs, sns, secretsmanager, ecr",
                        );
                    }
                }
            }
            _ => unknown(
                entry,
                &mut read.warnings,
                "iam/, s3/, s3control/ or a Region's folder",
            ),
        }
    }
    read
}

#[allow(clippy::too_many_arguments)]
fn read_resource_folders(
    read: &mut AccountRead,
    used: &mut UsedFiles,
    service: &str,
    directory: &Path,
    account: &str,
    partition: &str,
    region: Option<&str>,
    cache: &PolicyCache,
) {
    let known = resources::known_files(service);
    for resource_entry in entries(directory, &mut read.problems) {
        if !resource_entry.is_directory {
            unknown(
                &resource_entry,
                &mut read.warnings,
                "one folder per resource",
            );
            continue;
        }
        let name = folder_name(&resource_entry.name);
        let listing = entries(&resource_entry.path, &mut read.problems);
        let files: Vec<&str> = listing
            .iter()
            .filter(|file| !file.is_directory && known.contains(&file.name.as_str()))
            .map(|file| file.name.as_str())
            .collect();
        let folder = resources::ResourceFolder {
            directory: &resource_entry.path,
            files: &files,
            account,
            partition,
            region,
            name: &name,
        };
        let resource = resources::read_resource_folder(
            service,
            &folder,
            used,
            &mut read.warnings,
            &mut read.problems,
            cache,
        );
        for file in &listing {
            if file.is_directory || !known.contains(&file.name.as_str()) {
                unknown(file, &mut read.warnings, &known.join(", "));
            }
        }
        match resource {
            Some(resource) => read.resources.push(resource),
            None if read.problems.is_empty() => read.warnings.push(InventoryWarning::about_file(
                "empty-resource-folder",
                &resource_entry.path.display().to_string(),
                "holds no file this reader knows; no resource is read from it",
            )),
            None => {}
        }
    }
}

/// The sort key of a problem: file, line, column.
pub(crate) fn problem_key(problem: &InputError) -> (String, usize, usize) {
    let diagnostic = match problem {
        InputError::Invalid(diagnostic) => Some(diagnostic),
        InputError::Policy(error) => error.diagnostic(),
        _ => None,
    };
    match diagnostic {
        Some(diagnostic) => (
            diagnostic.location.file.clone(),
            diagnostic.location.position.line,
            diagnostic.location.position.column,
        ),
        None => (problem.to_string(), 0, 0),
    }
}

/// Reads a collected folder into an inventory.
pub fn read_collected_folder(root: &Path) -> Result<Inventory, IngestError> {
    let mut inventory = Inventory::new(&root.display().to_string());
    let cache = PolicyCache::default();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut organizations_directory = None;
    let mut accounts_directory = None;
    for entry in entries(root, &mut problems) {
        match entry.name.as_str() {
            "organizations" if entry.is_directory => organizations_directory = Some(entry.path),
            "accounts" if entry.is_directory => accounts_directory = Some(entry.path),
            "collect-aws.log" if !entry.is_directory => {
                let failures = std::fs::read_to_string(&entry.path)
                    .map(|text| text.lines().filter(|line| !line.trim().is_empty()).count())
                    .unwrap_or(0);
                if failures > 0 {
                    warnings.push(InventoryWarning::about_file(
                        "collection-failures",
                        &entry.path.display().to_string(),
                        format!("the collection logged {failures} line(s) of failed calls; what they would have returned is not in the inventory"),
                    ));
                }
            }
            // A folder's own notes.
            name if !entry.is_directory && name.starts_with("README") => {}
            _ => unknown(
                &entry,
                &mut warnings,
                "organizations/, accounts/, collect-aws.log or a README",
            ),
        }
    }
    if organizations_directory.is_none() && accounts_directory.is_none() && problems.is_empty() {
        return Err(IngestError::Unrecognised {
            path: root.display().to_string(),
            reason: "not a collected folder: it has neither organizations/ nor accounts/ (see docs/formats.md, \"Collected AWS CLI output\")".to_string(),
        });
    }
    let mut partition = "aws".to_string();
    let mut listed_accounts = Vec::new();
    if let Some(directory) = &organizations_directory {
        let mut used = UsedFiles::default();
        if let Some(read) =
            organizations::read(directory, &mut used, &mut warnings, &mut problems, &cache)
        {
            partition = read.partition;
            listed_accounts = read.accounts;
            inventory.organization = Some(read.organization);
            inventory.organization_policies = read.policies;
        }
        list_unused(directory, &used, &mut warnings, &mut problems);
    }
    let mut account_directories = Vec::new();
    if let Some(directory) = &accounts_directory {
        for entry in entries(directory, &mut problems) {
            if entry.is_directory && is_account_id(&entry.name) {
                account_directories.push((entry.name, entry.path));
            } else {
                unknown(&entry, &mut warnings, "one folder per 12-digit account id");
            }
        }
    }
    let reads: Vec<AccountRead> = account_directories
        .par_iter()
        .map(|(id, directory)| read_account(id, directory, &partition, &cache))
        .collect();
    for read in reads {
        warnings.extend(read.warnings);
        problems.extend(read.problems);
        let id = read.account.id.clone();
        inventory.accounts.insert(id.clone(), read.account);
        let resources = read.resources;
        for resource in resources {
            if let Err(duplicate) = inventory.add_resource(resource) {
                warnings.push(InventoryWarning::about_file(
                    "duplicate-resource",
                    &duplicate
                        .sources
                        .first()
                        .map_or_else(|| id.clone(), |source| source.file.to_string()),
                    format!(
                        "{} was read from another folder already; this one is not used",
                        duplicate.arn
                    ),
                ));
            }
        }
    }
    let in_organization = inventory.organization.is_some();
    for listed in listed_accounts {
        let collected = inventory.accounts.contains_key(&listed.id);
        if accounts_directory.is_some() && !collected {
            warnings.push(InventoryWarning::about_file(
                "missing-account",
                &relative_display(accounts_directory.as_deref().unwrap_or(root), &listed.id),
                format!(
                    "account {} ({}) is in the organization but was not collected: its principals and resources are not in the inventory",
                    listed.id,
                    listed.name.as_deref().unwrap_or("no name")
                ),
            ));
        }
        let account = inventory.account_mut(&listed.id);
        account.name = listed.name;
        account.email = listed.email;
        account.status = listed.status;
        account.in_organization = true;
    }
    if in_organization {
        for account in inventory.accounts.values() {
            if !account.in_organization {
                warnings.push(InventoryWarning::about_file(
                    "account-outside-organization",
                    &relative_display(accounts_directory.as_deref().unwrap_or(root), &account.id),
                    format!("account {} was collected but is not in the organization's tree; no SCP or RCP is applied to it", account.id),
                ));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(problem_key);
        return Err(IngestError::Invalid(Problems(problems)));
    }
    inventory.warnings = warnings;
    inventory.resolve_attachments();
    Ok(inventory)
}

/// Warns about every file under `directory` that no reader used.
fn list_unused(
    directory: &Path,
    used: &UsedFiles,
    warnings: &mut Vec<InventoryWarning>,
    problems: &mut Vec<InputError>,
) {
    for entry in entries(directory, problems) {
        if entry.is_directory {
            list_unused(&entry.path, used, warnings, problems);
        } else if !used.contains(&entry.path) {
            warnings.push(InventoryWarning::about_file(
                "unused-file",
                &entry.path.display().to_string(),
                "not read: nothing in the organization's tree refers to it (or it is not part of the layout)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_sort_by_number() {
        let mut names = vec![
            "details-10.json",
            "details-2.json",
            "details-1.json",
            "details.json",
        ];
        names.sort_by(|left, right| natural_order(left, right));
        assert_eq!(
            names,
            [
                "details-1.json",
                "details-2.json",
                "details-10.json",
                "details.json"
            ]
        );
    }

    #[test]
    fn folder_names_are_url_decoded_and_regions_recognised() {
        assert_eq!(folder_name("team%2Fapp"), "team/app");
        assert_eq!(folder_name("100%"), "100%");
        assert!(is_region_name("us-east-1"));
        assert!(is_region_name("us-gov-west-1"));
        assert!(!is_region_name("iam"));
        assert!(!is_region_name("s3"));
        assert!(!is_region_name("us-east"));
    }
}
