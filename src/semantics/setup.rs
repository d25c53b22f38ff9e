//! A setup: the layers of policies that decide a request, and what the
//! setup fixes about its requests ([`SetupFacts`]). It is built in one place
//! (`scenario::setup`) and decided by one function ([`Setup::decide`]) under
//! any interpretation: the reference evaluator, every query, and the replay
//! of every counterexample read the same setup the same way.

use super::decision::{decide, decide_with_statements, DecisionTerms, Layer, LayerRole};
use super::facts::{request_facts, SetupFacts};
use super::Interpretation;
use crate::policy::PolicyDocument;

/// The policies that decide a request, and the setup's own facts.
#[derive(Debug, Clone)]
pub struct Setup<'p> {
    pub layers: Vec<Layer<'p>>,
    pub facts: SetupFacts,
}

impl<'p> Setup<'p> {
    pub fn new(layers: Vec<Layer<'p>>, facts: SetupFacts) -> Self {
        Setup { layers, facts }
    }

    /// Every policy of every layer.
    pub fn policies(&self) -> Vec<&'p PolicyDocument> {
        self.layers
            .iter()
            .flat_map(|layer| layer.policies.iter().copied())
            .collect()
    }

    /// Whether any layer has this role.
    pub fn has_layer(&self, role: LayerRole) -> bool {
        self.layers.iter().any(|layer| layer.role == role)
    }

    /// The decision on the interpretation's request.
    pub fn decide<I: Interpretation>(&self, interpretation: &I) -> DecisionTerms<I::Bool> {
        let facts = request_facts(interpretation, &self.facts);
        decide(interpretation, &self.layers, &facts)
    }

    /// The decision, with every statement's outcome kept for explanations.
    pub fn decide_with_statements<I: Interpretation>(
        &self,
        interpretation: &I,
    ) -> (DecisionTerms<I::Bool>, super::facts::RequestFacts<I::Bool>) {
        let facts = request_facts(interpretation, &self.facts);
        (
            decide_with_statements(interpretation, &self.layers, &facts),
            facts,
        )
    }
}
