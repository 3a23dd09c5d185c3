//! The blueprint bot: plays a trained `ponder-blueprint` strategy (`blueprint:DIR`).

use std::sync::Arc;

use ponder_blueprint::Blueprint;
use ponder_cards::HAND_COUNT;
use ponder_holdem::{Action, Legal, Table};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Bot, Observation, RangePolicy};

/// Plays a blueprint's strategy in its play mode (the blueprint's default: Libratus-style
/// thresholding of rare actions), drawing each action from its own seeded stream.
///
/// The blueprint answers only legal actions; the bot checks that again against the observation and
/// plays check/call instead of anything else (and when the blueprint cannot answer a state), so it
/// never sends an action a dealer would correct.
pub struct BlueprintBot {
    name: String,
    blueprint: Arc<Blueprint>,
    rng: ChaCha8Rng,
}

impl std::fmt::Debug for BlueprintBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlueprintBot")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl BlueprintBot {
    /// A bot over a loaded blueprint (shared: bots made for parallel hands share one copy).
    pub fn new(name: String, blueprint: Arc<Blueprint>, seed: u64) -> BlueprintBot {
        BlueprintBot {
            name,
            blueprint,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

/// `action` if the engine accepts it at `legal`, else check/call.
fn legal_or_call(action: Action, legal: &Legal) -> Action {
    match action {
        Action::Fold if legal.can_fold => Action::Fold,
        Action::RaiseTo(to)
            if legal
                .raise
                .is_some_and(|(min, max)| (min..=max).contains(&to)) =>
        {
            Action::RaiseTo(to)
        }
        _ => Action::CheckCall,
    }
}

impl Bot for BlueprintBot {
    fn name(&self) -> &str {
        &self.name
    }

    fn act(&mut self, observation: &Observation) -> Action {
        let policy = self.policy(observation);
        let mut x: f64 = self.rng.gen();
        for &(action, probability) in &policy {
            if x < probability {
                return action;
            }
            x -= probability;
        }
        policy.last().map_or(Action::CheckCall, |&(a, _)| a)
    }

    fn policy(&mut self, observation: &Observation) -> Vec<(Action, f64)> {
        let answer =
            self.blueprint
                .policy(observation.hole, &observation.board, &observation.history);
        let mut policy: Vec<(Action, f64)> = Vec::new();
        for (action, probability) in answer.unwrap_or_default() {
            if probability <= 0.0 {
                continue;
            }
            let action = legal_or_call(action, &observation.legal);
            match policy.iter_mut().find(|(a, _)| *a == action) {
                Some(entry) => entry.1 += probability,
                None => policy.push((action, probability)),
            }
        }
        let total: f64 = policy.iter().map(|(_, p)| p).sum();
        if total <= 0.0 {
            return vec![(Action::CheckCall, 1.0)];
        }
        policy.iter_mut().for_each(|(_, p)| *p /= total);
        policy
    }

    fn range_policy(&mut self, observation: &Observation) -> RangePolicy {
        let mut range = RangePolicy::default();
        let board = ponder_cards::CardSet::from_cards(&observation.board);
        let answer = self
            .blueprint
            .range_policy(&observation.board, &observation.history);
        let Ok(answer) = answer else {
            // The same fallback as `policy`: check/call with every hand.
            for hand in ponder_cards::HandIndex::all() {
                if !hand.card_set().intersects(board) {
                    range.add(hand, Action::CheckCall, 1.0);
                }
            }
            return range;
        };
        let mut rows: Vec<(Action, Vec<f64>)> = Vec::new();
        for (action, row) in answer.actions.iter().zip(answer.probs) {
            if row.iter().all(|&p| p <= 0.0) {
                continue;
            }
            let action = legal_or_call(*action, &observation.legal);
            match rows.iter_mut().find(|(a, _)| *a == action) {
                Some((_, sum)) => sum.iter_mut().zip(&row).for_each(|(s, p)| *s += p),
                None => rows.push((action, row)),
            }
        }
        // Columns sum to 1 (as `policy` renormalises its answer).
        let mut totals = vec![0.0; HAND_COUNT];
        for (_, row) in &rows {
            totals.iter_mut().zip(row).for_each(|(t, p)| *t += p);
        }
        for (_, row) in rows.iter_mut() {
            for (p, &t) in row.iter_mut().zip(&totals) {
                *p = if t > 0.0 { *p / t } else { 0.0 };
            }
        }
        range.actions = rows.iter().map(|(a, _)| *a).collect();
        range.probabilities = rows.into_iter().map(|(_, row)| row).collect();
        range
    }

    fn table(&self) -> Option<&Table> {
        Some(self.blueprint.table())
    }
}
