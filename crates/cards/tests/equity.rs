//! Equity: exact enumeration against the `pokers` crate's exact calculator (independent code),
//! exact vs Monte Carlo within 3 standard errors, published preflop values, errors.

use ponder_cards::{equity, parse_board, CardSet, EquityError, EquityOptions, Range};

fn ours(
    a: &str,
    b: &str,
    board: &str,
    dead: &str,
    options: &EquityOptions,
) -> ponder_cards::Equity {
    equity(
        &Range::parse(a).unwrap(),
        &Range::parse(b).unwrap(),
        parse_board(board).unwrap(),
        dead.parse::<CardSet>().unwrap(),
        options,
    )
    .unwrap()
}

/// pokers' exact equity of player 0 (ties shared). Its ranges take explicit combos or classes.
fn theirs(a: &str, b: &str, board: &str, dead: &str) -> f64 {
    use std::sync::{atomic::AtomicBool, Arc};
    let ranges = pokers::HandRange::from_strings(vec![a.to_string(), b.to_string()]);
    let result = pokers::exact_equity(
        &ranges,
        pokers::get_card_mask(board),
        pokers::get_card_mask(dead),
        1,
        Arc::new(AtomicBool::new(false)),
        |_| {},
    )
    .unwrap();
    result.equities[0]
}

#[test]
fn exact_matches_pokers() {
    let options = EquityOptions::default();
    let cases = [
        ("AhKh", "QsQd", "", ""),
        ("AsAh", "KdKc", "", ""),
        ("7c2d", "AsKs", "", "Ah"),
        ("AhKh", "QsQd", "Th9h2c", ""),
        ("AhKh", "QQ", "Th9h2c", ""),
        ("AK", "QQ,JJ,AQs", "Th9h2c", "3d"),
        // pokers reads `22-55` differently, so the pairs are spelled out for it.
        ("66+,A8s+", "KQ,T9s,22,33,44,55", "Td9d6h", ""),
        ("AA,KK", "AK,QQ", "Td9d6h8c", ""),
        ("JJ+,AQs+", "22+,A2s+,KTs+,QJo", "Kd7s2c", ""),
        ("AhKh", "TT", "Td9d6h8c2s", ""),
    ];
    for (a, b, board, dead) in cases {
        let ours = ours(a, b, board, dead, &options);
        assert!(ours.exact, "{a} vs {b} on {board}");
        let theirs = theirs(a, b, board, dead);
        assert!(
            (ours.equity[0] - theirs).abs() < 1e-9,
            "{a} vs {b} on {board} dead {dead}: ours {} pokers {theirs}",
            ours.equity[0]
        );
        assert!((ours.equity[0] + ours.equity[1] - 1.0).abs() < 1e-12);
    }
}

#[test]
fn preflop_hand_vs_hand_enumerates_every_board() {
    let e = ours("AhKh", "QsQd", "", "", &EquityOptions::default());
    assert_eq!(e.trials, 1_712_304);
    assert!((e.equity[0] - theirs("AhKh", "QsQd", "", "")).abs() < 1e-12);
    // AA vs KK, no shared suit: about 81/19 (the first of the pokers cases checks it exactly).
    let e = ours("AsAh", "KdKc", "", "", &EquityOptions::default());
    assert!(e.equity[0] > 0.80 && e.equity[0] < 0.83, "{}", e.equity[0]);
}

#[test]
fn monte_carlo_agrees_with_exact_within_three_standard_errors() {
    let exact = EquityOptions::default();
    let sampled = EquityOptions {
        exact_limit: 0,
        samples: 400_000,
        seed: 3,
    };
    for (a, b, board) in [
        ("AK", "QQ,JJ,AQs", "Th9h2c"),
        ("66+,A8s+", "KQ,T9s,22-55", "Td9d6h"),
        ("AhKh", "QQ", "Th9h2c"),
    ] {
        let x = ours(a, b, board, "", &exact);
        let y = ours(a, b, board, "", &sampled);
        assert!(!y.exact);
        let se = y.std_error.unwrap();
        assert!(se > 0.0 && se < 0.002);
        assert!(
            (x.equity[0] - y.equity[0]).abs() < 3.0 * se,
            "{a} vs {b}: exact {} sampled {} se {se}",
            x.equity[0],
            y.equity[0]
        );
    }
    // Same seed, same answer.
    let again = ours("AK", "QQ,JJ,AQs", "Th9h2c", "", &sampled);
    assert_eq!(again, ours("AK", "QQ,JJ,AQs", "Th9h2c", "", &sampled));
}

#[test]
fn preflop_range_vs_range_is_sampled_and_matches_pokers_within_error() {
    let e = ours("QQ+,AKs", "22+,AT+", "", "", &EquityOptions::default());
    assert!(!e.exact);
    let theirs = theirs("QQ+,AKs", "22+,AT+", "", "");
    let se = e.std_error.unwrap();
    assert!(
        (e.equity[0] - theirs).abs() < 3.0 * se,
        "{} {theirs} {se}",
        e.equity[0]
    );
}

#[test]
fn errors() {
    let options = EquityOptions::default();
    let aa = Range::parse("AA").unwrap();
    let board = parse_board("AhAsAd").unwrap();
    assert_eq!(
        equity(
            &Range::parse("AcAd").unwrap(),
            &aa,
            board,
            CardSet::EMPTY,
            &options
        ),
        Err(EquityError::EmptyRange(0))
    );
    let e = equity(
        &aa,
        &aa,
        parse_board("Ah").unwrap(),
        "Ah".parse().unwrap(),
        &options,
    );
    assert!(matches!(e, Err(EquityError::BoardDeadOverlap(_))));
    let e = equity(
        &Range::parse("AhKh").unwrap(),
        &Range::parse("AhQh").unwrap(),
        CardSet::EMPTY,
        CardSet::EMPTY,
        &options,
    );
    assert_eq!(e, Err(EquityError::NoCompatiblePair));
}
