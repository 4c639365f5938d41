//! "Did you mean …" hints for misspelt names: schedulers, generators,
//! presets, parameters and config keys.
//!
//! One place decides what counts as close, so every error that lists valid
//! names suggests the same way. Closeness is the optimal string alignment
//! distance (Levenshtein plus transpositions, from `strsim`) on lowercase
//! names, and a candidate is suggested only when it is at most a third of the
//! longer name's length away (at least 1, so `hfet` finds `heft` and
//! `cpu` does not find `mct`).

/// The candidate closest to `given`, if one is close enough to be a likely typo.
///
/// Ties go to the earlier candidate, so the answer is deterministic.
///
/// ```
/// assert_eq!(sim::suggest::closest("hfet", ["heft", "cpop", "peft"]), Some("heft"));
/// assert_eq!(sim::suggest::closest("zzz", ["heft", "cpop"]), None);
/// ```
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = strsim::osa_distance(&given, &candidate.to_lowercase());
        let limit = (given.chars().count().max(candidate.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `"; did you mean \"x\"?"` for the closest candidate, or an empty string:
/// ready to append to an error message.
pub fn did_you_mean<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(given, candidates).map_or_else(String::new, |name| format!("; did you mean {name:?}?"))
}

/// Appends a hint to serde's unknown-field message, as the `toml` crate
/// shows it: ``unknown field `sped`, expected one of `name`, `speed` ``
/// becomes `… ; did you mean "speed"?`. Any other message comes back as it was.
///
/// serde words this message itself (`de::Error::unknown_field`), so every
/// format that reports unknown keys through serde reads the same way.
pub fn hint_unknown_field(message: &str) -> String {
    let Some(rest) = message.split("unknown field `").nth(1) else {
        return message.to_owned();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return message.to_owned();
    };
    // The expected list runs to the end of the line: `a`, `b`, `c`.
    let expected = expected.lines().next().unwrap_or_default();
    let candidates = expected.split('`').skip(1).step_by(2);
    let hint = did_you_mean(field, candidates);
    if hint.is_empty() {
        return message.to_owned();
    }
    // Put the hint at the end of the line that names the field, before any
    // source excerpt the TOML error prints below it.
    let line_end = message
        .find("unknown field `")
        .and_then(|start| message[start..].find('\n').map(|i| start + i))
        .unwrap_or(message.len());
    format!("{}{hint}{}", &message[..line_end], &message[line_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let names = ["heft", "cpop", "peft", "online-eft", "lookahead-heft"];
        assert_eq!(closest("hfet", names), Some("heft"));
        assert_eq!(closest("HEFT", names), Some("heft"));
        assert_eq!(closest("onlin-eft", names), Some("online-eft"));
        assert_eq!(closest("lookahed-heft", names), Some("lookahead-heft"));
        assert_eq!(closest("minmin", names), None);
        assert_eq!(closest("", names), None);
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(
            closest("peft", ["heft", "pefx"]),
            Some("heft"),
            "both are one edit away"
        );
    }

    #[test]
    fn did_you_mean_formats_the_hint() {
        assert_eq!(did_you_mean("cpoq", ["heft", "cpop"]), "; did you mean \"cpop\"?");
        assert_eq!(did_you_mean("qqqq", ["heft", "cpop"]), "");
    }

    #[test]
    fn unknown_field_messages_get_a_hint_on_their_first_line() {
        let message = "TOML parse error at line 3, column 1\n  |\n3 | sped = 1\n  | ^^^^\n\
                       unknown field `sped`, expected one of `name`, `speed`, `cores`\n";
        let hinted = hint_unknown_field(message);
        assert!(hinted.contains("`cores`; did you mean \"speed\"?\n"), "{hinted}");
        let single = "unknown field `nme`, expected `name`";
        assert_eq!(
            hint_unknown_field(single),
            "unknown field `nme`, expected `name`; did you mean \"name\"?"
        );
        assert_eq!(
            hint_unknown_field("unknown field `zzzzzz`, expected `name`"),
            "unknown field `zzzzzz`, expected `name`"
        );
        assert_eq!(hint_unknown_field("missing field `name`"), "missing field `name`");
    }
}
