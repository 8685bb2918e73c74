//! JSON pointers and `$ref`s: escaping and resolving pointers into the
//! uploaded document, and the walk that warns about `$ref`s that point
//! nowhere or outside the document.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::MAX_LISTED_REF_WARNINGS;

/// JSON pointer to the path item of a key in `paths`: `/things?beta=true` → `/paths/~1things?beta=true`.
pub(super) fn path_key_pointer(key: &str) -> String {
    format!("/paths/{}", escape_pointer(key))
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub(super) fn escape_pointer(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Turns the fragment of a `$ref` (after `#`) into a JSON pointer: "" is the
/// root; anything not starting with `/` (a plain-name anchor) is unsupported.
/// The fragment is URI-encoded, so percent-escapes are decoded first.
pub(super) fn decode_fragment(fragment: &str) -> Option<String> {
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
pub(super) fn lookup_pointer<'v>(root: &'v Map<String, Value>, pointer: &str) -> Option<&'v Value> {
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
pub(super) fn scan_refs(root: &Map<String, Value>, warnings: &mut Vec<String>) {
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
