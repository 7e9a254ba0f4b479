//! Parse and point-fit time of a large paste (10,000 rows by default), the browser's
//! worst everyday case. Run: `cargo run --release -p scalefit-core --example big_paste [ROWS]`.
#![allow(clippy::unwrap_used)] // reason: a benchmark harness

use std::time::Instant;

use scalefit_core::analysis::{analyze_point, AnalysisOptions};
use scalefit_core::parse::{parse, ParseOptions};

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut text = String::from("step,loss\n");
    for i in 0..rows {
        let m = 100.0 * (1.0 + i as f64);
        let wiggle = 1.0 + 0.01 * ((i * 7919 % 101) as f64 / 50.0 - 1.0);
        text += &format!("{m},{}\n", (3.0 * m.powf(-0.2) + 0.4) * wiggle);
    }
    let t = Instant::now();
    let parsed = parse(
        &text,
        &ParseOptions {
            log_loss: true,
            ..Default::default()
        },
    );
    let t_parse = t.elapsed();
    let a = analyze_point(
        &parsed.points,
        &parsed.held_out,
        &AnalysisOptions::default(),
    )
    .unwrap();
    let t_fit = t.elapsed() - t_parse;
    let t2 = Instant::now();
    let chunk = a.bootstrap_chunk(0..10);
    let t_boot = t2.elapsed();
    println!(
        "converged {} | {rows} rows: parse {:.1} ms, point fit ({}) {:.1} ms, 10 bootstrap refits {:.1} ms ({} ok)",
        a.fit.converged,
        t_parse.as_secs_f64() * 1e3,
        a.fit.form.id(),
        t_fit.as_secs_f64() * 1e3,
        t_boot.as_secs_f64() * 1e3,
        chunk.iter().flatten().count()
    );
}
