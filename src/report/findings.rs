//! Validation findings as text lines and as JSON. Renderers only format.

use serde_json::{json, Value};

use crate::validate::Finding;

/// One line per finding, then its hint:
/// `file:line:column: severity[code]: JSON.path: message` and
/// `  hint: …`; a summary line ends the report.
pub fn findings_text(findings: &[Finding]) -> String {
    let mut text = String::new();
    for finding in findings {
        let location = &finding.location;
        text.push_str(&format!(
            "{}:{}:{}: {}[{}]: ",
            location.file,
            location.position.line,
            location.position.column,
            finding.severity,
            finding.code
        ));
        if !location.json_path.is_empty() {
            text.push_str(&format!("{}: ", location.json_path));
        }
        text.push_str(&finding.message);
        text.push('\n');
        if !finding.hint.is_empty() {
            text.push_str(&format!("  hint: {}\n", finding.hint));
        }
    }
    text.push_str(&summary(findings));
    text.push('\n');
    text
}

/// `N findings: E errors, S security warnings, W warnings, G suggestions`.
fn summary(findings: &[Finding]) -> String {
    use crate::validate::Severity;
    let count = |severity: Severity| {
        findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    };
    format!(
        "{} finding(s): {} error(s), {} security warning(s), {} warning(s), {} suggestion(s)",
        findings.len(),
        count(Severity::Error),
        count(Severity::SecurityWarning),
        count(Severity::Warning),
        count(Severity::Suggestion)
    )
}

/// One finding as a JSON object.
pub fn finding_json(finding: &Finding) -> Value {
    json!({
        "file": finding.location.file,
        "line": finding.location.position.line,
        "column": finding.location.position.column,
        "json_path": finding.location.json_path,
        "severity": finding.severity.name(),
        "code": finding.code,
        "message": finding.message,
        "hint": finding.hint,
    })
}

/// `{"findings": [...]}`.
pub fn findings_json(findings: &[Finding]) -> Value {
    json!({ "findings": findings.iter().map(finding_json).collect::<Vec<_>>() })
}
