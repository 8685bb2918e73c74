//! Tests of the bounded parse: syntax errors, encodings, YAML specifics and
//! every limit (size, depth, values, alias expansion), plus a small fuzzer.

use super::*;

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
    let spec =
        ok("openapi: 3.0.0\ninfo: {title: t, version: v}\npaths:\n  /a:\n    get: &op {summary: s}\n    put: *op\n");
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
