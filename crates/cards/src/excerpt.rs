//! Bounded echoes of user text in error messages: a 100,000-character range must not come back
//! whole in a one-line error.

/// Characters of user text an error message repeats before cutting it off.
pub const EXCERPT_CHARS: usize = 80;

/// `text` itself when it has at most [`EXCERPT_CHARS`] characters, otherwise its first
/// [`EXCERPT_CHARS`] characters followed by `…`.
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_at_a_character() {
        assert_eq!(excerpt(""), "");
        let exact = "A".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact);
        let long = "é".repeat(100_000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with("é…"));
    }
}
