//! The display-only parts of the page (results, fit details, messages, notes) written
//! as HTML text and set as one element's `innerHTML` when they change.
//!
//! Why not `view!`: every view! tree is compiled into its own build and rebuild code
//! (generic over the tree's type), and these parts have many small trees that are
//! only ever replaced whole. As text they cost a few string pushes each; see
//! ARCHITECTURE.md ("Views and size").
//!
//! Safety: [`Html::tag`] takes only `&'static str` (markup written in this crate);
//! everything computed, above all what came from the user's data (series names,
//! column headers, messages quoting a cell), goes through [`Html::text`], which
//! escapes it for element content and for quoted attribute values alike. The one
//! `innerHTML` writer outside Leptos, [`crate::dom::set_html`], takes an [`Html`], so
//! nothing else reaches it.

/// HTML text under construction.
#[derive(Debug, Default)]
pub struct Html(String);

impl Html {
    /// An empty text.
    pub fn new() -> Html {
        Html(String::with_capacity(256))
    }

    /// Appends markup written in this crate, as is.
    pub fn tag(&mut self, markup: &'static str) -> &mut Html {
        self.0.push_str(markup);
        self
    }

    /// Appends text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Html {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// `<open>text</close>`: an element holding escaped text.
    pub fn el(&mut self, open: &'static str, text: &str, close: &'static str) -> &mut Html {
        self.tag(open).text(text).tag(close)
    }

    /// ` name="value"` (escaped), or nothing without a value.
    pub fn attr(&mut self, name: &'static str, value: Option<&str>) -> &mut Html {
        if let Some(v) = value {
            self.tag(" ").tag(name).tag("=\"").text(v).tag("\"");
        }
        self
    }

    /// `<option>`s (values and labels escaped), `current` selected.
    pub fn options(&mut self, options: &[(&str, &str)], current: &str) -> &mut Html {
        for &(value, label) in options {
            self.tag("<option")
                .attr("value", Some(value))
                .tag(if value == current { " selected>" } else { ">" })
                .text(label)
                .tag("</option>");
        }
        self
    }

    /// `β_g` as β with a subscript g, in a `span.sym`.
    pub fn symbol(&mut self, s: &str) -> &mut Html {
        self.tag("<span class=\"sym\">");
        match s.split_once('_') {
            Some((base, sub)) => self.text(base).el("<sub>", sub, "</sub>"),
            None => self.text(s),
        };
        self.tag("</span>")
    }

    /// Appends another HTML text (already made safe by its own construction).
    pub fn append(&mut self, other: Html) -> &mut Html {
        self.0.push_str(&other.0);
        self
    }

    /// The text made so far, for [`crate::dom::set_html`].
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text made.
    pub fn finish(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::new();
        h.tag("<p")
            .attr("title", Some("a\"b'<c>&"))
            .attr("data-x", None)
            .tag(">")
            .text("<img src=x onerror=alert(1)> & \"q\"")
            .tag("</p>");
        assert_eq!(
            h.finish(),
            "<p title=\"a&quot;b&#39;&lt;c&gt;&amp;\">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>"
        );
    }

    #[test]
    fn symbols_get_subscripts() {
        let mut h = Html::new();
        h.symbol("β_g").symbol("α");
        assert_eq!(
            h.finish(),
            "<span class=\"sym\">β<sub>g</sub></span><span class=\"sym\">α</span>"
        );
    }
}
