//! A setup: the layers of policies that decide a request, and what the
//! setup fixes about its requests ([`SetupFacts`]). It is built in one place
//! (`scenario::setup`) and decided by one function ([`Setup::decide`]) under
//! any interpretation: the reference evaluator, every query, and the replay
//! of every counterexample read the same setup the same way.

use super::decision::{decide, decide_with_statements, DecisionTerms, Layer, LayerRole};
use super::facts::{request_facts_with, RequestFacts, SetupFacts};
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

    /// The request facts under this setup. S3 Block Public Access's
    /// `RestrictPublicBuckets` closes the bucket when a policy of the
    /// resource layer is public — read off the layers, so that a setup
    /// whose resource policy was changed (an explanation's proposed change)
    /// is judged by its new policy.
    pub fn request_facts<I: Interpretation>(&self, interpretation: &I) -> RequestFacts<I::Bool> {
        let restricted = self.facts.restrict_public_buckets.as_deref().filter(|_| {
            self.layers
                .iter()
                .filter(|layer| layer.role == LayerRole::ResourcePolicy)
                .flat_map(|layer| layer.policies.iter())
                .any(|policy| super::public_policy::policy_is_public(policy))
        });
        request_facts_with(interpretation, &self.facts, restricted)
    }

    /// The decision on the interpretation's request.
    pub fn decide<I: Interpretation>(&self, interpretation: &I) -> DecisionTerms<I::Bool> {
        let facts = self.request_facts(interpretation);
        decide(interpretation, &self.layers, &facts)
    }

    /// The decision, with every statement's outcome kept for explanations.
    pub fn decide_with_statements<I: Interpretation>(
        &self,
        interpretation: &I,
    ) -> (DecisionTerms<I::Bool>, RequestFacts<I::Bool>) {
        let facts = self.request_facts(interpretation);
        (
            decide_with_statements(interpretation, &self.layers, &facts),
            facts,
        )
    }
}
