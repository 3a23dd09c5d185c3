//! "Where the guarantee ends": regret-minimising self-play (vanilla CFR, simultaneous updates) on any
//! compiled game, reporting the NashConv of the average policy and the gap of the empirical joint play
//! to a coarse correlated equilibrium (CCE). In 2-player zero-sum games both go to 0; in general the
//! CCE gap does (no regret) while NashConv need not.

use ponder_games::{CompiledTree, InfoSetId, NodeId, CHANCE_CODE, TERMINAL_CODE};
use ponder_solver::{evaluate, new_solver, Algorithm, SolverOptions};

/// One checkpoint of a self-play run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SelfPlayPoint {
    /// Iterations so far.
    pub iterations: u64,
    /// NashConv of the average (behavioural) policy.
    pub nash_conv: f64,
    /// Sum over players of the best fixed deviation's gain against the empirical joint play
    /// (the uniform mixture of every iteration's profile): 0 exactly at a CCE.
    pub cce_gap: f64,
}

/// Runs vanilla CFR with simultaneous updates and records both measures at each checkpoint.
pub fn self_play(tree: &CompiledTree, checkpoints: &[u64]) -> Vec<SelfPlayPoint> {
    let n = tree.num_players();
    let nodes = tree.num_nodes();
    let options = SolverOptions {
        simultaneous: true,
        seed: 0,
    };
    let mut solver = new_solver(tree, Algorithm::Cfr, &options);
    // Per player, per node: summed over iterations, the reach of chance and the other players.
    let mut others_reach = vec![0.0; n * nodes];
    let mut on_policy = vec![0.0; n];
    let mut own = vec![0.0; n * nodes];
    let mut chance = vec![0.0; nodes];
    let codes = tree.node_codes();
    let first_children = tree.first_children();
    let counts = tree.child_counts();
    let infosets = tree.node_infosets();
    let first_slots = tree.infoset_first_slots();
    let mut points = Vec::new();
    let max = checkpoints.iter().copied().max().unwrap_or(0);
    for iteration in 1..=max {
        // The profile this iteration plays (simultaneous updates: the one before `iterate`).
        let policy = solver.current_policy();
        let probabilities = policy.probabilities();
        own[..n].fill(1.0);
        chance[0] = 1.0;
        for node in 0..nodes {
            let code = codes[node];
            if code == TERMINAL_CODE {
                continue;
            }
            let first = first_children[node] as usize;
            for index in 0..counts[node] as usize {
                let child = first + index;
                chance[child] = chance[node];
                for player in 0..n {
                    own[child * n + player] = own[node * n + player];
                }
                if code == CHANCE_CODE {
                    chance[child] *= tree.edge_probability(NodeId(child as u32));
                } else {
                    own[child * n + code as usize] *=
                        probabilities[first_slots[infosets[node] as usize] as usize + index];
                }
            }
        }
        for node in 0..nodes {
            if codes[node] != TERMINAL_CODE {
                continue;
            }
            let returns = tree.returns(NodeId(node as u32));
            let all: f64 = chance[node] * own[node * n..(node + 1) * n].iter().product::<f64>();
            for player in 0..n {
                let mut others = chance[node];
                for other in 0..n {
                    if other != player {
                        others *= own[node * n + other];
                    }
                }
                others_reach[player * nodes + node] += others;
                on_policy[player] += all * returns[player];
            }
        }
        solver.iterate();
        if checkpoints.contains(&iteration) {
            let nash_conv = evaluate(tree, &solver.average_policy()).nash_conv;
            let t = iteration as f64;
            let cce_gap: f64 = (0..n)
                .map(|player| {
                    deviation_value(
                        tree,
                        &others_reach[player * nodes..(player + 1) * nodes],
                        player,
                    ) / t
                        - on_policy[player] / t
                })
                .sum();
            points.push(SelfPlayPoint {
                iterations: iteration,
                nash_conv,
                cce_gap,
            });
        }
    }
    points
}

/// Best value `player` gets from one fixed strategy against opponents whose reach of each terminal is
/// `weights` (summed over iterations, chance included): a best response to the joint mixture.
fn deviation_value(tree: &CompiledTree, weights: &[f64], player: usize) -> f64 {
    let nodes = tree.num_nodes();
    let codes = tree.node_codes();
    let first_children = tree.first_children();
    let counts = tree.child_counts();
    let infosets = tree.node_infosets();
    let mut value = vec![0.0; nodes];
    let mut choice = vec![u32::MAX; tree.num_infosets()];
    // Reverse breadth-first order: every node of an information set lies at one depth in the games
    // used here, so all their children are final when the set's first node is met.
    for node in (0..nodes).rev() {
        let code = codes[node];
        let first = first_children[node] as usize;
        let count = counts[node] as usize;
        if code == TERMINAL_CODE {
            value[node] = weights[node] * tree.returns(NodeId(node as u32))[player];
        } else if code as usize == player {
            let infoset = infosets[node] as usize;
            if choice[infoset] == u32::MAX {
                let mut totals = vec![0.0; count];
                for &member in tree.infoset_nodes(InfoSetId(infoset as u32)) {
                    let member_first = first_children[member.index()] as usize;
                    for (index, total) in totals.iter_mut().enumerate() {
                        *total += value[member_first + index];
                    }
                }
                let mut best = 0;
                for index in 1..count {
                    if totals[index] > totals[best] {
                        best = index;
                    }
                }
                choice[infoset] = best as u32;
            }
            value[node] = value[first + choice[infoset] as usize];
        } else {
            value[node] = value[first..first + count].iter().sum();
        }
    }
    value[0]
}
