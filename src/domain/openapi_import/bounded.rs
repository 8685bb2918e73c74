//! Parsing with limits: the uploaded text becomes a [`serde_json::Value`]
//! through our own [`DeserializeSeed`], which counts depth, values and alias
//! expansion *while* parsing, so a hostile document is refused before it can
//! exhaust the stack, the CPU or memory.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use super::yaml_scan::FlowScan;
use super::{
    AMPLIFICATION_SLACK, ImportError, ImportLimits, MAX_ALIAS_AMPLIFICATION, STATUS_BAD_REQUEST, STATUS_UNPROCESSABLE,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
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

pub(super) struct Parsed {
    pub(super) value: Value,
    /// Keys of the top-level `paths` object in document order.
    pub(super) paths_order: Vec<String>,
    pub(super) warnings: Vec<String>,
}

/// Which limit stopped the parse; recorded because the error that travels
/// back through the parser is just a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tripped {
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

pub(super) fn parse(text: &str, format: Format, limits: &ImportLimits) -> Result<Parsed, ImportError> {
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
