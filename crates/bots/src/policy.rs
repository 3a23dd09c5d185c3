//! A bot's strategy at one decision for every hole pair it could hold.

use ponder_cards::{HandIndex, HAND_COUNT};
use ponder_holdem::Action;

/// The probability of each action for each of the 1,326 hole pairs ([`HandIndex`]) at one decision.
///
/// `probabilities[a][hand]` is the probability of `actions[a]` with `hand`; every row has
/// [`HAND_COUNT`] entries. Hands the seat cannot hold (touching the board) have all-zero columns;
/// every other column sums to 1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RangePolicy {
    /// The actions any hand takes with positive probability, in order of first appearance.
    pub actions: Vec<Action>,
    /// One row of per-hand probabilities per action.
    pub probabilities: Vec<Vec<f64>>,
}

impl RangePolicy {
    /// Adds `probability` to `action` for `hand` (a new action gets an all-zero row first).
    pub fn add(&mut self, hand: HandIndex, action: Action, probability: f64) {
        let index = match self.index_of(action) {
            Some(index) => index,
            None => {
                self.actions.push(action);
                self.probabilities.push(vec![0.0; HAND_COUNT]);
                self.actions.len() - 1
            }
        };
        self.probabilities[index][hand.as_usize()] += probability;
    }

    /// Position of `action` in [`RangePolicy::actions`].
    pub fn index_of(&self, action: Action) -> Option<usize> {
        self.actions.iter().position(|&a| a == action)
    }

    /// Probability that `hand` takes `action` (0 for an action not listed).
    pub fn probability(&self, hand: HandIndex, action: Action) -> f64 {
        self.index_of(action)
            .map_or(0.0, |a| self.probabilities[a][hand.as_usize()])
    }

    /// The policy of one hand: its actions with positive probability.
    pub fn of_hand(&self, hand: HandIndex) -> Vec<(Action, f64)> {
        self.actions
            .iter()
            .zip(&self.probabilities)
            .map(|(&action, row)| (action, row[hand.as_usize()]))
            .filter(|&(_, p)| p > 0.0)
            .collect()
    }

    /// Whether the hand has a policy here (it does not touch the board).
    pub fn covers(&self, hand: HandIndex) -> bool {
        self.probabilities
            .iter()
            .any(|row| row[hand.as_usize()] > 0.0)
    }
}
