//! `cargo bench -p ponder-cards`: evaluator throughput side by side with the `pokers` crate (the
//! anchor) in one run, on (a) all 133,784,560 7-card hands enumerated with incremental adds and (b)
//! one million random 7-card hands. Single-threaded; prints hands/s and the ratio ours/pokers.

#![allow(clippy::needless_range_loop)] // index loops mirror the combinatorial enumeration

use std::hint::black_box;
use std::time::Instant;

use ponder_cards::{Card, Hand};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One-card hands in a fixed-size array, like `pokers::CARDS` (so neither side pays bounds checks).
fn card_hands() -> [Hand; 52] {
    std::array::from_fn(|c| Hand::new().add(Card::from_index(c as u8).unwrap()))
}

fn enumerate_ours() -> u64 {
    let cards = card_hands();
    let mut sum = 0u64;
    for a in 0..52 {
        let ha = cards[a];
        for b in a + 1..52 {
            let hb = ha.combine(cards[b]);
            for c in b + 1..52 {
                let hc = hb.combine(cards[c]);
                for d in c + 1..52 {
                    let hd = hc.combine(cards[d]);
                    for e in d + 1..52 {
                        let he = hd.combine(cards[e]);
                        for f in e + 1..52 {
                            let hf = he.combine(cards[f]);
                            for g in f + 1..52 {
                                sum += hf.combine(cards[g]).rank().value() as u64;
                            }
                        }
                    }
                }
            }
        }
    }
    sum
}

fn enumerate_ours_unchecked() -> u64 {
    let cards = card_hands();
    let mut sum = 0u64;
    for a in 0..52 {
        let ha = cards[a];
        for b in a + 1..52 {
            let hb = ha.combine(cards[b]);
            for c in b + 1..52 {
                let hc = hb.combine(cards[c]);
                for d in c + 1..52 {
                    let hd = hc.combine(cards[d]);
                    for e in d + 1..52 {
                        let he = hd.combine(cards[e]);
                        for f in e + 1..52 {
                            let hf = he.combine(cards[f]);
                            for g in f + 1..52 {
                                // SAFETY: 7 distinct cards.
                                let rank = unsafe { hf.combine(cards[g]).rank_unchecked() };
                                sum += rank.value() as u64;
                            }
                        }
                    }
                }
            }
        }
    }
    sum
}

fn enumerate_pokers() -> u64 {
    let cards = &pokers::CARDS;
    let mut sum = 0u64;
    for a in 0..52 {
        let ha = cards[a];
        for b in a + 1..52 {
            let hb = ha + cards[b];
            for c in b + 1..52 {
                let hc = hb + cards[c];
                for d in c + 1..52 {
                    let hd = hc + cards[d];
                    for e in d + 1..52 {
                        let he = hd + cards[e];
                        for f in e + 1..52 {
                            let hf = he + cards[f];
                            for g in f + 1..52 {
                                sum += (hf + cards[g]).evaluate() as u64;
                            }
                        }
                    }
                }
            }
        }
    }
    sum
}

fn time<F: FnMut() -> u64>(mut f: F) -> f64 {
    let start = Instant::now();
    black_box(f());
    start.elapsed().as_secs_f64()
}

fn report(case: &str, hands: f64, ours: f64, unchecked: f64, pokers: f64) {
    println!(
        "{case}: ponder rank {:7.1} M/s ({:.2}x)  rank_unchecked {:7.1} M/s ({:.2}x)  pokers {:7.1} M/s",
        hands / ours / 1e6,
        pokers / ours,
        hands / unchecked / 1e6,
        pokers / unchecked,
        hands / pokers / 1e6,
    );
}

fn main() {
    const TOTAL: f64 = 133_784_560.0;
    const RANDOM: usize = 1_000_000;
    const REPEATS: usize = 20;
    println!("evaluator throughput, one thread, best of 3 (anchor: pokers 0.10)");

    let (mut ours_t, mut fast_t, mut theirs_t) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..3 {
        ours_t = ours_t.min(time(enumerate_ours));
        fast_t = fast_t.min(time(enumerate_ours_unchecked));
        theirs_t = theirs_t.min(time(enumerate_pokers));
    }
    report("all 7-card hands", TOTAL, ours_t, fast_t, theirs_t);

    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut hands: Vec<[u8; 7]> = Vec::with_capacity(RANDOM);
    while hands.len() < RANDOM {
        let mut used = 0u64;
        let mut hand = [0u8; 7];
        let mut n = 0;
        while n < 7 {
            let c = rng.gen_range(0..52u8);
            if used & (1 << c) == 0 {
                used |= 1 << c;
                hand[n] = c;
                n += 1;
            }
        }
        hands.push(hand);
    }
    let ours_cards = card_hands();
    let ours = |unchecked: bool| {
        let mut sum = 0u64;
        for _ in 0..REPEATS {
            for hand in black_box(&hands) {
                let mut h = Hand::new();
                for &c in hand {
                    h = h.combine(ours_cards[c as usize]);
                }
                let rank = if unchecked {
                    // SAFETY: 7 distinct cards.
                    unsafe { h.rank_unchecked() }
                } else {
                    h.rank()
                };
                sum += rank.value() as u64;
            }
        }
        sum
    };
    let (mut ours_t, mut fast_t, mut theirs_t) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..3 {
        ours_t = ours_t.min(time(|| ours(false)));
        fast_t = fast_t.min(time(|| ours(true)));
        theirs_t = theirs_t.min(time(|| {
            let mut sum = 0u64;
            for _ in 0..REPEATS {
                for hand in black_box(&hands) {
                    let mut h = pokers::Hand::default();
                    for &c in hand {
                        h += pokers::CARDS[c as usize];
                    }
                    sum += h.evaluate() as u64;
                }
            }
            sum
        }));
    }
    report(
        "1M random 7-card",
        (RANDOM * REPEATS) as f64,
        ours_t,
        fast_t,
        theirs_t,
    );
    println!("ponder table bytes: {}", ponder_cards::TABLE_BYTES);

    // Suit-isomorphism indexer (no anchor in the same run): river index and unindex rates.
    let indexer = ponder_cards::SuitIndexer::holdem();
    let deals: Vec<[Card; 7]> = hands
        .iter()
        .take(200_000)
        .map(|h| std::array::from_fn(|i| Card::from_index(h[i]).unwrap()))
        .collect();
    let start = Instant::now();
    let mut sum = 0u64;
    for deal in &deals {
        sum = sum.wrapping_add(indexer.index(3, black_box(deal)).unwrap());
    }
    let index_t = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for i in 0..deals.len() as u64 {
        let cards = indexer.unindex(3, black_box(i * 12_000)).unwrap();
        sum = sum.wrapping_add(cards[0].index() as u64);
    }
    let unindex_t = start.elapsed().as_secs_f64();
    black_box(sum);
    println!(
        "suit isomorphism (river, 2,428,287,420 classes): index {:.1} M/s, unindex {:.1} M/s",
        deals.len() as f64 / index_t / 1e6,
        deals.len() as f64 / unindex_t / 1e6
    );
}
