//! Unit tests of the importer, split by topic; the helpers and sample
//! documents shared by the topics live here.

mod analyze;
mod corpus;
mod parse;
mod yaml_scan;

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
