//! Tests of the OpenAPI semantics: versions, info, servers, security, path
//! keys, `$ref`s and the resources made from the operations.

use super::*;
use crate::domain::openapi_import::pointer::lookup_pointer;

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
fn display_includes_pointer() {
    let e = err("openapi: 3.0.0\ninfo: {title: t}\npaths: {}\n");
    assert_eq!(e.to_string(), "`info.version` is required (at /info/version)");
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("/info/version"));
}
