//! The self-contained HTML pages schedlab writes (`schedlab report`, the
//! report of `schedlab validate`): one style sheet, escaped text, and
//! sections of a heading, a note and an inline SVG figure.

use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

/// Escapes `&`, `<` and `>` for HTML text.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The style sheet of every page: readable width, scalable SVG, ruled tables.
const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\
figure{margin:0}svg{max-width:100%;height:auto}table{border-collapse:collapse;margin:1em 0}\
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}\
pre{background:#f6f6f6;padding:1em;overflow:auto}";

/// An HTML page built section by section.
pub struct Page {
    title: String,
    body: String,
}

impl Page {
    /// An empty page with `title` (plain text) as its title and first heading.
    pub fn new(title: &str) -> Page {
        Page {
            title: title.to_owned(),
            body: String::new(),
        }
    }

    /// Appends `html` as it is.
    pub fn push(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// Appends a paragraph of `html`.
    pub fn paragraph(&mut self, html: &str) {
        let _ = writeln!(self.body, "<p>{html}</p>");
    }

    /// Appends a section: a heading (plain text), a note (HTML) and a figure (inline SVG).
    pub fn figure(&mut self, heading: &str, note: &str, svg: &str) {
        let _ = write!(
            self.body,
            "<h2>{}</h2>\n<p>{note}</p>\n<figure>{svg}</figure>\n",
            escape(heading)
        );
    }

    /// Appends a section: a heading (plain text), a note (HTML) and a table (HTML).
    pub fn table(&mut self, heading: &str, note: &str, table: &str) {
        let _ = write!(self.body, "<h2>{}</h2>\n<p>{note}</p>\n{table}", escape(heading));
    }

    /// Appends a `<pre>` block of plain text under a heading.
    pub fn preformatted(&mut self, heading: &str, text: &str) {
        let _ = write!(self.body, "<h2>{}</h2>\n<pre>{}</pre>\n", escape(heading), escape(text));
    }

    /// Writes the page to `path`, atomically.
    ///
    /// # Errors
    /// If the file cannot be written.
    pub fn write(&self, path: &Path) -> Result<()> {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n{body}</body></html>\n",
            t = escape(&self.title),
            body = self.body
        );
        crate::output::write_atomic(path, html.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_html_is_not() {
        let mut page = Page::new("a < b & c");
        page.figure("x > y", "<b>bold</b>", "<svg></svg>");
        let dir = std::env::temp_dir().join(format!("schedlab-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("page.html");
        page.write(&path).unwrap();
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(html.contains("<title>a &lt; b &amp; c</title>"), "{html}");
        assert!(html.contains("<h2>x &gt; y</h2>\n<p><b>bold</b></p>\n<figure><svg></svg></figure>"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
