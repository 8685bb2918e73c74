//! Tests of the YAML flow-nesting guard against libyaml itself.

use super::*;
use crate::domain::openapi_import::yaml_scan::FlowScan;

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
