//! Tollgate: API management in one binary. A control plane (management REST API, portals,
//! OAuth2) and an embedded gateway, over SQLite (embedded default) or Postgres.
//!
//! Layers (docs/architecture.md): `http` (axum) → `domain` (rules, no axum/sqlx) and `store`
//! (the only SQL); `control` holds the control plane's background workers; `gateway` is the
//! data plane (it depends on `domain` only); `node` runs it as a separate process.

pub mod app;
pub mod cli;
pub mod config;
pub mod control;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod http;
pub mod memory;
pub mod node;
pub mod oauth;
pub mod store;
pub mod telemetry;
