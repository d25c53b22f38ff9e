//! Rendering results for people (text) and tools (JSON). Renderers only
//! format; they decide nothing.

pub mod decision;
