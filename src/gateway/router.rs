//! Compiled route table: request path + method → (API, resource).
//!
//! Built once per snapshot, read without locks. Matching costs a few hash
//! lookups plus one radix-tree walk, independent of the number of APIs:
//!
//! * Every API contributes a *key* `"{context}/{version}"` and, when it is the
//!   default version, `"{context}"`. Keys live in one hash map.
//! * A request path is cut at its first few `/` boundaries; the prefixes are
//!   looked up longest first (at most [`MAX_KEY_SEGMENTS`] lookups). So
//!   `/acme/payments/v1/x` tries `/acme/payments/v1/x`… down to `/acme`.
//! * The remainder (`/pets/1`) is matched against that API version's own
//!   `matchit` router, whose templates were normalised (`{petId}` → `{p0}`,
//!   trailing `/*` → `{*rest}`), so specs that name the same parameter
//!   differently on sibling paths still load.
//!
//! A template that still cannot be inserted (a real conflict, an unsupported
//! form) is skipped and reported by [`RouteTable::build`]; building never
//! panics and never fails as a whole.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use http::{HeaderValue, Method};

use crate::gateway::snapshot::{FastMap, SnapshotApi};

/// Contexts plus version may have at most this many path segments.
pub const MAX_KEY_SEGMENTS: usize = 8;

/// Result of matching one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution<'t> {
    /// `api` indexes the snapshot's `apis`, `resource` that API's `resources`;
    /// `rest_offset` is where the part after context/version starts in the
    /// request path (the part forwarded to the backend).
    /// `allow` is the path's full method list (for CORS preflights).
    Matched {
        api: usize,
        resource: usize,
        rest_offset: usize,
        allow: &'t HeaderValue,
    },
    /// The path exists in `api` but not for this method.
    MethodNotAllowed {
        api: usize,
        allow: &'t HeaderValue,
    },
    NotFound,
}

/// Why an API or resource of the snapshot was not (fully) loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteIssue {
    pub api_id: Arc<str>,
    /// `METHOD path` of the skipped resource; `None` when the whole API was skipped.
    pub resource: Option<String>,
    pub reason: String,
}

impl fmt::Display for RouteIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.resource {
            Some(r) => write!(f, "api {}: resource {r} skipped: {}", self.api_id, self.reason),
            None => write!(f, "api {} skipped: {}", self.api_id, self.reason),
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct KeyTarget {
    /// `{context}/{version}` names this API explicitly.
    version: Option<u32>,
    /// `{context}` alone reaches this default version.
    default: Option<u32>,
}

/// Methods accepted on one normalised path template.
#[derive(Debug)]
struct PathEntry {
    methods: Vec<(Method, u32)>,
    /// Resource matching any method (`*` / `ANY`).
    any: Option<u32>,
    allow: HeaderValue,
}

impl PathEntry {
    fn find(&self, method: &Method) -> Option<u32> {
        for (m, r) in &self.methods {
            if m == method {
                return Some(*r);
            }
        }
        if let Some(r) = self.any {
            return Some(r);
        }
        // HEAD is served by GET when the spec does not declare it.
        if method == Method::HEAD {
            return self.methods.iter().find(|(m, _)| m == Method::GET).map(|(_, r)| *r);
        }
        None
    }
}

#[derive(Debug, Default)]
struct ApiRoutes {
    router: matchit::Router<u32>,
    entries: Vec<PathEntry>,
}

/// The compiled table for one snapshot.
#[derive(Debug, Default)]
pub struct RouteTable {
    keys: FastMap<Box<str>, KeyTarget>,
    /// Parallel to the snapshot's `apis` (empty routes for skipped APIs).
    apis: Vec<ApiRoutes>,
    /// Deepest key in segments, to bound the prefix lookups.
    max_depth: usize,
}

impl RouteTable {
    /// Compiles the routes of `apis`. Never fails: whatever cannot be loaded
    /// is skipped and listed in the returned issues.
    pub fn build(apis: &[Arc<SnapshotApi>]) -> (RouteTable, Vec<RouteIssue>) {
        let mut issues = Vec::new();
        let mut table = RouteTable {
            keys: FastMap::with_capacity_and_hasher(apis.len() * 2, Default::default()),
            apis: Vec::with_capacity(apis.len()),
            max_depth: 0,
        };
        for (idx, api) in apis.iter().enumerate() {
            table.apis.push(ApiRoutes::default());
            let Ok(slot) = u32::try_from(idx) else {
                issues.push(api_issue(api, "too many APIs in one snapshot".into()));
                continue;
            };
            if let Err(reason) = validate_context(&api.context) {
                issues.push(api_issue(api, reason));
                continue;
            }
            if let Err(reason) = validate_version(&api.version) {
                issues.push(api_issue(api, reason));
                continue;
            }
            let ctx_depth = segments(&api.context);
            if ctx_depth + 1 > MAX_KEY_SEGMENTS {
                issues.push(api_issue(
                    api,
                    format!("context has more than {} segments", MAX_KEY_SEGMENTS - 1),
                ));
                continue;
            }
            let version_key = format!("{}/{}", api.context, api.version);
            let taken = table.keys.get(version_key.as_str()).and_then(|t| t.version);
            if let Some(other) = taken {
                issues.push(api_issue(
                    api,
                    format!("{version_key} is already served by api {}", apis[other as usize].id),
                ));
                continue;
            }
            table.keys.entry(version_key.into_boxed_str()).or_default().version = Some(slot);
            table.max_depth = table.max_depth.max(ctx_depth + 1);
            if api.is_default {
                let target = table.keys.entry(api.context.as_str().into()).or_default();
                match target.default {
                    Some(other) => issues.push(api_issue(
                        api,
                        format!(
                            "not the default version of {}: api {} already is",
                            api.context, apis[other as usize].id
                        ),
                    )),
                    None => target.default = Some(slot),
                }
                table.max_depth = table.max_depth.max(ctx_depth);
            }
            table.apis[idx] = compile_resources(api, &mut issues);
        }
        (table, issues)
    }

    /// Matches `method` + `path` (no query string).
    pub fn resolve(&self, method: &Method, path: &str) -> Resolution<'_> {
        let bytes = path.as_bytes();
        if bytes.first() != Some(&b'/') {
            return Resolution::NotFound;
        }
        // Ends of the first `max_depth` segments: "/a/b/c" → [2, 4, 6].
        let mut ends = [0usize; MAX_KEY_SEGMENTS];
        let mut count = 0;
        let mut i = 1;
        while count < self.max_depth {
            match bytes[i..].iter().position(|&b| b == b'/') {
                Some(p) => {
                    ends[count] = i + p;
                    count += 1;
                    i += p + 1;
                }
                None => {
                    if i < bytes.len() {
                        ends[count] = bytes.len();
                        count += 1;
                    }
                    break;
                }
            }
        }
        let mut not_allowed = Resolution::NotFound;
        for &end in ends[..count].iter().rev() {
            let Some(target) = self.keys.get(&path[..end]) else {
                continue;
            };
            for slot in [target.version, target.default].into_iter().flatten() {
                match self.match_in(slot as usize, method, &path[end..], end) {
                    found @ Resolution::Matched { .. } => return found,
                    r @ Resolution::MethodNotAllowed { .. } => {
                        if not_allowed == Resolution::NotFound {
                            not_allowed = r;
                        }
                    }
                    Resolution::NotFound => {}
                }
            }
        }
        not_allowed
    }

    fn match_in(&self, api: usize, method: &Method, rest: &str, rest_offset: usize) -> Resolution<'_> {
        let Some(routes) = self.apis.get(api) else {
            return Resolution::NotFound;
        };
        let rest_path = if rest.is_empty() { "/" } else { rest };
        let Ok(hit) = routes.router.at(rest_path) else {
            return Resolution::NotFound;
        };
        let Some(entry) = routes.entries.get(*hit.value as usize) else {
            return Resolution::NotFound;
        };
        match entry.find(method) {
            Some(resource) => Resolution::Matched {
                api,
                resource: resource as usize,
                rest_offset,
                allow: &entry.allow,
            },
            None => Resolution::MethodNotAllowed {
                api,
                allow: &entry.allow,
            },
        }
    }

    /// Number of loaded route keys (context/version pairs plus defaults).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn api_issue(api: &SnapshotApi, reason: String) -> RouteIssue {
    RouteIssue {
        api_id: Arc::clone(&api.id),
        resource: None,
        reason,
    }
}

fn segments(context: &str) -> usize {
    context.bytes().filter(|&b| b == b'/').count()
}

fn validate_context(context: &str) -> Result<(), String> {
    if !context.starts_with('/') || context.len() < 2 {
        return Err(format!("context {context:?} must start with '/' and not be empty"));
    }
    if context.ends_with('/') || context.contains("//") {
        return Err(format!("context {context:?} has an empty segment"));
    }
    if !context.bytes().all(is_path_char) {
        return Err(format!("context {context:?} has characters not allowed in a path"));
    }
    Ok(())
}

fn validate_version(version: &str) -> Result<(), String> {
    if version.is_empty() || version.contains('/') || !version.bytes().all(is_path_char) {
        return Err(format!("version {version:?} must be one non-empty path segment"));
    }
    Ok(())
}

/// RFC 3986 `pchar` plus `/`, ASCII only; excludes the braces matchit treats
/// specially.
fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%/".contains(&b)
}

/// Normalises a resource template into matchit syntax.
///
/// Returns the template and, for a trailing `/*`, the prefix that should also
/// match on its own (`/files/*` matches `/files` too).
fn normalise(template: &str) -> Result<(String, Option<String>), String> {
    if template.is_empty() || template == "/" {
        return Ok(("/".to_owned(), None));
    }
    if !template.starts_with('/') {
        return Err("path must start with '/'".into());
    }
    let mut out = String::with_capacity(template.len() + 8);
    let mut bare = None;
    let mut params = 0;
    let segs: Vec<&str> = template[1..].split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if *seg == "*" {
            if !last {
                return Err("'*' is only allowed as the last segment".into());
            }
            bare = Some(if out.is_empty() { "/".to_owned() } else { out.clone() });
            out.push_str("/{*rest}");
            continue;
        }
        out.push('/');
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
            {
                return Err(format!("invalid parameter {seg:?}"));
            }
            // Positional names: `/pets/{id}` and `/pets/{name}` become one route.
            out.push_str("{p");
            out.push_str(&params.to_string());
            out.push('}');
            params += 1;
        } else if seg.bytes().all(|b| is_path_char(b) && b != b'/' && b != b'*') {
            out.push_str(seg);
        } else {
            return Err(format!("unsupported path segment {seg:?}"));
        }
    }
    Ok((out, bare))
}

fn parse_method(m: &str) -> Result<Option<Method>, String> {
    let upper = m.trim().to_ascii_uppercase();
    if upper == "*" || upper == "ANY" {
        return Ok(None);
    }
    Method::from_bytes(upper.as_bytes())
        .map(Some)
        .map_err(|_| format!("invalid method {m:?}"))
}

fn compile_resources(api: &SnapshotApi, issues: &mut Vec<RouteIssue>) -> ApiRoutes {
    // Group resources by normalised template, then insert each template once.
    let mut order: Vec<String> = Vec::new();
    // template → [(method or any, resource index, implicit)]; "implicit" marks
    // the bare prefix added for a trailing `/*`, which an explicit resource on
    // that exact path overrides.
    let mut groups: HashMap<String, Vec<(Option<Method>, u32, bool)>> = HashMap::new();
    let issue = |r: &crate::gateway::snapshot::Resource, reason: String| RouteIssue {
        api_id: Arc::clone(&api.id),
        resource: Some(format!("{} {}", r.method, r.path)),
        reason,
    };
    for (idx, res) in api.resources.iter().enumerate() {
        let Ok(idx32) = u32::try_from(idx) else { break };
        let method = match parse_method(&res.method) {
            Ok(m) => m,
            Err(e) => {
                issues.push(issue(res, e));
                continue;
            }
        };
        let (template, bare) = match normalise(&res.path) {
            Ok(t) => t,
            Err(e) => {
                issues.push(issue(res, e));
                continue;
            }
        };
        let mut add = |tpl: String, implicit: bool| -> Result<(), String> {
            let group = groups.entry(tpl.clone()).or_insert_with(|| {
                order.push(tpl);
                Vec::new()
            });
            match group.iter_mut().find(|(m, _, _)| *m == method) {
                None => group.push((method.clone(), idx32, implicit)),
                Some(_) if implicit => {}
                Some(existing) if existing.2 => *existing = (method.clone(), idx32, false),
                Some(_) => return Err("duplicate of an earlier resource with the same method and path".into()),
            }
            Ok(())
        };
        if let Err(e) = add(template, false) {
            issues.push(issue(res, e));
            continue;
        }
        if let Some(b) = bare {
            let _ = add(b, true);
        }
    }

    let mut routes = ApiRoutes::default();
    for tpl in order {
        let Some(methods) = groups.remove(&tpl) else { continue };
        let entry_idx = routes.entries.len() as u32;
        if let Err(e) = routes.router.insert(tpl.as_str(), entry_idx) {
            for (_, r, _) in &methods {
                if let Some(res) = api.resources.get(*r as usize) {
                    issues.push(issue(res, format!("route {tpl} not loaded: {e}")));
                }
            }
            continue;
        }
        let mut entry = PathEntry {
            methods: Vec::new(),
            any: None,
            allow: HeaderValue::from_static(""),
        };
        for (m, r, _) in methods {
            match m {
                Some(m) => entry.methods.push((m, r)),
                None => entry.any = Some(r),
            }
        }
        entry.allow = allow_header(&entry);
        routes.entries.push(entry);
    }
    routes
}

fn allow_header(entry: &PathEntry) -> HeaderValue {
    if entry.any.is_some() {
        return HeaderValue::from_static("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
    let mut names: Vec<&str> = entry.methods.iter().map(|(m, _)| m.as_str()).collect();
    if names.contains(&"GET") && !names.contains(&"HEAD") {
        names.push("HEAD");
    }
    HeaderValue::from_str(&names.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::snapshot::{ApiState, Cors, Resource};

    pub(crate) fn api(id: &str, context: &str, version: &str, default: bool, res: &[(&str, &str)]) -> Arc<SnapshotApi> {
        Arc::new(SnapshotApi {
            id: Arc::from(id),
            context: context.into(),
            version: version.into(),
            is_default: default,
            state: ApiState::Published,
            endpoints: vec![],
            resources: res
                .iter()
                .map(|(m, p)| Resource {
                    method: (*m).into(),
                    path: (*p).into(),
                    auth_required: true,
                })
                .collect(),
            cors: Cors::default(),
            connect_timeout_ms: 1000,
            response_timeout_ms: 1000,
            sunset_at_ms: None,
            health_check: None,
        })
    }

    fn matched(r: Resolution<'_>) -> Option<(usize, usize, usize)> {
        match r {
            Resolution::Matched {
                api,
                resource,
                rest_offset,
                ..
            } => Some((api, resource, rest_offset)),
            _ => None,
        }
    }

    #[test]
    fn versions_defaults_and_multi_segment_contexts() {
        let apis = vec![
            api(
                "pet1",
                "/petstore",
                "v1",
                false,
                &[("GET", "/pets/{petId}"), ("POST", "/pets")],
            ),
            api("pet2", "/petstore", "v2", true, &[("GET", "/pets/{id}")]),
            api(
                "pay",
                "/acme/payments",
                "v1",
                true,
                &[("GET", "/files/*"), ("GET", "/")],
            ),
            api("acme", "/acme", "v1", true, &[("GET", "/payments/{x}")]),
        ];
        let (t, issues) = RouteTable::build(&apis);
        assert!(issues.is_empty(), "{issues:?}");
        let get = Method::GET;
        assert_eq!(matched(t.resolve(&get, "/petstore/v1/pets/7")), Some((0, 0, 12)));
        assert_eq!(matched(t.resolve(&get, "/petstore/v2/pets/7")), Some((1, 0, 12)));
        assert_eq!(matched(t.resolve(&get, "/petstore/pets/7")), Some((1, 0, 9)));
        assert_eq!(matched(t.resolve(&Method::POST, "/petstore/v1/pets")), Some((0, 1, 12)));
        assert_eq!(
            matched(t.resolve(&get, "/acme/payments/v1/files/a/b.txt")),
            Some((2, 0, 17))
        );
        assert_eq!(matched(t.resolve(&get, "/acme/payments/files/a")), Some((2, 0, 14)));
        assert_eq!(matched(t.resolve(&get, "/acme/payments/files")), Some((2, 0, 14)));
        assert_eq!(matched(t.resolve(&get, "/acme/payments/v1")), Some((2, 1, 17)));
        assert_eq!(matched(t.resolve(&get, "/acme/payments")), Some((2, 1, 14)));
        // Longest context first, but a miss there falls back to a shorter one.
        assert_eq!(matched(t.resolve(&get, "/acme/payments/42")), Some((3, 0, 5)));
        assert_eq!(
            matched(t.resolve(&Method::HEAD, "/petstore/v1/pets/1")),
            Some((0, 0, 12))
        );
        assert_eq!(t.resolve(&get, "/petstore/v3/pets/7"), Resolution::NotFound);
        assert_eq!(t.resolve(&get, "/nope/v1/pets"), Resolution::NotFound);
        assert_eq!(t.resolve(&get, "/petstorex/v1/pets/1"), Resolution::NotFound);
        assert_eq!(t.resolve(&get, ""), Resolution::NotFound);
        match t.resolve(&Method::DELETE, "/petstore/v1/pets") {
            Resolution::MethodNotAllowed { api, allow } => {
                assert_eq!(api, 0);
                assert_eq!(allow, "POST");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sibling_param_names_load_and_conflicts_are_reported() {
        let apis = vec![api(
            "a",
            "/c",
            "v1",
            true,
            &[
                ("GET", "/pets/{id}"),
                ("DELETE", "/pets/{name}"),
                ("GET", "/pets/{other}"), // same method + same normalised path
                ("GET", "/pets/mine"),
                ("GET", "/x/{a}b"),
                ("GET", "/y/*/z"),
                ("BAD METHOD", "/z"),
                ("GET", "/q/{*rest}"),
                ("GET", "/ü"),
            ],
        )];
        let (t, issues) = RouteTable::build(&apis);
        let skipped: Vec<_> = issues.iter().map(|i| i.resource.clone().unwrap_or_default()).collect();
        assert_eq!(
            skipped,
            [
                "GET /pets/{other}",
                "GET /x/{a}b",
                "GET /y/*/z",
                "BAD METHOD /z",
                "GET /q/{*rest}",
                "GET /ü"
            ]
        );
        assert_eq!(matched(t.resolve(&Method::GET, "/c/pets/1")), Some((0, 0, 2)));
        assert_eq!(matched(t.resolve(&Method::DELETE, "/c/pets/1")), Some((0, 1, 2)));
        assert_eq!(matched(t.resolve(&Method::GET, "/c/pets/mine")), Some((0, 3, 2)));
    }

    #[test]
    fn matchit_conflicts_are_reported_not_fatal() {
        // After normalisation these still collide inside matchit (a parameter
        // and a catch-all, or two catch-alls, at the same position).
        let apis = vec![api(
            "a",
            "/c",
            "v1",
            true,
            &[
                ("GET", "/a/{x}"),
                ("POST", "/a/*"),
                ("GET", "/b/*"),
                ("PUT", "/b/{y}/z"),
                ("GET", "/ok"),
            ],
        )];
        let (t, issues) = RouteTable::build(&apis);
        assert_eq!(issues.len(), 2, "{issues:?}");
        for i in &issues {
            assert!(i.reason.contains("not loaded"), "{i}");
        }
        assert!(matches!(t.resolve(&Method::GET, "/c/ok"), Resolution::Matched { .. }));
        assert!(matches!(
            t.resolve(&Method::GET, "/c/a/1"),
            Resolution::Matched { resource: 0, .. }
        ));
    }

    #[test]
    fn bad_apis_are_skipped_not_fatal() {
        let apis = vec![
            api("ok", "/a", "v1", true, &[("GET", "/")]),
            api("dup", "/a", "v1", false, &[("GET", "/")]),
            api("second-default", "/a", "v2", true, &[("GET", "/")]),
            api("bad-ctx", "a/", "v1", true, &[]),
            api("bad-ver", "/b", "v/1", true, &[]),
            api("deep", "/1/2/3/4/5/6/7/8", "v1", true, &[]),
        ];
        let (t, issues) = RouteTable::build(&apis);
        let ids: Vec<_> = issues.iter().map(|i| i.api_id.to_string()).collect();
        assert_eq!(ids, ["dup", "second-default", "bad-ctx", "bad-ver", "deep"]);
        assert_eq!(matched(t.resolve(&Method::GET, "/a")), Some((0, 0, 2)));
        assert_eq!(matched(t.resolve(&Method::GET, "/a/v2")), Some((2, 0, 5)));
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let apis = vec![api("a", "/a", "v1", true, &[("GET", "/{x}/*"), ("*", "/any")])];
        let (t, _) = RouteTable::build(&apis);
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = b"/av1{}*%.?x\xff";
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let s: String = (0..len)
                .map(|i| alphabet[((seed >> (i % 8 * 8)) as usize + i) % alphabet.len()] as char)
                .collect();
            let _ = t.resolve(&Method::GET, &s);
            let _ = RouteTable::build(&[api("f", "/f", "v1", true, &[("GET", &s), ("GET", "/{y}")])]);
        }
        assert!(matches!(
            t.resolve(&Method::PATCH, "/a/any"),
            Resolution::Matched { .. }
        ));
    }
}
