//! Random legal play: the workload of the engine benchmark and of the cross-check against PokerKit.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::state::{Action, Betting, Chips, Deal, HandState, Legal, Table, TableConfig};

/// What kind of random hands to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomHandOptions {
    /// Smallest and largest number of seats (2..=9).
    pub seats: (usize, usize),
    /// Whether antes are sometimes posted.
    pub antes: bool,
    /// Betting structure.
    pub betting: Betting,
}

impl Default for RandomHandOptions {
    fn default() -> Self {
        RandomHandOptions {
            seats: (2, 9),
            antes: true,
            betting: Betting::NoLimit,
        }
    }
}

/// A finished hand as data: table, cards, actions in order, and the final stacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandRecord {
    /// Table settings.
    pub config: TableConfig,
    /// Cards dealt.
    pub deal: Deal,
    /// Actions in the order they were taken.
    pub actions: Vec<Action>,
    /// Stacks after the pots were paid.
    pub final_stacks: Vec<Chips>,
}

/// A random legal action for the seat to act: folds only when facing a bet, raises often and goes
/// all-in often, so that side pots and short all-ins are common.
pub fn random_action<R: Rng>(legal: &Legal, rng: &mut R) -> Action {
    let roll: u32 = rng.gen_range(0..100);
    if legal.can_fold && roll < 20 {
        return Action::Fold;
    }
    if let Some((min, max)) = legal.raise {
        if roll >= 60 {
            let amount = match rng.gen_range(0..3) {
                0 => max,
                1 => min,
                _ => rng.gen_range(min..=max),
            };
            return Action::RaiseTo(amount);
        }
    }
    Action::CheckCall
}

/// Plays one random hand with random stacks (many short), blinds, button and, optionally, antes.
pub fn random_hand<R: Rng>(options: &RandomHandOptions, rng: &mut R) -> HandRecord {
    let seats = rng.gen_range(options.seats.0..=options.seats.1);
    let big_blind: Chips = [2, 2, 4, 10][rng.gen_range(0..4)];
    let small_blind = big_blind / 2;
    let ante = if options.antes && rng.gen_bool(0.3) {
        rng.gen_range(1..=big_blind / 2)
    } else {
        0
    };
    let stacks = (0..seats)
        .map(|_| {
            let floor = ante + big_blind + 1;
            if rng.gen_bool(0.4) {
                rng.gen_range(floor..floor + 20 * big_blind)
            } else {
                rng.gen_range(floor..floor + 200 * big_blind)
            }
        })
        .collect();
    let config = TableConfig {
        stacks,
        button: rng.gen_range(0..seats),
        small_blind,
        big_blind,
        ante,
        straddle: 0,
        betting: options.betting,
    };
    let table = Table::new(config).expect("random tables use small positive amounts");
    record_random_hand(&table, rng)
}

/// Plays one hand at `table` with random legal actions and records it (cards, actions, result).
pub fn record_random_hand<R: Rng>(table: &Table, rng: &mut R) -> HandRecord {
    let deal = Deal::shuffled_with(table.seats(), rng);
    let mut hand = HandState::new(table, deal).expect("a shuffled deal has distinct cards");
    let mut actions = Vec::new();
    while let Some(legal) = hand.legal() {
        let action = random_action(&legal, rng);
        hand.apply(action).expect("random actions are legal");
        actions.push(action);
    }
    HandRecord {
        config: table.config().clone(),
        deal,
        actions,
        final_stacks: hand.final_stacks().to_vec(),
    }
}

/// Plays one hand at `table` with random legal actions and a fresh random deal, allocating nothing:
/// the inner loop of the engine benchmark.
pub fn play_random_hand<R: Rng>(table: &Table, rng: &mut R) -> HandState {
    let deal = Deal::shuffled_with(table.seats(), rng);
    let mut hand = HandState::new(table, deal).expect("a shuffled deal has distinct cards");
    while let Some(legal) = hand.legal() {
        let action = random_action(&legal, rng);
        hand.apply(action).expect("random actions are legal");
    }
    hand
}
