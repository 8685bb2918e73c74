//! Tollgate: API management in one binary. A control plane (management REST API, portals,
//! OAuth2) and an embedded gateway, over SQLite (embedded default) or Postgres.
//!
//! Layers (ARCHITECTURE.md §2): `http` (axum) → `domain` (rules, no axum/sqlx) and `store`
//! (the only SQL); `gateway` is the data plane.

pub mod app;
pub mod billing;
pub mod cli;
pub mod config;
pub mod deploy;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod http;
pub mod memory;
pub mod node;
pub mod oauth;
pub mod store;
pub mod telemetry;
pub mod webhooks;
