//! Rendering results for people (text) and tools (JSON, SARIF). Renderers
//! only format; they decide nothing.

pub mod comparison;
pub mod decision;
pub mod explanation;
pub mod exposure;
pub mod findings;
pub mod gate;
pub mod reach;
pub mod sarif;
