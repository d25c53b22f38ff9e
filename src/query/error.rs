//! Errors of the query layer.

use crate::eval::Decision;
use crate::request::ConcreteRequest;
use crate::symbolic::decoder::DecodeError;
use crate::symbolic::z3_backend::BackendError;
use crate::symbolic::Unsupported;

#[derive(Debug, Clone, thiserror::Error)]
pub enum QueryError {
    /// A counterexample did not replay: the concrete evaluator decided it
    /// differently from what the solver claimed. This is a bug in the
    /// encoding (or the evaluator), never a finding.
    #[error(
        "internal error: counterexample does not replay ({side}: the solver claimed {claimed}, the evaluator decided {replayed}); request: {request:?}"
    )]
    ReplayMismatch {
        side: String,
        claimed: String,
        replayed: Decision,
        request: Box<ConcreteRequest>,
    },
    /// The decoded request breaks the query's own request constraints.
    #[error("internal error: counterexample breaks the request constraints: {0:?}")]
    ConstraintMismatch(Box<ConcreteRequest>),
    /// The solver's request could not be rewritten into one AWS could
    /// receive; it is not printed.
    #[error("internal error: the counterexample is not a request AWS could receive ({reason}); request: {request:?}")]
    UnrealisticCounterexample {
        reason: String,
        request: Box<ConcreteRequest>,
    },
    /// An enumeration found a request its earlier findings' regions should
    /// have excluded.
    #[error("internal error: an enumeration found again a request it had excluded: {0:?}")]
    RegionMissesFinding(Box<ConcreteRequest>),
    #[error("internal error: {0}")]
    Backend(#[from] BackendError),
    #[error("internal error: {0}")]
    Decode(#[from] DecodeError),
    #[error("bad request constraint: {0}")]
    BadConstraint(String),
}

/// Why a verdict is inconclusive: never a proof, and never a finding
/// beyond the counterexamples already replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InconclusiveReason {
    /// Constructs the encoding does not cover.
    Unsupported(Vec<Unsupported>),
    /// The solver ran out of its time limit.
    Timeout,
    /// The solver gave up for another reason (its own words).
    SolverGaveUp(Vec<String>),
    /// An enumeration stopped at its limit of findings; more may exist.
    FindingLimit(usize),
}

impl InconclusiveReason {
    /// The reason's kind, for tools: `unsupported`, `timeout`, `solver`,
    /// `limit`.
    pub fn kind(&self) -> &'static str {
        match self {
            InconclusiveReason::Unsupported(_) => "unsupported",
            InconclusiveReason::Timeout => "timeout",
            InconclusiveReason::SolverGaveUp(_) => "solver",
            InconclusiveReason::FindingLimit(_) => "limit",
        }
    }

    /// The reason of searches the solver did not finish.
    pub fn of_solver(reasons: Vec<String>) -> InconclusiveReason {
        let timed_out = |reason: &String| {
            let reason = reason.to_ascii_lowercase();
            reason.contains("timeout") || reason.contains("canceled")
        };
        if !reasons.is_empty() && reasons.iter().all(timed_out) {
            InconclusiveReason::Timeout
        } else {
            InconclusiveReason::SolverGaveUp(reasons)
        }
    }
}

impl std::fmt::Display for InconclusiveReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InconclusiveReason::Unsupported(constructs) => {
                let texts: Vec<String> = constructs.iter().map(ToString::to_string).collect();
                write!(formatter, "not supported: {}", texts.join("; "))
            }
            InconclusiveReason::Timeout => write!(formatter, "solver: timeout"),
            InconclusiveReason::SolverGaveUp(reasons) => {
                write!(formatter, "solver: {}", reasons.join("; "))
            }
            InconclusiveReason::FindingLimit(limit) => {
                write!(formatter, "stopped after {limit} findings; more may exist")
            }
        }
    }
}
