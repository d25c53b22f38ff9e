//! The AWS managed-policy corpus beside the project, as (name, document)
//! pairs in file order: shared by the benchmarks.

use serde_json::Value;

/// Every `every`-th managed policy: its file stem and its `document`.
pub fn managed_policy_documents(every: usize) -> Vec<(String, Value)> {
    let folder = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/aws-managed-policies"
    );
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .expect("the managed-policy corpus is at ../shared/corpus")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    paths.sort();
    paths
        .iter()
        .step_by(every.max(1))
        .filter_map(|path| {
            let wrapper: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
            let name = path.file_stem()?.to_string_lossy().to_string();
            Some((name, wrapper.get("document")?.clone()))
        })
        .collect()
}
