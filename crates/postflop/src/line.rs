//! The `show --line` syntax, shared by `ponder show` and node locks: comma-separated steps from the root,
//! each an action (`check`, `bet 120`, `call`; case and spacing free) or a dealt card (`Qs`; locks also
//! take `*` for every card that can come).

use crate::tree::Action;

/// One step of a line as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineStep<'a> {
    /// The step's text, trimmed.
    pub text: &'a str,
    /// Characters of the line before the step's first non-blank character (0-based column).
    pub offset: usize,
}

/// The non-empty steps of `line`, with their columns.
pub fn steps(line: &str) -> Vec<LineStep<'_>> {
    let mut steps = Vec::new();
    let mut offset = 0usize;
    for raw in line.split(',') {
        let lead = raw.chars().count() - raw.trim_start().chars().count();
        let text = raw.trim();
        if !text.is_empty() {
            steps.push(LineStep {
                text,
                offset: offset + lead,
            });
        }
        offset += raw.chars().count() + 1;
    }
    steps
}

/// The names the line syntax gives `actions` (`fold`, `check`, `call`, `bet 120`, `raise 300`).
pub fn action_names(actions: &[Action]) -> Vec<String> {
    actions.iter().map(|a| a.to_string()).collect()
}

/// The index of the action `text` names among `actions`; case and runs of blanks do not matter.
pub fn action_index(actions: &[Action], text: &str) -> Option<usize> {
    let wanted = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    actions.iter().position(|a| a.to_string() == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_byte_blank_is_one_column() {
        // U+202F is three bytes; the fuzzer's `show_line` input put the column past the line's end.
        let steps = steps("\u{202F}\u{202F}check,\u{3000}call");
        let found: Vec<(&str, usize)> = steps.iter().map(|s| (s.text, s.offset)).collect();
        assert_eq!(found, [("check", 2), ("call", 9)]);
    }

    #[test]
    fn steps_keep_their_columns_and_skip_empty_ones() {
        let steps = steps(" check, bet  120 ,,Qs");
        let found: Vec<(&str, usize)> = steps.iter().map(|s| (s.text, s.offset)).collect();
        assert_eq!(found, [("check", 1), ("bet  120", 8), ("Qs", 19)]);
        // Columns count characters, not bytes.
        assert_eq!(super::steps("é,call")[0].offset, 0);
        assert_eq!(super::steps("é,call")[1].offset, 2);
    }

    #[test]
    fn actions_match_whatever_the_case_and_spacing() {
        let actions = [Action::Check, Action::Bet(120), Action::Bet(300)];
        assert_eq!(action_index(&actions, "BET   120"), Some(1));
        assert_eq!(action_index(&actions, "bet 300"), Some(2));
        assert_eq!(action_index(&actions, "bet 3000"), None);
        assert_eq!(action_names(&actions), ["check", "bet 120", "bet 300"]);
    }
}
