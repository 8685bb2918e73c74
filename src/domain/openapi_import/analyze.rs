//! OpenAPI semantics: reads the parsed document (version, info, servers,
//! tags, paths and their operations, security) into an [`ImportedSpec`],
//! refusing with a JSON pointer what Tollgate cannot use.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::pointer::{decode_fragment, escape_pointer, lookup_pointer, path_key_pointer, scan_refs};
use super::{ImportError, ImportedOperation, ImportedSpec, METHODS, SUPPORTED_VERSIONS, kind_of};

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

pub(super) struct Analyzer<'a, 'w> {
    root: &'a Map<String, Value>,
    paths_order: &'a [String],
    warnings: &'w mut Vec<String>,
}

impl<'a, 'w> Analyzer<'a, 'w> {
    pub(super) fn new(root: &'a Map<String, Value>, paths_order: &'a [String], warnings: &'w mut Vec<String>) -> Self {
        Self {
            root,
            paths_order,
            warnings,
        }
    }

    pub(super) fn run(mut self) -> Result<ImportedSpec, ImportError> {
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
