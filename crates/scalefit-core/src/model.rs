//! The model forms of Hestness et al. 2017 and the two loss conventions: one place
//! for every formula, its parameter names, derivatives and inverse.

use serde::{Deserialize, Serialize};

/// A learning-curve form. Names and parameter names are part of the public contract
/// (SPEC section 1): the CLI, the JSON output and the permalink use them verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// `eps = alpha * m^beta_g`
    Power,
    /// `eps = alpha * m^beta_g + gamma`
    PowerFloor,
    /// `eps = gamma + (eps0 - gamma) * (1 + m/m0)^beta_g`
    ThreeRegion,
}

/// Which residual the fit squares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Loss {
    /// `ln(model) - ln(observed)`: relative error, the scaling-law convention.
    #[default]
    Log,
    /// `model - observed`.
    Linear,
}

impl Loss {
    /// Every loss, default first.
    pub const ALL: [Loss; 2] = [Loss::Log, Loss::Linear];

    /// The id used by the CLI and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Loss::Log => "log",
            Loss::Linear => "linear",
        }
    }

    /// Inverse of [`Loss::id`].
    pub fn from_id(s: &str) -> Option<Loss> {
        Loss::ALL.into_iter().find(|l| l.id() == s)
    }
}

serde_by_id!(Loss, "log", "linear");

/// `auto` or one form; serialized as its id (`"auto"`, `"power-floor"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModelChoice {
    /// Fit every form the number of points allows, pick by AICc.
    #[default]
    Auto,
    /// Fit exactly this form.
    Form(Form),
}

// By id rather than derived with `#[serde(untagged)]` on `Form`: the same JSON without
// serde's buffering of untagged input.
serde_by_id!(ModelChoice, "auto", "power", "power-floor", "three-region");

impl ModelChoice {
    /// The id used by the CLI, the `#model` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            ModelChoice::Auto => "auto",
            ModelChoice::Form(f) => f.id(),
        }
    }

    /// Inverse of [`ModelChoice::id`].
    pub fn from_id(s: &str) -> Option<ModelChoice> {
        if s == "auto" {
            Some(ModelChoice::Auto)
        } else {
            Form::from_id(s).map(ModelChoice::Form)
        }
    }
}

/// A parameter as people read it: its name in every output, its symbol, its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Name in the JSON, permalinks and `--fix` (SPEC section 1).
    pub name: &'static str,
    /// Symbol on the page.
    pub symbol: &'static str,
    /// What it means, in a few words.
    pub meaning: &'static str,
    /// A learning-curve parameter the user may hold at a value (`--fix`, `#fixed`).
    pub holdable: bool,
}

/// Every parameter of every form and of the model-size fit, in table order.
pub const PARAMS: [ParamInfo; 7] = [
    ParamInfo {
        name: "alpha",
        symbol: "α",
        meaning: "coefficient: shifts the curve; better architectures move it",
        holdable: true,
    },
    ParamInfo {
        name: "beta_g",
        symbol: "β_g",
        meaning: "learning-curve exponent: the slope in log-log space",
        holdable: true,
    },
    ParamInfo {
        name: "gamma",
        symbol: "γ",
        meaning: "irreducible error: the floor for unlimited data",
        holdable: true,
    },
    ParamInfo {
        name: "eps0",
        symbol: "ε₀",
        meaning: "best-guess error: the small-data plateau",
        holdable: true,
    },
    ParamInfo {
        name: "m0",
        symbol: "m₀",
        meaning: "end of the small-data region",
        holdable: true,
    },
    ParamInfo {
        name: "sigma",
        symbol: "σ",
        meaning: "model-size coefficient",
        holdable: false,
    },
    ParamInfo {
        name: "beta_p",
        symbol: "β_p",
        meaning: "model-size exponent",
        holdable: false,
    },
];

/// The [`PARAMS`] row of a parameter name.
pub fn param_info(name: &str) -> Option<&'static ParamInfo> {
    PARAMS.iter().find(|p| p.name == name)
}

impl Form {
    /// Every form, simplest first.
    pub const ALL: [Form; 3] = [Form::Power, Form::PowerFloor, Form::ThreeRegion];

    /// The id used by the CLI, the `#model` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Form::Power => "power",
            Form::PowerFloor => "power-floor",
            Form::ThreeRegion => "three-region",
        }
    }

    /// Inverse of [`Form::id`].
    pub fn from_id(s: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.id() == s)
    }

    /// Parameter names in the order of every parameter vector of this form.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Form::Power => &["alpha", "beta_g"],
            Form::PowerFloor => &["alpha", "beta_g", "gamma"],
            Form::ThreeRegion => &["eps0", "m0", "beta_g", "gamma"],
        }
    }

    /// Number of parameters.
    pub fn n_params(self) -> usize {
        self.param_names().len()
    }

    /// Index of a named parameter.
    pub fn param_index(self, name: &str) -> Option<usize> {
        self.param_names().iter().position(|n| *n == name)
    }

    /// Index of `beta_g`, present in every form.
    pub fn beta_index(self) -> usize {
        match self {
            Form::Power | Form::PowerFloor => 1,
            Form::ThreeRegion => 2,
        }
    }

    /// Index of the floor `gamma`, if the form has one.
    pub fn gamma_index(self) -> Option<usize> {
        match self {
            Form::Power => None,
            Form::PowerFloor => Some(2),
            Form::ThreeRegion => Some(3),
        }
    }

    /// The formula as text, for reports.
    pub fn formula(self) -> &'static str {
        match self {
            Form::Power => "eps = alpha * m^beta_g",
            Form::PowerFloor => "eps = alpha * m^beta_g + gamma",
            Form::ThreeRegion => "eps = gamma + (eps0 - gamma) * (1 + m/m0)^beta_g",
        }
    }

    /// The model's value at training-set size `m`. `p` must hold [`Form::n_params`]
    /// values; a shorter slice gives NaN rather than a panic.
    pub fn eval(self, p: &[f64], m: f64) -> f64 {
        match (self, p) {
            (Form::Power, [a, b]) => a * m.powf(*b),
            (Form::PowerFloor, [a, b, g]) => a * m.powf(*b) + g,
            (Form::ThreeRegion, [e0, m0, b, g]) => g + (e0 - g) * (1.0 + m / m0).powf(*b),
            _ => f64::NAN,
        }
    }

    /// Smallest `m > 0` with `eval(p, m) == target` on the fitted curve, when the
    /// curve is monotone (it always is for these forms). `None` when no positive `m`
    /// reaches the target (at or beyond the floor or the best-guess error).
    pub fn solve_m(self, p: &[f64], target: f64) -> Option<f64> {
        let m = match (self, p) {
            (Form::Power, [a, b]) => (target / a).powf(1.0 / b),
            (Form::PowerFloor, [a, b, g]) => ((target - g) / a).powf(1.0 / b),
            (Form::ThreeRegion, [e0, m0, b, g]) => {
                let ratio = (target - g) / (e0 - g);
                m0 * (ratio.powf(1.0 / b) - 1.0)
            }
            _ => f64::NAN,
        };
        (m.is_finite() && m > 0.0).then_some(m)
    }

    /// The error the curve tends to as `m` grows without bound.
    pub fn limit_large_m(self, p: &[f64]) -> f64 {
        let b = p.get(self.beta_index()).copied().unwrap_or(f64::NAN);
        let g = self
            .gamma_index()
            .and_then(|i| p.get(i).copied())
            .unwrap_or(0.0);
        match self {
            Form::Power | Form::PowerFloor => {
                let a = p.first().copied().unwrap_or(f64::NAN);
                if b < 0.0 {
                    g
                } else if b == 0.0 {
                    a + g
                } else {
                    a.signum() * f64::INFINITY
                }
            }
            Form::ThreeRegion => {
                let e0 = p.first().copied().unwrap_or(f64::NAN);
                if b < 0.0 {
                    g
                } else if b == 0.0 {
                    e0
                } else {
                    (e0 - g).signum() * f64::INFINITY
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for f in Form::ALL {
            assert_eq!(Form::from_id(f.id()), Some(f));
            assert_eq!(ModelChoice::from_id(f.id()), Some(ModelChoice::Form(f)));
        }
        assert_eq!(ModelChoice::from_id("auto"), Some(ModelChoice::Auto));
        assert_eq!(Form::from_id("powerlaw"), None);
        for l in Loss::ALL {
            assert_eq!(Loss::from_id(l.id()), Some(l));
        }
    }

    #[test]
    fn solve_inverts_eval() {
        let cases: [(Form, &[f64]); 3] = [
            (Form::Power, &[3.87, -0.128]),
            (Form::PowerFloor, &[41.2, -0.36, 0.39]),
            (Form::ThreeRegion, &[0.9, 1e4, -0.4, 0.1]),
        ];
        for (form, p) in cases {
            for m in [10.0, 1e5, 3e8] {
                let y = form.eval(p, m);
                let back = form.solve_m(p, y).unwrap();
                assert!((back / m - 1.0).abs() < 1e-9, "{form:?} {m} {back}");
            }
        }
        assert_eq!(Form::PowerFloor.solve_m(&[41.2, -0.36, 0.39], 0.39), None);
        assert_eq!(Form::PowerFloor.solve_m(&[41.2, -0.36, 0.39], 0.2), None);
    }

    #[test]
    fn serde_ids_match() {
        let s = serde_json::to_string(&ModelChoice::Form(Form::ThreeRegion)).unwrap();
        assert_eq!(s, "\"three-region\"");
        let m: ModelChoice = serde_json::from_str("\"auto\"").unwrap();
        assert_eq!(m, ModelChoice::Auto);
        for f in Form::ALL {
            let json = serde_json::to_string(&ModelChoice::Form(f)).unwrap();
            assert_eq!(json, serde_json::to_string(&f).unwrap());
            assert_eq!(
                serde_json::from_str::<ModelChoice>(&json).unwrap(),
                ModelChoice::Form(f)
            );
        }
        fn round_trip<T>(v: T, id: &str)
        where
            T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
        {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{id}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
        }
        use crate::parse::{Metric, Scale};
        for l in Loss::ALL {
            round_trip(l, l.id());
        }
        for m in [Metric::Error, Metric::Accuracy] {
            round_trip(m, m.id());
        }
        for (v, id) in [
            (Scale::Auto, "auto"),
            (Scale::Fraction, "fraction"),
            (Scale::Percent, "percent"),
        ] {
            round_trip(v, id);
        }
        let err = serde_json::from_str::<Scale>("\"ratio\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `ratio`, expected one of `auto`, `fraction`, `percent`"),
            "{err}"
        );
        // An escaped id is still the id.
        assert_eq!(
            serde_json::from_str::<Loss>("\"l\\u0069near\"").unwrap(),
            Loss::Linear
        );
        let err = serde_json::from_str::<ModelChoice>("\"powerlaw\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `powerlaw`"),
            "{err}"
        );
        assert!(serde_json::from_str::<ModelChoice>("3").is_err());
    }
}
