//! The domains of Hestness et al. 2017 ("Deep Learning Scaling is Predictable,
//! Empirically", arXiv:1712.00409) as data, each with its source, plus the real NMT
//! learning curves shipped with the app.
//!
//! Exponents are as reported in the paper (transcribed via the project SPEC; where the
//! paper's PDF differs, the PDF wins). The anchors are illustrative starting points
//! for the relative projection, not figures from the paper: the user replaces them
//! with their own current (data size, error).

use serde::Serialize;

/// One domain of the paper.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Preset {
    /// Stable id (the `#preset` option value).
    pub id: &'static str,
    /// Short name people pick it by (the page's preset list). Not in `presets --json`,
    /// whose keys are a contract.
    #[serde(skip)]
    pub label: &'static str,
    /// Domain and model family.
    pub domain: &'static str,
    /// What the error measures.
    pub metric: &'static str,
    /// Learning-curve exponent.
    pub beta_g: f64,
    /// Model-size exponent, where reported.
    pub beta_p: Option<f64>,
    /// Coefficient of the reported best-fit trend `alpha * m^beta_g`, where reported.
    pub alpha: Option<f64>,
    /// The reported trend, as text.
    pub trend: &'static str,
    /// Where in the paper.
    pub source: &'static str,
    /// A paragraph on the domain.
    pub explanation: &'static str,
    /// Illustrative anchor `(m, error)` for the relative projection; units as `unit`.
    pub anchor: (f64, f64),
    /// Unit of the training-set size.
    pub unit: &'static str,
}

const PAPER: &str = "Hestness et al. 2017, arXiv:1712.00409";

/// The seven domains of SPEC section 1.
pub const PRESETS: [Preset; 7] = [
    Preset {
        id: "nmt",
        label: "Machine translation (NMT)",
        domain: "Machine translation (LSTM seq2seq with attention)",
        metric: "test loss per token",
        beta_g: -0.128,
        beta_p: None,
        alpha: Some(3.87),
        trend: "eps = 3.87 m^-0.13 (best fit across models); single models 41.2 m^-0.36 + 0.39 and 21.5 m^-0.30 + 0.32; m from 2^20 to 2^27 tokens",
        source: "section 4.1 (neural machine translation)",
        explanation: "English-to-German translation with encoder-decoder LSTMs and attention, trained on growing shards of the training set. The best model at each size follows a power law with a small exponent; single, fixed-size models bend towards an irreducible floor, which is why their fits include gamma.",
        anchor: (134_217_728.0, 0.3527),
        unit: "tokens",
    },
    Preset {
        id: "word-lm",
        label: "Word language model",
        domain: "Word language model (LSTM, RHN)",
        metric: "validation cross-entropy",
        beta_g: -0.066,
        beta_p: Some(0.69),
        alpha: Some(11.9),
        trend: "eps = 11.9 m^-0.066",
        source: "section 4.2.1 (word language models)",
        explanation: "Word-level language models on the Billion Word benchmark. The exponent is the smallest of the paper's domains: halving the cross-entropy gap takes vastly more data. The best model size grows as m^0.69.",
        anchor: (1e9, 3.031),
        unit: "words",
    },
    Preset {
        id: "char-lm",
        label: "Character language model",
        domain: "Character language model (RHN)",
        metric: "cross-entropy",
        beta_g: -0.094,
        beta_p: Some(0.78),
        alpha: None,
        trend: "beta_g = -0.094, beta_p = 0.78",
        source: "section 4.2.2 (character language models)",
        explanation: "Character-level recurrent highway networks on the Billion Word data. Like word models the exponent is small; the best model grows a little faster with data (m^0.78).",
        anchor: (1e9, 1.2),
        unit: "characters",
    },
    Preset {
        id: "imagenet-top1",
        label: "ImageNet, top-1 error",
        domain: "ImageNet classification (ResNets)",
        metric: "top-1 error",
        beta_g: -0.309,
        beta_p: Some(0.573),
        alpha: None,
        trend: "beta_g = -0.309 (top-1), beta_p = 0.573",
        source: "section 4.3 (image classification)",
        explanation: "ResNets trained on subsets of ImageNet. Top-1 error falls with exponent -0.309, among the steepest of the paper; the best model size grows as m^0.573. The small-data region is visible below a few tens of images per class.",
        anchor: (1_281_167.0, 0.24),
        unit: "images",
    },
    Preset {
        id: "imagenet-top5",
        label: "ImageNet, top-5 error",
        domain: "ImageNet classification (ResNets)",
        metric: "top-5 error",
        beta_g: -0.488,
        beta_p: Some(0.573),
        alpha: None,
        trend: "beta_g = -0.488 (top-5), beta_p = 0.573",
        source: "section 4.3 (image classification)",
        explanation: "The same ResNets scored by top-5 error, which falls faster (exponent -0.488) than top-1: the right class enters the top five well before it ranks first.",
        anchor: (1_281_167.0, 0.07),
        unit: "images",
    },
    Preset {
        id: "speech-ds2",
        label: "Speech, Deep Speech 2",
        domain: "Speech recognition (Deep Speech 2)",
        metric: "error rate",
        beta_g: -0.299,
        beta_p: None,
        alpha: None,
        trend: "beta_g = -0.299",
        source: "section 4.4 (speech recognition)",
        explanation: "Deep Speech 2 (convolutional and recurrent layers with CTC) trained on growing subsets of an English speech corpus. Error rate falls with exponent about -0.3.",
        anchor: (11_940.0, 0.10),
        unit: "hours of audio",
    },
    Preset {
        id: "speech-attention",
        label: "Speech, attention model",
        domain: "Speech recognition (attention model)",
        metric: "error rate",
        beta_g: -0.299,
        beta_p: None,
        alpha: None,
        trend: "beta_g = -0.299",
        source: "section 4.4 (speech recognition)",
        explanation: "An attention-based encoder-decoder speech model on the same data. Its learning curve has nearly the same exponent as Deep Speech 2: a different architecture moves alpha, not beta_g.",
        anchor: (11_940.0, 0.10),
        unit: "hours of audio",
    },
];

/// A preset by id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

impl Preset {
    /// Citation of the paper and section.
    pub fn citation(&self) -> String {
        format!("{PAPER}, {}", self.source)
    }
}

/// Id of the real-data example.
pub const NMT_REAL_ID: &str = "nmt-real";

/// The 53 real NMT learning curves (five models), verbatim.
pub const NMT_REAL_CSV: &str =
    include_str!("../../../assets/data/google_rnsl_benchmark_lang_nmt.csv");

/// The sources offered when the page is empty, `(id, label)`: the real curves first.
pub const QUICK_START: [(&str, &str); 3] = [
    (NMT_REAL_ID, "Real NMT learning curves"),
    ("imagenet-top1", "ImageNet (paper exponents)"),
    ("word-lm", "Word language model"),
];

/// Attribution that must be shown wherever [`NMT_REAL_CSV`] is.
pub const NMT_REAL_ATTRIBUTION: &str = "NMT learning curves from the benchmark of Alabdulmohsin, Neyshabur and Zhai, \"Revisiting Neural Scaling Laws in Language and Vision\" (NeurIPS 2022), google-research/google-research, Apache License 2.0; experiments of Bansal et al. 2022, \"Data Scaling Laws in NMT\".";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_spec() {
        let want = [
            ("nmt", -0.128, None),
            ("word-lm", -0.066, Some(0.69)),
            ("char-lm", -0.094, Some(0.78)),
            ("imagenet-top1", -0.309, Some(0.573)),
            ("imagenet-top5", -0.488, Some(0.573)),
            ("speech-ds2", -0.299, None),
            ("speech-attention", -0.299, None),
        ];
        for (id, b, p) in want {
            let pr = preset(id).unwrap();
            assert_eq!(pr.beta_g, b);
            assert_eq!(pr.beta_p, p);
            assert!(pr.beta_p.is_none_or(|b| (0.5..1.0).contains(&b)));
            assert!(pr.citation().contains("arXiv:1712.00409"));
        }
        assert!(preset("nope").is_none());
    }
}
