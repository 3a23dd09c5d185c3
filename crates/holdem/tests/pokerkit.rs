//! Cross-check against PokerKit, an independent implementation of the rules: ponder plays random
//! no-limit hands (2-9 seats, antes, many all-ins and side pots) and PokerKit replays them; the final
//! stacks must agree chip for chip.

use std::io::Write;

use ponder_holdem::{random_hand, HandRecord, RandomHandOptions};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const HANDS: usize = 10_000;

#[test]
fn pokerkit_agrees_chip_for_chip() {
    let Some(python) = ponder_oracles::python() else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let options = RandomHandOptions::default();
    let hands: Vec<HandRecord> = (0..HANDS)
        .map(|_| random_hand(&options, &mut rng))
        .collect();

    // The workload must actually exercise the hard rules, or agreement proves little.
    let side_pots = hands.iter().filter(|h| distinct_all_ins(h) >= 2).count();
    let showdowns = hands.iter().filter(|h| reaches_showdown(h)).count();
    assert!(
        side_pots > HANDS / 20,
        "only {side_pots} hands with 2+ all-ins"
    );
    assert!(showdowns > HANDS / 10, "only {showdowns} showdowns");

    let path = std::env::temp_dir().join(format!("ponder-pokerkit-{}.jsonl", std::process::id()));
    let mut file = std::fs::File::create(&path).unwrap();
    for hand in &hands {
        writeln!(file, "{}", serde_json::to_string(hand).unwrap()).unwrap();
    }
    drop(file);
    let script = include_str!("../../../tools/pokerkit_replay.py");
    let output = ponder_oracles::run_python(&python, script, &[path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    let report: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
    assert_eq!(report["hands"], HANDS);
    assert_eq!(
        report["mismatches"], 0,
        "PokerKit disagrees: {:#}",
        report["examples"]
    );
}

fn distinct_all_ins(hand: &HandRecord) -> usize {
    hand.final_stacks.len() - replay(hand).iter().filter(|&&behind| behind > 0).count()
}

/// Stacks behind at the end of the betting (before pots are paid).
fn replay(hand: &HandRecord) -> Vec<u64> {
    let mut state =
        ponder_holdem::HandState::new(&hand.config.validate().unwrap(), hand.deal).unwrap();
    let mut behind = state.stacks().to_vec();
    for &action in &hand.actions {
        state.apply(action).unwrap();
        if !state.is_over() {
            behind = state.stacks().to_vec();
        }
    }
    behind
}

fn reaches_showdown(hand: &HandRecord) -> bool {
    let mut state =
        ponder_holdem::HandState::new(&hand.config.validate().unwrap(), hand.deal).unwrap();
    for &action in &hand.actions {
        state.apply(action).unwrap();
    }
    (0..state.seats()).filter(|&s| !state.has_folded(s)).count() >= 2
}
