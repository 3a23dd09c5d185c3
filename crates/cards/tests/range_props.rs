//! Property tests of the range syntax: parse ∘ print = identity on random ranges, printing is a
//! fixed point, and random text never panics (errors carry a column inside the text).

use ponder_cards::{HandIndex, Range, HAND_COUNT};
use proptest::prelude::*;

/// Random ranges built the way users write them: per class a weight from a small palette, then a
/// few single combos overridden with arbitrary weights.
fn range_strategy() -> impl Strategy<Value = Range> {
    let palette = prop_oneof![
        4 => Just(0.0f32),
        3 => Just(1.0f32),
        1 => Just(0.5f32),
        1 => Just(0.25f32),
        1 => 0.0f32..=1.0,
    ];
    (
        proptest::collection::vec(palette, 169),
        proptest::collection::vec((0..HAND_COUNT as u16, 0.0f32..=1.0), 0..8),
    )
        .prop_map(|(class_weights, singles)| {
            let mut range = Range::empty();
            for hand in HandIndex::all() {
                let class = hand.class();
                let (row, column) = class.grid_cell();
                range.set(hand, class_weights[row * 13 + column]);
            }
            for (hand, weight) in singles {
                range.set(HandIndex(hand), weight);
            }
            range
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_print_is_identity(range in range_strategy()) {
        let text = range.to_string();
        let back = Range::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&back, &range, "{}", text);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn random_text_never_panics(text in "[AKQJT98765432shdco+,:. 0-9x-]{0,40}") {
        if let Err(error) = Range::parse(&text) {
            prop_assert!(error.column >= 1 && error.column <= text.chars().count() + 1);
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,30}") {
        let _ = Range::parse(&text);
        let _ = ponder_cards::parse_board(&text);
    }
}
