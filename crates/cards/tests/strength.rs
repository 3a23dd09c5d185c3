//! Hand-strength features: consistency with the equity module (an independent code path), moments and
//! histogram, sampled preflop value.

use ponder_cards::{
    equity, hand_strength, parse_board, CardSet, EquityOptions, HandIndex, Range, StrengthOptions,
};

fn hand(text: &str) -> HandIndex {
    let cards = ponder_cards::parse_cards(text).unwrap();
    HandIndex::from_cards(cards[0], cards[1]).unwrap()
}

#[test]
fn river_ehs_is_equity_against_the_range() {
    let board = parse_board("Td9d6h8c2s").unwrap();
    let range = Range::parse("22+,A2s+,KTs+,QJo").unwrap();
    let s = hand_strength(hand("AhKh"), board, &range, &StrengthOptions::default()).unwrap();
    let e = equity(
        &Range::parse("AhKh").unwrap(),
        &range,
        board,
        CardSet::EMPTY,
        &EquityOptions::default(),
    )
    .unwrap();
    assert!((s.ehs - e.equity[0]).abs() < 1e-12);
    assert!((s.ehs2 - s.ehs * s.ehs).abs() < 1e-12);
    assert_eq!(s.runouts, 1);
}

#[test]
fn turn_ehs_averages_river_equities() {
    let board = parse_board("Td9d6h8c").unwrap();
    let full = Range::full();
    let s = hand_strength(hand("AdKd"), board, &full, &StrengthOptions::default()).unwrap();
    assert!(s.exact);
    assert_eq!(s.runouts, 46);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for river in ponder_cards::Card::all() {
        let used = board.union(hand("AdKd").card_set());
        if used.contains(river) {
            continue;
        }
        let mut b = board;
        b.insert(river);
        let e = equity(
            &Range::parse("AdKd").unwrap(),
            &full,
            b,
            CardSet::EMPTY,
            &EquityOptions::default(),
        )
        .unwrap();
        sum += e.equity[0];
        sum_sq += e.equity[0] * e.equity[0];
    }
    assert!((s.ehs - sum / 46.0).abs() < 1e-9);
    assert!((s.ehs2 - sum_sq / 46.0).abs() < 1e-9);
    assert!((s.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(s.histogram.len(), 10);
}

#[test]
fn preflop_aces_are_about_85_percent_sampled() {
    let options = StrengthOptions {
        samples: 20_000,
        ..StrengthOptions::default()
    };
    let s = hand_strength(hand("AsAh"), CardSet::EMPTY, &Range::full(), &options).unwrap();
    assert!(!s.exact);
    // AA vs a random hand: 85.2% (the textbook value); 20,000 runouts leave ~0.2% noise.
    assert!((s.ehs - 0.852).abs() < 0.01, "{}", s.ehs);
    assert!(s.ehs2 > s.ehs * s.ehs);
}
