//! Suit-isomorphism indexer: class counts from cards.json (from the size functions and, for the
//! smaller rounds, by enumerating every deal), dense round trips, suit-permutation invariance.

use std::sync::atomic::{AtomicU64, Ordering};

use ponder_cards::{Card, SuitIndexer};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::Value;

fn classes() -> Value {
    let json: Value = serde_json::from_str(ponder_oracles::CARDS_JSON).unwrap();
    json["suit_isomorphism_classes"].clone()
}

fn card(i: u8) -> Card {
    Card::from_index(i).unwrap()
}

#[test]
fn sizes_match_reference() {
    let reference = classes();
    let holdem = SuitIndexer::holdem();
    let names = [
        "hole",
        "hole_plus_flop",
        "hole_plus_flop_plus_turn",
        "hole_plus_flop_plus_turn_plus_river",
    ];
    for (round, name) in names.iter().enumerate() {
        assert_eq!(
            holdem.size(round),
            reference[name].as_u64().unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        SuitIndexer::new(&[3]).size(0),
        reference["flop_board_alone"].as_u64().unwrap()
    );
}

/// Indexes every deal of `cards_per_deal` cards (rounds in order) and returns how many distinct
/// indices were hit, checking each is below the size.
fn hits_by_enumeration(indexer: &SuitIndexer, round: usize) -> u64 {
    let size = indexer.size(round);
    let bits: Vec<AtomicU64> = (0..size.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
    let n = indexer.cards_through(round);
    let rounds: Vec<usize> = indexer.rounds()[..=round]
        .iter()
        .map(|&r| r as usize)
        .collect();
    // Enumerate the first round's card sets in parallel, the rest sequentially.
    let firsts = combinations(0, rounds[0]);
    firsts.par_iter().for_each(|first| {
        let mut cards = Vec::with_capacity(n);
        cards.extend(first.iter().map(|&c| card(c)));
        let used = first.iter().fold(0u64, |m, &c| m | 1 << c);
        deal_rest(&rounds[1..], used, &mut cards, &mut |cards| {
            let index = indexer.index(round, cards).expect("valid deal");
            assert!(index < size);
            bits[(index / 64) as usize].fetch_or(1 << (index % 64), Ordering::Relaxed);
        });
    });
    bits.iter()
        .map(|b| b.load(Ordering::Relaxed).count_ones() as u64)
        .sum()
}

fn combinations(used: u64, k: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    fn rec(used: u64, from: u8, k: usize, current: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
        if k == 0 {
            out.push(current.clone());
            return;
        }
        for c in from..52 {
            if used & (1 << c) == 0 {
                current.push(c);
                rec(used, c + 1, k - 1, current, out);
                current.pop();
            }
        }
    }
    rec(used, 0, k, &mut Vec::new(), &mut out);
    out
}

fn deal_rest(rounds: &[usize], used: u64, cards: &mut Vec<Card>, visit: &mut dyn FnMut(&[Card])) {
    let Some((&k, rest)) = rounds.split_first() else {
        visit(cards);
        return;
    };
    for set in combinations(used, k) {
        let mask = set.iter().fold(used, |m, &c| m | 1 << c);
        let len = cards.len();
        cards.extend(set.iter().map(|&c| card(c)));
        deal_rest(rest, mask, cards, visit);
        cards.truncate(len);
    }
}

#[test]
fn enumeration_hits_every_class_exactly_for_small_rounds() {
    let holdem = SuitIndexer::holdem();
    assert_eq!(hits_by_enumeration(&holdem, 0), 169);
    assert_eq!(hits_by_enumeration(&holdem, 1), 1_286_792);
    assert_eq!(hits_by_enumeration(&SuitIndexer::new(&[3]), 0), 1_755);
}

#[test]
fn every_index_round_trips_for_small_rounds() {
    let holdem = SuitIndexer::holdem();
    let flop = SuitIndexer::new(&[3]);
    for (indexer, round) in [(&holdem, 0), (&holdem, 1), (&flop, 0)] {
        (0..indexer.size(round)).into_par_iter().for_each(|i| {
            let cards = indexer.unindex(round, i).unwrap();
            assert_eq!(indexer.index(round, &cards), Some(i), "{cards:?}");
        });
    }
    assert_eq!(holdem.unindex(0, 169), None);
}

#[test]
fn random_deals_round_trip_and_are_suit_invariant() {
    let holdem = SuitIndexer::holdem();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut deck: Vec<u8> = (0..52).collect();
    for _ in 0..200_000 {
        deck.shuffle(&mut rng);
        let mut suits = [0u8, 1, 2, 3];
        suits.shuffle(&mut rng);
        for round in 0..4 {
            let n = holdem.cards_through(round);
            let cards: Vec<Card> = deck[..n].iter().map(|&c| card(c)).collect();
            let index = holdem.index(round, &cards).unwrap();
            // Same class after permuting suits and shuffling within rounds.
            let mut permuted: Vec<Card> = cards
                .iter()
                .map(|c| card(c.rank().index() * 4 + suits[c.suit().index() as usize]))
                .collect();
            permuted[..2].reverse();
            if round >= 1 {
                permuted[2..5].rotate_left(1);
            }
            assert_eq!(holdem.index(round, &permuted), Some(index));
            // The representative is in the same class, and is the same multiset of ranks per round.
            let back = holdem.unindex(round, index).unwrap();
            assert_eq!(holdem.index(round, &back), Some(index));
            let ranks = |cards: &[Card]| {
                let mut r: Vec<u8> = cards.iter().map(|c| c.rank().index()).collect();
                r.sort_unstable();
                r
            };
            assert_eq!(ranks(&back[..2]), ranks(&cards[..2]));
        }
    }
    // A card moved from the flop to the hole changes the class (rounds are kept apart).
    let a: Vec<Card> = [51, 47, 0, 4, 8].iter().map(|&c| card(c)).collect();
    let b: Vec<Card> = [51, 0, 47, 4, 8].iter().map(|&c| card(c)).collect();
    assert_ne!(holdem.index(1, &a), holdem.index(1, &b));
    assert_eq!(holdem.index(1, &a[..4]), None);
}
