//! Field-level validation messages, shared by every parser in `domain`.

use serde::Serialize;
use utoipa::ToSchema;

/// One field-level validation message; `pointer` is a JSON pointer into the request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

impl FieldError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}
