//! Full-tree CFR variants as two flat passes per player over the compiled tree: a forward pass writing
//! reach probabilities in breadth-first order, a backward pass computing values children-first and
//! accumulating regrets and average-policy weights at the traverser's nodes. No recursion, allocation or
//! hashing inside an iteration.

use ponder_games::{CompiledTree, InfoSetId};

use crate::{Policy, Solver};

/// Which member of the CFR family [`CfrSolver`] runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CfrVariant {
    /// Regret matching, uniform averaging.
    Vanilla,
    /// Regret matching+ (negative cumulative regrets clipped after each update), linear averaging.
    Plus,
    /// Discounted CFR: after each update, positive regrets times t^α/(t^α+1), negative times
    /// t^β/(t^β+1); averaging weight t^γ.
    Discounted {
        /// Positive-regret discount exponent.
        alpha: f64,
        /// Negative-regret discount exponent.
        beta: f64,
        /// Averaging weight exponent.
        gamma: f64,
    },
    /// Predictive CFR+: RM+ on cumulative regrets, strategy from [R + last instantaneous regret]^+,
    /// quadratic averaging (weight t²).
    PredictivePlus,
}

/// One internal (non-terminal) node as the hot loops read it.
#[derive(Debug, Clone, Copy)]
struct Internal {
    node: u32,
    first_child: u32,
    /// Offset into the probability buffer: the infoset's first slot for decisions, or
    /// `num_slots + first_child` for chance nodes (whose edge probabilities are appended).
    probability_offset: u32,
    count: u16,
    /// Acting player, or [`ponder_games::tree`]'s chance code.
    code: u8,
}

/// CFR, CFR+, linear/discounted CFR and predictive CFR+ on a compiled tree.
pub struct CfrSolver<'t> {
    tree: &'t CompiledTree,
    variant: CfrVariant,
    simultaneous: bool,
    iterations: u64,
    internal: Vec<Internal>,
    /// Current strategy per slot, followed by every node's chance edge probability.
    probabilities: Vec<f64>,
    regret: Vec<f64>,
    /// Last iteration's instantaneous regret (predictive CFR+ only).
    instant: Vec<f64>,
    average: Vec<f64>,
    /// Per node, stride `players + 1`: each player's own reach probability, then chance's.
    reach: Vec<f64>,
    /// Per player, per node: the value for that player; terminal entries hold the payoffs.
    values: Vec<Vec<f64>>,
    /// Per player, that player's decision nodes in depth-first order: regrets and average weights are
    /// accumulated in this order, the order of OpenSpiel's recursive traversal, so the floating-point
    /// sums over an information set's nodes round identically.
    update_order: Vec<Vec<Internal>>,
}

impl<'t> CfrSolver<'t> {
    /// A solver starting from the uniform policy.
    pub fn new(tree: &'t CompiledTree, variant: CfrVariant, simultaneous: bool) -> Self {
        let num_slots = tree.num_slots();
        let codes = tree.node_codes();
        let first_children = tree.first_children();
        let counts = tree.child_counts();
        let infosets = tree.node_infosets();
        let first_slots = tree.infoset_first_slots();
        let mut internal = Vec::new();
        for node in 0..tree.num_nodes() {
            let code = codes[node];
            if code == ponder_games::TERMINAL_CODE {
                continue;
            }
            let probability_offset = if code == ponder_games::CHANCE_CODE {
                num_slots as u32 + first_children[node]
            } else {
                first_slots[infosets[node] as usize]
            };
            internal.push(Internal {
                node: node as u32,
                first_child: first_children[node],
                probability_offset,
                count: counts[node] as u16,
                code,
            });
        }
        let mut update_order = vec![Vec::new(); tree.num_players()];
        let by_node: std::collections::HashMap<u32, Internal> =
            internal.iter().map(|entry| (entry.node, *entry)).collect();
        let mut stack = vec![0u32];
        while let Some(node) = stack.pop() {
            let Some(entry) = by_node.get(&node) else {
                continue;
            };
            if entry.code != ponder_games::CHANCE_CODE {
                update_order[entry.code as usize].push(*entry);
            }
            for child in (entry.first_child..entry.first_child + entry.count as u32).rev() {
                stack.push(child);
            }
        }
        let mut probabilities = vec![0.0; num_slots];
        for infoset in 0..tree.num_infosets() {
            let slots = tree.slots(InfoSetId(infoset as u32));
            let uniform = 1.0 / slots.len() as f64;
            probabilities[slots].fill(uniform);
        }
        probabilities.extend_from_slice(tree.edge_probabilities());
        let values = (0..tree.num_players())
            .map(|player| {
                let mut values = vec![0.0; tree.num_nodes()];
                for (node, &code) in codes.iter().enumerate() {
                    if code == ponder_games::TERMINAL_CODE {
                        values[node] = tree.returns(ponder_games::NodeId(node as u32))[player];
                    }
                }
                values
            })
            .collect();
        Self {
            tree,
            variant,
            simultaneous,
            iterations: 0,
            internal,
            probabilities,
            regret: vec![0.0; num_slots],
            instant: if variant == CfrVariant::PredictivePlus {
                vec![0.0; num_slots]
            } else {
                Vec::new()
            },
            average: vec![0.0; num_slots],
            reach: vec![0.0; tree.num_nodes() * (tree.num_players() + 1)],
            values,
            update_order,
        }
    }

    /// The compiled tree this solver runs on.
    pub fn tree(&self) -> &'t CompiledTree {
        self.tree
    }

    /// Cumulative regrets per slot (after the variant's clipping or discounting).
    pub fn cumulative_regrets(&self) -> &[f64] {
        &self.regret
    }

    fn averaging_weight(&self) -> f64 {
        let t = self.iterations as f64;
        match self.variant {
            CfrVariant::Vanilla => 1.0,
            CfrVariant::Plus => t,
            CfrVariant::Discounted { gamma, .. } => t.powf(gamma),
            CfrVariant::PredictivePlus => t * t,
        }
    }

    /// Forward pass: per node, each player's own reach and chance's reach (stride `players + 1`,
    /// chance last), kept separate because OpenSpiel multiplies them in that order for the
    /// counterfactual reach and the rounding must agree for regret matching to break ties the same way.
    fn forward(&mut self) {
        match self.tree.num_players() {
            2 => self.forward_with::<3>(),
            3 => self.forward_with::<4>(),
            4 => self.forward_with::<5>(),
            5 => self.forward_with::<6>(),
            players => unreachable!("{players} players: the compiler builds 2..=5"),
        }
    }

    fn forward_with<const S: usize>(&mut self) {
        let probabilities = &self.probabilities;
        let reach = &mut self.reach;
        reach[..S].fill(1.0);
        for internal in &self.internal {
            let node = internal.node as usize;
            let mut parent = [0.0; S];
            parent.copy_from_slice(&reach[node * S..node * S + S]);
            let first = internal.first_child as usize;
            let count = internal.count as usize;
            let offset = internal.probability_offset as usize;
            let actor = if internal.code == ponder_games::CHANCE_CODE {
                S - 1
            } else {
                internal.code as usize
            };
            let children = &mut reach[first * S..(first + count) * S];
            let action_probabilities = &probabilities[offset..offset + count];
            for (child, &probability) in children.chunks_exact_mut(S).zip(action_probabilities) {
                child.copy_from_slice(&parent);
                child[actor] *= probability;
            }
        }
    }

    /// Backward pass: values for `player`, regrets into `regret_target`, average weights into `average`.
    fn backward(&mut self, player: u8, weight: f64) {
        match self.tree.num_players() {
            2 => self.backward_with::<3>(player, weight),
            3 => self.backward_with::<4>(player, weight),
            4 => self.backward_with::<5>(player, weight),
            5 => self.backward_with::<6>(player, weight),
            players => unreachable!("{players} players: the compiler builds 2..=5"),
        }
    }

    fn backward_with<const S: usize>(&mut self, player: u8, weight: f64) {
        let probabilities = &self.probabilities;
        let values = &mut self.values[player as usize];
        // OpenSpiel's C++ CFR/CFR+ weight as (t * reach) * p, its Python DCFR/LCFR as (reach * p) * t^γ.
        let weight_last = matches!(self.variant, CfrVariant::Discounted { .. });
        let regret_target = if self.variant == CfrVariant::PredictivePlus {
            &mut self.instant
        } else {
            &mut self.regret
        };
        let average = &mut self.average;
        let reach = &self.reach;
        let me = player as usize;
        for internal in self.internal.iter().rev() {
            let first = internal.first_child as usize;
            let count = internal.count as usize;
            let offset = internal.probability_offset as usize;
            let child_values = &values[first..first + count];
            let action_probabilities = &probabilities[offset..offset + count];
            let mut value = 0.0;
            for (child_value, probability) in child_values.iter().zip(action_probabilities) {
                value += probability * child_value;
            }
            values[internal.node as usize] = value;
        }
        for internal in &self.update_order[me] {
            let node = internal.node as usize;
            let first = internal.first_child as usize;
            let count = internal.count as usize;
            let offset = internal.probability_offset as usize;
            let child_values = &values[first..first + count];
            let action_probabilities = &probabilities[offset..offset + count];
            let value = values[node];
            let node_reach = &reach[node * S..node * S + S];
            let mut others = 1.0;
            for (index, &r) in node_reach.iter().enumerate() {
                if index != me {
                    others *= r;
                }
            }
            let own = node_reach[me];
            let regrets = &mut regret_target[offset..offset + count];
            for (regret, child_value) in regrets.iter_mut().zip(child_values) {
                *regret += others * (child_value - value);
            }
            let averages = &mut average[offset..offset + count];
            if weight_last {
                for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                    *sum += own * probability * weight;
                }
            } else {
                let weighted_own = weight * own;
                for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                    *sum += weighted_own * probability;
                }
            }
        }
    }

    /// Applies the variant's regret post-processing for `player`'s slots after its traversal.
    fn post_process(&mut self, player: usize) {
        let range = self.tree.infosets_of(player);
        if range.is_empty() {
            return;
        }
        let first_slots = self.tree.infoset_first_slots();
        let slots = first_slots[range.start] as usize..first_slots[range.end] as usize;
        let t = self.iterations as f64;
        match self.variant {
            CfrVariant::Vanilla => {}
            CfrVariant::Plus => {
                for regret in &mut self.regret[slots] {
                    if *regret < 0.0 {
                        *regret = 0.0;
                    }
                }
            }
            CfrVariant::Discounted { alpha, beta, .. } => {
                let positive = t.powf(alpha) / (t.powf(alpha) + 1.0);
                let negative = t.powf(beta) / (t.powf(beta) + 1.0);
                for regret in &mut self.regret[slots] {
                    *regret *= if *regret >= 0.0 { positive } else { negative };
                }
            }
            CfrVariant::PredictivePlus => {
                for (regret, instant) in self.regret[slots.clone()]
                    .iter_mut()
                    .zip(&self.instant[slots])
                {
                    *regret = (*regret + instant).max(0.0);
                }
            }
        }
    }

    /// Recomputes `player`'s current strategy from the regrets (regret matching).
    fn regret_match(&mut self, player: usize) {
        let first_slots = self.tree.infoset_first_slots();
        let predictive = self.variant == CfrVariant::PredictivePlus;
        for infoset in self.tree.infosets_of(player) {
            let slots = first_slots[infoset] as usize..first_slots[infoset + 1] as usize;
            let strategy = &mut self.probabilities[slots.clone()];
            let regrets = &self.regret[slots.clone()];
            if predictive {
                let instant = &mut self.instant[slots];
                for ((probability, regret), prediction) in
                    strategy.iter_mut().zip(regrets).zip(instant.iter())
                {
                    *probability = (regret + prediction).max(0.0);
                }
                instant.fill(0.0);
            } else {
                for (probability, regret) in strategy.iter_mut().zip(regrets) {
                    *probability = regret.max(0.0);
                }
            }
            let total: f64 = strategy.iter().sum();
            if total > 0.0 {
                for probability in strategy.iter_mut() {
                    *probability /= total;
                }
            } else {
                let uniform = 1.0 / strategy.len() as f64;
                strategy.fill(uniform);
            }
        }
    }
}

impl Solver for CfrSolver<'_> {
    fn iterate(&mut self) {
        self.iterations += 1;
        let weight = self.averaging_weight();
        let players = self.tree.num_players();
        if self.simultaneous {
            self.forward();
            for player in 0..players {
                self.backward(player as u8, weight);
            }
            for player in 0..players {
                self.post_process(player);
                self.regret_match(player);
            }
        } else {
            for player in 0..players {
                self.forward();
                self.backward(player as u8, weight);
                self.post_process(player);
                self.regret_match(player);
            }
        }
    }

    fn iterations(&self) -> u64 {
        self.iterations
    }

    fn average_policy(&self) -> Policy {
        Policy::normalized(self.tree, &self.average)
    }

    fn current_policy(&self) -> Policy {
        Policy::from_probabilities(self.probabilities[..self.tree.num_slots()].to_vec())
    }
}
