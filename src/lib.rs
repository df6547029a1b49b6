//! zeromq-rs crate root: `engine` is pure Rust ZeroMQ; `binding` is the napi glue over it (feature "node").
#[cfg(feature = "node")]
pub mod binding;
pub mod engine;
