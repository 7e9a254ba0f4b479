//! The CLI's output for the fixtures, byte for byte: every invocation of
//! `tests/golden/cases.txt` must print exactly its recorded file. A restructuring
//! that changes a key, its order or a digit fails here.
//! `SCALEFIT_BLESS=1 cargo test -p scalefit-cli --test golden` rewrites the files
//! (only when an output is meant to change).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // reason: tests

use std::path::Path;
use std::process::Command;

#[test]
fn outputs_match_the_recorded_files() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../..");
    let dir = here.join("tests/golden");
    let cases = std::fs::read_to_string(dir.join("cases.txt")).unwrap();
    let bless = std::env::var_os("SCALEFIT_BLESS").is_some();
    let mut failed = Vec::new();
    let mut n = 0;
    for line in cases.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let name = words.next().unwrap();
        let args: Vec<&str> = words.collect();
        let out = Command::new(env!("CARGO_BIN_EXE_scalefit"))
            .args(&args)
            .current_dir(&root)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ext = if args.contains(&"--json") {
            "json"
        } else {
            "txt"
        };
        let path = dir.join(format!("{name}.{ext}"));
        n += 1;
        if bless {
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        if want != out.stdout {
            failed.push(format!(
                "{name}:\n  want {}\n  got  {}",
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    assert!(n >= 15, "only {n} cases");
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
