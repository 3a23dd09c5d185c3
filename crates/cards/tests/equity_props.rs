//! Equity and hand strength on hostile inputs: boards and dead cards that leave too few cards to
//! deal, zero samples, absurd bin counts, and random board/dead/range sets, none of which may panic.

use ponder_cards::{
    equity, hand_strength, parse_board, Card, CardSet, EquityError, EquityOptions, HandIndex,
    Range, StrengthOptions,
};
use proptest::prelude::*;

fn cards(text: &str) -> CardSet {
    text.parse().unwrap()
}

/// Every card except those of `keep`.
fn all_but(keep: &str) -> CardSet {
    CardSet::FULL.minus(cards(keep))
}

fn monte_carlo() -> EquityOptions {
    EquityOptions {
        exact_limit: 0,
        samples: 1_000,
        ..EquityOptions::default()
    }
}

#[test]
fn dead_cards_that_leave_no_board_are_an_error_on_every_path() {
    let aks = Range::parse("AhKh").unwrap();
    let queens = Range::parse("QsQd").unwrap();
    // Only the four hole cards are left: hand vs hand (always exact).
    for options in [EquityOptions::default(), monte_carlo()] {
        assert_eq!(
            equity(&aks, &queens, CardSet::EMPTY, all_but("AhKhQsQd"), &options),
            Err(EquityError::NotEnoughCards { needed: 5, left: 0 })
        );
    }
    // A board of two and 44 dead cards: six cards left, four of them in the hands, two for the
    // three board cards missing.
    let board = parse_board("2c3c").unwrap();
    let dead = all_but("2c3c AhKh QsQd 4d5d");
    assert_eq!(dead.len(), 44);
    assert_eq!(
        equity(&aks, &queens, board, dead, &EquityOptions::default()),
        Err(EquityError::NotEnoughCards { needed: 3, left: 2 })
    );
    // Ranges (the exact sweep and the Monte Carlo sampler) with one card short of a board.
    let hero = Range::parse("AhKh,AcKc").unwrap();
    let dead = all_but("AhKh AcKc QsQd 2s3s");
    for options in [EquityOptions::default(), monte_carlo()] {
        assert_eq!(
            equity(&hero, &queens, CardSet::EMPTY, dead, &options),
            Err(EquityError::NotEnoughCards { needed: 5, left: 4 })
        );
    }
}

#[test]
fn exactly_enough_cards_still_give_an_answer() {
    // Nine cards left: the two hands and exactly one board, 2s3s4s5s6s, a straight flush for both.
    let aks = Range::parse("AhKh").unwrap();
    let queens = Range::parse("QsQd").unwrap();
    let dead = all_but("AhKh QsQd 2s3s4s5s6s");
    let e = equity(
        &aks,
        &queens,
        CardSet::EMPTY,
        dead,
        &EquityOptions::default(),
    )
    .unwrap();
    assert_eq!(e.trials, 1);
    assert_eq!(e.tie, 1.0);
    // Ranges on the Monte Carlo path: each pair of hands leaves exactly one board, 2s3s4s and the
    // other ace-king, where ace-king's two pair beats the queens.
    let hero = Range::parse("AhKh,AcKc").unwrap();
    let dead = all_but("AhKh AcKc QsQd 2s3s4s");
    let e = equity(&hero, &queens, CardSet::EMPTY, dead, &monte_carlo()).unwrap();
    assert!(!e.exact);
    assert_eq!(e.trials, 1_000);
    assert_eq!(e.win[0], 1.0);
}

#[test]
fn zero_samples_and_too_many_bins_are_errors() {
    let options = EquityOptions {
        samples: 0,
        ..monte_carlo()
    };
    let e = equity(
        &Range::parse("QQ+").unwrap(),
        &Range::parse("AK").unwrap(),
        CardSet::EMPTY,
        CardSet::EMPTY,
        &options,
    );
    assert_eq!(e, Err(EquityError::NoSamples));

    let aces = HandIndex::from_cards("Ah".parse::<Card>().unwrap(), "As".parse::<Card>().unwrap())
        .unwrap();
    let sampled = StrengthOptions {
        samples: 0,
        ..StrengthOptions::default()
    };
    assert_eq!(
        hand_strength(aces, CardSet::EMPTY, &Range::full(), &sampled),
        Err(EquityError::NoSamples)
    );
    let huge = StrengthOptions {
        bins: usize::MAX,
        ..StrengthOptions::default()
    };
    assert!(matches!(
        hand_strength(
            aces,
            parse_board("2c3d4h5s6c").unwrap(),
            &Range::full(),
            &huge
        ),
        Err(EquityError::TooManyBins { .. })
    ));
}

/// A shuffled deck, the board and dead-card counts, and hands given as pairs of positions among the
/// cards left after board and dead (so that ranges usually keep live hands near the limits).
type Deal = (
    Vec<u8>,
    usize,
    usize,
    Vec<(usize, usize)>,
    Vec<(usize, usize)>,
);

fn deal() -> impl Strategy<Value = Deal> {
    (
        Just((0..52u8).collect::<Vec<u8>>()).prop_shuffle(),
        0usize..=5,
        prop_oneof![0usize..=52, 38usize..=47],
        prop::collection::vec((0usize..52, 0usize..52), 1..4),
        prop::collection::vec((0usize..52, 0usize..52), 1..4),
    )
}

fn range_of(deck: &[u8], from: usize, pairs: &[(usize, usize)]) -> Range {
    let mut range = Range::empty();
    let left = deck.len().saturating_sub(from).max(1);
    for &(i, j) in pairs {
        let a = Card::from_index(deck[(from + i % left).min(51)]).unwrap();
        let b = Card::from_index(deck[(from + j % left).min(51)]).unwrap();
        if let Some(hand) = HandIndex::from_cards(a, b) {
            range.set(hand, 1.0);
        }
    }
    range
}

fn set_of(cards: &[u8]) -> CardSet {
    CardSet::from_cards(
        &cards
            .iter()
            .map(|&c| Card::from_index(c).unwrap())
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_boards_and_dead_cards_never_panic(
        (deck, board_len, dead_len, a, b) in deal(),
        sampled in any::<bool>(),
        overlap in any::<bool>(),
    ) {
        let dead_len = dead_len.min(52 - board_len);
        let board = set_of(&deck[..board_len]);
        // Sometimes let the dead cards overlap the board, which must be refused, not crash.
        let dead_from = if overlap { 0 } else { board_len };
        let dead = set_of(&deck[dead_from..dead_from + dead_len]);
        let from = board_len + dead_len;
        let (a, b) = (range_of(&deck, from, &a), range_of(&deck, from, &b));
        let options = EquityOptions {
            exact_limit: if sampled { 0 } else { 2_000_000 },
            samples: 300,
            seed: 1,
        };
        if let Ok(e) = equity(&a, &b, board, dead, &options) {
            prop_assert!((e.equity[0] + e.equity[1] - 1.0).abs() < 1e-9);
            prop_assert!(e.trials > 0);
        }
    }

    #[test]
    fn random_hand_strength_inputs_never_panic(
        (deck, board_len, _, opponent, _) in deal(),
        bins in 0usize..50,
        exact_runouts in 0u64..3_000,
        samples in 0u64..300,
        overlap in any::<bool>(),
    ) {
        let hand = HandIndex::from_cards(
            Card::from_index(deck[0]).unwrap(),
            Card::from_index(deck[1]).unwrap(),
        )
        .unwrap();
        // The board sometimes takes a hole card, which must be refused.
        let board_from = if overlap { 1 } else { 2 };
        let board = set_of(&deck[board_from..board_from + board_len]);
        let options = StrengthOptions { bins, exact_runouts, samples, seed: 2 };
        let range = range_of(&deck, 2 + board_len, &opponent);
        if let Ok(s) = hand_strength(hand, board, &range, &options) {
            prop_assert!((0.0..=1.0).contains(&s.ehs));
            prop_assert!((s.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }
}
