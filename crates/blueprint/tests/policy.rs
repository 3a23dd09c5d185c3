//! Every action a blueprint returns is legal in the engine, across random histories with off-tree
//! sizes (any legal raise amount), seats numbered as any table numbers them, and on every street;
//! probabilities sum to one for every hand that does not touch the board.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ponder_blueprint::{translate, Blueprint, PlayMode, TrainOptions, Training};
use ponder_cards::{HandIndex, HAND_COUNT};
use ponder_holdem::{Action, Deal, HandState, Step};
use proptest::prelude::*;

const BETTING: &str = "stack = 20000\n[betting]\npreflop = [[\"2.5bb\", \"all-in\"], [\"3x\", \"all-in\"], [\"all-in\"]]\nflop = [[\"50%\", \"pot\", \"all-in\"], [\"pot\", \"all-in\"]]\nturn = [[\"pot\", \"all-in\"]]\nriver = [[\"pot\", \"all-in\"], [\"all-in\"]]";

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("blueprint-policy");
        let _ = std::fs::remove_dir_all(&dir);
        let config = common::config(BETTING, [169, 6, 6, 6]);
        let config = Training::settle_config(&dir, Some(config), false).unwrap();
        let cards = common::TestBuckets::for_config(&config);
        let options = TrainOptions {
            iterations: Some(3_000),
            minutes: None,
            threads: 1,
            checkpoint_minutes: 1000.0,
            max_memory: None,
        };
        Training::with_cards(&dir, config, false, cards)
            .unwrap()
            .run(&options, &mut |_| {})
            .unwrap();
        dir
    })
}

fn blueprint(mode: PlayMode) -> Blueprint {
    let config = common::config(BETTING, [169, 6, 6, 6]);
    let cards = common::TestBuckets::for_config(&config);
    Blueprint::with_cards(dir(), config, cards)
        .unwrap()
        .with_mode(mode)
}

/// A random hand: `choices` pick the actions (fold / call / any legal raise amount).
fn random_history(seed: u64, choices: &[(u8, f64)]) -> Vec<(HandState, Vec<Step>)> {
    let table = common::config(BETTING, [169, 6, 6, 6]).table();
    let mut hand = HandState::new(&table, Deal::shuffled(2, seed)).unwrap();
    let mut history = Vec::new();
    let mut states = Vec::new();
    for &(kind, fraction) in choices {
        let Some(legal) = hand.legal() else { break };
        states.push((hand, history.clone()));
        let action = match (kind % 3, legal.raise) {
            (0, _) if legal.can_fold => Action::Fold,
            (2, Some((min, max))) => {
                Action::RaiseTo(min + ((max - min) as f64 * fraction * fraction) as u64)
            }
            _ => Action::CheckCall,
        };
        history.push(Step {
            street: hand.street(),
            seat: legal.seat,
            action,
        });
        hand.apply(action).unwrap();
    }
    states
}

fn check_legal(hand: &HandState, action: Action) {
    let mut copy = *hand;
    copy.apply(action)
        .unwrap_or_else(|e| panic!("{action} is not legal: {e}"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn every_action_is_legal(
        seed in 0u64..1_000_000,
        choices in prop::collection::vec((0u8..3, 0.0f64..1.0), 1..14),
        shift in 0usize..2,
        purified in any::<bool>(),
    ) {
        let mode = if purified { PlayMode::Purified } else { PlayMode::default() };
        let bp = blueprint(mode);
        for (hand, history) in random_history(seed, &choices) {
            let board = hand.board().to_vec();
            // The same hand as a table that numbers the seats the other way round.
            let shifted: Vec<Step> = history
                .iter()
                .map(|s| Step { seat: (s.seat + shift) % 2, ..*s })
                .collect();
            let range = bp.range_policy(&board, &shifted).unwrap();
            for &action in &range.actions {
                check_legal(&hand, action);
            }
            for hand_index in HandIndex::all() {
                let (a, b) = hand_index.cards();
                let total: f64 = range.probs.iter().map(|p| p[hand_index.as_usize()]).sum();
                if board.contains(&a) || board.contains(&b) {
                    prop_assert_eq!(total, 0.0);
                } else {
                    prop_assert!((total - 1.0).abs() < 1e-9, "probabilities sum to {}", total);
                }
            }
            prop_assert_eq!(range.probs.iter().map(Vec::len).max(), Some(HAND_COUNT));
            let seat = hand.to_act().unwrap();
            let hole = hand.deal().hole[seat];
            let single = bp.policy(hole, &board, &shifted).unwrap();
            let index = HandIndex::from_cards(hole[0], hole[1]).unwrap().as_usize();
            for (k, &(action, p)) in single.iter().enumerate() {
                check_legal(&hand, action);
                prop_assert_eq!(action, range.actions[k]);
                prop_assert!((p - range.probs[k][index]).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn bad_states_are_refused() {
    let bp = blueprint(PlayMode::default());
    let states = random_history(5, &[(1, 0.0), (1, 0.0)]);
    let (hand, history) = states.last().unwrap();
    assert_eq!(hand.street(), ponder_holdem::Street::Preflop);
    // A flop board before the flop.
    let board = Deal::shuffled(2, 1).board[..3].to_vec();
    assert!(bp.range_policy(&board, history).is_err());
    // An illegal step.
    let illegal = vec![Step {
        street: ponder_holdem::Street::Preflop,
        seat: 1,
        action: Action::RaiseTo(1),
    }];
    let error = bp.range_policy(&[], &illegal).unwrap_err().to_string();
    assert!(error.contains("history step 1"), "{error}");
}

#[test]
fn pseudo_harmonic_mapping() {
    // Ganzfried and Sandholm 2013: f(x) = (B - x)(1 + A) / ((B - A)(1 + x)).
    assert_eq!(translate(0.5, 1.0, 0.5), 1.0);
    assert_eq!(translate(0.5, 1.0, 1.0), 0.0);
    let f = translate(0.5, 1.0, 0.75);
    assert!((f - (0.25 * 1.5) / (0.5 * 1.75)).abs() < 1e-12);
    // Between a half-pot and a pot bet, the mapping switches at x = 0.714... (f = 1/2), above the
    // arithmetic midpoint.
    assert!(translate(0.5, 1.0, 0.70) > 0.5 && translate(0.5, 1.0, 0.72) < 0.5);
}

#[test]
fn off_tree_raise_maps_to_the_nearer_size() {
    let bp = blueprint(PlayMode::Average);
    // SB raises to 300 (3bb): the tree has 250 (2.5bb) and all-in; 300 maps to 250, so the BB is at
    // the node after a 2.5bb open and the tree's 3x re-raise is recomputed on the real bet: to 900.
    let history = vec![Step {
        street: ponder_holdem::Street::Preflop,
        seat: 1,
        action: Action::RaiseTo(300),
    }];
    let range = bp.range_policy(&[], &history).unwrap();
    assert!(!range.off_tree);
    assert_eq!(
        range.actions,
        [
            Action::Fold,
            Action::CheckCall,
            Action::RaiseTo(900),
            Action::RaiseTo(20_000)
        ]
    );
}
