//! Exact evaluation of a policy on a compiled tree: expected values, best responses for each of n
//! players (perfect recall), NashConv and exploitability, each in time linear in the tree size.

use ponder_games::{CompiledTree, InfoSetId, NodeId, CHANCE_CODE, TERMINAL_CODE};

use crate::Policy;

/// Values of a policy profile: what `ponder game eval` reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Expected payoff per player when everyone follows the policy.
    pub on_policy_value: Vec<f64>,
    /// Best-response value per player against the others' policy.
    pub best_response_value: Vec<f64>,
    /// Sum over players of (best response − on-policy value) (OpenSpiel NashConv).
    pub nash_conv: f64,
    /// NashConv / players (OpenSpiel's exploitability convention).
    pub exploitability: f64,
}

/// Expected payoff per player when all follow `policy`.
pub fn expected_values(tree: &CompiledTree, policy: &Policy) -> Vec<f64> {
    let n = tree.num_players();
    let codes = tree.node_codes();
    let first_children = tree.first_children();
    let counts = tree.child_counts();
    let infosets = tree.node_infosets();
    let probabilities = policy.probabilities();
    let edge = tree.edge_probabilities();
    let first_slots = tree.infoset_first_slots();
    let mut values = vec![0.0; tree.num_nodes() * n];
    for node in (0..tree.num_nodes()).rev() {
        let code = codes[node];
        if code == TERMINAL_CODE {
            values[node * n..(node + 1) * n].copy_from_slice(tree.returns(NodeId(node as u32)));
            continue;
        }
        let first = first_children[node] as usize;
        for index in 0..counts[node] as usize {
            let child = first + index;
            let probability = if code == CHANCE_CODE {
                edge[child]
            } else {
                probabilities[first_slots[infosets[node] as usize] as usize + index]
            };
            for player in 0..n {
                values[node * n + player] += probability * values[child * n + player];
            }
        }
    }
    values[..n].to_vec()
}

/// Reach probability of every node counting chance and every player except `player` (whose actions
/// count as 1).
fn reach_of_others(tree: &CompiledTree, policy: &Policy, player: usize) -> Vec<f64> {
    let codes = tree.node_codes();
    let first_children = tree.first_children();
    let counts = tree.child_counts();
    let infosets = tree.node_infosets();
    let probabilities = policy.probabilities();
    let edge = tree.edge_probabilities();
    let first_slots = tree.infoset_first_slots();
    let mut reach = vec![0.0; tree.num_nodes()];
    reach[0] = 1.0;
    for node in 0..tree.num_nodes() {
        let code = codes[node];
        if code == TERMINAL_CODE {
            continue;
        }
        let first = first_children[node] as usize;
        for index in 0..counts[node] as usize {
            let child = first + index;
            let probability = match code {
                CHANCE_CODE => edge[child],
                actor if actor as usize == player => 1.0,
                _ => probabilities[first_slots[infosets[node] as usize] as usize + index],
            };
            reach[child] = reach[node] * probability;
        }
    }
    reach
}

/// Memoised best-response computation for one player.
struct BestResponse<'a> {
    tree: &'a CompiledTree,
    policy: &'a Policy,
    player: usize,
    reach: Vec<f64>,
    /// Node values under the best response (NaN = not computed yet).
    value: Vec<f64>,
    /// Chosen action index per information set of the player (`u32::MAX` = not resolved yet).
    choice: Vec<u32>,
}

impl BestResponse<'_> {
    fn value(&mut self, node: usize) -> f64 {
        let known = self.value[node];
        if !known.is_nan() {
            return known;
        }
        let tree = self.tree;
        let code = tree.node_codes()[node];
        let first = tree.first_children()[node] as usize;
        let count = tree.child_counts()[node] as usize;
        let value = if code == TERMINAL_CODE {
            tree.returns(NodeId(node as u32))[self.player]
        } else if code == CHANCE_CODE {
            let edge = tree.edge_probabilities();
            let mut total = 0.0;
            for (child, &probability) in edge.iter().enumerate().skip(first).take(count) {
                total += probability * self.value(child);
            }
            total
        } else {
            let infoset = tree.node_infosets()[node] as usize;
            if code as usize == self.player {
                if self.choice[infoset] == u32::MAX {
                    self.resolve(infoset);
                }
                self.value(first + self.choice[infoset] as usize)
            } else {
                let offset = tree.infoset_first_slots()[infoset] as usize;
                let mut total = 0.0;
                for index in 0..count {
                    let probability = self.policy.probabilities()[offset + index];
                    if probability != 0.0 {
                        total += probability * self.value(first + index);
                    }
                }
                total
            }
        };
        self.value[node] = value;
        value
    }

    /// Picks the action maximising the counterfactual value summed over the set's nodes (perfect
    /// recall makes that the best response at every node of the set). Ties go to the first action.
    fn resolve(&mut self, infoset: usize) {
        let tree = self.tree;
        let id = InfoSetId(infoset as u32);
        let count = tree.slots(id).len();
        let mut totals = vec![0.0; count];
        for &node in tree.infoset_nodes(id) {
            let reach = self.reach[node.index()];
            let first = tree.first_children()[node.index()] as usize;
            for (index, total) in totals.iter_mut().enumerate() {
                *total += reach * self.value(first + index);
            }
        }
        let mut best = 0;
        for index in 1..count {
            if totals[index] > totals[best] {
                best = index;
            }
        }
        self.choice[infoset] = best as u32;
    }
}

/// Runs the memoised best response for `player` from the root and resolves every information set of
/// `player`, including those the best response never reaches.
fn solve_best_response<'a>(
    tree: &'a CompiledTree,
    policy: &'a Policy,
    player: usize,
) -> BestResponse<'a> {
    let mut solver = BestResponse {
        tree,
        policy,
        player,
        reach: reach_of_others(tree, policy, player),
        value: vec![f64::NAN; tree.num_nodes()],
        choice: vec![u32::MAX; tree.num_infosets()],
    };
    solver.value(0);
    // Sets unreachable under the best response still get an action, for a complete policy.
    for infoset in tree.infosets_of(player) {
        if solver.choice[infoset] == u32::MAX {
            solver.resolve(infoset);
        }
    }
    solver
}

/// Best-response value of `player` against `policy` (the others' part of it) and the best response
/// itself as a pure policy over `player`'s information sets (other sets keep `policy`'s probabilities).
pub fn best_response(tree: &CompiledTree, policy: &Policy, player: usize) -> (f64, Policy) {
    let solver = solve_best_response(tree, policy, player);
    let value = solver.value[0];
    let mut probabilities = policy.probabilities().to_vec();
    for infoset in tree.infosets_of(player) {
        let slots = tree.slots(InfoSetId(infoset as u32));
        let chosen = slots.start + solver.choice[infoset] as usize;
        for slot in slots {
            probabilities[slot] = if slot == chosen { 1.0 } else { 0.0 };
        }
    }
    (value, Policy::from_probabilities(probabilities))
}

/// The value for `player` of every node when `player` plays [`best_response`] to the others' part of
/// `policy`: what `player` expects from that history on, not weighted by the chance of reaching it
/// (entry 0 is the best-response value). Subgame methods read it at their roots, e.g. the
/// counterfactual best-response values that safe re-solving must not let rise.
pub fn best_response_values(tree: &CompiledTree, policy: &Policy, player: usize) -> Vec<f64> {
    let mut solver = solve_best_response(tree, policy, player);
    // The root's recursion skips subtrees below moves the others never make; every set's choice is
    // fixed now, so children-first order fills them in with the same arithmetic.
    for node in (0..tree.num_nodes()).rev() {
        if solver.value[node].is_nan() {
            solver.value(node);
        }
    }
    solver.value
}

/// On-policy values, best-response values, NashConv and exploitability of `policy`.
pub fn evaluate(tree: &CompiledTree, policy: &Policy) -> Evaluation {
    let n = tree.num_players();
    let on_policy_value = expected_values(tree, policy);
    let best_response_value: Vec<f64> = (0..n)
        .map(|player| best_response(tree, policy, player).0)
        .collect();
    let nash_conv: f64 = best_response_value
        .iter()
        .zip(&on_policy_value)
        .map(|(best, on_policy)| best - on_policy)
        .sum();
    Evaluation {
        on_policy_value,
        best_response_value,
        nash_conv,
        exploitability: nash_conv / n as f64,
    }
}
