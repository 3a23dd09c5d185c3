//! Equity cross-check against PokerKit's `calculate_equities` (an independent implementation, run
//! through `ponder-oracles`). PokerKit samples without a seed, so its estimate is compared with
//! ponder's exact value at 4 standard errors (bounded by 0.5 / sqrt(n)); a 3-SE bound on an unseeded
//! sampler would fail about once in 370 runs per case.

use ponder_cards::{equity, parse_board, CardSet, EquityOptions, Range};

const SCRIPT: &str = r#"
import sys, json
from pokerkit import calculate_equities, parse_range, Card, Deck, StandardHighHand
a, b, board, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
eq = calculate_equities((parse_range(a), parse_range(b)), Card.parse(board), 2, 5, Deck.STANDARD,
                        (StandardHighHand,), sample_count=n)
print(json.dumps(eq))
"#;

#[test]
fn exact_equity_agrees_with_pokerkit() {
    let Some(python) = ponder_oracles::python() else {
        return;
    };
    const SAMPLES: usize = 10_000;
    for (a, b, board) in [("AhKh", "QsQd", "Th9h2c"), ("AK", "QQ,JJ", "")] {
        let ours = equity(
            &Range::parse(a).unwrap(),
            &Range::parse(b).unwrap(),
            parse_board(board).unwrap(),
            CardSet::EMPTY,
            &EquityOptions::default(),
        )
        .unwrap();
        assert!(ours.exact);
        let out = ponder_oracles::run_python(&python, SCRIPT, &[a, b, board, &SAMPLES.to_string()]);
        let theirs: Vec<f64> = serde_json::from_str(out.trim()).unwrap();
        let bound = 4.0 * 0.5 / (SAMPLES as f64).sqrt();
        assert!(
            (ours.equity[0] - theirs[0]).abs() < bound,
            "{a} vs {b} on {board:?}: ponder {} PokerKit {}",
            ours.equity[0],
            theirs[0]
        );
    }
}
