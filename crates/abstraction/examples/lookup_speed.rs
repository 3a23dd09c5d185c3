//! Times `bucket` and `board_buckets` per street on random deals of an abstraction file:
//! `cargo run --release -p ponder-abstraction --example lookup_speed FILE`. Reports CPU time of this
//! thread (Linux `/proc/thread-self/schedstat`) as well as wall time, so a loaded machine still gives
//! the cost per call.

use std::time::Instant;

use ponder_abstraction::{CardAbstraction, CardBuckets};
use ponder_cards::Card;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// Nanoseconds this thread has run on a CPU (0 where the file is missing).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: lookup_speed FILE");
    let started = Instant::now();
    let abstraction = CardAbstraction::load(path.as_ref()).expect("load");
    println!("loaded in {:.2} s", started.elapsed().as_secs_f64());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut deck: Vec<Card> = Card::all().collect();
    let deals: Vec<Vec<Card>> = (0..20_000)
        .map(|_| {
            deck.shuffle(&mut rng);
            deck[..7].to_vec()
        })
        .collect();
    for street in 0..4 {
        let n = [0, 3, 4, 5][street];
        let started = Instant::now();
        let cpu = cpu_ns();
        let mut checksum = 0u64;
        for deal in &deals {
            checksum += abstraction.bucket(street, [deal[0], deal[1]], &deal[2..2 + n]) as u64;
        }
        let per_call = started.elapsed().as_secs_f64() / deals.len() as f64;
        let cpu_per_call = (cpu_ns() - cpu) as f64 / deals.len() as f64 / 1e3;
        let mut out = vec![0u32; 1326];
        let started = Instant::now();
        let cpu = cpu_ns();
        for deal in &deals[..500] {
            abstraction.board_buckets(street, &deal[2..2 + n], &mut out);
            checksum += out[0] as u64;
        }
        let per_board = started.elapsed().as_secs_f64() / 500.0;
        let cpu_per_board = (cpu_ns() - cpu) as f64 / 500.0 / 1e3;
        println!(
            "street {street}: bucket {cpu_per_call:.2} us CPU ({:.2} us wall) per call, board_buckets {cpu_per_board:.1} us CPU ({:.1} us wall) per board (checksum {checksum})",
            per_call * 1e6,
            per_board * 1e6
        );
    }
}
