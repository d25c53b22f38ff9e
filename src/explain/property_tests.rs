//! For random denied requests over random multi-layer setups (the
//! generators of `query::setup_property_tests`): the smallest change the
//! explanation proposes makes the reference evaluator allow the request.
//! Checked twice: by the plan's own replay (`checked`), and independently
//! by writing the proposed statements and request values into the
//! scenario's JSON, loading it again as `iamz eval` would, and deciding.

use super::{explain, Edit};
use crate::eval::{evaluate, Decision};
use crate::query::setup_property_tests::{load, request_spec, runner, scenario, spec, NOW};
use crate::scenario::SetupScope;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

/// The scenario's JSON with an added statement written where the layer's
/// policy lives; `None` for a layer this test does not write (SCP, RCP
/// levels: their policies are shared by name across the tree).
fn with_statement(scenario: &Value, layer: &str, statement: &Value) -> Option<Value> {
    let mut changed = scenario.clone();
    let policy_of = |policy: &mut Value| {
        policy["Statement"]
            .as_array_mut()
            .map(|statements| statements.push(statement.clone()))
    };
    match layer {
        "identity" => {
            changed["principal"]["identity_policies"]
                .as_array_mut()?
                .push(json!({"Version": "2012-10-17", "Statement": [statement]}));
        }
        "boundary" => policy_of(&mut changed["principal"]["permissions_boundary"])?,
        "session" => match changed["principal"].get_mut("session_policy") {
            Some(policy) => policy_of(policy)?,
            None => {
                changed["principal"]["session_policy"] =
                    json!({"Version": "2012-10-17", "Statement": [statement]})
            }
        },
        "endpoint" => policy_of(&mut changed["vpc_endpoint_policy"])?,
        "resource" => match changed["resource"].get_mut("policy") {
            Some(policy) => policy_of(policy)?,
            None => {
                changed["resource"]["policy"] =
                    json!({"Version": "2012-10-17", "Statement": [statement]})
            }
        },
        _ => return None,
    }
    Some(changed)
}

fn proposed_change_allows(scenario_json: &Value, request: &Value) -> Result<(), TestCaseError> {
    let scenario = load(scenario_json);
    let request_spec = spec(request, &scenario);
    let Ok(resolved) = scenario.resolve(&request_spec, NOW) else {
        return Ok(());
    };
    let setup = scenario.setup(&SetupScope::of_request(&resolved.request));
    let explained = explain(&setup, &resolved.request);
    if explained.decision == Decision::Allow {
        return Ok(());
    }
    let plan = explained
        .smallest_change
        .ok_or_else(|| TestCaseError::fail("a denied request without a plan"))?;
    // AWS refuses some calls whatever the policies say: no change helps.
    if plan.refused_by.is_some() {
        return Ok(());
    }
    if !plan.checked {
        return Err(TestCaseError::fail(format!(
            "the proposed change does not allow the request: {:?}\nscenario {scenario_json}\nrequest {request}\nplan {:#?}",
            plan.decision_after, plan
        )));
    }
    // Independently: the changes written into the scenario, loaded again.
    let mut changed = scenario_json.clone();
    let mut changed_request = request.clone();
    for change in &plan.changes {
        match &change.edit {
            Edit::AddStatement { statement } => {
                match with_statement(&changed, &change.layer, statement) {
                    Some(next) => changed = next,
                    None => return Ok(()),
                }
            }
            Edit::SendRequestWith { key, values, .. } => {
                for context in [
                    &mut changed_request["context"],
                    &mut changed["request"]["context"],
                ] {
                    let Some(context) = context.as_object_mut() else {
                        continue;
                    };
                    context.retain(|given, _| !given.eq_ignore_ascii_case(key));
                    if let Some(values) = values {
                        context.insert(key.clone(), json!(values[0]));
                    }
                }
                if values.is_none() {
                    // A key AWS would derive cannot be written away here.
                    return Ok(());
                }
                if changed_request["context"].get(key).is_none() {
                    changed_request["context"][key.as_str()] = json!(values.as_ref().unwrap()[0]);
                }
            }
            Edit::AddCondition { .. } | Edit::RemoveStatement { .. } => return Ok(()),
        }
    }
    let reloaded = load(&changed);
    let Ok(resolved) = reloaded.resolve(&spec(&changed_request, &reloaded), NOW) else {
        return Err(TestCaseError::fail("the changed request does not resolve"));
    };
    let setup = reloaded.setup(&SetupScope::of_request(&resolved.request));
    let decided = evaluate(&setup, &resolved.request).decision;
    if decided != Decision::Allow {
        return Err(TestCaseError::fail(format!(
            "with the changes written into the scenario the evaluator decides {decided}\nscenario {changed}\nrequest {changed_request}\nplan {:#?}",
            plan
        )));
    }
    Ok(())
}

#[test]
fn every_proposed_change_makes_the_evaluator_allow_the_request() {
    let mut runner = runner(1000, 21);
    runner
        .run(&(scenario(), request_spec()), |(scenario, request)| {
            proposed_change_allows(&scenario, &request)
        })
        .unwrap();
}
