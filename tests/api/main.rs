//! Black-box tests of the management API: the real app on loopback sockets against a real
//! database (SQLite by default, Postgres when `TEST_DATABASE_URL` is set).

mod accounts;
mod authz;
mod billing;
mod compaction;
mod consumer;
mod errors;
mod gateway;
mod helpers;
mod import;
mod node;
mod oauth;
mod openapi;
mod ops;
mod portal;
mod process;
mod publisher;
mod quota_restarts;
mod scenario;
mod snapshot_changes;
mod theme;
mod webhooks;

#[path = "../support/upstream.rs"]
mod upstream;
