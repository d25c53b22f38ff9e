//! Rendering of `iamz exposure --inventory … --reach`: the chains from
//! outside the zone to the inventory's resources, as text, as JSON (a
//! `reach` object beside the exposure answer), and as a Graphviz DOT
//! drawing of the paths only.

use super::comparison::request_json;
use crate::exposure::reach::{Reach, ReachNode, ReachPath, ReachStep};
use crate::gate::actions::summarise;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

fn step_json(step: &ReachStep) -> Value {
    json!({
        "principal": step.principal,
        "action": step.action,
        "resource": step.target,
        "actions": summarise(&step.actions),
        "request": request_json(&step.request),
    })
}

/// A chain as an exposure finding of its resource: the outside class, what
/// the last role may do there, and the path.
pub fn path_json(path: &ReachPath) -> Value {
    let last = path.steps.last();
    json!({
        "principal": {"kind": path.origin.kind(), "value": path.origin.value()},
        "actions": last.map(|step| summarise(&step.actions)).unwrap_or_default(),
        "conditions": [],
        "public": false,
        "statements": [],
        "request": last.map(|step| request_json(&step.request)),
        "path": path.steps.iter().map(step_json).collect::<Vec<_>>(),
    })
}

/// The `reach` object of the JSON answer.
pub fn reach_json(reach: &Reach) -> Value {
    json!({
        "complete": reach.is_complete(),
        "roles_reached": reach.roles_reached,
        "candidates_checked": reach.candidates_checked,
        "solver_checks": reach.solver_checks,
        "paths": reach.paths.iter().map(|path| {
            let mut value = path_json(path);
            value["resource"] = json!(path.resource);
            value
        }).collect::<Vec<_>>(),
        "undecided_count": reach.undecided_count,
        "undecided": reach.undecided.iter().map(|step| json!({
            "principal": step.principal,
            "target": step.target,
            "reason": step.reason,
        })).collect::<Vec<_>>(),
    })
}

/// The chains for people, then what they cover.
pub fn reach_text(reach: &Reach) -> String {
    let mut text = String::new();
    let resources: BTreeSet<&str> = reach
        .paths
        .iter()
        .map(|path| path.resource.as_str())
        .collect();
    let _ = writeln!(
        text,
        "reach: {} chain(s) from outside the zone to {} resource(s); {} role(s) reachable from outside",
        reach.paths.len(),
        resources.len(),
        reach.roles_reached
    );
    for path in &reach.paths {
        let roles: Vec<String> = path
            .steps
            .iter()
            .filter(|step| step.target != path.resource)
            .map(|step| step.target.clone())
            .collect();
        let actions = path
            .steps
            .last()
            .map(|step| {
                let actions = summarise(&step.actions);
                match actions.len() {
                    0..=8 => actions.join(", "),
                    count => format!("{}, … ({count} in all)", actions[..6].join(", ")),
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "\n- {} → {} → {}: {actions}",
            path.origin.describe(),
            roles.join(" → "),
            path.resource
        );
        for (number, step) in path.steps.iter().enumerate() {
            let _ = writeln!(
                text,
                "  {}. {} {} on {}\n     request: {}",
                number + 1,
                step.principal,
                step.action,
                step.target,
                serde_json::to_string(&request_json(&step.request)).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(text);
    if reach.is_complete() {
        let _ = writeln!(
            text,
            "these chains cover every way from outside the zone through the inventory's roles to its resources (proved: {} candidate steps decided)",
            reach.candidates_checked
        );
    } else {
        let _ = writeln!(
            text,
            "incomplete: {} candidate step(s) undecided; more chains may exist",
            reach.undecided_count
        );
        for step in reach.undecided.iter().take(20) {
            let _ = writeln!(
                text,
                "  {} on {}: {}",
                step.principal, step.target, step.reason
            );
        }
    }
    text
}

fn dot_quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A short label: roles by name and account, resources by ARN.
fn node_label(node: &ReachNode) -> String {
    match node {
        ReachNode::Role(arn) => match crate::policy::pattern::split_arn(arn) {
            Some([_, _, _, _, account, rest]) => {
                format!(
                    "role {}\\n{account}",
                    rest.rsplit('/').next().unwrap_or(rest)
                )
            }
            None => arn.clone(),
        },
        other => other.label(),
    }
}

/// The paths as a Graphviz digraph: outside classes, roles and resources on
/// some path, and the steps between them (labelled with their action).
pub fn reach_dot(reach: &Reach) -> String {
    let mut nodes: BTreeSet<(String, String, &'static str)> = BTreeSet::new();
    let mut edges: BTreeSet<(String, String, String)> = BTreeSet::new();
    for path in &reach.paths {
        let mut from = ReachNode::Outside(path.origin.clone());
        for step in &path.steps {
            let to = if step.target == path.resource {
                ReachNode::Resource(path.resource.clone())
            } else {
                ReachNode::Role(step.target.clone())
            };
            for node in [&from, &to] {
                let shape = match node {
                    ReachNode::Outside(_) => "doubleoctagon",
                    ReachNode::Role(_) => "box",
                    ReachNode::Resource(_) => "cylinder",
                };
                nodes.insert((node.label(), node_label(node), shape));
            }
            let label = if matches!(to, ReachNode::Resource(_)) {
                let actions = summarise(&step.actions);
                match actions.len() {
                    0..=3 => actions.join(", "),
                    count => format!("{}, … ({count} in all)", actions[..2].join(", ")),
                }
            } else {
                step.action.clone()
            };
            edges.insert((from.label(), to.label(), label));
            from = to;
        }
    }
    let mut dot =
        String::from("digraph reach {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (id, label, shape) in &nodes {
        let _ = writeln!(
            dot,
            "  {} [label={}, shape={shape}];",
            dot_quoted(id),
            dot_quoted(label).replace("\\\\n", "\\n")
        );
    }
    for (from, to, label) in &edges {
        let _ = writeln!(
            dot,
            "  {} -> {} [label={}];",
            dot_quoted(from),
            dot_quoted(to),
            dot_quoted(label)
        );
    }
    dot.push_str("}\n");
    dot
}
