//! Types and rules of the product. Nothing here imports axum or sqlx: the rules are plain
//! functions over plain types, tested on their own.

pub mod account;
pub mod ids;
pub mod policy;
pub mod secret;
pub mod throttle;
