#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use scalefit_core::model::*;
use scalefit_core::parse::*;
use scalefit_core::permalink::*;

fn states() -> Vec<State> {
    vec![
        State { text: "m,err\n1000,0.5\n2000,0.4\n".into(), ..State::default() },
        State {
            text: "\u{FEFF}size\tacc %\r\n1e3\t\"75,5\"\r\n2^12\t80%\r\n# naïve «ünïcödé» 学习曲线 🚀 </script><script>alert(1)</script> \\ \"\n".into(),
            columns: Some(Columns { size: 0, error: 1, model_size: Some(2), group: Some(3), held_out: Some(4) }),
            group: Some("6 Enc, 6 Dec".into()),
            metric: Metric::Accuracy,
            scale: Scale::Percent,
            model: ModelChoice::Form(Form::ThreeRegion),
            loss: Loss::Linear,
            target: Some(0.1 + 0.2),
            bootstrap: 250,
            seed: u64::MAX,
            preset: None,
            fixed: vec![("gamma".into(), 1e-300), ("beta_g".into(), -0.0), ("m0".into(), 5e-324)],
            anchor: Some(Anchor { m: f64::MAX, error: f64::MIN_POSITIVE, model_size: Some(123_456_789.0) }),
        },
        State {
            preset: Some("nmt".into()),
            anchor: Some(Anchor { m: 4.5e6, error: 0.31, model_size: None }),
            target: Some(0.25),
            model: ModelChoice::Form(Form::PowerFloor),
            bootstrap: 0,
            seed: 0,
            ..State::default()
        },
    ]
}

#[test]
fn print() {
    for s in states() {
        println!("{}", encode(&s));
    }
}
