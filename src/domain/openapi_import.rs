//! Import of uploaded OpenAPI documents (Swagger 2.0, OpenAPI 3.0.x and 3.1.x,
//! as JSON or YAML) into the small model from which Tollgate creates an API and
//! its resources.
//!
//! The input comes from untrusted users, so the importer is defensive:
//!
//! * the raw size is checked before anything is parsed (413);
//! * the document is parsed through our own [`DeserializeSeed`] into a
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

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use super::FieldError;
use super::api::{self, Resource};

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

// ---------------------------------------------------------------------------
// Parsing with limits
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

struct Parsed {
    value: Value,
    /// Keys of the top-level `paths` object in document order.
    paths_order: Vec<String>,
    warnings: Vec<String>,
}

/// Which limit stopped the parse; recorded because the error that travels
/// back through the parser is just a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tripped {
    Depth,
    Nodes,
    Amplification,
}

/// State shared by every [`ValueSeed`] of one parse.
struct ParseCtx {
    max_depth: usize,
    max_nodes: usize,
    max_expanded: usize,
    nodes: Cell<usize>,
    /// Values plus string bytes produced so far (grows with alias expansion).
    expanded: Cell<usize>,
    tripped: Cell<Option<Tripped>>,
    duplicate_keys: Cell<usize>,
    first_duplicate: RefCell<Option<String>>,
    paths_order: RefCell<Vec<String>>,
}

impl ParseCtx {
    fn new(limits: &ImportLimits, input_len: usize) -> Self {
        Self {
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            max_expanded: input_len
                .saturating_mul(MAX_ALIAS_AMPLIFICATION)
                .saturating_add(AMPLIFICATION_SLACK),
            nodes: Cell::new(0),
            expanded: Cell::new(0),
            tripped: Cell::new(None),
            duplicate_keys: Cell::new(0),
            first_duplicate: RefCell::new(None),
            paths_order: RefCell::new(Vec::new()),
        }
    }

    fn fail<E: de::Error>(&self, why: Tripped) -> E {
        self.tripped.set(Some(why));
        E::custom(match why {
            Tripped::Depth => format!("nesting deeper than {} levels", self.max_depth),
            Tripped::Nodes => format!("more than {} keys and values", self.max_nodes),
            Tripped::Amplification => "YAML aliases expand the document too much".to_owned(),
        })
    }

    /// Accounts for one key or value carrying `string_bytes` bytes of text.
    fn charge_value<E: de::Error>(&self, string_bytes: usize) -> Result<(), E> {
        let nodes = self.nodes.get().saturating_add(1);
        self.nodes.set(nodes);
        if nodes > self.max_nodes {
            return Err(self.fail(Tripped::Nodes));
        }
        self.charge_bytes(string_bytes.saturating_add(1))
    }

    fn charge_bytes<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let expanded = self.expanded.get().saturating_add(bytes);
        self.expanded.set(expanded);
        if expanded > self.max_expanded {
            return Err(self.fail(Tripped::Amplification));
        }
        Ok(())
    }
}

fn parse(text: &str, format: Format, limits: &ImportLimits) -> Result<Parsed, ImportError> {
    let ctx = ParseCtx::new(limits, text.len());
    let seed = ValueSeed {
        ctx: &ctx,
        depth: 0,
        role: Role::Root,
    };
    // The parsers are third-party code fed with untrusted input: a panic in
    // them must become a 400, not take the request (or the server) down.
    let outcome = catch_unwind(AssertUnwindSafe(|| match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            seed.deserialize(&mut de)
                .and_then(|value| de.end().map(|()| value))
                .map_err(|err| {
                    let located = err.line() > 0;
                    (
                        err.to_string(),
                        located.then(|| err.line()),
                        located.then(|| err.column()),
                    )
                })
        }
        Format::Yaml => {
            // libyaml's cost grows with flow nesting: refuse deep nesting
            // before handing the text to it (see `FlowScan`).
            if let Err((why, line, column)) = FlowScan::new(text, ctx.max_depth, ctx.max_nodes).run() {
                ctx.tripped.set(Some(why));
                return Err((String::new(), Some(line), Some(column)));
            }
            let de = serde_norway::Deserializer::from_str(text);
            seed.deserialize(de).map_err(|err| {
                let location = err.location();
                (
                    err.to_string(),
                    location.as_ref().map(|l| l.line()),
                    location.as_ref().map(|l| l.column()),
                )
            })
        }
    }));
    let value = match outcome {
        Ok(Ok(value)) => value,
        Ok(Err((detail, line, column))) => {
            return Err(parse_failure(&ctx, format, &detail, line, column));
        }
        Err(_) => {
            return Err(ImportError::new(
                STATUS_BAD_REQUEST,
                format!("the {} parser failed on this document", format.name()),
            ));
        }
    };

    let mut warnings = Vec::new();
    let duplicates = ctx.duplicate_keys.get();
    if duplicates > 0 {
        let first = ctx.first_duplicate.borrow().clone().unwrap_or_default();
        warnings.push(format!(
            "the document repeats {duplicates} key(s) within the same object (first: \"{first}\"); the last value of each was kept"
        ));
    }
    Ok(Parsed {
        value,
        paths_order: ctx.paths_order.take(),
        warnings,
    })
}

/// Turns a parser error into an [`ImportError`], telling limit violations
/// (422) apart from syntax errors (400).
fn parse_failure(
    ctx: &ParseCtx,
    format: Format,
    detail: &str,
    line: Option<usize>,
    column: Option<usize>,
) -> ImportError {
    let limit = ctx.tripped.get().or_else(|| {
        // The parsers' own guards; they only fire first when a caller sets
        // limits above them.
        if detail.contains("recursion limit exceeded") {
            Some(Tripped::Depth)
        } else if detail.contains("repetition limit exceeded") {
            Some(Tripped::Amplification)
        } else {
            None
        }
    });
    let at = match (line, column) {
        (Some(line), Some(column)) => format!(" (line {line} column {column})"),
        _ => String::new(),
    };
    let (status, message) = match limit {
        None => (STATUS_BAD_REQUEST, format!("invalid {}: {detail}", format.name())),
        Some(Tripped::Depth) => (
            STATUS_UNPROCESSABLE,
            if ctx.tripped.get().is_some() {
                format!("the document is nested more than {} levels deep{at}", ctx.max_depth)
            } else {
                // The parser's own recursion limit (128) fired before ours.
                format!("the document is nested too deeply{at}")
            },
        ),
        Some(Tripped::Nodes) => (
            STATUS_UNPROCESSABLE,
            format!("the document contains more than {} keys and values{at}", ctx.max_nodes),
        ),
        Some(Tripped::Amplification) => (
            STATUS_UNPROCESSABLE,
            format!("the document's YAML aliases expand to too much data{at}"),
        ),
    };
    ImportError::new(status, message).at(line, column)
}

/// Where a value sits, as far as the parse needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    /// The top-level `paths` object, whose key order is recorded.
    Paths,
    Other,
}

/// Builds a [`Value`] while enforcing [`ParseCtx`]'s limits.
#[derive(Clone, Copy)]
struct ValueSeed<'c> {
    ctx: &'c ParseCtx,
    /// Number of objects/arrays enclosing this value.
    depth: usize,
    role: Role,
}

impl<'c> ValueSeed<'c> {
    /// Seed for the children of a container, checking the depth limit.
    fn enter<E: de::Error>(self) -> Result<ValueSeed<'c>, E> {
        let depth = self.depth.saturating_add(1);
        if depth > self.ctx.max_depth {
            return Err(self.ctx.fail(Tripped::Depth));
        }
        Ok(ValueSeed {
            depth,
            role: Role::Other,
            ..self
        })
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-compatible value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.ctx.charge_value(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.ctx.charge_value(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.ctx.charge_value(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(small) => self.visit_i64(small),
            // Precision loss is acceptable: such numbers only appear in
            // examples and schemas, never in the fields the importer reads.
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(small) => self.visit_u64(small),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.ctx.charge_value(0)?;
        // YAML allows .nan and .inf, which JSON cannot hold.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.ctx.charge_value(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.ctx.charge_value(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, _v: &[u8]) -> Result<Value, E> {
        Err(E::custom("binary values are not supported"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.ctx.charge_value(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let child = self.enter()?;
        self.ctx.charge_value(0)?;
        // The size hint comes from the input: never pre-allocate from it.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(child)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let child = self.enter()?;
        self.ctx.charge_value(0)?;
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed { ctx: self.ctx })? {
            let role = match self.role {
                Role::Root if key == "paths" => Role::Paths,
                Role::Paths => {
                    self.ctx.paths_order.borrow_mut().push(key.clone());
                    Role::Other
                }
                _ => Role::Other,
            };
            let value = map.next_value_seed(ValueSeed { role, ..child })?;
            match object.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(mut entry) => {
                    self.ctx
                        .duplicate_keys
                        .set(self.ctx.duplicate_keys.get().saturating_add(1));
                    let mut first = self.ctx.first_duplicate.borrow_mut();
                    if first.is_none() {
                        *first = Some(entry.key().clone());
                    }
                    entry.insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }

    /// YAML tags (`!Thing value`) arrive as enums: keep the value, drop the tag.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

/// Reads a mapping key. YAML allows non-string scalar keys (`200:` in
/// `responses`), which are turned into their JSON text.
#[derive(Clone, Copy)]
struct KeySeed<'c> {
    ctx: &'c ParseCtx,
}

impl KeySeed<'_> {
    fn key<E: de::Error>(self, key: String) -> Result<String, E> {
        self.ctx.charge_value(key.len())?;
        Ok(key)
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean or null mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.key(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.key(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.key(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.key(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.key(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        self.key(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        self.key(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.key(Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.key("null".to_owned())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.visit_unit()
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

// ---------------------------------------------------------------------------
// YAML flow-nesting guard
// ---------------------------------------------------------------------------

/// Why a YAML pre-scan is needed: libyaml's scanner (inside serde_norway) does
/// work proportional to the current *flow* nesting (`[`/`{`) for every token,
/// and serde_norway tokenizes the whole document before our depth check sees
/// a single value. A few hundred KB of `[[[[…` therefore costs minutes of CPU.
///
/// `FlowScan` is a linear pass that mirrors the parts of libyaml's scanner
/// that decide where `[`/`{` tokens are: quoted scalars, block scalars, plain
/// scalars (including multi-line ones, which need libyaml's indentation
/// stack), comments, tags, anchors, document markers. It refuses a document
/// as soon as flow nesting exceeds the limit, before libyaml runs. It never
/// stops early on malformed input: after a point where libyaml would report
/// an error it just keeps going, since libyaml will not get that far.
struct FlowScan<'t> {
    text: &'t [u8],
    pos: usize,
    line: usize,
    /// Column in characters, as libyaml counts it.
    column: usize,
    flow_level: usize,
    max_flow_level: usize,
    limit: usize,
    /// Scalars, aliases and flow collections seen: each is at least one key
    /// or value of the parsed document, so more than `max_nodes` of them can
    /// be refused before libyaml builds its (large) event list.
    nodes: usize,
    max_nodes: usize,
    /// libyaml's block indentation (`parser->indent`) and its stack.
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    /// The possible simple key of the block context: (column, line, pos).
    block_key: Option<(usize, usize, usize)>,
}

/// libyaml's `IS_ALPHA`: the characters of anchor names.
fn yaml_alpha(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'t> FlowScan<'t> {
    fn new(text: &'t str, limit: usize, max_nodes: usize) -> Self {
        Self {
            text: text.as_bytes(),
            pos: 0,
            line: 0,
            column: 0,
            flow_level: 0,
            max_flow_level: 0,
            limit,
            nodes: 0,
            max_nodes,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: true,
            block_key: None,
        }
    }

    /// Byte at `pos + k`, or 0 past the end (libyaml also stops at NUL).
    fn at(&self, k: usize) -> u8 {
        self.text.get(self.pos + k).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.at(0) == 0
    }

    /// Length of the line break at `pos + k` (CR, LF, CRLF, NEL, LS, PS), or 0.
    fn break_len(&self, k: usize) -> usize {
        match (self.at(k), self.at(k + 1), self.at(k + 2)) {
            (b'\r', b'\n', _) => 2,
            (b'\r' | b'\n', _, _) => 1,
            (0xC2, 0x85, _) => 2,
            (0xE2, 0x80, 0xA8 | 0xA9) => 3,
            _ => 0,
        }
    }

    fn is_blank(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }

    fn is_blankz(&self, k: usize) -> bool {
        self.is_blank(k) || self.break_len(k) > 0 || self.at(k) == 0
    }

    /// Moves past one character (a whole line break counts as one).
    fn advance(&mut self) {
        let brk = self.break_len(0);
        if brk > 0 {
            self.pos += brk;
            self.line += 1;
            self.column = 0;
            return;
        }
        let width = match self.at(0) {
            0 => 0,
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        };
        self.pos += width;
        self.column += 1;
    }

    fn doc_marker(&self) -> bool {
        self.column == 0
            && matches!(
                (self.at(0), self.at(1), self.at(2)),
                (b'-', b'-', b'-') | (b'.', b'.', b'.')
            )
            && self.is_blankz(3)
    }

    fn roll_indent(&mut self, column: usize) {
        let column = isize::try_from(column).unwrap_or(isize::MAX);
        if self.flow_level == 0 && self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
        }
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level == 0 {
            while self.indent > column {
                self.indent = self.indents.pop().unwrap_or(-1);
            }
        }
    }

    fn save_simple_key(&mut self) {
        if self.flow_level == 0 && self.simple_key_allowed {
            self.block_key = Some((self.column, self.line, self.pos));
        }
    }

    fn remove_simple_key(&mut self) {
        if self.flow_level == 0 {
            self.block_key = None;
        }
    }

    /// Returns the maximum flow nesting, or the limit exceeded and the
    /// 1-based position where that happened.
    fn run(mut self) -> Result<usize, (Tripped, usize, usize)> {
        loop {
            self.skip_to_next_token();
            // libyaml forgets a simple key once the line ends or 1024 characters pass.
            if let Some((_, line, pos)) = self.block_key
                && (line < self.line || pos + 1024 < self.pos)
            {
                self.block_key = None;
            }
            self.unroll_indent(isize::try_from(self.column).unwrap_or(isize::MAX));
            if self.at_end() {
                return Ok(self.max_flow_level);
            }
            let c = self.at(0);
            if self.column == 0 && c == b'%' {
                // A directive: skip the line.
                self.unroll_indent(-1);
                self.block_key = None;
                self.simple_key_allowed = false;
                while !self.at_end() && self.break_len(0) == 0 {
                    self.advance();
                }
                continue;
            }
            if self.doc_marker() {
                self.unroll_indent(-1);
                self.block_key = None;
                self.simple_key_allowed = false;
                for _ in 0..3 {
                    self.advance();
                }
                continue;
            }
            let starts_node = matches!(c, b'[' | b'{' | b'*' | b'\'' | b'"')
                || (matches!(c, b'|' | b'>') && self.flow_level == 0)
                || (c != b'&' && c != b'!' && self.plain_can_start(c));
            if starts_node {
                self.nodes += 1;
                if self.nodes > self.max_nodes {
                    return Err((Tripped::Nodes, self.line + 1, self.column + 1));
                }
            }
            match c {
                b'[' | b'{' => {
                    self.save_simple_key();
                    self.flow_level += 1;
                    if self.flow_level > self.limit {
                        return Err((Tripped::Depth, self.line + 1, self.column + 1));
                    }
                    self.max_flow_level = self.max_flow_level.max(self.flow_level);
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b']' | b'}' => {
                    self.remove_simple_key();
                    self.flow_level = self.flow_level.saturating_sub(1);
                    self.simple_key_allowed = false;
                    self.advance();
                }
                b',' => {
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b'-' if self.is_blankz(1) => {
                    self.roll_indent(self.column);
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b'?' if self.flow_level > 0 || self.is_blankz(1) => {
                    self.roll_indent(self.column);
                    self.remove_simple_key();
                    self.simple_key_allowed = self.flow_level == 0;
                    self.advance();
                }
                b':' if self.flow_level > 0 || self.is_blankz(1) => {
                    if self.flow_level == 0 {
                        match self.block_key.take() {
                            Some((column, _, _)) => {
                                self.roll_indent(column);
                                self.simple_key_allowed = false;
                            }
                            None => {
                                self.roll_indent(self.column);
                                self.simple_key_allowed = true;
                            }
                        }
                    } else {
                        self.simple_key_allowed = false;
                    }
                    self.advance();
                }
                b'*' | b'&' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.advance();
                    while yaml_alpha(self.at(0)) {
                        self.advance();
                    }
                }
                b'!' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_tag();
                }
                b'|' | b'>' if self.flow_level == 0 => {
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.scan_block_scalar();
                }
                b'\'' | b'"' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_quoted(c);
                }
                _ if self.plain_can_start(c) => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_plain();
                }
                // libyaml stops with "cannot start any token"; go on regardless.
                _ => self.advance(),
            }
        }
    }

    fn skip_to_next_token(&mut self) {
        loop {
            if self.column == 0 && self.text.get(self.pos..self.pos + 3) == Some(b"\xEF\xBB\xBF".as_slice()) {
                self.advance();
            }
            while self.at(0) == b' ' || ((self.flow_level > 0 || !self.simple_key_allowed) && self.at(0) == b'\t') {
                self.advance();
            }
            if self.at(0) == b'#' {
                while !self.at_end() && self.break_len(0) == 0 {
                    self.advance();
                }
            }
            if self.break_len(0) == 0 {
                return;
            }
            self.advance();
            if self.flow_level == 0 {
                self.simple_key_allowed = true;
            }
        }
    }

    fn plain_can_start(&self, c: u8) -> bool {
        let indicator = self.is_blankz(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c);
        !indicator
            || (c == b'-' && !self.is_blank(1))
            || (self.flow_level == 0 && (c == b'?' || c == b':') && !self.is_blankz(1))
    }

    fn scan_tag(&mut self) {
        self.advance();
        // Verbatim tags (`!<…>`) may contain `,[]`; shorthand tags may not.
        let verbatim = self.at(0) == b'<';
        if verbatim {
            self.advance();
        }
        loop {
            let c = self.at(0);
            let uri = yaml_alpha(c) || b";/?:@&=+$.%!~*'()".contains(&c) || (verbatim && b",[]".contains(&c));
            if !uri || c == 0 {
                break;
            }
            self.advance();
        }
        if verbatim && self.at(0) == b'>' {
            self.advance();
        }
    }

    fn scan_quoted(&mut self, quote: u8) {
        self.advance();
        loop {
            if self.doc_marker() || self.at_end() {
                return; // libyaml error
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if quote == b'\'' && c == b'\'' && self.at(1) == b'\'' {
                    self.advance();
                    self.advance();
                } else if c == quote {
                    break;
                } else if quote == b'"' && c == b'\\' && self.break_len(1) > 0 {
                    self.advance();
                    self.advance();
                    break;
                } else if quote == b'"' && c == b'\\' {
                    self.advance();
                    self.advance();
                } else {
                    self.advance();
                }
            }
            if self.at(0) == quote {
                self.advance();
                return;
            }
            while self.is_blank(0) || self.break_len(0) > 0 {
                self.advance();
            }
        }
    }

    fn scan_block_scalar(&mut self) {
        self.advance();
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.at(0) {
                b'+' | b'-' => self.advance(),
                d @ b'1'..=b'9' if increment == 0 => {
                    increment = usize::from(d - b'0');
                    self.advance();
                }
                _ => break,
            }
        }
        while self.is_blank(0) {
            self.advance();
        }
        if self.at(0) == b'#' {
            while !self.at_end() && self.break_len(0) == 0 {
                self.advance();
            }
        }
        if self.break_len(0) > 0 {
            self.advance();
        }
        let parent = self.indent;
        let mut indent = if increment == 0 {
            0
        } else {
            usize::try_from(parent.max(0)).unwrap_or(0) + increment
        };
        if !self.block_scalar_breaks(&mut indent, parent) {
            return;
        }
        while self.column == indent && !self.at_end() {
            while !self.at_end() && self.break_len(0) == 0 {
                self.advance();
            }
            if self.at_end() {
                return;
            }
            self.advance();
            if !self.block_scalar_breaks(&mut indent, parent) {
                return;
            }
        }
    }

    /// libyaml's `yaml_parser_scan_block_scalar_breaks`: skips indentation and
    /// empty lines, and fixes the content indentation if still unknown.
    /// Returns false where libyaml reports an error.
    fn block_scalar_breaks(&mut self, indent: &mut usize, parent: isize) -> bool {
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.column < *indent) && self.at(0) == b' ' {
                self.advance();
            }
            max_indent = max_indent.max(self.column);
            if (*indent == 0 || self.column < *indent) && self.at(0) == b'\t' {
                return false;
            }
            if self.break_len(0) == 0 {
                break;
            }
            self.advance();
        }
        if *indent == 0 {
            let minimum = usize::try_from(parent.saturating_add(1)).unwrap_or(0).max(1);
            *indent = max_indent.max(minimum);
        }
        true
    }

    fn scan_plain(&mut self) {
        let indent = self.indent.saturating_add(1);
        let mut leading_blanks = false;
        'scalar: loop {
            if self.doc_marker() || self.at(0) == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if self.flow_level > 0 && c == b':' && b",?[]{}".contains(&self.at(1)) && self.at(1) != 0 {
                    return; // libyaml error
                }
                if (c == b':' && self.is_blankz(1)) || (self.flow_level > 0 && b",[]{}".contains(&c)) {
                    break 'scalar;
                }
                leading_blanks = false;
                self.advance();
            }
            if !(self.is_blank(0) || self.break_len(0) > 0) {
                break;
            }
            while self.is_blank(0) || self.break_len(0) > 0 {
                if self.break_len(0) > 0 {
                    leading_blanks = true;
                }
                self.advance();
            }
            if self.flow_level == 0 && isize::try_from(self.column).unwrap_or(isize::MAX) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
    }
}

// ---------------------------------------------------------------------------
// OpenAPI semantics
// ---------------------------------------------------------------------------

/// A path item to read operations from, with its JSON pointer.
type PathItem<'a> = (&'a Map<String, Value>, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

/// What a `security` array says about authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// `security: []` — no authentication.
    None,
    /// At least one requirement, none of them empty.
    Required,
    /// Contains `{}`, which makes authentication optional.
    Optional,
}

struct Analyzer<'a, 'w> {
    root: &'a Map<String, Value>,
    paths_order: &'a [String],
    warnings: &'w mut Vec<String>,
}

impl<'a, 'w> Analyzer<'a, 'w> {
    fn new(root: &'a Map<String, Value>, paths_order: &'a [String], warnings: &'w mut Vec<String>) -> Self {
        Self {
            root,
            paths_order,
            warnings,
        }
    }

    fn run(mut self) -> Result<ImportedSpec, ImportError> {
        let (family, spec_version) = self.version()?;
        let (title, version, description) = self.info()?;
        let servers = match family {
            Family::Swagger2 => self.servers_v2()?,
            Family::OpenApi30 | Family::OpenApi31 => self.servers_v3()?,
        };
        let tags = self.tags()?;
        let top_security = match non_null(self.root.get("security")) {
            None => Security::Required,
            Some(v) => security_of(v, "/security")?,
        };
        if top_security == Security::Optional {
            self.warnings.push(
                "the top-level security allows anonymous access (empty requirement {}); operations are imported as requiring authentication".to_owned(),
            );
        }
        let operations = self.operations(family, top_security)?;
        self.webhooks(family)?;
        if operations.is_empty() {
            self.warnings.push("the document defines no operations".to_owned());
        }
        scan_refs(self.root, self.warnings);
        Ok(ImportedSpec {
            spec_version,
            title,
            version,
            description,
            servers,
            operations,
            tags,
            warnings: Vec::new(),
        })
    }

    fn version(&mut self) -> Result<(Family, String), ImportError> {
        let (field, raw) = match (self.root.get("openapi"), self.root.get("swagger")) {
            (Some(v), _) => ("openapi", v),
            (None, Some(v)) => ("swagger", v),
            (None, None) => {
                return Err(ImportError::semantic(
                    "/openapi",
                    format!(
                        "the document declares no version (`openapi` or `swagger`); supported versions are {SUPPORTED_VERSIONS}"
                    ),
                ));
            }
        };
        let pointer = format!("/{field}");
        let text = match raw {
            Value::String(s) => s.trim().to_owned(),
            // Unquoted YAML `swagger: 2.0` is a number; tolerate it.
            Value::Number(n) => n.to_string(),
            other => {
                return Err(ImportError::semantic(
                    pointer,
                    format!(
                        "`{field}` must be a string, found {}; supported versions are {SUPPORTED_VERSIONS}",
                        kind_of(other)
                    ),
                ));
            }
        };
        let family = match field {
            "swagger" if text == "2.0" => Some(Family::Swagger2),
            "openapi" => openapi_family(&text),
            _ => None,
        };
        let Some(family) = family else {
            return Err(ImportError::semantic(
                pointer,
                format!("unsupported version {field}: \"{text}\"; supported versions are {SUPPORTED_VERSIONS}"),
            ));
        };
        if field == "openapi" && text.matches('.').count() == 1 {
            self.warnings.push(format!(
                "`openapi: {text}` should name a patch release such as {text}.0"
            ));
        }
        Ok((family, text))
    }

    fn info(&mut self) -> Result<(String, String, Option<String>), ImportError> {
        let info = match non_null(self.root.get("info")) {
            None => return Err(ImportError::semantic("/info", "`info` is required")),
            Some(Value::Object(info)) => info,
            Some(other) => {
                return Err(ImportError::semantic(
                    "/info",
                    format!("`info` must be an object, found {}", kind_of(other)),
                ));
            }
        };
        let title = match non_null(info.get("title")) {
            // The title becomes the API's default name, which needs something printable.
            Some(Value::String(s)) if s.chars().any(|c| !c.is_whitespace() && !c.is_control()) => s.clone(),
            Some(Value::String(_)) => {
                return Err(ImportError::semantic(
                    "/info/title",
                    "`info.title` must not be empty (it has no printable character)",
                ));
            }
            None => {
                return Err(ImportError::semantic("/info/title", "`info.title` is required"));
            }
            Some(other) => {
                return Err(ImportError::semantic(
                    "/info/title",
                    format!("`info.title` must be a string, found {}", kind_of(other)),
                ));
            }
        };
        let version = match non_null(info.get("version")) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) => {
                return Err(ImportError::semantic(
                    "/info/version",
                    "`info.version` must not be empty",
                ));
            }
            Some(Value::Number(n)) => {
                let text = n.to_string();
                self.warnings.push(format!(
                    "`info.version` is the number {text}; quote it in the document to keep it exactly as written"
                ));
                text
            }
            None => {
                return Err(ImportError::semantic("/info/version", "`info.version` is required"));
            }
            Some(other) => {
                return Err(ImportError::semantic(
                    "/info/version",
                    format!("`info.version` must be a string, found {}", kind_of(other)),
                ));
            }
        };
        let description = optional_string(info, "description", "/info")?;
        Ok((title, version, description))
    }

    /// OpenAPI 3.x `servers[].url`, with variables replaced by their defaults.
    fn servers_v3(&mut self) -> Result<Vec<String>, ImportError> {
        let servers = match non_null(self.root.get("servers")) {
            None => {
                self.warnings
                    .push("the document declares no servers; set the backend URL after the import".to_owned());
                return Ok(Vec::new());
            }
            Some(Value::Array(servers)) => servers,
            Some(other) => {
                return Err(ImportError::semantic(
                    "/servers",
                    format!("`servers` must be an array, found {}", kind_of(other)),
                ));
            }
        };
        let mut urls = Vec::new();
        for (i, server) in servers.iter().enumerate() {
            let pointer = format!("/servers/{i}");
            let Value::Object(server) = server else {
                return Err(ImportError::semantic(pointer, "a server must be an object"));
            };
            let url = match server.get("url") {
                Some(Value::String(url)) => url,
                _ => {
                    return Err(ImportError::semantic(
                        format!("{pointer}/url"),
                        "a server needs a string `url`",
                    ));
                }
            };
            let variables = match non_null(server.get("variables")) {
                None => None,
                Some(Value::Object(variables)) => Some(variables),
                Some(_) => {
                    return Err(ImportError::semantic(
                        format!("{pointer}/variables"),
                        "server `variables` must be an object",
                    ));
                }
            };
            let expanded = match substitute_variables(url, variables) {
                Ok(expanded) => expanded,
                Err(reason) => {
                    self.warnings.push(format!("server URL \"{url}\" skipped: {reason}"));
                    continue;
                }
            };
            match absolute_http_url(&expanded) {
                Some(base) => push_unique(&mut urls, base),
                None => self.warnings.push(format!(
                    "server URL \"{expanded}\" skipped: only absolute http(s) URLs are imported"
                )),
            }
        }
        if urls.is_empty() && !servers.is_empty() {
            self.warnings
                .push("no usable server URL; set the backend URL after the import".to_owned());
        }
        Ok(urls)
    }

    /// Swagger 2.0 `host` + `basePath` for each of `schemes`.
    fn servers_v2(&mut self) -> Result<Vec<String>, ImportError> {
        let host = match non_null(self.root.get("host")) {
            None => None,
            Some(Value::String(host)) => Some(host.trim()),
            Some(other) => {
                return Err(ImportError::semantic(
                    "/host",
                    format!("`host` must be a string, found {}", kind_of(other)),
                ));
            }
        };
        let base_path = match non_null(self.root.get("basePath")) {
            None => "",
            Some(Value::String(path)) => path.trim(),
            Some(other) => {
                return Err(ImportError::semantic(
                    "/basePath",
                    format!("`basePath` must be a string, found {}", kind_of(other)),
                ));
            }
        };
        let schemes: Vec<&str> = match non_null(self.root.get("schemes")) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut schemes = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => schemes.push(s.as_str()),
                        _ => {
                            return Err(ImportError::semantic(
                                format!("/schemes/{i}"),
                                "a scheme must be a string",
                            ));
                        }
                    }
                }
                schemes
            }
            Some(other) => {
                return Err(ImportError::semantic(
                    "/schemes",
                    format!("`schemes` must be an array, found {}", kind_of(other)),
                ));
            }
        };
        let Some(host) = host else {
            self.warnings.push(
                "the document has no `host`, so no server URL was imported; set the backend URL after the import"
                    .to_owned(),
            );
            return Ok(Vec::new());
        };
        if !valid_host(host) {
            self.warnings.push(format!(
                "`host` \"{host}\" skipped: it must be a host name with an optional port, without scheme or path"
            ));
            return Ok(Vec::new());
        }
        let base_path: Cow<'_, str> = if base_path.is_empty() || base_path.starts_with('/') {
            Cow::Borrowed(base_path)
        } else {
            self.warnings.push(format!(
                "`basePath` \"{base_path}\" does not start with '/'; one was added"
            ));
            Cow::Owned(format!("/{base_path}"))
        };
        let schemes = if schemes.is_empty() { vec!["https"] } else { schemes };
        let mut urls = Vec::new();
        for scheme in schemes {
            let lower = scheme.to_ascii_lowercase();
            if lower != "http" && lower != "https" {
                self.warnings
                    .push(format!("scheme \"{scheme}\" skipped: only http and https are imported"));
                continue;
            }
            match absolute_http_url(&format!("{lower}://{host}{base_path}")) {
                Some(url) => push_unique(&mut urls, url),
                None => self.warnings.push(format!(
                    "server \"{lower}://{host}{base_path}\" skipped: not a valid absolute URL"
                )),
            }
        }
        Ok(urls)
    }

    fn tags(&mut self) -> Result<Vec<String>, ImportError> {
        let items = match non_null(self.root.get("tags")) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(ImportError::semantic(
                    "/tags",
                    format!("`tags` must be an array, found {}", kind_of(other)),
                ));
            }
        };
        let mut tags = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::Object(tag) => match tag.get("name") {
                    Some(Value::String(name)) => {
                        if tags.contains(name) {
                            self.warnings.push(format!("tag \"{name}\" is declared more than once"));
                        } else {
                            tags.push(name.clone());
                        }
                    }
                    _ => {
                        return Err(ImportError::semantic(
                            format!("/tags/{i}/name"),
                            "a tag needs a string `name`",
                        ));
                    }
                },
                _ => {
                    return Err(ImportError::semantic(format!("/tags/{i}"), "a tag must be an object"));
                }
            }
        }
        Ok(tags)
    }

    fn operations(&mut self, family: Family, top_security: Security) -> Result<Vec<ImportedOperation>, ImportError> {
        let paths = match self.root.get("paths") {
            Some(Value::Object(paths)) => paths,
            Some(other) => {
                return Err(ImportError::semantic(
                    "/paths",
                    format!("`paths` must be an object, found {}", kind_of(other)),
                ));
            }
            None if family == Family::OpenApi31 => {
                if !self.root.contains_key("webhooks") && !self.root.contains_key("components") {
                    return Err(ImportError::semantic(
                        "/paths",
                        "an OpenAPI 3.1 document needs at least one of `paths`, `webhooks` or `components`",
                    ));
                }
                return Ok(Vec::new());
            }
            None => return Err(ImportError::semantic("/paths", "`paths` is required")),
        };

        let mut operations = Vec::new();
        let mut seen_templates: HashMap<String, &str> = HashMap::new();
        let mut operation_ids: HashSet<String> = HashSet::new();
        for (path, item) in ordered_entries(paths, self.paths_order) {
            if path.starts_with("x-") {
                continue; // specification extension, not a path
            }
            let pointer = path_key_pointer(path);
            // Some large public documents tell operations on one path apart by a literal query
            // string in the key. The gateway routes on method and path, so the operations are
            // imported on the path alone; `resources` says when two of them then share one.
            let template = match path.split_once('?') {
                Some((template, _)) => {
                    self.warnings.push(format!(
                        "path \"{path}\" has a query string in its key; its operations are imported on \"{template}\" (the gateway matches method and path, not the query)"
                    ));
                    template
                }
                None => path,
            };
            check_path_template(template).map_err(|reason| {
                ImportError::semantic(pointer.clone(), format!("invalid path \"{path}\": {reason}"))
            })?;
            if let Some(previous) = seen_templates.insert(normalize_template(template), template)
                && previous != template
            {
                self.warnings.push(format!(
                    "paths \"{previous}\" and \"{template}\" differ only in parameter names and will conflict"
                ));
            }
            let Value::Object(item) = item else {
                return Err(ImportError::semantic(
                    pointer,
                    format!("a path item must be an object, found {}", kind_of(item)),
                ));
            };
            let Some((item, item_pointer)) = self.resolve_path_item(path, item, pointer)? else {
                continue;
            };
            self.warn_unknown_path_item_keys(family, path, item);
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                if method == "trace" && family == Family::Swagger2 {
                    self.warnings.push(format!(
                        "`trace` on \"{path}\" ignored: Swagger 2.0 has no trace operations"
                    ));
                    continue;
                }
                let op_pointer = format!("{item_pointer}/{method}");
                let imported = self.operation(path, template, method, operation, op_pointer, top_security)?;
                if let Some(id) = &imported.operation_id
                    && !operation_ids.insert(id.clone())
                {
                    self.warnings
                        .push(format!("operationId \"{id}\" is used by more than one operation"));
                }
                operations.push(imported);
            }
        }
        Ok(operations)
    }

    /// Follows a path item that is only a `$ref` (local refs once; external
    /// refs are not fetched). Returns the item to read operations from and its
    /// pointer, or `None` when there is nothing to read.
    fn resolve_path_item(
        &mut self,
        path: &str,
        item: &'a Map<String, Value>,
        pointer: String,
    ) -> Result<Option<PathItem<'a>>, ImportError> {
        let Some(reference) = item.get("$ref") else {
            return Ok(Some((item, pointer)));
        };
        if METHODS.iter().any(|m| item.contains_key(*m)) {
            self.warnings.push(format!(
                "path \"{path}\" has both `$ref` and operations; the `$ref` was ignored"
            ));
            return Ok(Some((item, pointer)));
        }
        let Value::String(reference) = reference else {
            return Err(ImportError::semantic(
                format!("{pointer}/$ref"),
                "`$ref` must be a string",
            ));
        };
        let Some(fragment) = reference.strip_prefix('#') else {
            self.warnings.push(format!(
                "path \"{path}\" refers to \"{reference}\" in another document, which is not fetched; its operations were not imported"
            ));
            return Ok(None);
        };
        let target = decode_fragment(fragment).and_then(|target| {
            let value = lookup_pointer(self.root, &target)?;
            Some((value, target))
        });
        match target {
            Some((Value::Object(target), target_pointer)) => {
                if target.contains_key("$ref") && !METHODS.iter().any(|m| target.contains_key(*m)) {
                    self.warnings.push(format!(
                        "path \"{path}\" refers to \"{reference}\", which is itself a `$ref`; it is resolved only once, so its operations were not imported"
                    ));
                    return Ok(None);
                }
                Ok(Some((target, target_pointer)))
            }
            Some((other, target_pointer)) => Err(ImportError::semantic(
                target_pointer,
                format!(
                    "path \"{path}\" refers to \"{reference}\", which is {} instead of a path item",
                    kind_of(other)
                ),
            )),
            None => {
                self.warnings.push(format!(
                    "path \"{path}\" refers to \"{reference}\", which does not exist; its operations were not imported"
                ));
                Ok(None)
            }
        }
    }

    fn warn_unknown_path_item_keys(&mut self, family: Family, path: &str, item: &Map<String, Value>) {
        for key in item.keys() {
            let known = METHODS.contains(&key.as_str())
                || key.starts_with("x-")
                || matches!(key.as_str(), "$ref" | "parameters")
                || (family != Family::Swagger2 && matches!(key.as_str(), "summary" | "description" | "servers"));
            if !known {
                self.warnings
                    .push(format!("unknown field \"{key}\" in path \"{path}\" ignored"));
            }
        }
    }

    fn operation(
        &mut self,
        path: &str,
        template: &str,
        method: &str,
        operation: &Value,
        pointer: String,
        top_security: Security,
    ) -> Result<ImportedOperation, ImportError> {
        let Value::Object(operation) = operation else {
            return Err(ImportError::semantic(
                pointer,
                format!("an operation must be an object, found {}", kind_of(operation)),
            ));
        };
        let operation_id = optional_string(operation, "operationId", &pointer)?;
        let summary = optional_string(operation, "summary", &pointer)?;
        let method_upper = method.to_ascii_uppercase();

        let security = match non_null(operation.get("security")) {
            Some(security) => {
                let security = security_of(security, &format!("{pointer}/security"))?;
                if security == Security::Optional {
                    self.warnings.push(format!(
                        "{method_upper} {path} allows anonymous access (empty security requirement {{}}); imported as requiring authentication"
                    ));
                }
                security
            }
            None => top_security,
        };
        // WSO2's vendor extension for unauthenticated resources.
        let wso2_no_auth = matches!(
            operation.get("x-auth-type"),
            Some(Value::String(kind)) if kind.trim().eq_ignore_ascii_case("none")
        );
        Ok(ImportedOperation {
            method: method_upper,
            path: template.to_owned(),
            path_key: path.to_owned(),
            pointer,
            operation_id,
            summary,
            auth_required: security != Security::None && !wso2_no_auth,
        })
    }

    fn webhooks(&mut self, family: Family) -> Result<(), ImportError> {
        let Some(webhooks) = self.root.get("webhooks") else {
            return Ok(());
        };
        if family != Family::OpenApi31 {
            self.warnings
                .push("`webhooks` is an OpenAPI 3.1 field and was ignored".to_owned());
            return Ok(());
        }
        let Value::Object(webhooks) = webhooks else {
            return Err(ImportError::semantic(
                "/webhooks",
                format!("`webhooks` must be an object, found {}", kind_of(webhooks)),
            ));
        };
        let count = webhooks.keys().filter(|k| !k.starts_with("x-")).count();
        if count > 0 {
            self.warnings.push(format!(
                "{count} webhook(s) describe calls the API makes to its clients; they are not imported as operations"
            ));
        }
        Ok(())
    }
}

/// The family of an `openapi` version string, if supported: "3.0.N", "3.1.N",
/// or the sloppy but common "3.0"/"3.1".
fn openapi_family(text: &str) -> Option<Family> {
    let mut parts = text.split('.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() || major != "3" {
        return None;
    }
    if let Some(patch) = patch
        && (patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    match minor {
        "0" => Some(Family::OpenApi30),
        "1" => Some(Family::OpenApi31),
        _ => None,
    }
}

/// Treats an explicit `null` (an empty YAML value) like an absent field.
fn non_null(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

fn optional_string(object: &Map<String, Value>, field: &str, pointer: &str) -> Result<Option<String>, ImportError> {
    match non_null(object.get(field)) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ImportError::semantic(
            format!("{pointer}/{}", escape_pointer(field)),
            format!("`{field}` must be a string, found {}", kind_of(other)),
        )),
    }
}

fn security_of(value: &Value, pointer: &str) -> Result<Security, ImportError> {
    let Value::Array(requirements) = value else {
        return Err(ImportError::semantic(
            pointer,
            format!("`security` must be an array, found {}", kind_of(value)),
        ));
    };
    let mut security = if requirements.is_empty() {
        Security::None
    } else {
        Security::Required
    };
    for (i, requirement) in requirements.iter().enumerate() {
        match requirement {
            Value::Object(schemes) if schemes.is_empty() => security = Security::Optional,
            Value::Object(_) => {}
            other => {
                return Err(ImportError::semantic(
                    format!("{pointer}/{i}"),
                    format!("a security requirement must be an object, found {}", kind_of(other)),
                ));
            }
        }
    }
    Ok(security)
}

/// Entries of `paths` in document order. `order` was recorded by the parser;
/// it may hold keys twice (a repeated key) or miss nothing, but be safe anyway.
fn ordered_entries<'a>(paths: &'a Map<String, Value>, order: &'a [String]) -> Vec<(&'a str, &'a Value)> {
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(paths.len());
    for key in order.iter().chain(paths.keys()) {
        if let Some((key, value)) = paths.get_key_value(key.as_str())
            && seen.insert(key.as_str())
        {
            entries.push((key.as_str(), value));
        }
    }
    entries
}

/// Checks a path template: leading `/`, balanced non-nested `{}`, non-empty
/// parameter names, no control characters.
fn check_path_template(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("a path must start with '/'".to_owned());
    }
    let mut open: Option<usize> = None;
    for (i, c) in path.char_indices() {
        match c {
            '{' if open.is_some() => return Err(format!("nested '{{' at offset {i}")),
            '{' => open = Some(i),
            '}' => match open.take() {
                None => return Err(format!("'}}' without a matching '{{' at offset {i}")),
                Some(start) => {
                    let name = path.get(start + 1..i).unwrap_or_default();
                    if name.trim().is_empty() {
                        return Err(format!("empty parameter name at offset {start}"));
                    }
                }
            },
            c if c.is_control() => return Err("control characters are not allowed".to_owned()),
            _ => {}
        }
    }
    match open {
        Some(start) => Err(format!("'{{' at offset {start} is never closed")),
        None => Ok(()),
    }
}

/// `/pets/{id}` and `/pets/{name}` are the same route: map both to `/pets/{}`.
fn normalize_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Replaces `{name}` in a server URL with the variable's default.
fn substitute_variables(url: &str, variables: Option<&Map<String, Value>>) -> Result<String, String> {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            return Err("unclosed '{'".to_owned());
        };
        let name = after.get(..end).unwrap_or_default();
        let default = variables
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"))
            .and_then(Value::as_str);
        match default {
            Some(value) => out.push_str(value),
            None => return Err(format!("variable \"{name}\" has no default value")),
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// `url` without trailing slashes if it is an absolute http(s) URL with a host.
fn absolute_http_url(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_end = url.find("://")?;
    let scheme = url.get(..scheme_end)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let rest = url.get(scheme_end + 3..)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end)?;
    if authority.is_empty() || authority.starts_with(':') || authority.ends_with('@') {
        return None;
    }
    let trimmed = url.trim_end_matches('/');
    Some(trimmed.to_owned())
}

/// A Swagger 2.0 `host`: a name or address with an optional port.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && !host.starts_with(':')
        && !host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '@' | '\\'))
}

fn push_unique(urls: &mut Vec<String>, url: String) {
    if !urls.contains(&url) {
        urls.push(url);
    }
}

// ---------------------------------------------------------------------------
// JSON pointers and $ref
// ---------------------------------------------------------------------------

/// JSON pointer to the path item of a key in `paths`: `/things?beta=true` → `/paths/~1things?beta=true`.
fn path_key_pointer(key: &str) -> String {
    format!("/paths/{}", escape_pointer(key))
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
fn escape_pointer(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Turns the fragment of a `$ref` (after `#`) into a JSON pointer: "" is the
/// root; anything not starting with `/` (a plain-name anchor) is unsupported.
/// The fragment is URI-encoded, so percent-escapes are decoded first.
fn decode_fragment(fragment: &str) -> Option<String> {
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return None;
    }
    if !fragment.contains('%') {
        return Some(fragment.to_owned());
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(decoded) if b == b'%' => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Looks up a JSON pointer in the document root.
fn lookup_pointer<'v>(root: &'v Map<String, Value>, pointer: &str) -> Option<&'v Value> {
    let rest = pointer.strip_prefix('/')?;
    let (first, tail) = match rest.split_once('/') {
        Some((first, tail)) => (first, Some(tail)),
        None => (rest, None),
    };
    let value = root.get(unescape_pointer(first).as_ref())?;
    match tail {
        // serde_json's pointer() handles the remaining segments.
        Some(tail) => value.pointer(&format!("/{tail}")),
        None => Some(value),
    }
}

fn unescape_pointer(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(segment)
    }
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Segment::Key(key) => out.push_str(&escape_pointer(key)),
            Segment::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// One kind of `$ref` problem, grouped by target.
#[derive(Default)]
struct RefFindings<'a> {
    /// target → (index in `order`)
    index: HashMap<&'a str, usize>,
    /// (target, pointer of first use, number of uses)
    order: Vec<(&'a str, String, usize)>,
}

impl<'a> RefFindings<'a> {
    fn record(&mut self, target: &'a str, path: &[Segment<'_>]) {
        match self.index.get(target).and_then(|&i| self.order.get_mut(i)) {
            Some(entry) => entry.2 += 1,
            None => {
                self.index.insert(target, self.order.len());
                self.order.push((target, pointer_of(path), 1));
            }
        }
    }

    fn report(&self, warnings: &mut Vec<String>, describe: impl Fn(&str, &str, usize) -> String, what: &str) {
        for (target, first, count) in self.order.iter().take(MAX_LISTED_REF_WARNINGS) {
            warnings.push(describe(target, first, *count));
        }
        let more = self.order.len().saturating_sub(MAX_LISTED_REF_WARNINGS);
        if more > 0 {
            warnings.push(format!("… and {more} more {what}"));
        }
    }
}

/// Walks the whole document (iteratively, so depth cannot hurt) and warns
/// about local `$ref`s that point nowhere and about external ones, which are
/// never fetched.
fn scan_refs(root: &Map<String, Value>, warnings: &mut Vec<String>) {
    let mut dangling = RefFindings::default();
    let mut external = RefFindings::default();
    let mut resolved: HashMap<&str, bool> = HashMap::new();

    // (value, length of `path` at its parent, segment leading to it)
    let mut stack: Vec<(&Value, usize, Segment<'_>)> = Vec::new();
    let mut path: Vec<Segment<'_>> = Vec::new();
    for (key, value) in root.iter().rev() {
        stack.push((value, 0, Segment::Key(key)));
    }
    while let Some((value, parent_len, segment)) = stack.pop() {
        path.truncate(parent_len);
        path.push(segment);
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    match reference.split_once('#') {
                        Some(("", fragment)) => {
                            let ok = *resolved.entry(reference.as_str()).or_insert_with(|| {
                                decode_fragment(fragment)
                                    .is_some_and(|p| p.is_empty() || lookup_pointer(root, &p).is_some())
                            });
                            if !ok {
                                dangling.record(reference, &path);
                            }
                        }
                        Some((document, _)) => external.record(document, &path),
                        None => external.record(reference, &path),
                    }
                }
                let len = path.len();
                for (key, child) in object.iter().rev() {
                    if !matches!(child, Value::Object(_) | Value::Array(_)) {
                        continue;
                    }
                    stack.push((child, len, Segment::Key(key)));
                }
            }
            Value::Array(items) => {
                let len = path.len();
                for (i, child) in items.iter().enumerate().rev() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        stack.push((child, len, Segment::Index(i)));
                    }
                }
            }
            _ => {}
        }
    }

    dangling.report(
        warnings,
        |target, first, count| {
            format!("$ref \"{target}\" does not resolve within the document (used {count} time(s), first at {first})")
        },
        "unresolved local $refs",
    );
    external.report(
        warnings,
        |document, first, count| {
            format!("$ref to external document \"{document}\" not fetched (used {count} time(s), first at {first})")
        },
        "external documents referenced",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn ok(doc: &str) -> ImportedSpec {
        match import(doc.as_bytes(), &ImportLimits::default()) {
            Ok(spec) => spec,
            Err(err) => panic!("expected success, got {err:?}"),
        }
    }

    fn err(doc: &str) -> ImportError {
        match import(doc.as_bytes(), &ImportLimits::default()) {
            Ok(spec) => panic!("expected an error, got {spec:?}"),
            Err(err) => err,
        }
    }

    fn routes(spec: &ImportedSpec) -> Vec<String> {
        spec.operations
            .iter()
            .map(|op| format!("{} {}", op.method, op.path))
            .collect()
    }

    fn has_warning(spec: &ImportedSpec, needle: &str) -> bool {
        spec.warnings.iter().any(|w| w.contains(needle))
    }

    /// Runs `f` on a thread with an ordinary 2 MB stack, as a request handler would.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(f)
            .expect("spawn test thread")
            .join()
            .expect("test thread panicked")
    }

    /// These tests guard against blow-ups (quadratic or exponential work that would take minutes
    /// or hours), not against slowness: speed is measured by bench/import.sh on a release build.
    /// The bound is generous so a loaded CI machine running a debug build never trips it.
    const HANG_GUARD: Duration = Duration::from_secs(30);

    fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
        let start = Instant::now();
        let out = f();
        (out, start.elapsed())
    }

    const SWAGGER2_JSON: &str = r##"{
      "swagger": "2.0",
      "info": {"title": "Pet Store", "version": 1.1, "description": "Pets"},
      "host": "api.example.com:8443",
      "basePath": "/v1/",
      "schemes": ["http", "https", "ws"],
      "security": [{"api_key": []}],
      "tags": [{"name": "pets"}, {"name": "store"}],
      "paths": {
        "/zoo": {
          "post": {"operationId": "addZoo"},
          "get": {"operationId": "listZoo", "summary": "List", "security": []},
          "trace": {}
        },
        "/pets/{petId}": {
          "parameters": [{"name": "petId", "in": "path", "required": true, "type": "string"}],
          "delete": {"responses": {"200": {"schema": {"$ref": "#/definitions/Pet"}}}},
          "get": {"x-auth-type": "None", "responses": {"200": {"schema": {"$ref": "#/definitions/Missing"}}}}
        },
        "x-internal": {"get": {}}
      },
      "definitions": {"Pet": {"type": "object"}}
    }"##;

    #[test]
    fn swagger2_json() {
        let spec = ok(SWAGGER2_JSON);
        assert_eq!(spec.spec_version, "2.0");
        assert_eq!(spec.title, "Pet Store");
        assert_eq!(spec.version, "1.1");
        assert_eq!(spec.description.as_deref(), Some("Pets"));
        assert_eq!(
            spec.servers,
            ["http://api.example.com:8443/v1", "https://api.example.com:8443/v1"]
        );
        assert_eq!(spec.tags, ["pets", "store"]);
        // Document order of paths (not alphabetical), fixed method order.
        assert_eq!(
            routes(&spec),
            ["GET /zoo", "POST /zoo", "GET /pets/{petId}", "DELETE /pets/{petId}"]
        );
        let auth: Vec<bool> = spec.operations.iter().map(|op| op.auth_required).collect();
        assert_eq!(auth, [false, true, false, true]);
        assert_eq!(spec.operations[0].operation_id.as_deref(), Some("listZoo"));
        assert_eq!(spec.operations[0].summary.as_deref(), Some("List"));
        assert!(has_warning(&spec, "trace"), "{:?}", spec.warnings);
        assert!(has_warning(&spec, "scheme \"ws\""), "{:?}", spec.warnings);
        assert!(has_warning(&spec, "#/definitions/Missing"), "{:?}", spec.warnings);
        assert!(!has_warning(&spec, "#/definitions/Pet\""), "{:?}", spec.warnings);
    }

    const OPENAPI30_YAML: &str = r#"
openapi: 3.0.3
info:
  title: Zoo
  version: "2.0.0"
servers:
  - url: https://zoo.example.com/api/
  - url: /relative
tags:
  - name: animals
paths:
  /zebras:
    summary: zebras
    servers:
      - url: https://ignored.example.com
    put:
      operationId: putZebra
      responses:
        200:
          description: ok
    get:
      operationId: listZebras
      x-auth-type: none
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Zebra'
    trace:
      responses: {}
  /apples/{appleId}/seeds/{seedId}:
    patch: {}
    options: {}
    head: {}
components:
  schemas:
    Zebra:
      type: object
"#;

    #[test]
    fn openapi30_yaml() {
        let spec = ok(OPENAPI30_YAML);
        assert_eq!(spec.spec_version, "3.0.3");
        assert_eq!(spec.version, "2.0.0");
        assert_eq!(spec.servers, ["https://zoo.example.com/api"]);
        assert!(has_warning(&spec, "\"/relative\""), "{:?}", spec.warnings);
        assert_eq!(spec.tags, ["animals"]);
        assert_eq!(
            routes(&spec),
            [
                "GET /zebras",
                "PUT /zebras",
                "TRACE /zebras",
                "OPTIONS /apples/{appleId}/seeds/{seedId}",
                "HEAD /apples/{appleId}/seeds/{seedId}",
                "PATCH /apples/{appleId}/seeds/{seedId}",
            ]
        );
        assert!(!spec.operations[0].auth_required, "x-auth-type: none");
        assert!(spec.operations[1].auth_required, "protected by default");
        assert!(spec.warnings.iter().all(|w| !w.contains("$ref")), "{:?}", spec.warnings);
    }

    #[test]
    fn openapi31_webhooks_only() {
        let spec = ok(r#"
openapi: 3.1.0
info: {title: Hooks, version: v1}
webhooks:
  newPet:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "200": {description: ok}
components:
  schemas:
    Pet: {type: object}
"#);
        assert_eq!(spec.spec_version, "3.1.0");
        assert!(spec.operations.is_empty());
        assert!(has_warning(&spec, "1 webhook(s)"), "{:?}", spec.warnings);
        assert!(has_warning(&spec, "no operations"), "{:?}", spec.warnings);
    }

    #[test]
    fn paths_required_outside_31() {
        let e = err("openapi: 3.0.0\ninfo: {title: t, version: v}\n");
        assert_eq!((e.status, e.pointer.as_deref()), (422, Some("/paths")));
        let e = err("openapi: 3.1.0\ninfo: {title: t, version: v}\n");
        assert_eq!((e.status, e.pointer.as_deref()), (422, Some("/paths")));
        let e = err("openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: []\n");
        assert_eq!((e.status, e.pointer.as_deref()), (422, Some("/paths")));
    }

    #[test]
    fn security_overrides() {
        let auth = |doc: &str| -> Vec<bool> { ok(doc).operations.iter().map(|op| op.auth_required).collect() };
        let ops = r#"
paths:
  /a:
    get: {}
    put: {security: []}
    post: {security: [{key: []}]}
    delete: {x-auth-type: NONE, security: [{key: []}]}
    patch: {x-auth-type: "Application & Application User"}
"#;
        let head = "openapi: 3.0.0\ninfo: {title: t, version: v}\n";
        // No top-level security: everything protected unless overridden.
        assert_eq!(auth(&format!("{head}{ops}")), [true, false, true, false, true]);
        // Top-level `security: []` opens operations without their own `security`.
        assert_eq!(
            auth(&format!("{head}security: []\n{ops}")),
            [false, false, true, false, false]
        );
        assert_eq!(
            auth(&format!("{head}security: [{{key: []}}]\n{ops}")),
            [true, false, true, false, true]
        );
        // `{}` makes auth optional: kept protected, with a warning.
        let spec = ok(&format!(
            "{head}paths:\n  /b:\n    get: {{security: [{{}}, {{key: []}}]}}\n"
        ));
        assert!(spec.operations[0].auth_required);
        assert!(has_warning(&spec, "anonymous"), "{:?}", spec.warnings);
        // A malformed security value is refused with its pointer.
        let e = err(&format!("{head}paths:\n  /b:\n    get: {{security: yes}}\n"));
        assert_eq!((e.status, e.pointer.as_deref()), (422, Some("/paths/~1b/get/security")));
    }

    #[test]
    fn server_variables() {
        let spec = ok(r#"
openapi: 3.0.1
info: {title: t, version: v}
servers:
  - url: "{scheme}://{host}:{port}/base/"
    variables:
      scheme: {default: https, enum: [https, http]}
      host: {default: api.example.com}
      port: {default: "8443"}
  - url: https://{region}.example.com
    variables:
      region: {enum: [eu]}
  - url: ftp://files.example.com
  - url: //cdn.example.com/v1
  - url: HTTP://UPPER.example.com//
  - url: https://api.example.com:8443/base
paths: {}
"#);
        assert_eq!(
            spec.servers,
            ["https://api.example.com:8443/base", "HTTP://UPPER.example.com"]
        );
        assert!(has_warning(&spec, "\"region\" has no default"), "{:?}", spec.warnings);
        assert!(has_warning(&spec, "ftp://files.example.com"), "{:?}", spec.warnings);
        assert!(has_warning(&spec, "//cdn.example.com/v1"), "{:?}", spec.warnings);
    }

    #[test]
    fn swagger2_servers() {
        let head = "swagger: '2.0'\ninfo: {title: t, version: v}\npaths: {}\n";
        let spec = ok(head);
        assert!(spec.servers.is_empty());
        assert!(has_warning(&spec, "no `host`"), "{:?}", spec.warnings);
        assert_eq!(
            ok(&format!("{head}host: h.example.com\n")).servers,
            ["https://h.example.com"]
        );
        assert_eq!(
            ok(&format!("{head}host: h.example.com\nbasePath: /\nschemes: [http]\n")).servers,
            ["http://h.example.com"]
        );
        let spec = ok(&format!("{head}host: https://h.example.com/api\n"));
        assert!(spec.servers.is_empty());
        assert!(has_warning(&spec, "without scheme or path"), "{:?}", spec.warnings);
        // Unquoted `swagger: 2.0` is a YAML number; it is accepted.
        assert_eq!(
            ok("swagger: 2.0\ninfo: {title: t, version: 3}\npaths: {}\n").version,
            "3"
        );
    }

    #[test]
    fn bad_versions() {
        let info = "info: {title: t, version: v}\npaths: {}\n";
        for (doc, pointer) in [
            (format!("openapi: 3.2.0\n{info}"), "/openapi"),
            (format!("openapi: 4.0.0\n{info}"), "/openapi"),
            (format!("openapi: 3.0.x\n{info}"), "/openapi"),
            (format!("openapi: [3]\n{info}"), "/openapi"),
            (format!("swagger: \"1.2\"\n{info}"), "/swagger"),
            (format!("swagger: \"3.0.0\"\n{info}"), "/swagger"),
            (info.to_owned(), "/openapi"),
        ] {
            let e = err(&doc);
            assert_eq!(e.status, 422, "{doc}");
            assert_eq!(e.pointer.as_deref(), Some(pointer), "{doc}");
            assert!(e.message.contains("2.0, 3.0.x, 3.1.x"), "{}", e.message);
        }
        // A bare minor version is tolerated with a warning.
        let spec = ok(&format!("openapi: 3.1\n{info}"));
        assert_eq!(spec.spec_version, "3.1");
        assert!(has_warning(&spec, "patch release"));
    }

    #[test]
    fn bad_info() {
        for (doc, pointer) in [
            ("openapi: 3.0.0\npaths: {}\n", "/info"),
            ("openapi: 3.0.0\ninfo: title\npaths: {}\n", "/info"),
            ("openapi: 3.0.0\ninfo: {version: v}\npaths: {}\n", "/info/title"),
            (
                "openapi: 3.0.0\ninfo: {title: '  ', version: v}\npaths: {}\n",
                "/info/title",
            ),
            (
                "openapi: 3.0.0\ninfo: {title: \"\\x01 \\t\", version: v}\npaths: {}\n",
                "/info/title",
            ),
            (
                "openapi: 3.0.0\ninfo: {title: [t], version: v}\npaths: {}\n",
                "/info/title",
            ),
            ("openapi: 3.0.0\ninfo: {title: t}\npaths: {}\n", "/info/version"),
            (
                "openapi: 3.0.0\ninfo: {title: t, version: true}\npaths: {}\n",
                "/info/version",
            ),
            (
                "openapi: 3.0.0\ninfo: {title: t, version: v, description: {}}\npaths: {}\n",
                "/info/description",
            ),
        ] {
            let e = err(doc);
            assert_eq!((e.status, e.pointer.as_deref()), (422, Some(pointer)), "{doc}: {e}");
        }
        let e = err("- openapi: 3.0.0\n");
        assert_eq!((e.status, e.pointer.as_deref()), (422, Some("")));
    }

    #[test]
    fn bad_path_keys() {
        let head = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "v"}, "paths": {"#;
        for (key, pointer) in [
            ("pets", "/paths/pets"),
            ("/pets/{petId", "/paths/~1pets~1{petId"),
            ("/pets/{}", "/paths/~1pets~1{}"),
            ("/pets/{ }/x", "/paths/~1pets~1{ }~1x"),
            ("/pets/{a{b}}", "/paths/~1pets~1{a{b}}"),
            ("/pets}/{id}", "/paths/~1pets}~1{id}"),
            ("/a~b/{id", "/paths/~1a~0b~1{id"),
        ] {
            let doc = format!(r#"{head}"{key}": {{"get": {{}}}}}}}}"#);
            let e = err(&doc);
            assert_eq!((e.status, e.pointer.as_deref()), (422, Some(pointer)), "{doc}: {e}");
            assert!(e.message.contains(key), "{}", e.message);
        }
        // Path items and operations must be objects.
        let e = err(&format!(r#"{head}"/a": {{"get": "x"}}}}}}"#));
        assert_eq!(e.pointer.as_deref(), Some("/paths/~1a/get"));
        let e = err(&format!(r#"{head}"/a": null}}}}"#));
        assert_eq!(e.pointer.as_deref(), Some("/paths/~1a"));
        let e = err(&format!(r#"{head}"/a": {{"get": {{"operationId": 7}}}}}}}}"#));
        assert_eq!(e.pointer.as_deref(), Some("/paths/~1a/get/operationId"));
    }

    #[test]
    fn query_strings_in_path_keys() {
        let spec = ok(r#"
openapi: 3.0.3
info: {title: t, version: v}
paths:
  /things:
    get: {operationId: listThings, security: []}
  /things?beta=true:
    get: {operationId: listBetaThings, summary: Beta}
    post: {operationId: createBetaThing}
  /items/{id}?action=delete:
    post: {}
  /items/{itemId}:
    get: {}
  /odd?x=}:
    get: {}
  "/things ":
    get: {}
"#);
        // The query is cut off the path; the key as written is kept for messages and pointers.
        assert_eq!(
            routes(&spec),
            [
                "GET /things",
                "GET /things",
                "POST /things",
                "POST /items/{id}",
                "GET /items/{itemId}",
                "GET /odd",
                "GET /things ",
            ]
        );
        let beta = &spec.operations[1];
        assert_eq!(beta.path_key, "/things?beta=true");
        assert_eq!(beta.pointer, "/paths/~1things?beta=true/get");
        for key in ["/things?beta=true", "/items/{id}?action=delete", "/odd?x=}"] {
            let naming = spec
                .warnings
                .iter()
                .filter(|w| w.contains("query string") && w.contains(&format!("\"{key}\"")))
                .count();
            assert_eq!(naming, 1, "{key}: {:?}", spec.warnings);
        }
        assert_eq!(
            spec.warnings.iter().filter(|w| w.contains("query string")).count(),
            3,
            "{:?}",
            spec.warnings
        );
        // Parameter names are still compared on the path alone.
        assert!(
            has_warning(
                &spec,
                "paths \"/items/{id}\" and \"/items/{itemId}\" differ only in parameter names"
            ),
            "{:?}",
            spec.warnings
        );
        assert!(!has_warning(&spec, "\"/things\" and"), "{:?}", spec.warnings);

        let mut warnings = Vec::new();
        let made = resources(&spec.operations, &mut warnings).expect("resources");
        let shape: Vec<(&str, &str, bool, Option<&str>)> = made
            .iter()
            .map(|r| {
                (
                    r.method.as_str(),
                    r.path.as_str(),
                    r.auth_required,
                    r.operation_id.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                // Open in the document, but it also serves the beta operation, which is not.
                ("GET", "/things", true, Some("listThings")),
                ("POST", "/things", true, Some("createBetaThing")),
                ("POST", "/items/{id}", true, None),
                ("GET", "/items/{itemId}", true, None),
                ("GET", "/odd", true, None),
            ]
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "GET /things?beta=true (operationId listBetaThings) shares the resource GET /things with GET /things (operationId listThings)"
            ),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with("GET /things  shares the resource GET /things with GET /things "),
            "{warnings:?}"
        );
    }

    #[test]
    fn resource_errors_point_into_the_document() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "v"}, "paths": {
            "/ok": {"get": {}, "trace": {}},
            "/files/{file name}?v=2": {"get": {}},
            "/shared": {"$ref": "#/components/pathItems/Shared"}},
            "components": {"pathItems": {"Shared": {"put": {}}}}}"##;
        let spec = ok(doc);
        assert_eq!(spec.operations[3].pointer, "/components/pathItems/Shared/put");
        let mut warnings = Vec::new();
        let errors = resources(&spec.operations, &mut warnings).expect_err("a space in a parameter name");
        assert!(has_warning(
            &ImportedSpec { warnings, ..spec },
            "TRACE /ok is not exposed"
        ));
        let [error] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(error.pointer, "/paths/~1files~1{file name}?v=2");
        assert!(
            error.message.contains("\"/files/{file name}?v=2\""),
            "{}",
            error.message
        );
        let root: Value = serde_json::from_str(doc).expect("JSON");
        let Value::Object(root) = root else { panic!() };
        assert!(lookup_pointer(&root, &error.pointer).is_some_and(|item| item.get("get").is_some()));

        // More operations than an API may have resources: the pointer names `paths`.
        let many: Vec<ImportedOperation> = (0..=api::MAX_RESOURCES)
            .map(|i| ImportedOperation {
                method: "GET".into(),
                path: format!("/r{i}"),
                path_key: format!("/r{i}"),
                pointer: format!("/paths/~1r{i}/get"),
                operation_id: None,
                summary: None,
                auth_required: true,
            })
            .collect();
        let errors = resources(&many, &mut Vec::new()).expect_err("too many");
        assert_eq!(
            errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(),
            ["/paths"]
        );
    }

    #[test]
    fn path_item_refs() {
        let spec = ok(r##"
openapi: 3.1.0
info: {title: t, version: v}
paths:
  /local:
    $ref: '#/components/pathItems/Shared'
  /escaped:
    $ref: '#/paths/~1real~1%7Bid%7D'
  /real/{id}:
    get: {}
  /chain:
    $ref: '#/paths/~1local'
  /external:
    $ref: 'other.yaml#/paths/~1x'
  /gone:
    $ref: '#/components/pathItems/Gone'
components:
  pathItems:
    Shared:
      get: {operationId: shared}
      post: {}
  schemas:
    A: {$ref: 'common.yaml#/A'}
    B: {$ref: 'common.yaml#/B'}
    C: {$ref: '#/components/schemas/Nope'}
"##);
        assert_eq!(
            routes(&spec),
            ["GET /local", "POST /local", "GET /escaped", "GET /real/{id}"]
        );
        assert!(has_warning(&spec, "path \"/chain\""), "{:?}", spec.warnings);
        assert!(
            has_warning(&spec, "\"other.yaml#/paths/~1x\" in another document"),
            "{:?}",
            spec.warnings
        );
        assert!(has_warning(&spec, "path \"/gone\""), "{:?}", spec.warnings);
        assert!(
            has_warning(&spec, "external document \"common.yaml\" not fetched (used 2 time(s)"),
            "{:?}",
            spec.warnings
        );
        assert!(
            has_warning(&spec, "\"#/components/schemas/Nope\" does not resolve"),
            "{:?}",
            spec.warnings
        );
        assert!(
            has_warning(&spec, "first at /components/schemas/C"),
            "{:?}",
            spec.warnings
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let e = err("{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"t\" \"version\": \"v\"}\n}\n");
        assert_eq!(e.status, 400);
        assert_eq!(e.line, Some(3));
        assert!(e.column.is_some());
        assert!(e.message.contains("line 3"), "{}", e.message);

        let e = err("openapi: 3.0.0\ninfo:\n  title: t\n  version: [v\npaths: {}\n");
        assert_eq!(e.status, 400, "{e}");
        assert!(e.line.is_some_and(|l| l >= 4), "{e:?}");
        assert!(e.message.contains("line"), "{}", e.message);

        let e = err("openapi: 3.0.0\ninfo: {title: *nope, version: v}\n");
        assert_eq!(e.status, 400, "{e}");
        assert_eq!(e.line, Some(2), "{e:?}");
    }

    #[test]
    fn encoding_and_emptiness() {
        let e = import(b"openapi: 3.0.0\ninfo:\n  title: \xff\n", &ImportLimits::default()).unwrap_err();
        assert_eq!((e.status, e.line, e.column), (400, Some(3), Some(10)));
        assert_eq!(err(" \n\t").status, 400);
        // A UTF-8 byte order mark is tolerated in front of JSON and YAML.
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(SWAGGER2_JSON.as_bytes());
        assert!(import(&with_bom, &ImportLimits::default()).is_ok());
        // Two YAML documents in one upload are refused.
        assert_eq!(err("openapi: 3.0.0\n---\nopenapi: 3.0.0\n").status, 400);
    }

    #[test]
    fn yaml_specifics() {
        let spec = ok(r#"
openapi: 3.0.0
info: {title: !custom Tagged, version: 1.10}
paths:
  /a:
    get: &op {summary: shared}
    put: *op
  /b: {get: {responses: {200: {description: x}, true: {}, ~: {}}}}
  /a: {post: {}}
"#);
        assert_eq!(spec.title, "Tagged");
        // A number keeps only its numeric value: 1.10 becomes "1.1" (with a warning).
        assert_eq!(spec.version, "1.1");
        assert!(has_warning(&spec, "quote it"));
        // A repeated path key keeps the last value but its first position.
        assert_eq!(routes(&spec), ["POST /a", "GET /b"]);
        assert!(has_warning(&spec, "repeats 1 key(s)"), "{:?}", spec.warnings);
        let spec = ok(
            "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths:\n  /a:\n    get: &op {summary: s}\n    put: *op\n",
        );
        assert_eq!(spec.operations[1].summary.as_deref(), Some("s"));
        // Mapping keys must be scalars.
        assert_eq!(err("openapi: 3.0.0\n? [a]\n: b\n").status, 400);
    }

    #[test]
    fn billion_laughs_is_refused_fast() {
        let mut doc = String::from("openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\n");
        doc.push_str("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            doc.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let (result, elapsed) = timed(|| import(doc.as_bytes(), &ImportLimits::default()));
        let e = result.unwrap_err();
        assert_eq!(e.status, 422, "{e}");
        assert!(e.message.contains("aliases"), "{e}");
        assert!(elapsed < HANG_GUARD, "took {elapsed:?}");
    }

    #[test]
    fn quadratic_alias_expansion_is_refused_fast() {
        // serde_norway's repetition limit (100 jumps per event) allows this:
        // 20,000 aliases of a 20,000-element anchor = 400 million values.
        let mut doc = String::from("openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\n");
        doc.push_str("x-a: &a [");
        doc.push_str(&"1,".repeat(20_000));
        doc.push_str("1]\nx-b: [");
        doc.push_str(&"*a,".repeat(20_000));
        doc.push_str("*a]\n");
        let (result, elapsed) = timed(|| import(doc.as_bytes(), &ImportLimits::default()));
        let e = result.unwrap_err();
        assert_eq!(e.status, 422, "{e}");
        assert!(elapsed < HANG_GUARD, "took {elapsed:?}");

        // Same with one big string aliased many times.
        let mut doc = String::from("openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\n");
        doc.push_str(&format!("x-a: &a \"{}\"\nx-b: [", "x".repeat(100_000)));
        doc.push_str(&"*a,".repeat(100_000));
        doc.push_str("*a]\n");
        let (result, elapsed) = timed(|| import(doc.as_bytes(), &ImportLimits::default()));
        assert_eq!(result.unwrap_err().status, 422);
        assert!(elapsed < HANG_GUARD, "took {elapsed:?}");
    }

    #[test]
    fn too_many_values_is_refused() {
        let limits = ImportLimits {
            max_nodes: 1_000,
            ..ImportLimits::default()
        };
        let doc = format!(
            "{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"t\", \"version\": \"v\"}}, \"paths\": {{}}, \"x\": [{}0]}}",
            "0,".repeat(2_000)
        );
        let e = import(doc.as_bytes(), &limits).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(e.message.contains("more than 1000 keys and values"), "{e}");
        // YAML is refused by the pre-scan, before libyaml builds its events.
        let doc = format!("openapi: 3.0.0\nx:\n{}", "- a\n".repeat(2_000));
        let e = import(doc.as_bytes(), &limits).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(e.message.contains("more than 1000 keys and values"), "{e}");
    }

    fn deeply_nested(prefix: &str, open: &str, close: &str, levels: usize, suffix: &str) -> String {
        format!("{prefix}{}{}{suffix}", open.repeat(levels), close.repeat(levels))
    }

    #[test]
    fn ten_thousand_levels_are_refused_fast_on_a_small_stack() {
        let json = deeply_nested(
            r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "v"}, "paths": {}, "x": "#,
            "[",
            "]",
            10_000,
            "}",
        );
        let json_objects = deeply_nested(r#"{"openapi": "3.0.0", "x": "#, r#"{"a": "#, "}", 10_000, "}");
        let yaml_flow = deeply_nested("openapi: 3.0.0\nx: ", "[", "]", 10_000, "\n");
        let yaml_flow_maps = deeply_nested("openapi: 3.0.0\nx: ", "{a: ", "}", 10_000, "\n");
        let yaml_block = format!("openapi: 3.0.0\nx:\n  {}leaf\n", "- ".repeat(10_000));
        for (name, doc) in [
            ("json arrays", json),
            ("json objects", json_objects),
            ("yaml flow sequences", yaml_flow),
            ("yaml flow mappings", yaml_flow_maps),
            ("yaml block sequences", yaml_block),
        ] {
            let (result, elapsed) = on_small_stack(move || timed(|| import(doc.as_bytes(), &ImportLimits::default())));
            let e = result.unwrap_err();
            assert_eq!(e.status, 422, "{name}: {e}");
            assert!(e.message.contains("nested more than 64 levels"), "{name}: {e}");
            assert!(e.line.is_some(), "{name}: {e:?}");
            assert!(elapsed < HANG_GUARD, "{name} took {elapsed:?}");
        }
    }

    #[test]
    fn depth_limit_is_exact() {
        // The root object is level 1; `x` adds one level per array.
        let doc = |levels: usize| {
            deeply_nested(
                r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "v"}, "paths": {}, "x": "#,
                "[",
                "]",
                levels,
                "}",
            )
        };
        let limits = ImportLimits {
            max_depth: 10,
            ..ImportLimits::default()
        };
        assert!(import(doc(9).as_bytes(), &limits).is_ok());
        assert_eq!(import(doc(10).as_bytes(), &limits).unwrap_err().status, 422);
    }

    #[test]
    fn fifty_megabytes_is_refused_by_size() {
        let big = vec![b' '; 50 * 1024 * 1024];
        let (result, elapsed) = timed(|| import(&big, &ImportLimits::default()));
        let e = result.unwrap_err();
        assert_eq!(e.status, 413);
        assert!(e.message.contains("limit"), "{e}");
        assert!(elapsed < HANG_GUARD, "took {elapsed:?}");
        // The limit is inclusive.
        let limits = ImportLimits {
            max_bytes: SWAGGER2_JSON.len(),
            ..ImportLimits::default()
        };
        assert!(import(SWAGGER2_JSON.as_bytes(), &limits).is_ok());
    }

    #[test]
    fn display_includes_pointer() {
        let e = err("openapi: 3.0.0\ninfo: {title: t}\npaths: {}\n");
        assert_eq!(e.to_string(), "`info.version` is required (at /info/version)");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("/info/version"));
    }

    /// Small deterministic mutation fuzzer: no input may panic, and every
    /// error must be a 4xx.
    #[test]
    fn mutated_documents_never_panic() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"{}[]:,\"'&*!#-?|>%@`~/\\\n 0{";
        for seed in [SWAGGER2_JSON, OPENAPI30_YAML] {
            let seed = seed.as_bytes();
            for cut in (0..seed.len()).step_by(7) {
                if let Err(e) = import(seed.get(..cut).unwrap_or(seed), &ImportLimits::default()) {
                    assert!((400..500).contains(&e.status));
                }
            }
            for _ in 0..1_500 {
                let mut doc = seed.to_vec();
                for _ in 0..(next() % 4 + 1) {
                    let at = (next() as usize) % doc.len();
                    let byte = alphabet[(next() as usize) % alphabet.len()];
                    match next() % 3 {
                        0 => doc[at] = byte,
                        1 => doc.insert(at, byte),
                        _ => {
                            doc.remove(at);
                        }
                    }
                }
                if let Err(e) = import(&doc, &ImportLimits::default()) {
                    assert!((400..500).contains(&e.status), "{e:?}");
                }
            }
        }
    }

    // -----------------------------------------------------------------------
    // YAML flow-nesting guard
    // -----------------------------------------------------------------------

    fn flow_depth(doc: &str) -> usize {
        use serde::Deserialize;
        for document in serde_norway::Deserializer::from_str(doc) {
            let parsed = serde_norway::Value::deserialize(document);
            assert!(parsed.is_ok(), "test document is not valid YAML: {parsed:?}\n{doc}");
        }
        FlowScan::new(doc, usize::MAX, usize::MAX).run().expect("no limit")
    }

    #[test]
    fn flow_scan_ignores_brackets_in_text() {
        let doc = r#"
openapi: 3.0.0
description: |
  [[[[ block scalar [ text
  'not a quote
    {{{ more
notes: >-
  [ folded
plain: word [[[ { not flow
  [continued plain [[[
  'still plain
single: '[[['' [[[ {{{
  [[[ second line'
double: "[[[ \" [[[ \\"
comment: x # [[[[[[
tag: !<tag:x[1]> [a]
anchor: &a [b]
alias: *a
key[0]: v
"[[[": v
? [complex, key]
: v
list:
  - [a, [b, {c: [d]}]]
  - {a: '[[[', b: "{{{", c: it's}
  - |
    [[[
---
flow: {a: [b, [c]]}
"#;
        assert_eq!(flow_depth(doc), 4);
    }

    #[test]
    fn flow_scan_refuses_deep_yaml_in_linear_time() {
        for (name, doc) in [
            ("one line", format!("x: {}", "[".repeat(5_000_000))),
            ("lines", format!("x: {}", "[\n".repeat(2_500_000))),
            ("with items", format!("x: {}", "[a, ".repeat(1_000_000))),
            ("maps", format!("x: {}", "{a: ".repeat(1_000_000))),
        ] {
            let (result, elapsed) = timed(|| import(doc.as_bytes(), &ImportLimits::default()));
            let e = result.unwrap_err();
            assert_eq!(e.status, 422, "{name}: {e}");
            assert!(e.message.contains("nested more than 64"), "{name}: {e}");
            assert!(elapsed < HANG_GUARD, "{name} took {elapsed:?}");
        }
    }

    /// Differential test: random YAML documents mixing block and flow styles
    /// with decoys (brackets and quotes inside scalars, comments, block
    /// scalars, multi-line scalars), where the real flow depth is known by
    /// construction and libyaml accepts the document.
    #[test]
    fn flow_scan_matches_generated_documents() {
        struct Gen {
            state: u64,
            out: String,
            keys: usize,
        }
        impl Gen {
            fn next(&mut self, n: u64) -> u64 {
                self.state ^= self.state << 13;
                self.state ^= self.state >> 7;
                self.state ^= self.state << 17;
                self.state % n
            }
            fn key(&mut self) -> String {
                self.keys += 1;
                format!("k{}", self.keys)
            }
            fn pick(&mut self, options: &[&str]) -> String {
                let i = self.next(options.len() as u64) as usize;
                options[i].to_owned()
            }
            fn quoted(&mut self) -> String {
                let parts = ["[", "]", "{", "}", ",", "#", ": ", "'", "\"", " ", "x", "\n  [", "- "];
                let mut body = String::new();
                for _ in 0..self.next(6) {
                    body.push_str(&self.pick(&parts));
                }
                if self.next(2) == 0 {
                    format!("'{}'", body.replace('\'', "''"))
                } else {
                    format!("\"{}\"", body.replace('\\', "\\\\").replace('"', "\\\""))
                }
            }
            /// A flow collection; returns its flow depth.
            fn flow(&mut self, budget: usize) -> usize {
                let mapping = self.next(2) == 0;
                self.out.push(if mapping { '{' } else { '[' });
                let mut depth = 1;
                for i in 0..self.next(4) {
                    if i > 0 {
                        let separator = if self.next(4) == 0 { ",\n   " } else { ", " };
                        self.out.push_str(separator);
                    }
                    if mapping {
                        let key = self.key();
                        self.out.push_str(&key);
                        self.out.push_str(": ");
                    }
                    match self.next(4) {
                        0 if budget > 0 => depth = depth.max(1 + self.flow(budget - 1)),
                        1 => {
                            let q = self.quoted();
                            self.out.push_str(&q);
                        }
                        _ => {
                            let plain = self.pick(&["it's", "a#b", "q\"x", "w", "a-b", "x!y"]);
                            self.out.push_str(&plain);
                        }
                    }
                }
                self.out.push(if mapping { '}' } else { ']' });
                depth
            }
            /// A value after `key:` or `- ` in block context; returns its flow depth.
            fn value(&mut self, indent: usize, budget: usize) -> usize {
                let pad = " ".repeat(indent + 2);
                let depth = match self.next(8) {
                    0 if budget > 0 => {
                        self.out.push('\n');
                        return self.mapping(indent + 2, budget - 1);
                    }
                    1 if budget > 0 => {
                        self.out.push('\n');
                        return self.sequence(indent + 2, budget - 1);
                    }
                    2 => {
                        self.out.push_str(" |\n");
                        for _ in 0..self.next(3) + 1 {
                            let text = self.pick(&["[[[", "]] }", "'x", "\"y", "# c", "- [a", "k: [b", "{{ x"]);
                            self.out.push_str(&format!("{pad}{text}\n"));
                        }
                        return 0;
                    }
                    3 => {
                        let first = self.pick(&["word [x", "a{b", "it's", "c]d"]);
                        let rest = self.pick(&["[not flow", "'no quote", "{ x", "\"y"]);
                        self.out.push_str(&format!(" {first}\n{pad}{rest}"));
                        0
                    }
                    4 => {
                        self.out.push(' ');
                        let q = self.quoted().replace("\n  ", &format!("\n{pad}"));
                        self.out.push_str(&q);
                        0
                    }
                    5 | 6 => {
                        self.out.push(' ');
                        if self.next(3) == 0 {
                            self.out.push_str("&anchor ");
                        }
                        self.flow(budget)
                    }
                    _ => {
                        let plain = self.pick(&["plain", "a[b", "x{y", "it's", "q\"", "e}"]);
                        self.out.push_str(&format!(" {plain}"));
                        0
                    }
                };
                if self.next(3) == 0 {
                    self.out.push_str(" # [[[ ' \" {");
                }
                self.out.push('\n');
                depth
            }
            fn mapping(&mut self, indent: usize, budget: usize) -> usize {
                let mut depth = 0;
                for _ in 0..self.next(5) + 1 {
                    let key = self.key();
                    self.out.push_str(&format!("{}{key}:", " ".repeat(indent)));
                    depth = depth.max(self.value(indent, budget));
                }
                depth
            }
            fn sequence(&mut self, indent: usize, budget: usize) -> usize {
                let mut depth = 0;
                for _ in 0..self.next(3) + 1 {
                    self.out.push_str(&format!("{}-", " ".repeat(indent)));
                    depth = depth.max(self.value(indent, budget));
                }
                depth
            }
        }

        let mut depths = [0usize; 8];
        let mut bytes = 0;
        let mut naive_wrong = 0;
        for seed in 1..=2_000u64 {
            let mut generator = Gen {
                state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                out: String::new(),
                keys: 0,
            };
            let expected = generator.mapping(0, 5);
            let doc = generator.out;
            assert_eq!(flow_depth(&doc), expected, "seed {seed}:\n{doc}");
            depths[expected.min(depths.len() - 1)] += 1;
            // A bracket counter that ignores YAML's lexical rules gets these wrong.
            let mut naive = (0i64, 0i64);
            for b in doc.bytes() {
                match b {
                    b'[' | b'{' => naive.0 += 1,
                    b']' | b'}' => naive.0 -= 1,
                    _ => {}
                }
                naive.1 = naive.1.max(naive.0);
            }
            if naive.1 != expected as i64 {
                naive_wrong += 1;
            }
            bytes += doc.len();
            if seed == 7 {
                println!("{doc}");
            }
        }
        println!("flow depths 0..: {depths:?}; {bytes} bytes in all; naive count wrong for {naive_wrong}");
        assert!(naive_wrong > 500, "decoys too weak: {naive_wrong}");
        assert!(
            depths.iter().filter(|&&n| n > 0).count() >= 4,
            "generator lacks variety: {depths:?}"
        );
    }

    // -----------------------------------------------------------------------
    // Corpus of real public documents (read in place, never copied).
    // -----------------------------------------------------------------------

    const CORPUS_ENV: &str = "TOLLGATE_OPENAPI_CORPUS";

    struct ManifestRow {
        file: String,
        version: String,
        operations: usize,
        servers: Option<usize>,
        expect: String,
    }

    fn corpus_dir() -> Option<std::path::PathBuf> {
        match std::env::var_os(CORPUS_ENV) {
            Some(dir) => Some(dir.into()),
            None => {
                println!(
                    "corpus test did NOT run: set {CORPUS_ENV} to the corpus folder (e.g. /work/shared/corpus/openapi)"
                );
                None
            }
        }
    }

    fn manifest(dir: &std::path::Path) -> Vec<ManifestRow> {
        let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("read MANIFEST.tsv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("MANIFEST.tsv header").split('\t').collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        let (file, version, operations, servers, expect) = (
            column("file"),
            column("version"),
            column("operations"),
            column("servers"),
            column("expect"),
        );
        lines
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let cells: Vec<&str> = line.split('\t').collect();
                let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_owned();
                ManifestRow {
                    file: cell(file),
                    version: cell(version),
                    operations: cell(operations)
                        .parse()
                        .unwrap_or_else(|_| panic!("operations in {line}")),
                    servers: cell(servers).parse().ok(),
                    expect: cell(expect),
                }
            })
            .collect()
    }

    #[test]
    fn corpus() {
        let Some(dir) = corpus_dir() else { return };
        let rows = manifest(&dir);
        assert!(!rows.is_empty(), "empty manifest");
        let mut failures = Vec::new();
        for row in &rows {
            let bytes = std::fs::read(dir.join(&row.file)).unwrap_or_else(|e| panic!("read {}: {e}", row.file));
            let (result, elapsed) = timed(|| import(&bytes, &ImportLimits::default()));
            match (&result, row.expect.as_str()) {
                (Ok(spec), "accept" | "accept-or-4xx") => {
                    println!(
                        "{:<42} ok    {:>5} ops  {} servers (manifest {:?})  {:>3} warnings  {:>7.1} ms",
                        row.file,
                        spec.operations.len(),
                        spec.servers.len(),
                        row.servers,
                        spec.warnings.len(),
                        elapsed.as_secs_f64() * 1e3
                    );
                    if spec.operations.len() != row.operations {
                        failures.push(format!(
                            "{}: {} operations, manifest says {}",
                            row.file,
                            spec.operations.len(),
                            row.operations
                        ));
                    }
                    if row.servers.is_some_and(|n| n != spec.servers.len()) {
                        failures.push(format!(
                            "{}: {} servers, manifest says {:?}",
                            row.file,
                            spec.servers.len(),
                            row.servers
                        ));
                    }
                    if spec.spec_version != row.version {
                        failures.push(format!(
                            "{}: version {} vs {}",
                            row.file, spec.spec_version, row.version
                        ));
                    }
                }
                (Err(e), "accept-or-4xx") if (400..500).contains(&e.status) => {
                    println!("{:<42} {}   {e}", row.file, e.status);
                }
                (Err(e), _) => failures.push(format!("{}: {e:?}", row.file)),
                (Ok(_), other) => failures.push(format!("{}: unknown expect {other:?}", row.file)),
            }
        }
        assert!(failures.is_empty(), "corpus failures:\n{}", failures.join("\n"));
        println!("corpus: {} documents checked", rows.len());
    }

    /// Release-build timings: `TOLLGATE_OPENAPI_CORPUS=… cargo test --release -- --ignored --nocapture corpus_timings`
    #[test]
    #[ignore = "timing; run in a release build"]
    fn corpus_timings() {
        let Some(dir) = corpus_dir() else { return };
        for file in [
            "kubernetes-swagger.json",
            "asana-oas.yaml",
            "stripe-spec3-2020.json",
            "slack-web-openapi-v2.json",
        ] {
            let bytes = std::fs::read(dir.join(file)).expect("read corpus file");
            let mut runs = Vec::new();
            let mut operations = 0;
            for _ in 0..6 {
                let (result, elapsed) = timed(|| import(&bytes, &ImportLimits::default()));
                operations = result.expect("import").operations.len();
                runs.push(elapsed);
            }
            runs.remove(0); // warm-up
            runs.sort();
            let median = runs[runs.len() / 2];
            println!(
                "{file}: {} bytes, {operations} operations, median of 5 = {:.1} ms (min {:.1}, max {:.1}){}",
                bytes.len(),
                median.as_secs_f64() * 1e3,
                runs[0].as_secs_f64() * 1e3,
                runs[runs.len() - 1].as_secs_f64() * 1e3,
                if cfg!(debug_assertions) { " [DEBUG build]" } else { "" }
            );
            if !cfg!(debug_assertions) {
                assert!(median < Duration::from_secs(2), "{file} too slow: {median:?}");
            }
        }
    }
}
