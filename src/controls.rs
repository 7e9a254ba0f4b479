//! The ids of the page's form controls, one enum per form, and the `<option>` lists of
//! their selects, generated from the core's enums. The markup, the listeners and the
//! effects all name a control through these, so a renamed id, or a control one of them
//! forgets, is a compile error rather than a page that silently stops following. The
//! SPEC's test hooks among them (`#data-input`, `#preset`, `#model`, `#metric`,
//! `#target`, `#share`, `#permalink`) keep their ids exactly (a test below).

use scalefit_core::model::{Form, Loss, ModelChoice};
use scalefit_core::parse::{Metric, Scale};

use crate::markup::Html;

/// An enum of control ids with `ALL`, `id` and `from_id`.
macro_rules! controls {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $id:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        // Not every form reads its ids back (a listener per control needs no lookup).
        #[allow(dead_code)]
        impl $name {
            /// Every control of the form, in page order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The element id.
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }

            /// The control with element id `id`.
            pub fn from_id(id: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|c| c.id() == id)
            }
        }
    };
}

controls! {
    /// The data card's controls.
    DataControl {
        /// `#preset`: the source (own data, real NMT curves, a paper domain).
        Source = "preset",
        /// `#data-input`: the measurements.
        Input = "data-input",
        /// The hidden file input behind "Upload file".
        File = "file-input",
        /// `#series`: which curve of a file with several.
        Series = "series",
    }
}

controls! {
    /// The family view's controls (the legend's toggles name their series instead).
    FamilyControl {
        /// `#shared`: what the restricted fit shares.
        Shared = "shared",
        /// Back to one series.
        Single = "family-single",
        /// Every series together again.
        All = "family-all",
    }
}

controls! {
    /// The sweep card's controls (SPEC section 6).
    SweepControl {
        /// How rows with a model-size column are read: best runs or a sweep.
        Rows = "sweep-rows",
        /// The joint law's loss.
        Loss = "joint-loss",
        /// The Huber loss's delta.
        HuberDelta = "huber-delta",
        /// `k` in `C = k N D`.
        FlopsPerParam = "flops-per-param",
        /// A compute budget in FLOPs.
        Budget = "budget",
        /// Peak FLOP/s of one accelerator.
        FlopsPerSecond = "accel-flops",
        /// Utilisation of that peak.
        Utilisation = "utilisation",
    }
}

controls! {
    /// The anchor of a paper preset's relative projection ("Your current point").
    AnchorField {
        /// Data size m.
        M = "anchor-m",
        /// Error (or accuracy).
        Error = "anchor-error",
        /// Model size, optional.
        ModelSize = "anchor-model-size",
    }
}

controls! {
    /// The column pickers: which column holds what.
    ColumnRole {
        /// Training-set size.
        Size = "col-size",
        /// Error or accuracy.
        Error = "col-error",
        /// Model size.
        ModelSize = "col-model-size",
        /// Series.
        Group = "col-group",
        /// Train / held-out flag.
        HeldOut = "col-held-out",
    }
}

controls! {
    /// The "Model and target" card's controls above "Advanced".
    ModelControl {
        /// `#metric`.
        Metric = "metric",
        /// `#scale`.
        Scale = "scale",
        /// `#model`: `auto` or a form.
        Model = "model",
        /// `#loss`.
        Loss = "loss",
        /// `#target`.
        Target = "target",
    }
}

controls! {
    /// The advanced settings of the model card.
    Setting {
        /// Bootstrap resamples.
        Bootstrap = "bootstrap",
        /// Seed.
        Seed = "seed",
        /// Held parameters (`NAME=VALUE, ...`).
        Fixed = "fixed",
    }
}

controls! {
    /// The share card's controls.
    ShareControl {
        /// `#share`: makes the permalink.
        Share = "share",
        /// `#permalink`: shows it.
        Permalink = "permalink",
    }
}

/// Every metric, in the order of `#metric`.
const METRICS: [Metric; 2] = [Metric::Error, Metric::Accuracy];
/// Every scale, in the order of `#scale`.
const SCALES: [Scale; 3] = [Scale::Auto, Scale::Fraction, Scale::Percent];

// The labels match without a wildcard: a new choice in the core does not compile
// until it has a label here (and, for the two lists above, a place in them).
fn metric_label(m: Metric) -> &'static str {
    match m {
        Metric::Error => "error",
        Metric::Accuracy => "accuracy",
    }
}

fn scale_label(s: Scale) -> &'static str {
    match s {
        Scale::Auto => "auto",
        Scale::Fraction => "fractions 0–1",
        Scale::Percent => "percent 0–100",
    }
}

fn model_label(m: ModelChoice) -> &'static str {
    match m {
        ModelChoice::Auto => "auto (AICc)",
        ModelChoice::Form(Form::SmoothFloor) => "smooth-floor (M3)",
        ModelChoice::Form(Form::BrokenPower) => "broken-power (BNSL)",
        ModelChoice::Form(Form::Sigmoid) => "sigmoid (M4)",
        ModelChoice::Form(f) => f.id(),
    }
}

fn loss_label(l: Loss) -> &'static str {
    match l {
        Loss::Log => "log (relative)",
        Loss::Linear => "linear",
    }
}

/// Appends the `<option>`s of a select of the model card (none for the target
/// field), each value the core's id; the workspace's value is selected by the card's
/// effect.
pub fn select_options(h: &mut Html, c: ModelControl) {
    match c {
        ModelControl::Metric => h.options(&METRICS.map(|m| (m.id(), metric_label(m))), ""),
        ModelControl::Scale => h.options(&SCALES.map(|s| (s.id(), scale_label(s))), ""),
        ModelControl::Model => {
            let forms = Form::ALL.map(|f| (f.id(), model_label(ModelChoice::Form(f))));
            let auto = ModelChoice::Auto;
            h.options(&[(auto.id(), model_label(auto))], "")
                .options(&forms, "")
        }
        ModelControl::Loss => h.options(&Loss::ALL.map(|l| (l.id(), loss_label(l))), ""),
        ModelControl::Target => h,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<&'static str> {
        let mut ids: Vec<&str> = DataControl::ALL.iter().map(|c| c.id()).collect();
        ids.extend(AnchorField::ALL.iter().map(|c| c.id()));
        ids.extend(ColumnRole::ALL.iter().map(|c| c.id()));
        ids.extend(ModelControl::ALL.iter().map(|c| c.id()));
        ids.extend(Setting::ALL.iter().map(|c| c.id()));
        ids.extend(ShareControl::ALL.iter().map(|c| c.id()));
        ids.extend(SweepControl::ALL.iter().map(|c| c.id()));
        ids.extend(FamilyControl::ALL.iter().map(|c| c.id()));
        ids
    }

    #[test]
    fn ids_are_unique_and_keep_the_spec_hooks() {
        let ids = ids();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id), "{id} twice");
        }
        for hook in [
            "data-input",
            "preset",
            "model",
            "metric",
            "target",
            "share",
            "permalink",
        ] {
            assert!(ids.contains(&hook), "{hook}");
        }
        assert_eq!(ModelControl::from_id("loss"), Some(ModelControl::Loss));
        assert_eq!(Setting::from_id("metric"), None);
    }

    fn select_options(c: ModelControl) -> Option<String> {
        let mut h = Html::new();
        super::select_options(&mut h, c);
        let s = h.finish();
        (!s.is_empty()).then_some(s)
    }

    #[test]
    fn options_are_the_core_ids_with_the_page_labels() {
        assert_eq!(
            select_options(ModelControl::Model).as_deref(),
            Some("<option value=\"auto\">auto (AICc)</option><option value=\"power\">power</option><option value=\"power-floor\">power-floor</option><option value=\"three-region\">three-region</option><option value=\"smooth-floor\">smooth-floor (M3)</option><option value=\"broken-power\">broken-power (BNSL)</option><option value=\"sigmoid\">sigmoid (M4)</option>")
        );
        assert_eq!(
            select_options(ModelControl::Scale).as_deref(),
            Some("<option value=\"auto\">auto</option><option value=\"fraction\">fractions 0–1</option><option value=\"percent\">percent 0–100</option>")
        );
        assert_eq!(
            select_options(ModelControl::Metric).as_deref(),
            Some("<option value=\"error\">error</option><option value=\"accuracy\">accuracy</option>")
        );
        assert_eq!(
            select_options(ModelControl::Loss).as_deref(),
            Some("<option value=\"log\">log (relative)</option><option value=\"linear\">linear</option>")
        );
        assert_eq!(select_options(ModelControl::Target), None);
        // Every id reads back as its choice.
        for m in METRICS {
            assert_eq!(Metric::from_id(m.id()), Some(m));
        }
        for s in SCALES {
            assert_eq!(Scale::from_id(s.id()), Some(s));
        }
    }
}
