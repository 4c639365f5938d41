//! Tables for papers: one [`Table`] written as CSV (for scripts) and as a
//! LaTeX `tabular` with booktabs rules (for `\input`).
//!
//! A cell is typed ([`Value`]), so each format writes it its own way: a mean
//! with its confidence interval is two CSV columns (`NAME_mean`,
//! `NAME_ci95`) but one LaTeX cell (`12.3 $\pm$ 0.4`).

use crate::stats::MeanCi;
use anyhow::{Result, anyhow};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, escaped for LaTeX.
    Text(String),
    /// A count.
    Count(usize),
    /// A number shown with this many decimals in LaTeX (full precision in CSV).
    Number(f64, usize),
    /// A mean and its 95 % half-width, with this many decimals in LaTeX.
    MeanCi(MeanCi, usize),
    /// A p-value: three decimals in LaTeX and HTML, `< 0.001` below that.
    PValue(f64),
    /// No value (an empty cell).
    Missing,
}

/// What a column holds, which decides its CSV columns and LaTeX alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, left-aligned.
    Text,
    /// Numbers or counts, right-aligned.
    Number,
    /// Means with a confidence interval: two CSV columns, one LaTeX column.
    MeanCi,
}

/// A column: its header (a short name, also the CSV name) and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// CSV header, e.g. `makespan_s`.
    pub name: String,
    /// LaTeX header, e.g. `Makespan (s)`.
    pub title: String,
    /// What the column holds.
    pub kind: Kind,
}

impl Column {
    /// A column with a CSV `name`, a LaTeX `title` and a `kind`.
    pub fn new(name: &str, title: &str, kind: Kind) -> Column {
        Column {
            name: name.to_owned(),
            title: title.to_owned(),
            kind,
        }
    }
}

/// A table: columns and rows of cells, one per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows; each has one value per column.
    pub rows: Vec<Vec<Value>>,
}

/// Full precision for CSV: Rust's shortest round-trip form.
fn csv_number(x: f64) -> String {
    if x.is_finite() { x.to_string() } else { String::new() }
}

/// A p-value as papers print it: three decimals, or `< 0.001`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// Escapes LaTeX's special characters in text.
pub fn latex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str(r"\textasciitilde{}"),
            '^' => out.push_str(r"\textasciicircum{}"),
            '<' => out.push_str(r"\textless{}"),
            '>' => out.push_str(r"\textgreater{}"),
            '|' => out.push_str(r"\textbar{}"),
            'σ' => out.push_str(r"$\sigma$"),
            'µ' => out.push_str(r"$\mu$"),
            '×' => out.push_str(r"$\times$"),
            '±' => out.push_str(r"$\pm$"),
            _ => out.push(c),
        }
    }
    out
}

impl Table {
    /// The CSV header: a [`Kind::MeanCi`] column `x` becomes `x_mean`, `x_ci95`, `x_n`.
    fn csv_header(&self) -> Vec<String> {
        self.columns
            .iter()
            .flat_map(|c| match c.kind {
                Kind::MeanCi => vec![
                    format!("{}_mean", c.name),
                    format!("{}_ci95", c.name),
                    format!("{}_n", c.name),
                ],
                Kind::Text | Kind::Number => vec![c.name.clone()],
            })
            .collect()
    }

    /// The table as CSV.
    ///
    /// # Errors
    /// If a row's length differs from the columns', or CSV encoding fails.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.csv_header())?;
        for (r, row) in self.rows.iter().enumerate() {
            self.check_row(r, row)?;
            let mut record = Vec::new();
            for (value, column) in row.iter().zip(&self.columns) {
                match (value, column.kind) {
                    (Value::MeanCi(m, _), _) => {
                        record.extend([csv_number(m.mean), csv_number(m.half_width), m.n.to_string()]);
                    }
                    (Value::Missing, Kind::MeanCi) => record.extend([String::new(), String::new(), String::new()]),
                    (Value::Missing, _) => record.push(String::new()),
                    (Value::Text(t), _) => record.push(t.clone()),
                    (Value::Count(n), _) => record.push(n.to_string()),
                    (Value::Number(x, _) | Value::PValue(x), _) => record.push(csv_number(*x)),
                }
            }
            writer.write_record(record)?;
        }
        writer.into_inner().map_err(|e| anyhow!("csv: {e}"))
    }

    /// The table as a LaTeX `tabular` with booktabs rules (`\usepackage{booktabs}`),
    /// after a comment line holding `comment`.
    ///
    /// # Errors
    /// If a row's length differs from the columns'.
    pub fn to_latex(&self, comment: &str) -> Result<String> {
        let align: String = self
            .columns
            .iter()
            .map(|c| if c.kind == Kind::Text { 'l' } else { 'r' })
            .collect();
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str(&format!("% {line}\n"));
        }
        out.push_str(&format!("\\begin{{tabular}}{{{align}}}\n\\toprule\n"));
        let titles: Vec<String> = self.columns.iter().map(|c| latex_escape(&c.title)).collect();
        out.push_str(&format!("{} \\\\\n\\midrule\n", titles.join(" & ")));
        for (r, row) in self.rows.iter().enumerate() {
            self.check_row(r, row)?;
            let cells: Vec<String> = row
                .iter()
                .map(|value| match value {
                    Value::Text(t) => latex_escape(t),
                    Value::Count(n) => n.to_string(),
                    Value::Number(x, digits) => format!("{x:.digits$}"),
                    Value::PValue(p) => p_text(*p).replace('<', "$<$"),
                    Value::MeanCi(m, digits) => format!("{:.digits$} $\\pm$ {:.digits$}", m.mean, m.half_width),
                    Value::Missing => "--".to_owned(),
                })
                .collect();
            out.push_str(&format!("{} \\\\\n", cells.join(" & ")));
        }
        out.push_str("\\bottomrule\n\\end{tabular}\n");
        Ok(out)
    }

    /// The table as an HTML `<table>` (text HTML-escaped, means as `m ± h`).
    pub fn to_html(&self) -> String {
        let escape = crate::html::escape;
        let mut out = String::from("<table>\n<tr>");
        for c in &self.columns {
            out.push_str(&format!("<th>{}</th>", escape(&c.title)));
        }
        out.push_str("</tr>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for value in row {
                let cell = match value {
                    Value::Text(t) => escape(t),
                    Value::Count(n) => n.to_string(),
                    Value::Number(x, digits) => format!("{x:.digits$}"),
                    Value::PValue(p) => escape(&p_text(*p)),
                    Value::MeanCi(m, digits) => format!("{:.digits$} ± {:.digits$}", m.mean, m.half_width),
                    Value::Missing => "–".to_owned(),
                };
                out.push_str(&format!("<td>{cell}</td>"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        out
    }

    fn check_row(&self, r: usize, row: &[Value]) -> Result<()> {
        if row.len() == self.columns.len() {
            Ok(())
        } else {
            Err(anyhow!(
                "table row {r} has {} cells for {} columns",
                row.len(),
                self.columns.len()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table {
            columns: vec![
                Column::new("scheduler", "Scheduler", Kind::Text),
                Column::new("runs", "Runs", Kind::Number),
                Column::new("makespan_s", "Makespan (s)", Kind::MeanCi),
            ],
            rows: vec![
                vec![
                    Value::Text("heft_50%".into()),
                    Value::Count(3),
                    Value::MeanCi(
                        MeanCi {
                            mean: 12.345,
                            half_width: 0.5,
                            n: 3,
                        },
                        2,
                    ),
                ],
                vec![Value::Text("a&b".into()), Value::Count(0), Value::Missing],
            ],
        }
    }

    #[test]
    fn csv_splits_mean_and_interval() {
        let csv = String::from_utf8(sample().to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "scheduler,runs,makespan_s_mean,makespan_s_ci95,makespan_s_n\nheft_50%,3,12.345,0.5,3\na&b,0,,,\n"
        );
    }

    #[test]
    fn latex_is_a_booktabs_tabular_with_escaped_text() {
        let tex = sample().to_latex("makespans\nsecond line").unwrap();
        assert_eq!(
            tex,
            "% makespans\n% second line\n\\begin{tabular}{lrr}\n\\toprule\nScheduler & Runs & Makespan (s) \\\\\n\\midrule\n\
             heft\\_50\\% & 3 & 12.35 $\\pm$ 0.50 \\\\\na\\&b & 0 & -- \\\\\n\\bottomrule\n\\end{tabular}\n"
        );
    }

    #[test]
    fn rows_of_the_wrong_length_are_refused() {
        let mut t = sample();
        t.rows.push(vec![Value::Missing]);
        assert!(
            t.to_csv()
                .unwrap_err()
                .to_string()
                .contains("row 2 has 1 cells for 3 columns")
        );
        assert!(t.to_latex("").is_err());
    }

    #[test]
    fn escaping_covers_every_special_character() {
        assert_eq!(
            latex_escape(r"a\b&c%d$e#f_g{h}i~j^k<l>m|n σ ±"),
            r"a\textbackslash{}b\&c\%d\$e\#f\_g\{h\}i\textasciitilde{}j\textasciicircum{}k\textless{}l\textgreater{}m\textbar{}n $\sigma$ $\pm$"
        );
    }
}
