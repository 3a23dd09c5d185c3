//! Equity of one hole pair against weighted ranges, as local best response needs it: against several
//! weightings of the same range at once (the whole range, and the part that calls each bet), so every
//! runout is evaluated once.

use ponder_cards::{Card, CardSet, Hand, HandIndex};
use rand::seq::SliceRandom;
use rand::Rng;

/// Runouts sampled when the board has fewer than three cards (preflop: 1.7 million boards would be
/// too many per decision); from the flop on every runout is enumerated.
pub const SAMPLED_RUNOUTS: usize = 1_000;

/// Share of the pot `hole` wins at showdown (wins plus half the ties) against each weighted range of
/// `ranges` (per [`HandIndex`], 1,326 weights each), over every completion of `board`
/// (sampled with `rng` before the flop). Hands touching `hole` or `board` are ignored; a range with
/// no weight left gets `NaN`.
pub fn equity_vs_ranges(
    hole: [Card; 2],
    board: &[Card],
    ranges: &[&[f64]],
    rng: &mut impl Rng,
) -> Vec<f64> {
    let mut dead = CardSet::from_cards(board);
    dead.insert(hole[0]);
    dead.insert(hole[1]);
    // (index, partial hand, card mask) of every hand some range holds.
    let live: Vec<(usize, Hand, u64)> = HandIndex::all()
        .filter(|h| !h.card_set().intersects(dead))
        .filter(|h| ranges.iter().any(|r| r[h.as_usize()] > 0.0))
        .map(|h| {
            let (a, b) = h.cards();
            (h.as_usize(), Hand::new().add(a).add(b), h.card_set().0)
        })
        .collect();
    let deck: Vec<Card> = Card::all().filter(|c| !dead.contains(*c)).collect();
    let ours = Hand::new().add(hole[0]).add(hole[1]);
    let base = Hand::from_cards(board);
    let missing = 5usize.saturating_sub(board.len());
    let mut sums = vec![(0.0f64, 0.0f64); ranges.len()];
    let mut visit = |runout: Hand, mask: u64| {
        let mine = runout.combine(ours).rank();
        for &(index, hand, cards) in &live {
            if cards & mask != 0 {
                continue;
            }
            let theirs = runout.combine(hand).rank();
            let share = if mine > theirs {
                1.0
            } else if mine == theirs {
                0.5
            } else {
                0.0
            };
            for (range, sum) in ranges.iter().zip(sums.iter_mut()) {
                let weight = range[index];
                sum.0 += weight * share;
                sum.1 += weight;
            }
        }
    };
    match missing {
        0 => visit(base, 0),
        1 => {
            for &c in &deck {
                visit(base.add(c), c.bit());
            }
        }
        2 => {
            for (i, &c) in deck.iter().enumerate() {
                for &d in &deck[i + 1..] {
                    visit(base.add(c).add(d), c.bit() | d.bit());
                }
            }
        }
        _ => {
            let mut deck = deck;
            for _ in 0..SAMPLED_RUNOUTS {
                let (drawn, _) = deck.partial_shuffle(rng, missing);
                let mut runout = base;
                let mut mask = 0;
                for &c in drawn.iter() {
                    runout = runout.add(c);
                    mask |= c.bit();
                }
                visit(runout, mask);
            }
        }
    }
    sums.iter()
        .map(|&(won, total)| if total > 0.0 { won / total } else { f64::NAN })
        .collect()
}

/// A range of every hand that avoids `blocked`, weight 1.
pub fn uniform_range(blocked: CardSet) -> Vec<f64> {
    HandIndex::all()
        .map(|h| f64::from(u8::from(!h.card_set().intersects(blocked))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ponder_cards::{equity, parse_cards, EquityOptions, Range, HAND_COUNT};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn cards(text: &str) -> Vec<Card> {
        parse_cards(text).unwrap()
    }

    #[test]
    fn matches_the_card_layer_equity_on_turn_and_river() {
        // An independent implementation: ponder_cards::equity (sorted sweep over hands) for the hand
        // against a weighted range.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for (hole, board, range) in [
            ("AhKh", "Qh7c2d9s", "22+,A2s+,KTo+"),
            (
                "7c7d",
                "Kd8h3s4c2d",
                "22+,A2+,K2+,Q2+,J2+,T2+,92+,82+,72+,62+,52+,42+,32",
            ),
            ("Js9s", "Ts8c2h", "QQ+,AK,T9s:0.5"),
        ] {
            let hole = cards(hole);
            let board = cards(board);
            let range = Range::parse(range).unwrap();
            let weights: Vec<f64> = range.weights().iter().map(|&w| f64::from(w)).collect();
            let ours = equity_vs_ranges([hole[0], hole[1]], &board, &[&weights], &mut rng)[0];
            let reference = equity(
                &Range::single(HandIndex::from_cards(hole[0], hole[1]).unwrap()),
                &range,
                CardSet::from_cards(&board),
                CardSet::EMPTY,
                &EquityOptions::default(),
            )
            .unwrap();
            assert!(reference.exact);
            assert!(
                (ours - reference.equity[0]).abs() < 1e-9,
                "{ours} vs {}",
                reference.equity[0]
            );
        }
    }

    #[test]
    fn preflop_is_sampled_close_to_the_exact_value() {
        // AA against a random hand: 85.2% (exact, from the card layer with a fixed seed below).
        let hole = cards("AsAh");
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let all = uniform_range(CardSet::EMPTY);
        let mut sum = 0.0;
        for _ in 0..20 {
            sum += equity_vs_ranges([hole[0], hole[1]], &[], &[&all], &mut rng)[0];
        }
        let ours = sum / 20.0;
        assert!((ours - 0.8520).abs() < 0.01, "{ours}");
    }

    #[test]
    fn an_empty_range_gives_nan() {
        let hole = cards("AsAh");
        let zero = vec![0.0; HAND_COUNT];
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let e = equity_vs_ranges([hole[0], hole[1]], &cards("2c3c4c5d6d"), &[&zero], &mut rng);
        assert!(e[0].is_nan());
    }
}
