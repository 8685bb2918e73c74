//! Import of uploaded OpenAPI documents (Swagger 2.0, OpenAPI 3.0.x and 3.1.x,
//! as JSON or YAML) into the small model from which Tollgate creates an API and
//! its resources.
//!
//! The input comes from untrusted users, so the importer is defensive:
//!
//! * the raw size is checked before anything is parsed (413);
//! * the document is parsed through our own [`DeserializeSeed`](serde::de::DeserializeSeed) into a
//!   [`serde_json::Value`], which enforces the nesting limit *while* parsing
//!   (so a 10,000-level document fails after `max_depth` levels, long before
//!   any stack is at risk) and caps how many values the parse may produce —
//!   the latter is what stops YAML alias bombs, including the quadratic kind
//!   that `serde_norway`'s own repetition limit lets through;
//! * YAML is first pre-scanned in linear time (`FlowScan`): libyaml spends
//!   time proportional to the flow (`[`/`{`) nesting on every token and
//!   tokenizes the whole document before any value is seen, so deep flow
//!   nesting and oversized token counts are refused before libyaml runs;
//! * nothing is fetched: external `$ref`s are reported as warnings;
//! * no panics on user data (no `unwrap`, no fallible indexing); the
//!   third-party parsers are additionally wrapped in `catch_unwind`.
//!
//! Every 422 carries a JSON pointer into the uploaded document, including
//! those about the resources made from it ([`resources`]): the user can only
//! fix the document, so a pointer into Tollgate's derived list would not help.
//!
//! Real documents are accepted where mainstream tools accept them: a path key
//! with a literal query string (`/things?beta=true`, used by some large
//! public APIs to tell operations on one path apart) imports on its path,
//! with a warning.
//!
//! The order of operations follows the order of `paths` in the document. That
//! order is captured during the parse, so the importer does not rely on
//! serde_json's `preserve_order` feature (which would change the ordering of
//! every `serde_json::Map` in the whole binary).
//!
//! The module is split along the importer's stages: `bounded` parses with
//! limits, `yaml_scan` guards libyaml against deep flow nesting, `analyze`
//! reads the OpenAPI semantics, `pointer` handles JSON pointers and `$ref`s,
//! and `to_api` maps an imported document onto the fields of an API.

mod analyze;
mod bounded;
mod pointer;
mod to_api;
mod yaml_scan;

use std::collections::HashMap;

use serde_json::Value;

use super::FieldError;
use super::api::{self, Resource};
use analyze::Analyzer;
use bounded::{Format, parse};
use pointer::path_key_pointer;
pub(crate) use to_api::{context_from_title, imported_endpoints, name_from_title, version_from_info};

/// HTTP status used for documents that cannot be parsed at all.
pub const STATUS_BAD_REQUEST: u16 = 400;
/// HTTP status used for documents larger than [`ImportLimits::max_bytes`].
pub const STATUS_TOO_LARGE: u16 = 413;
/// HTTP status used for documents that parse but are not a usable OpenAPI document.
pub const STATUS_UNPROCESSABLE: u16 = 422;

/// The versions named in every "unsupported version" error.
const SUPPORTED_VERSIONS: &str = "2.0, 3.0.x, 3.1.x";

/// Path item keys that hold operations, in the order operations are emitted.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A YAML document may expand (through aliases) to at most this many times its
/// own size, counted as values plus string bytes. A document without aliases
/// never exceeds about 2x, so legitimate use of anchors has ample room.
const MAX_ALIAS_AMPLIFICATION: usize = 8;
/// Fixed allowance added to the amplification budget so tiny documents with a
/// few anchors are never refused.
const AMPLIFICATION_SLACK: usize = 1 << 20;

/// At most this many warnings are returned (plus one line counting the rest).
const MAX_WARNINGS: usize = 100;

/// At most this many individual warnings are listed per kind of `$ref`
/// problem; the rest are summarised in one line.
const MAX_LISTED_REF_WARNINGS: usize = 20;

/// Limits applied to one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest accepted document, in bytes (default 10 MiB). Larger → 413.
    pub max_bytes: usize,
    /// Deepest accepted nesting of objects/arrays; the root object is depth 1
    /// (default 64). Deeper → 422. Note that both parsers also stop at 128
    /// levels on their own, so values above 127 behave like 127.
    pub max_depth: usize,
    /// Most keys plus values (objects, arrays and scalars, after YAML alias
    /// expansion) a document may contain (default 1,000,000; the 4 MB
    /// Kubernetes spec has about 129,000). Bounds the time and memory of one
    /// import: YAML costs roughly 200 bytes of memory per value while parsing.
    /// More → 422.
    pub max_nodes: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 1_000_000,
        }
    }
}

/// The result of a successful import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSpec {
    /// `swagger`/`openapi` as written in the document: "2.0", "3.0.3", "3.1.0".
    pub spec_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version` (a YAML/JSON number such as `1.1` is turned into a string).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Absolute http(s) base URLs without a trailing `/`.
    pub servers: Vec<String>,
    /// Operations in document order: paths in order, then methods in the order
    /// get, put, post, delete, options, head, patch, trace.
    pub operations: Vec<ImportedOperation>,
    /// Top-level `tags[].name`.
    pub tags: Vec<String>,
    /// Non-fatal findings for the user (skipped servers, unresolved `$ref`s, …).
    pub warnings: Vec<String>,
}

/// One operation (method + path) of the imported document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOperation {
    /// Upper-case HTTP method: GET, POST, …
    pub method: String,
    /// The path template, e.g. `/pets/{petId}`: the path key without the literal query string
    /// some documents write into it (`/things?beta=true` → `/things`).
    pub path: String,
    /// The key in `paths` as written, query string included; names the operation in messages.
    pub path_key: String,
    /// JSON pointer to the operation in the uploaded document, e.g. `/paths/~1pets/get` (inside
    /// the target when the path item is a `$ref`).
    pub pointer: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    /// Whether the gateway must authenticate calls to this operation.
    pub auth_required: bool,
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", pointer_suffix(.pointer))]
pub struct ImportError {
    /// 400 (cannot be parsed), 413 (too large) or 422 (not a usable OpenAPI document).
    pub status: u16,
    /// Human-readable reason; parse errors include "line L column C".
    pub message: String,
    /// JSON pointer to the offending place, e.g. `/paths/~1pets/get`.
    pub pointer: Option<String>,
    /// 1-based line of a parse error.
    pub line: Option<usize>,
    /// 1-based column of a parse error.
    pub column: Option<usize>,
}

fn pointer_suffix(pointer: &Option<String>) -> String {
    match pointer {
        Some(p) => format!(" (at {})", if p.is_empty() { "the document root" } else { p }),
        None => String::new(),
    }
}

impl ImportError {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            pointer: None,
            line: None,
            column: None,
        }
    }

    /// A 422 about the value at `pointer`.
    fn semantic(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            ..Self::new(STATUS_UNPROCESSABLE, message)
        }
    }

    fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

/// Parses and checks an uploaded OpenAPI document.
///
/// JSON is recognised by its first non-whitespace byte being `{`; anything
/// else is parsed as YAML. Never fetches anything and never panics.
pub fn import(bytes: &[u8], limits: &ImportLimits) -> Result<ImportedSpec, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::new(
            STATUS_TOO_LARGE,
            format!(
                "the document is {} bytes; the limit is {} bytes",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let (line, column) = line_column(bytes, err.valid_up_to());
        ImportError::new(
            STATUS_BAD_REQUEST,
            format!("the document is not valid UTF-8 (invalid byte at line {line} column {column})"),
        )
        .at(Some(line), Some(column))
    })?;
    let first = text.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    let format = match first {
        None => {
            return Err(ImportError::new(STATUS_BAD_REQUEST, "the document is empty"));
        }
        Some(b'{') => Format::Json,
        Some(_) => Format::Yaml,
    };

    let parsed = parse(text, format, limits)?;
    let Value::Object(root) = &parsed.value else {
        return Err(ImportError::semantic(
            "",
            format!("the document root must be an object, found {}", kind_of(&parsed.value)),
        ));
    };
    let mut warnings = parsed.warnings;
    let spec = Analyzer::new(root, &parsed.paths_order, &mut warnings).run()?;
    cap_warnings(&mut warnings);
    Ok(ImportedSpec { warnings, ..spec })
}

/// Keeps the first [`MAX_WARNINGS`] and counts the rest: a huge document must not make a huge answer.
fn cap_warnings(warnings: &mut Vec<String>) {
    if warnings.len() > MAX_WARNINGS {
        let more = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(format!("… and {more} more warnings"));
    }
}

/// The API resources for imported operations, in document order: one per method and path, since
/// that is what the gateway routes on.
///
/// Operations that land on the same method and path — told apart in the document only by a query
/// string in the path key (`/things?beta=true` beside `/things`), or by spaces that trimming
/// removes — share one resource instead of failing as duplicates: it keeps the first operation's
/// operationId and summary and requires a credential if any of them does (open access is never
/// widened), and a warning names each operation it absorbed. TRACE is never exposed.
///
/// The resources pass [`api::validate_resources`]; its complaints are turned into pointers into
/// the uploaded document (the path key, or the operation), never into this derived list.
pub fn resources(
    operations: &[ImportedOperation],
    warnings: &mut Vec<String>,
) -> Result<Vec<Resource>, Vec<FieldError>> {
    let mut resources: Vec<Resource> = Vec::new();
    // The operation each resource was made from (the first, when several share it).
    let mut sources: Vec<&ImportedOperation> = Vec::new();
    let mut by_route: HashMap<(String, String), usize> = HashMap::new();
    let mut notes = Vec::new();
    for op in operations {
        if !api::METHODS.contains(&op.method.as_str()) {
            notes.push(format!(
                "{} {} is not exposed: the gateway does not forward {}",
                op.method, op.path_key, op.method
            ));
            continue;
        }
        // An invalid path is kept as written, for validate_resources to report below.
        let path = api::parse_resource_path(&op.path).unwrap_or_else(|_| op.path.clone());
        let route = (op.method.clone(), path.clone());
        if let Some((resource, first)) = by_route
            .get(&route)
            .and_then(|&i| Some((resources.get_mut(i)?, *sources.get(i)?)))
        {
            resource.auth_required |= op.auth_required;
            notes.push(format!(
                "{} {}{} shares the resource {} {} with {} {}{}: the gateway routes on method and path only, so one resource serves both, with the first one's operationId and summary, requiring a credential if either does",
                op.method,
                op.path_key,
                operation_id_note(op),
                op.method,
                path,
                first.method,
                first.path_key,
                operation_id_note(first),
            ));
            continue;
        }
        by_route.insert(route, resources.len());
        sources.push(op);
        resources.push(Resource {
            method: op.method.clone(),
            path,
            auth_required: op.auth_required,
            // Cut to what a resource holds rather than refuse a long summary.
            operation_id: op.operation_id.as_ref().map(|s| s.chars().take(500).collect()),
            summary: op.summary.as_ref().map(|s| s.chars().take(500).collect()),
        });
    }
    cap_warnings(&mut notes);
    warnings.append(&mut notes);

    let mut errors = Vec::new();
    api::validate_resources(&mut resources, "", &mut errors);
    if errors.is_empty() {
        return Ok(resources);
    }
    // validate_resources points at `/{index}/{field}` of the list, or at the list itself ("").
    Err(errors
        .into_iter()
        .map(|e| {
            let mut segments = e.pointer.split('/').skip(1);
            let source = segments
                .next()
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| sources.get(i));
            match (source, segments.next()) {
                (Some(op), Some("path")) => FieldError::new(
                    path_key_pointer(&op.path_key),
                    format!("path \"{}\" {}", op.path_key, e.message),
                ),
                (Some(op), _) => FieldError::new(
                    op.pointer.clone(),
                    format!("{} {}: {}", op.method, op.path_key, e.message),
                ),
                (None, _) => FieldError::new("/paths", format!("too many operations: {}", e.message)),
            }
        })
        .collect())
}

/// ` (operationId listThings)`, or nothing.
fn operation_id_note(op: &ImportedOperation) -> String {
    op.operation_id
        .as_ref()
        .map(|id| format!(" (operationId {id})"))
        .unwrap_or_default()
}

/// 1-based line and column of byte offset `at`.
fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, 1 + at.saturating_sub(line_start))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
