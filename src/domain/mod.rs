//! Types and rules of the product. Nothing here imports axum or sqlx: the rules are plain
//! functions over plain types, tested on their own.

pub mod access_token;
pub mod account;
mod field;
pub use field::FieldError;
pub mod api;
pub mod billing;
pub mod clock;
pub mod ids;
pub mod lifecycle;
pub mod openapi_import;
pub mod plan;
pub mod policy;
pub mod pricing;
pub mod secret;
pub mod subscription;
pub mod theme;
pub mod throttle;
pub mod usage;
pub mod webhook;
