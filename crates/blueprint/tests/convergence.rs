//! The trainer converges: on a push/fold game (3 big blinds deep, open all-in only, no postflop bets)
//! with the lossless preflop abstraction, the only decisions are preflop and the game has perfect
//! recall, so an exact best response inside the abstraction is a sum over deals. Chance is replaced by
//! a fixed sample of deals (the same for every strategy compared), so the best response is exact for
//! that sampled game; the exploitability of the trained average strategy must fall far below the
//! uniform strategy's and keep falling with training.

mod common;

use ponder_blueprint::trainer::Trainer;
use ponder_blueprint::tree::{Tree, TERMINAL};
use ponder_blueprint::CardBuckets;
use ponder_cards::{Card, Hand, HandRank};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

struct Sample {
    buckets: [u32; 2],
    ranks: [HandRank; 2],
}

fn sample_deals(cards: &dyn CardBuckets, count: usize) -> Vec<Sample> {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    (0..count)
        .map(|_| {
            let mut deck: Vec<u8> = (0..52).collect();
            deck.partial_shuffle(&mut rng, 9);
            let c: Vec<Card> = deck[..9]
                .iter()
                .map(|&i| Card::from_index(i).unwrap())
                .collect();
            let board = Hand::from_cards(&c[4..9]);
            Sample {
                buckets: [
                    cards.bucket(0, [c[0], c[1]], &[]),
                    cards.bucket(0, [c[2], c[3]], &[]),
                ],
                ranks: [
                    board.add(c[0]).add(c[1]).rank(),
                    board.add(c[2]).add(c[3]).rank(),
                ],
            }
        })
        .collect()
}

/// Per-deal values of seat `p` best-responding below `at` (opponent reach folded into the values).
fn best_response(tree: &Tree, strategy: &[f64], at: u32, p: usize, deals: &[Sample]) -> Vec<f64> {
    let node = tree.nodes[at as usize];
    if node.street == TERMINAL {
        let t = tree.terminals[node.offset as usize];
        return deals
            .iter()
            .map(|d| {
                let mine = f64::from(t.contributions[p]);
                if t.live & (1 << p) == 0 {
                    -mine
                } else if t.live.count_ones() == 1 {
                    f64::from(t.pot) - mine
                } else {
                    let other = d.ranks[1 - p];
                    match d.ranks[p].cmp(&other) {
                        std::cmp::Ordering::Greater => f64::from(t.pot) - mine,
                        std::cmp::Ordering::Less => -mine,
                        std::cmp::Ordering::Equal => f64::from(t.pot) / 2.0 - mine,
                    }
                }
            })
            .collect();
    }
    let n = node.actions as usize;
    let children: Vec<Vec<f64>> = tree
        .edges_of(&node)
        .iter()
        .map(|e| best_response(tree, strategy, e.child, p, deals))
        .collect();
    let q = node.player as usize;
    // Postflop nodes have the one bucket and the one action (check) here.
    let bucket_of = |d: &Sample| {
        if node.street == 0 {
            d.buckets[q] as usize
        } else {
            0
        }
    };
    let slot = |d: &Sample, a: usize| (node.offset as usize) + bucket_of(d) * n + a;
    if q == p {
        let buckets = tree.buckets[node.street as usize] as usize;
        let mut totals = vec![vec![0.0; n]; buckets];
        for (k, d) in deals.iter().enumerate() {
            for a in 0..n {
                totals[bucket_of(d)][a] += children[a][k];
            }
        }
        let best: Vec<usize> = totals
            .iter()
            .map(|t| (0..n).max_by(|&x, &y| t[x].total_cmp(&t[y])).unwrap())
            .collect();
        deals
            .iter()
            .enumerate()
            .map(|(k, d)| children[best[bucket_of(d)]][k])
            .collect()
    } else {
        deals
            .iter()
            .enumerate()
            .map(|(k, d)| (0..n).map(|a| strategy[slot(d, a)] * children[a][k]).sum())
            .collect()
    }
}

/// Exploitability in chips per hand: the mean of both seats' best-response values.
fn exploitability(tree: &Tree, strategy: &[f64], deals: &[Sample]) -> f64 {
    let total: f64 = (0..2)
        .map(|p| {
            best_response(tree, strategy, 0, p, deals)
                .iter()
                .sum::<f64>()
                / deals.len() as f64
        })
        .sum();
    total / 2.0
}

#[test]
fn push_fold_exploitability_falls() {
    let config = common::config(
        "stack = 300\n[betting]\npreflop = [[\"all-in\"]]\nflop = []\nturn = []\nriver = []",
        [169, 1, 1, 1],
    );
    let cards = common::TestBuckets::for_config(&config);
    let tree = Tree::build(&config, [169, 1, 1, 1]).unwrap();
    let deals = sample_deals(cards.as_ref(), 1_000_000);
    let uniform: Vec<f64> = {
        let mut u = vec![0.0; tree.slots as usize];
        for node in tree.nodes.iter().filter(|n| n.street != TERMINAL) {
            let n = node.actions as usize;
            for b in 0..tree.buckets[node.street as usize] as usize {
                for a in 0..n {
                    u[node.offset as usize + b * n + a] = 1.0 / n as f64;
                }
            }
        }
        u
    };
    let uniform_x = exploitability(&tree, &uniform, &deals);
    let mut trainer = Trainer::new(&tree, cards.as_ref(), 2, config.text.training.clone());
    let mut curve = Vec::new();
    for target in [2_000u64, 20_000, 200_000, 2_000_000] {
        while trainer.iteration < target {
            let end = trainer.next_stop(trainer.iteration).min(target);
            trainer.run(end, 1);
        }
        let average: Vec<f64> = trainer
            .average_strategy()
            .iter()
            .map(|&p| f64::from(p) / 65535.0)
            .collect();
        curve.push(exploitability(&tree, &average, &deals));
    }
    println!("uniform {uniform_x:.2} chips/hand; trained {curve:?}");
    // Uniform play folds a third of the small blinds and calls shoves with trash: tens of chips.
    assert!(uniform_x > 20.0, "uniform exploitability {uniform_x}");
    assert!(curve[1] < uniform_x / 3.0, "{curve:?}");
    assert!(
        curve.windows(2).all(|w| w[1] < w[0]),
        "exploitability must fall: {curve:?}"
    );
    // Measured: 31.0, 6.6, 1.6, 1.09 chips per hand at 2k, 20k, 200k, 2M iterations (a big blind is
    // 100 chips): below 1.5% of a big blind, a fortieth of uniform play's.
    assert!(curve[3] < 1.5 && curve[3] < uniform_x / 25.0, "{curve:?}");
}
