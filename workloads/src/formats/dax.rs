//! Pegasus DAX 2.1 XML, as in WorkflowSim's synthetic workflows
//! (<https://pegasus.isi.edu/documentation/>; samples in `shared/data/dax/`).
//!
//! ```xml
//! <adag name="test" version="2.1">
//!   <job id="ID00000" namespace="Montage" name="mProjectPP" runtime="13.39">
//!     <uses file="region.hdr" link="input" size="304"/>
//!     <uses file="p.fits" link="output" size="4167312"/>
//!   </job>
//!   <child ref="ID00001"><parent ref="ID00000"/></child>
//! </adag>
//! ```
//!
//! Tasks are named by the job `id`, their kind is the job `name`, their work
//! the `runtime` attribute in seconds (required). Edges come from
//! `<child>`/`<parent>`; an edge carries the **bytes** (`size`) of the files
//! its parent writes (`link="output"`) and its child reads (`link="input"`).
//! A `cores` attribute is not used. A negative runtime or size is read as 0:
//! WorkflowSim's `Epigenomics_997.xml` has 57 `filterContams` jobs with
//! runtimes of about −1 s and negative file sizes, artefacts of its generator.
//! A NaN or unparsable number is still an error. DAX 3's `<uses name=…>` is accepted
//! like `file`. Errors name the line of the offending element.

use crate::error::ParseError;
use crate::formats::files::add_file_edges;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use sim::{Dag, DagBuilder, TaskId, TaskSpec};
use std::collections::HashMap;

/// Counts lines up to a byte offset, moving forward only (O(file size) in all).
struct Lines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        if offset > self.offset {
            let newlines = self
                .text
                .get(self.offset..offset)
                .map_or(0, |s| s.iter().filter(|&&c| c == b'\n').count());
            self.line += newlines;
            self.offset = offset;
        }
        self.line
    }
}

struct Job {
    id: String,
    inputs: Vec<(String, f64)>,
    outputs: Vec<String>,
}

/// The attributes of an element, unescaped, by local name.
fn attributes(e: &BytesStart<'_>, line: usize) -> Result<HashMap<String, String>, ParseError> {
    let mut map = HashMap::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| ParseError::line(line, format!("bad attribute: {err}")))?;
        let key = attr.key.local_name().as_ref().to_owned();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| ParseError::line(line, format!("attribute {key:?}: {err}")))?;
        map.insert(key, value.into_owned());
    }
    Ok(map)
}

fn number(attrs: &HashMap<String, String>, key: &str, line: usize, what: &str) -> Result<Option<f64>, ParseError> {
    attrs
        .get(key)
        .map(|text| {
            text.trim()
                .parse::<f64>()
                .map_err(|_| ParseError::line(line, format!("{what}: {key} {text:?} is not a number")))
        })
        .transpose()
}

/// Parses DAX text.
///
/// # Errors
/// [`ParseError::Line`] for malformed XML, a job without id or runtime, a
/// duplicate job or a reference to an unknown job; [`ParseError::Dag`] for a
/// cycle or a negative runtime or size.
pub fn parse(text: &str) -> Result<Dag, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut lines = Lines {
        text: text.as_bytes(),
        offset: 0,
        line: 1,
    };
    let mut b = DagBuilder::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut ids: HashMap<String, TaskId> = HashMap::new();
    let mut pairs: Vec<(TaskId, TaskId)> = Vec::new();
    let mut child: Option<TaskId> = None;
    let mut saw_adag = false;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|err| {
            let line = lines.at(reader.error_position());
            ParseError::line(line, format!("invalid XML: {err}"))
        })?;
        // The event starts at the first `<` after the previous event's end.
        let from = usize::try_from(start).unwrap_or(usize::MAX);
        let tag = text
            .as_bytes()
            .get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == b'<'))
            .map_or(start, |i| start + i as u64);
        let line = lines.at(tag);
        let (e, is_empty) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.local_name().as_ref() == "child" {
                    child = None;
                }
                continue;
            }
            _ => continue,
        };
        let attrs = attributes(e, line)?;
        let ref_of = |what: &str| -> Result<TaskId, ParseError> {
            let Some(r) = attrs.get("ref") else {
                return Err(ParseError::line(line, format!("<{what}> without ref")));
            };
            ids.get(r)
                .copied()
                .ok_or_else(|| ParseError::line(line, format!("<{what} ref={r:?}>: unknown job")))
        };
        match e.local_name().as_ref() {
            "adag" => saw_adag = true,
            "job" => {
                let Some(id) = attrs.get("id").cloned() else {
                    return Err(ParseError::line(line, "<job> without id"));
                };
                let what = format!("job {id:?}");
                let runtime = number(&attrs, "runtime", line, &what)?
                    .ok_or_else(|| ParseError::line(line, format!("{what}: no runtime attribute")))?;
                let runtime = if runtime < 0.0 { 0.0 } else { runtime };
                let kind = attrs.get("name").cloned().unwrap_or_else(|| "task".to_owned());
                if ids.contains_key(&id) {
                    return Err(ParseError::line(line, format!("{what}: duplicate job id")));
                }
                ids.insert(id.clone(), b.add_task(TaskSpec::new(id.clone(), runtime).kind(kind)));
                jobs.push(Job {
                    id,
                    inputs: Vec::new(),
                    outputs: Vec::new(),
                });
            }
            "uses" => {
                let Some(job) = jobs.last_mut() else {
                    return Err(ParseError::line(line, "<uses> outside a <job>"));
                };
                let what = format!("job {:?}", job.id);
                let Some(file) = attrs.get("file").or_else(|| attrs.get("name")).cloned() else {
                    return Err(ParseError::line(line, format!("{what}: <uses> without file")));
                };
                let size = number(&attrs, "size", line, &what)?.unwrap_or(0.0);
                let size = if size < 0.0 { 0.0 } else { size };
                match attrs.get("link").map(String::as_str) {
                    Some("input") => job.inputs.push((file, size)),
                    Some("output") => job.outputs.push(file),
                    _ => {}
                }
            }
            "child" => {
                let id = ref_of("child")?;
                child = (!is_empty).then_some(id);
            }
            "parent" => {
                let parent = ref_of("parent")?;
                let Some(c) = child else {
                    return Err(ParseError::line(line, "<parent> outside a <child>"));
                };
                pairs.push((parent, c));
            }
            _ => {}
        }
    }
    if !saw_adag {
        return Err(ParseError::line(1, "no <adag> element: not a DAX file"));
    }
    pairs.sort_unstable();
    pairs.dedup();
    let outputs: Vec<Vec<&str>> = jobs
        .iter()
        .map(|j| j.outputs.iter().map(String::as_str).collect())
        .collect();
    let inputs: Vec<Vec<(&str, f64)>> = jobs
        .iter()
        .map(|j| j.inputs.iter().map(|(f, size)| (f.as_str(), *size)).collect())
        .collect();
    add_file_edges(&mut b, &pairs, &outputs, &inputs);
    Ok(b.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"<?xml version="1.0"?>
<adag name="t" version="2.1">
  <job id="a" name="split" runtime="2.5">
    <uses file="x" link="output" size="100"/>
    <uses file="y" link="output" size="20"/>
  </job>
  <job id="b" name="join" runtime="1">
    <uses file="x" link="input" size="100"/>
    <uses file="y" link="input" size="20"/>
  </job>
  <child ref="b"><parent ref="a"/></child>
</adag>"#;

    #[test]
    fn files_become_bytes() {
        let dag = parse(TWO).unwrap();
        assert_eq!(dag.edge_count(), 1);
        assert_eq!(dag.edges()[0].bytes, 120.0);
        assert_eq!(dag.kind_name(dag.tasks()[0].kind), "split");
        assert_eq!(dag.tasks()[0].work, 2.5);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = TWO.replace(r#"<parent ref="a"/>"#, r#"<parent ref="zz"/>"#);
        assert_eq!(
            parse(&bad).unwrap_err().to_string(),
            "line 11: <parent ref=\"zz\">: unknown job"
        );
        let bad = TWO.replace(r#"runtime="1""#, r#"runtime="fast""#);
        assert_eq!(
            parse(&bad).unwrap_err().to_string(),
            "line 7: job \"b\": runtime \"fast\" is not a number"
        );
    }
}
