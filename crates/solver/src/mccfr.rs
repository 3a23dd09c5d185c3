//! Monte Carlo CFR on the compiled tree: external sampling (OpenSpiel's `ExternalSamplingMCCFRSolver`
//! with simple averaging) and outcome sampling (OpenSpiel's `OutcomeSamplingSolver`). Both are seeded
//! with ChaCha8, so a seed reproduces a run exactly on every platform.

use ponder_games::{CompiledTree, NodeId, CHANCE_CODE, TERMINAL_CODE};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Policy, Solver};

/// Tables shared by both sampling solvers.
struct Tables<'t> {
    tree: &'t CompiledTree,
    regret: Vec<f64>,
    average: Vec<f64>,
    /// Per depth, room for one strategy and one vector of child values (no allocation per visit).
    scratch: Vec<f64>,
    max_actions: usize,
    rng: ChaCha8Rng,
    iterations: u64,
}

impl<'t> Tables<'t> {
    fn new(tree: &'t CompiledTree, seed: u64) -> Self {
        let max_actions = (0..tree.num_nodes())
            .map(|node| tree.child_counts()[node] as usize)
            .max()
            .unwrap_or(1)
            .max(1);
        let max_depth = tree.stats().max_depth_incl_chance + 1;
        Self {
            tree,
            regret: vec![0.0; tree.num_slots()],
            average: vec![0.0; tree.num_slots()],
            scratch: vec![0.0; 3 * max_actions * max_depth],
            max_actions,
            rng: ChaCha8Rng::seed_from_u64(seed),
            iterations: 0,
        }
    }

    /// Regret matching of the set at `offset..offset + count` into `scratch[start..start + count]`.
    fn regret_match(&mut self, offset: usize, count: usize, start: usize) {
        let regrets = &self.regret[offset..offset + count];
        let strategy = &mut self.scratch[start..start + count];
        let mut total = 0.0;
        for (probability, &regret) in strategy.iter_mut().zip(regrets) {
            *probability = regret.max(0.0);
            total += *probability;
        }
        if total > 0.0 {
            for probability in strategy.iter_mut() {
                *probability /= total;
            }
        } else {
            strategy.fill(1.0 / count as f64);
        }
    }

    /// Samples an index from the distribution in `probabilities`.
    fn sample(rng: &mut ChaCha8Rng, probabilities: &[f64]) -> usize {
        let draw: f64 = rng.gen();
        let mut cumulative = 0.0;
        for (index, probability) in probabilities.iter().enumerate() {
            cumulative += probability;
            if draw < cumulative {
                return index;
            }
        }
        // Rounding can leave the cumulative sum a hair under 1: take the last action with mass.
        probabilities
            .iter()
            .rposition(|&probability| probability > 0.0)
            .unwrap_or(0)
    }

    fn sample_chance(&mut self, first: usize, count: usize) -> usize {
        let edge = &self.tree.edge_probabilities()[first..first + count];
        Self::sample(&mut self.rng, edge)
    }
}

/// External-sampling MCCFR: per iteration one traversal per player, exploring all of the traverser's
/// actions and sampling chance and opponents; the opponents' current policy is added to their average.
pub struct ExternalSampling<'t> {
    tables: Tables<'t>,
}

impl<'t> ExternalSampling<'t> {
    /// A solver with all regrets zero, sampling with `seed`.
    pub fn new(tree: &'t CompiledTree, seed: u64) -> Self {
        Self {
            tables: Tables::new(tree, seed),
        }
    }

    /// Cumulative regrets per slot (what the current policy regret-matches), e.g. for inspection.
    pub fn cumulative_regrets(&self) -> &[f64] {
        &self.tables.regret
    }

    /// Cumulative average-policy weights per slot (what [`Solver::average_policy`] normalises).
    pub fn average_weights(&self) -> &[f64] {
        &self.tables.average
    }

    fn traverse(&mut self, node: usize, player: u8, depth: usize) -> f64 {
        let tables = &mut self.tables;
        let tree = tables.tree;
        let code = tree.node_codes()[node];
        if code == TERMINAL_CODE {
            return tree.returns(NodeId(node as u32))[player as usize];
        }
        let first = tree.first_children()[node] as usize;
        let count = tree.child_counts()[node] as usize;
        if code == CHANCE_CODE {
            let index = tables.sample_chance(first, count);
            return self.traverse(first + index, player, depth + 1);
        }
        let offset = tree.infoset_first_slots()[tree.node_infosets()[node] as usize] as usize;
        let strategy_start = depth * 3 * tables.max_actions;
        let values_start = strategy_start + tables.max_actions;
        tables.regret_match(offset, count, strategy_start);
        if code != player {
            for index in 0..count {
                tables.average[offset + index] += tables.scratch[strategy_start + index];
            }
            let index = Tables::sample(
                &mut tables.rng,
                &tables.scratch[strategy_start..strategy_start + count],
            );
            return self.traverse(first + index, player, depth + 1);
        }
        let mut value = 0.0;
        for index in 0..count {
            let child_value = self.traverse(first + index, player, depth + 1);
            self.tables.scratch[values_start + index] = child_value;
            value += self.tables.scratch[strategy_start + index] * child_value;
        }
        let tables = &mut self.tables;
        for index in 0..count {
            tables.regret[offset + index] += tables.scratch[values_start + index] - value;
        }
        value
    }
}

impl Solver for ExternalSampling<'_> {
    fn iterate(&mut self) {
        self.tables.iterations += 1;
        for player in 0..self.tables.tree.num_players() {
            self.traverse(0, player as u8, 0);
        }
    }

    fn iterations(&self) -> u64 {
        self.tables.iterations
    }

    fn average_policy(&self) -> Policy {
        Policy::normalized(self.tables.tree, &self.tables.average)
    }

    fn current_policy(&self) -> Policy {
        Policy::normalized(self.tables.tree, &positive_parts(&self.tables.regret))
    }
}

fn positive_parts(regrets: &[f64]) -> Vec<f64> {
    regrets.iter().map(|regret| regret.max(0.0)).collect()
}

/// Outcome-sampling MCCFR: per iteration one sampled episode per player; the update player samples
/// from an epsilon-uniform mixture, regrets and averages are importance-weighted.
pub struct OutcomeSampling<'t> {
    tables: Tables<'t>,
    epsilon: f64,
}

impl<'t> OutcomeSampling<'t> {
    /// A solver with all regrets zero, exploration `epsilon`, sampling with `seed`.
    pub fn new(tree: &'t CompiledTree, seed: u64, epsilon: f64) -> Self {
        Self {
            tables: Tables::new(tree, seed),
            epsilon,
        }
    }

    /// Cumulative regrets per slot (what the current policy regret-matches), e.g. for inspection.
    pub fn cumulative_regrets(&self) -> &[f64] {
        &self.tables.regret
    }

    /// Cumulative average-policy weights per slot (what [`Solver::average_policy`] normalises).
    pub fn average_weights(&self) -> &[f64] {
        &self.tables.average
    }

    fn episode(
        &mut self,
        node: usize,
        player: u8,
        depth: usize,
        my_reach: f64,
        opponent_reach: f64,
        sample_reach: f64,
    ) -> f64 {
        let epsilon = self.epsilon;
        let tables = &mut self.tables;
        let tree = tables.tree;
        let code = tree.node_codes()[node];
        if code == TERMINAL_CODE {
            return tree.returns(NodeId(node as u32))[player as usize];
        }
        let first = tree.first_children()[node] as usize;
        let count = tree.child_counts()[node] as usize;
        if code == CHANCE_CODE {
            let index = tables.sample_chance(first, count);
            let probability = tree.edge_probabilities()[first + index];
            return self.episode(
                first + index,
                player,
                depth + 1,
                my_reach,
                probability * opponent_reach,
                probability * sample_reach,
            );
        }
        let offset = tree.infoset_first_slots()[tree.node_infosets()[node] as usize] as usize;
        let strategy_start = depth * 3 * tables.max_actions;
        let sampling_start = strategy_start + tables.max_actions;
        tables.regret_match(offset, count, strategy_start);
        let updating = code == player;
        for index in 0..count {
            let probability = tables.scratch[strategy_start + index];
            tables.scratch[sampling_start + index] = if updating {
                epsilon / count as f64 + (1.0 - epsilon) * probability
            } else {
                probability
            };
        }
        let sampled = Tables::sample(
            &mut tables.rng,
            &tables.scratch[sampling_start..sampling_start + count],
        );
        let policy_probability = tables.scratch[strategy_start + sampled];
        let sampling_probability = tables.scratch[sampling_start + sampled];
        let (next_my_reach, next_opponent_reach) = if updating {
            (my_reach * policy_probability, opponent_reach)
        } else {
            (my_reach, opponent_reach * policy_probability)
        };
        let child_value = self.episode(
            first + sampled,
            player,
            depth + 1,
            next_my_reach,
            next_opponent_reach,
            sample_reach * sampling_probability,
        );
        let tables = &mut self.tables;
        let sampled_value = child_value / sampling_probability;
        let value_estimate = tables.scratch[strategy_start + sampled] * sampled_value;
        if updating {
            let scale = opponent_reach / sample_reach;
            let counterfactual_value = value_estimate * scale;
            for index in 0..count {
                let action_value = if index == sampled {
                    sampled_value * scale
                } else {
                    0.0
                };
                tables.regret[offset + index] += action_value - counterfactual_value;
            }
            for index in 0..count {
                tables.average[offset + index] +=
                    my_reach * tables.scratch[strategy_start + index] / sample_reach;
            }
        }
        value_estimate
    }
}

impl Solver for OutcomeSampling<'_> {
    fn iterate(&mut self) {
        self.tables.iterations += 1;
        for player in 0..self.tables.tree.num_players() {
            self.episode(0, player as u8, 0, 1.0, 1.0, 1.0);
        }
    }

    fn iterations(&self) -> u64 {
        self.tables.iterations
    }

    fn average_policy(&self) -> Policy {
        Policy::normalized(self.tables.tree, &self.tables.average)
    }

    fn current_policy(&self) -> Policy {
        Policy::normalized(self.tables.tree, &positive_parts(&self.tables.regret))
    }
}
