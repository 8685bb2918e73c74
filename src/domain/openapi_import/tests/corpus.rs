//! The corpus of real public documents (read in place, never copied).

use super::*;

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
