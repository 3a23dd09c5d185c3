//! Full enumerations against `crates/oracles/data/cards.json` and a cross-check of the evaluator's
//! ordering against the independent `pokers` crate.

use std::collections::BTreeSet;

use ponder_cards::{Card, Category, Census, HandRank, DISTINCT_RANKS};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(ponder_oracles::CARDS_JSON).expect("json")
}

fn census(size: usize) -> ([u64; 9], usize) {
    let census = Census::parallel(size).unwrap();
    assert_eq!(census.by_category().iter().sum::<u64>(), census.total());
    (census.by_category(), census.distinct_ranks())
}

fn check(size: usize, key: &str) {
    let reference = &reference()[key];
    let (counts, distinct) = census(size);
    for category in Category::ALL {
        assert_eq!(
            counts[category as usize],
            reference["by_category"][category.name()].as_u64().unwrap(),
            "{key} {category}"
        );
    }
    assert_eq!(
        counts.iter().sum::<u64>(),
        reference["total"].as_u64().unwrap()
    );
    assert_eq!(
        distinct as u64,
        reference["distinct_ranks"].as_u64().unwrap()
    );
}

#[test]
fn five_card_census_matches_reference() {
    check(5, "five_card_hands");
}

#[test]
fn seven_card_census_matches_reference() {
    check(7, "seven_card_hands");
}

#[test]
fn six_card_census_matches_known_counts() {
    // cards.json has no 6-card section; these are the standard counts of the best five of six
    // (20,358,520 hands, 6,075 distinct ranks).
    let (counts, distinct) = census(6);
    assert_eq!(
        counts,
        [6_612_900, 9_730_740, 2_532_816, 732_160, 361_620, 205_792, 165_984, 14_664, 1_844]
    );
    assert_eq!(counts.iter().sum::<u64>(), 20_358_520);
    assert_eq!(distinct, 6_075);
}

fn pokers_value(cards: &[u8]) -> u16 {
    let mut hand = pokers::Hand::default();
    for &c in cards {
        hand += pokers::CARDS[c as usize];
    }
    hand.evaluate()
}

fn ours(cards: &[u8]) -> HandRank {
    ponder_cards::evaluate(
        &cards
            .iter()
            .map(|&c| Card::from_index(c).unwrap())
            .collect::<Vec<_>>(),
    )
}

fn random_hand(rng: &mut ChaCha8Rng, size: usize) -> Vec<u8> {
    let mut used = 0u64;
    let mut cards = Vec::with_capacity(size);
    while cards.len() < size {
        let c = rng.gen_range(0..52u8);
        if used & (1 << c) == 0 {
            used |= 1 << c;
            cards.push(c);
        }
    }
    cards
}

#[test]
fn ordering_agrees_with_pokers_on_a_million_random_pairs() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for i in 0..1_000_000 {
        let size = [5, 6, 7][i % 3];
        let a = random_hand(&mut rng, size);
        let b = random_hand(&mut rng, 7);
        let ours = ours(&a).cmp(&ours(&b));
        let theirs = pokers_value(&a).cmp(&pokers_value(&b));
        assert_eq!(ours, theirs, "{a:?} vs {b:?}");
    }
}

#[test]
fn pokers_agrees_on_every_five_card_rank_class() {
    // Map every 5-card hand's rank to pokers' value: the map must be strictly increasing, i.e. the
    // two evaluators induce the same total order on all 2,598,960 hands.
    let mut pairs = BTreeSet::new();
    for a in 0..52u8 {
        for b in a + 1..52 {
            for c in b + 1..52 {
                for d in c + 1..52 {
                    for e in d + 1..52 {
                        let cards = [a, b, c, d, e];
                        pairs.insert((ours(&cards).value(), pokers_value(&cards)));
                    }
                }
            }
        }
    }
    assert_eq!(pairs.len(), DISTINCT_RANKS);
    let theirs: Vec<u16> = pairs.iter().map(|p| p.1).collect();
    assert!(theirs.windows(2).all(|w| w[0] < w[1]));
}
