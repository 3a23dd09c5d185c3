//! `cargo bench -p ponder-cards`: evaluator throughput side by side with the `pokers` crate (the
//! anchor) in one run, on (a) all 133,784,560 7-card hands enumerated with incremental adds, (b) the
//! census of those hands (`Census::serial(7)`: every hand counted by strength, against the anchor's
//! plain enumeration, which counts nothing) and (c) one million random 7-card hands.
//! Single-threaded; prints hands/s and the ratio ours/pokers.
//!
//! Fairness: both sides run the same generic loops (`enumerate`, `random`: one card added to a
//! running hand per level, one evaluation per leaf, the ranks summed), each monomorphisation in its
//! own `#[inline(never)]` function so neither is compiled into a different register context.
//! ponder's side uses the safe public API the equity code and the census use: `Hand::combine` of
//! one-card hands (as `pokers::CARDS` are one-card hands) in the enumeration, `Hand::add(Card)` for
//! random hands, `Hand::rank`. Rounds rotate which side runs first; the best time of each side
//! over the rounds gives the headline ratio, and the spread of per-round ratios shows how much the
//! (shared) machine moved. Times are the thread's CPU time, so time the scheduler gave to other
//! processes does not count. `ROUNDS=n` sets the number of rounds.
//!
//! Placement control: the anchor's loop is compiled twice, at two addresses (an A/A pair). Where
//! a hot loop lands relative to cache-line and fetch boundaries moves its speed by several percent
//! from build to build (measured: the two identical copies at 969 and 1,036 M/s in one build), so
//! the headline ratio is taken against the FASTER copy and both copies' rates are printed.

use std::hint::black_box;
use std::time::Instant;

use ponder_cards::{Card, Census, Hand};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Sum of the values of all 7-card hands, built incrementally from `cards` (one add per level).
/// Both sides run this same code, monomorphised for their card and hand types.
#[inline(always)]
fn enumerate<C: Copy, H: Copy>(
    cards: &[C; 52],
    empty: H,
    add: impl Fn(H, C) -> H,
    value: impl Fn(H) -> u16,
) -> u64 {
    let mut sum = 0u64;
    for (a, &ca) in cards.iter().enumerate() {
        let ha = add(empty, ca);
        for (b, &cb) in cards.iter().enumerate().skip(a + 1) {
            let hb = add(ha, cb);
            for (c, &cc) in cards.iter().enumerate().skip(b + 1) {
                let hc = add(hb, cc);
                for (d, &cd) in cards.iter().enumerate().skip(c + 1) {
                    let hd = add(hc, cd);
                    for (e, &ce) in cards.iter().enumerate().skip(d + 1) {
                        let he = add(hd, ce);
                        for (f, &cf) in cards.iter().enumerate().skip(e + 1) {
                            let hf = add(he, cf);
                            for &cg in &cards[f + 1..] {
                                sum += value(add(hf, cg)) as u64;
                            }
                        }
                    }
                }
            }
        }
    }
    sum
}

/// Sum of the values of `hands`, `repeats` times over; same code for both sides.
#[inline(always)]
fn random<C: Copy, H: Copy>(
    hands: &[[C; 7]],
    repeats: usize,
    empty: H,
    add: impl Fn(H, C) -> H,
    value: impl Fn(H) -> u16,
) -> u64 {
    let mut sum = 0u64;
    for _ in 0..repeats {
        for hand in black_box(hands) {
            let h = hand.iter().fold(empty, |h, &c| add(h, c));
            sum += value(h) as u64;
        }
    }
    sum
}

/// The 52 cards in index order.
fn deck() -> [Card; 52] {
    std::array::from_fn(|c| Card::from_index(c as u8).expect("below 52"))
}

#[inline(never)]
fn enumerate_ours(cards: &[Hand; 52]) -> u64 {
    enumerate(cards, Hand::new(), Hand::combine, |h| h.rank().value())
}

#[inline(never)]
fn enumerate_pokers(cards: &[pokers::Hand; 52]) -> u64 {
    enumerate(
        cards,
        pokers::Hand::default(),
        |h, c| h + c,
        |h| h.evaluate(),
    )
}

/// A second, identical copy of `enumerate_pokers` at another address: the A/A control that shows
/// how much code placement alone moves a ratio in this build.
#[inline(never)]
fn enumerate_pokers_copy(cards: &[pokers::Hand; 52]) -> u64 {
    // Outside the loops; it only keeps the compiler from folding the two copies into one.
    let cards = black_box(cards);
    enumerate(
        cards,
        pokers::Hand::default(),
        |h, c| h + c,
        |h| h.evaluate(),
    )
}

#[inline(never)]
fn random_ours(hands: &[[Card; 7]], repeats: usize) -> u64 {
    random(hands, repeats, Hand::new(), Hand::add, |h| h.rank().value())
}

#[inline(never)]
fn random_pokers(hands: &[[u8; 7]], repeats: usize) -> u64 {
    let cards = &pokers::CARDS;
    random(
        hands,
        repeats,
        pokers::Hand::default(),
        |h, c| h + cards[c as usize],
        |h| h.evaluate(),
    )
}

/// The A/A copy of `random_pokers` (see `enumerate_pokers_copy`).
#[inline(never)]
fn random_pokers_copy(hands: &[[u8; 7]], repeats: usize) -> u64 {
    let hands = black_box(hands);
    let cards = &pokers::CARDS;
    random(
        hands,
        repeats,
        pokers::Hand::default(),
        |h, c| h + cards[c as usize],
        |h| h.evaluate(),
    )
}

/// Seconds this thread has run on a CPU: unlike wall time, it does not count the time the
/// scheduler gave the core to other processes, which on a shared machine is most of the noise.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write into; the clock id is a constant.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn time<F: FnMut() -> u64>(mut f: F) -> f64 {
    let start = thread_cpu_seconds();
    black_box(f());
    thread_cpu_seconds() - start
}

/// Times ponder and two copies of the anchor's loop `rounds` times, rotating which runs first;
/// prints the best rates, the headline ratio (ponder against the FASTER anchor copy) and the A/A
/// ratio of the two anchor copies, which is how much code placement alone moves a ratio in this build.
fn compare(
    case: &str,
    hands: f64,
    rounds: usize,
    mut ours: impl FnMut() -> u64,
    mut theirs: impl FnMut() -> u64,
    mut theirs_copy: impl FnMut() -> u64,
) {
    let mut best = [f64::MAX; 3];
    let (mut low, mut high) = (f64::MAX, 0f64);
    for round in 0..rounds {
        let mut times = [0f64; 3];
        for k in 0..3 {
            let side = (round + k) % 3;
            times[side] = match side {
                0 => time(&mut ours),
                1 => time(&mut theirs),
                _ => time(&mut theirs_copy),
            };
        }
        for (b, t) in best.iter_mut().zip(times) {
            *b = b.min(t);
        }
        let ratio = times[1].min(times[2]) / times[0];
        low = low.min(ratio);
        high = high.max(ratio);
    }
    let anchor = best[1].min(best[2]);
    println!(
        "{case}: ponder {:7.1} M/s  pokers {:7.1} M/s  ratio {:.2}x (per round {:.2}x-{:.2}x; \
         A/A: the anchor's two copies {:.1} and {:.1} M/s)",
        hands / best[0] / 1e6,
        hands / anchor / 1e6,
        anchor / best[0],
        low,
        high,
        hands / best[1] / 1e6,
        hands / best[2] / 1e6,
    );
}

fn main() {
    const TOTAL: f64 = 133_784_560.0;
    const RANDOM: usize = 1_000_000;
    const REPEATS: usize = 20;
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9);
    println!(
        "evaluator throughput, one thread, best of {rounds} rotating rounds, thread CPU time \
         (anchor: pokers 0.10)"
    );

    let deck = deck();
    compare(
        "all 7-card hands",
        TOTAL,
        rounds,
        || enumerate_ours(&deck.map(|c| Hand::new().add(c))),
        || enumerate_pokers(&pokers::CARDS),
        || enumerate_pokers_copy(&pokers::CARDS),
    );

    compare(
        "census, 7 cards",
        TOTAL,
        rounds,
        || Census::serial(7).map_or(0, |census| census.total()),
        || enumerate_pokers(&pokers::CARDS),
        || enumerate_pokers_copy(&pokers::CARDS),
    );

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
    // Each side gets the hands in its own card type (ponder's one-byte `Card`, pokers' index).
    let deals: Vec<[Card; 7]> = hands
        .iter()
        .map(|h| std::array::from_fn(|i| deck[h[i] as usize]))
        .collect();
    compare(
        "1M random 7-card",
        (RANDOM * REPEATS) as f64,
        rounds,
        || random_ours(&deals, REPEATS),
        || random_pokers(&hands, REPEATS),
        || random_pokers_copy(&hands, REPEATS),
    );
    println!("ponder table bytes: {}", ponder_cards::TABLE_BYTES);

    // Suit-isomorphism indexer (no anchor in the same run): river index and unindex rates.
    let indexer = ponder_cards::SuitIndexer::holdem();
    let deals = &deals[..200_000];
    let start = Instant::now();
    let mut sum = 0u64;
    for deal in deals {
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
