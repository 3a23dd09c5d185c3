//! Times `bucket` and `board_buckets` per street on random deals of an abstraction file:
//! `cargo run --release -p ponder-abstraction --example lookup_speed FILE`.

use std::time::Instant;

use ponder_abstraction::{CardAbstraction, CardBuckets};
use ponder_cards::Card;
use rand::seq::SliceRandom;
use rand::SeedableRng;

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
        let mut checksum = 0u64;
        for deal in &deals {
            checksum += abstraction.bucket(street, [deal[0], deal[1]], &deal[2..2 + n]) as u64;
        }
        let per_call = started.elapsed().as_secs_f64() / deals.len() as f64;
        let mut out = vec![0u32; 1326];
        let started = Instant::now();
        for deal in &deals[..500] {
            abstraction.board_buckets(street, &deal[2..2 + n], &mut out);
            checksum += out[0] as u64;
        }
        let per_board = started.elapsed().as_secs_f64() / 500.0;
        println!(
            "street {street}: bucket {:.2} us/call, board_buckets {:.1} us/board (checksum {checksum})",
            per_call * 1e6,
            per_board * 1e6
        );
    }
}
