//! Safe re-solving of one public state's subgame (Burch, Johanson and Bowling 2014, "re-solving
//! gadget"): the opponent may take, at each of its augmented information sets at the subgame's root, the
//! counterfactual best-response value it had against the current strategy ("terminate") instead of
//! playing the subgame ("follow"). Solving that gadget with CFR+ gives the re-solving player a strategy
//! whose opponent counterfactual best-response values are, at the gadget's equilibrium, no higher than
//! before, which is what makes the whole-game exploitability no higher. With a finite budget the
//! equilibrium is only approximated, so every re-solve is checked exactly and the current strategy kept
//! when any root value would rise (the check is local: it uses only the subgame).

use std::collections::HashMap;

use ponder_games::{CompiledTree, NodeId, CHANCE_CODE, TERMINAL_CODE};

/// Slack allowed in the safety check (rounding only).
const SAFETY_TOLERANCE: f64 = 1e-12;

const GADGET_CODE: u8 = 253;

/// What one re-solve did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveOutcome {
    /// The new strategy passed the safety check and replaced the current one.
    Improved,
    /// The new strategy would have raised some opponent root value; the current strategy is kept.
    KeptCurrent,
    /// The subgame is unreachable under chance and the re-solving player: nothing to do.
    Unreachable,
}

/// A re-solve's result: the outcome, the new per-slot probabilities of the re-solving player's
/// information sets inside the subgame (original slot index, probability), and its cost.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Whether the new strategy was accepted.
    pub outcome: ResolveOutcome,
    /// Slot writes to apply to the policy (empty unless [`ResolveOutcome::Improved`]).
    pub writes: Vec<(u32, f64)>,
    /// Nodes of the gadget game (the unit of search compute: one iteration visits each twice).
    pub gadget_nodes: usize,
    /// Opponent root value gain summed over its augmented information sets (old − new, ≥ 0 if kept).
    pub margin_gain: f64,
}

/// The gadget game in flat arrays: node 0 is a chance node over the subgame's roots, nodes
/// `1..=roots` are the opponent's follow/terminate decisions, then each root's terminal and copy.
struct Gadget {
    code: Vec<u8>,
    first_child: Vec<u32>,
    count: Vec<u32>,
    /// Local information set (gadget groups first) for decision nodes.
    infoset: Vec<u32>,
    /// Chance probability of reaching this node from its parent (1 otherwise).
    edge: Vec<f64>,
    /// Payoff of the re-solving player at terminals.
    payoff: Vec<f64>,
    /// First local slot of each local information set (plus one past the end).
    first_slot: Vec<u32>,
    /// Original first slot of each local information set (`u32::MAX` for gadget groups).
    original_slot: Vec<u32>,
    /// Acting player of each local information set (gadget groups belong to the opponent).
    infoset_player: Vec<u8>,
    /// Local nodes of each local information set.
    infoset_nodes: Vec<Vec<u32>>,
    /// Local id of each root's copy (the node below "follow").
    root_copy: Vec<u32>,
    /// Gadget group of each root.
    root_group: Vec<u32>,
    /// Reach of each root by chance and the re-solving player (unnormalised).
    root_reach: Vec<f64>,
    groups: usize,
}

/// Opponent augmented-information-set grouping of the roots: the opponent's information set at a
/// descendant reached by one fixed sequence of public (player) actions, else its last information set
/// above, else one group per root (finest grouping = strongest constraints, still safe).
fn opponent_groups(tree: &CompiledTree, roots: &[NodeId], opponent: usize) -> Vec<u64> {
    let codes = tree.node_codes();
    let infosets = tree.node_infosets();
    // Find a path of child indices through decision nodes from roots[0] to an opponent decision.
    let mut path: Option<Vec<usize>> = None;
    let mut queue: std::collections::VecDeque<(NodeId, Vec<usize>)> =
        std::collections::VecDeque::from([(roots[0], Vec::new())]);
    while let Some((node, steps)) = queue.pop_front() {
        let code = codes[node.index()];
        if code as usize == opponent {
            path = Some(steps);
            break;
        }
        if code == CHANCE_CODE || code == TERMINAL_CODE {
            continue;
        }
        for (index, child) in tree.children(node).enumerate() {
            let mut next = steps.clone();
            next.push(index);
            queue.push_back((NodeId(child as u32), next));
        }
    }
    if let Some(path) = path {
        let follow = |root: NodeId| -> Option<u64> {
            let mut node = root;
            for &index in &path {
                let children = tree.children(node);
                if index >= children.len() || codes[node.index()] >= CHANCE_CODE {
                    return None;
                }
                node = NodeId((children.start + index) as u32);
            }
            (codes[node.index()] as usize == opponent).then(|| infosets[node.index()] as u64)
        };
        let groups: Option<Vec<u64>> = roots.iter().map(|&root| follow(root)).collect();
        if let Some(groups) = groups {
            return groups;
        }
    }
    let last_above = |root: NodeId| -> Option<u64> {
        let mut node = root;
        while let Some(parent) = tree.parent(node) {
            if codes[parent.index()] as usize == opponent {
                return Some(infosets[parent.index()] as u64 | 1 << 40);
            }
            node = parent;
        }
        None
    };
    let groups: Option<Vec<u64>> = roots.iter().map(|&root| last_above(root)).collect();
    groups.unwrap_or_else(|| roots.iter().map(|root| root.0 as u64 | 1 << 41).collect())
}

/// How strongly a biased continuation strategy favours its action (Brown, Sandholm and Amos 2018).
pub const CONTINUATION_BIAS: f64 = 5.0;

/// Leaf values for depth-limited search: each node's value when the searcher plays the blueprint
/// below it and the opponent one of several continuation strategies: the blueprint itself and the
/// blueprint biased toward each action index (its probability times [`CONTINUATION_BIAS`], then
/// renormalised).
#[derive(Debug, Clone)]
pub struct LeafValues {
    count: usize,
    nodes: usize,
    /// Player 0's value, indexed `[(opponent * count + continuation) * nodes + node]`.
    values: Vec<f64>,
}

impl LeafValues {
    /// Computes every continuation's node values from `blueprint` (per-slot probabilities).
    pub fn new(tree: &CompiledTree, blueprint: &[f64]) -> Self {
        let max_actions = (0..tree.num_infosets())
            .map(|infoset| tree.slots(ponder_games::InfoSetId(infoset as u32)).len())
            .max()
            .unwrap_or(1);
        let count = 1 + max_actions;
        let nodes = tree.num_nodes();
        let mut values = vec![0.0; 2 * count * nodes];
        let codes = tree.node_codes();
        let first_children = tree.first_children();
        let child_counts = tree.child_counts();
        let infosets = tree.node_infosets();
        let first_slots = tree.infoset_first_slots();
        for opponent in 0..2 {
            for continuation in 0..count {
                let mut policy = blueprint.to_vec();
                if continuation > 0 {
                    for infoset in tree.infosets_of(opponent) {
                        let slots = tree.slots(ponder_games::InfoSetId(infoset as u32));
                        let favoured = slots.start + continuation - 1;
                        if favoured >= slots.end {
                            continue;
                        }
                        policy[favoured] *= CONTINUATION_BIAS;
                        let total: f64 = policy[slots.clone()].iter().sum();
                        if total > 0.0 {
                            for slot in slots {
                                policy[slot] /= total;
                            }
                        }
                    }
                }
                let base = (opponent * count + continuation) * nodes;
                let value = &mut values[base..base + nodes];
                for node in (0..nodes).rev() {
                    let code = codes[node];
                    if code == TERMINAL_CODE {
                        value[node] = tree.returns(NodeId(node as u32))[0];
                        continue;
                    }
                    let first = first_children[node] as usize;
                    let mut total = 0.0;
                    for index in 0..child_counts[node] as usize {
                        let probability = if code == CHANCE_CODE {
                            tree.edge_probability(NodeId((first + index) as u32))
                        } else {
                            policy[first_slots[infosets[node] as usize] as usize + index]
                        };
                        total += probability * value[first + index];
                    }
                    value[node] = total;
                }
            }
        }
        Self {
            count,
            nodes,
            values,
        }
    }

    /// Number of continuation strategies offered to the opponent at each leaf.
    pub fn continuations(&self) -> usize {
        self.count
    }

    #[inline]
    fn value(&self, opponent: usize, continuation: usize, node: NodeId, player: usize) -> f64 {
        let value = self.values[(opponent * self.count + continuation) * self.nodes + node.index()];
        if player == 0 {
            value
        } else {
            -value
        }
    }
}

/// The opponent's augmented information set at a depth-limit leaf: its last information set above the
/// leaf together with the leaf's public state (its actions since then are public), else the leaf itself.
fn leaf_group_key(tree: &CompiledTree, leaf: NodeId, opponent: usize) -> u64 {
    let codes = tree.node_codes();
    let mut node = leaf;
    while let Some(parent) = tree.parent(node) {
        if codes[parent.index()] as usize == opponent {
            let infoset = tree.node_infosets()[parent.index()] as u64;
            return infoset << 32 | tree.public_state(leaf).index() as u64;
        }
        node = parent;
    }
    1 << 63 | leaf.0 as u64
}

/// Reach of `node` by chance and `player` under `policy` (walks up the parent chain).
fn reach_of(tree: &CompiledTree, policy: &[f64], node: NodeId, player: usize) -> f64 {
    let codes = tree.node_codes();
    let infosets = tree.node_infosets();
    let first_slots = tree.infoset_first_slots();
    let mut reach = 1.0;
    let mut current = node;
    while let Some(parent) = tree.parent(current) {
        let code = codes[parent.index()];
        let index = current.index() - tree.children(parent).start;
        if code == CHANCE_CODE {
            reach *= tree.edge_probability(current);
        } else if code as usize == player {
            reach *= policy[first_slots[infosets[parent.index()] as usize] as usize + index];
        }
        current = parent;
    }
    reach
}

impl Gadget {
    fn build(
        tree: &CompiledTree,
        policy: &[f64],
        roots: &[NodeId],
        player: usize,
        leaves: Option<&LeafValues>,
    ) -> Self {
        let opponent = 1 - player;
        let group_keys = opponent_groups(tree, roots, opponent);
        let mut group_index: HashMap<u64, u32> = HashMap::new();
        let root_group: Vec<u32> = group_keys
            .iter()
            .map(|key| {
                let next = group_index.len() as u32;
                *group_index.entry(*key).or_insert(next)
            })
            .collect();
        let groups = group_index.len();
        let root_reach: Vec<f64> = roots
            .iter()
            .map(|&root| reach_of(tree, policy, root, player))
            .collect();
        let total: f64 = root_reach.iter().sum();
        let k = roots.len();
        let mut gadget = Gadget {
            code: Vec::new(),
            first_child: Vec::new(),
            count: Vec::new(),
            infoset: Vec::new(),
            edge: Vec::new(),
            payoff: Vec::new(),
            first_slot: vec![0],
            original_slot: Vec::new(),
            infoset_player: Vec::new(),
            infoset_nodes: Vec::new(),
            root_copy: Vec::new(),
            root_group,
            root_reach,
            groups,
        };
        for _ in 0..groups {
            gadget.add_infoset(2, u32::MAX, opponent as u8);
        }
        // Root chance node.
        gadget.push(CHANCE_CODE, 1, k as u32, u32::MAX, 1.0);
        for index in 0..k {
            let probability = if total > 0.0 {
                gadget.root_reach[index] / total
            } else {
                0.0
            };
            let group = gadget.root_group[index];
            gadget.push(
                GADGET_CODE,
                (1 + k + 2 * index) as u32,
                2,
                group,
                probability,
            );
            gadget.infoset_nodes[group as usize].push((1 + index) as u32);
        }
        // Terminate / follow pairs, then the subtrees breadth-first.
        // Queue entries: (original node, continuation index for a leaf's terminal or u32::MAX).
        let mut queue: Vec<(u32, u32)> = Vec::new();
        let mut leaf_groups: HashMap<u64, u32> = HashMap::new();
        let mut local_infoset: HashMap<u32, u32> = HashMap::new();
        for &root in roots {
            gadget.push(TERMINAL_CODE, 0, 0, u32::MAX, 1.0);
            gadget.root_copy.push(gadget.code.len() as u32);
            gadget.push(0, 0, 0, u32::MAX, 1.0); // filled when dequeued
            queue.push((root.0, u32::MAX));
        }
        let codes = tree.node_codes();
        let infosets = tree.node_infosets();
        let first_slots = tree.infoset_first_slots();
        // Queue position -> local id: the root copies sit in the terminal/copy pairs, the rest follow.
        let local_of = |position: usize| -> usize {
            if position < k {
                2 + k + 2 * position
            } else {
                1 + 2 * k + position
            }
        };
        let mut head = 0;
        while head < queue.len() {
            let (original_node, continuation) = queue[head];
            let node = NodeId(original_node);
            let local = local_of(head);
            if continuation != u32::MAX {
                let leaves = leaves.expect("continuations only with leaf values");
                gadget.code[local] = TERMINAL_CODE;
                gadget.payoff[local] =
                    leaves.value(1 - player, continuation as usize, node, player);
                head += 1;
                continue;
            }
            if let (Some(leaves), true) = (leaves, head >= k && codes[node.index()] == CHANCE_CODE)
            {
                // Depth limit: the opponent picks a continuation strategy per augmented information set.
                let key = leaf_group_key(tree, node, 1 - player);
                let next = gadget.first_slot.len() as u32 - 1;
                let id = *leaf_groups.entry(key).or_insert(next);
                if id == next {
                    gadget.add_infoset(leaves.count as u32, u32::MAX, (1 - player) as u8);
                }
                gadget.code[local] = GADGET_CODE;
                gadget.infoset[local] = id;
                gadget.infoset_nodes[id as usize].push(local as u32);
                gadget.first_child[local] = local_of(queue.len()) as u32;
                gadget.count[local] = leaves.count as u32;
                for index in 0..leaves.count {
                    queue.push((original_node, index as u32));
                    gadget.push(0, 0, 0, u32::MAX, 1.0);
                }
                head += 1;
                continue;
            }
            let code = codes[node.index()];
            let children = tree.children(node);
            gadget.code[local] = code;
            gadget.first_child[local] = local_of(queue.len()) as u32;
            gadget.count[local] = children.len() as u32;
            if code == TERMINAL_CODE {
                gadget.payoff[local] = tree.returns(node)[player];
            } else if code != CHANCE_CODE {
                let original = infosets[node.index()];
                let next = gadget.first_slot.len() as u32 - 1;
                let id = *local_infoset.entry(original).or_insert(next);
                if id == next {
                    let slots = tree.slots(ponder_games::InfoSetId(original)).len() as u32;
                    gadget.add_infoset(slots, first_slots[original as usize], code);
                }
                gadget.infoset[local] = id;
                gadget.infoset_nodes[id as usize].push(local as u32);
            }
            for child in children {
                queue.push((child as u32, u32::MAX));
                gadget.push(
                    0,
                    0,
                    0,
                    u32::MAX,
                    tree.edge_probability(NodeId(child as u32)),
                );
            }
            head += 1;
        }
        // Fix the terminate payoffs and gadget node ids once values are known by the caller.
        gadget
    }

    /// The per-slot `policy` in this gadget's local slots (gadget sets get 0).
    fn local_strategy(&self, policy: &[f64]) -> Vec<f64> {
        let mut local = vec![0.0; self.num_slots()];
        for infoset in 0..self.infoset_player.len() {
            let original = self.original_slot[infoset];
            if original == u32::MAX {
                continue;
            }
            let range = self.first_slot[infoset] as usize..self.first_slot[infoset + 1] as usize;
            for (offset, slot) in range.enumerate() {
                local[slot] = policy[original as usize + offset];
            }
        }
        local
    }

    /// Terminate payoffs: the opponent's value per unit of reach in its group, negated for the player.
    fn set_terminate_payoffs(&mut self, opponent_values: &[f64]) {
        let mut group_reach = vec![0.0; self.groups];
        for (index, &group) in self.root_group.iter().enumerate() {
            group_reach[group as usize] += self.root_reach[index];
        }
        for index in 0..self.root_group.len() {
            let group = self.root_group[index] as usize;
            let terminal = self.first_child[1 + index] as usize;
            self.payoff[terminal] = if group_reach[group] > 0.0 {
                -opponent_values[group] / group_reach[group]
            } else {
                0.0
            };
        }
    }

    fn add_infoset(&mut self, slots: u32, original: u32, player: u8) {
        let last = *self.first_slot.last().expect("starts with 0");
        self.first_slot.push(last + slots);
        self.original_slot.push(original);
        self.infoset_player.push(player);
        self.infoset_nodes.push(Vec::new());
    }

    fn push(&mut self, code: u8, first_child: u32, count: u32, infoset: u32, edge: f64) {
        self.code.push(code);
        self.first_child.push(first_child);
        self.count.push(count);
        self.infoset.push(infoset);
        self.edge.push(edge);
        self.payoff.push(0.0);
    }

    fn num_slots(&self) -> usize {
        *self.first_slot.last().expect("non-empty") as usize
    }

    /// The acting player at a local decision node.
    #[inline]
    fn actor(&self, node: usize) -> usize {
        self.infoset_player[self.infoset[node] as usize] as usize
    }

    /// Opponent counterfactual best-response value of each group, the re-solving player playing
    /// `strategy` (local slots) inside the subgame. Gadget nodes are ignored.
    fn opponent_root_values(&self, strategy: &[f64], player: usize) -> Vec<f64> {
        let opponent = 1 - player;
        let n = self.code.len();
        // Counterfactual reach of the opponent (chance and the player), from each root's reach.
        let mut reach = vec![0.0; n];
        for (index, &copy) in self.root_copy.iter().enumerate() {
            reach[copy as usize] = self.root_reach[index];
        }
        let start = self.root_copy.first().map_or(n, |&copy| copy as usize);
        for node in start..n {
            let code = self.code[node];
            if code == TERMINAL_CODE {
                continue;
            }
            let first = self.first_child[node] as usize;
            for index in 0..self.count[node] as usize {
                let child = first + index;
                let probability = if code == CHANCE_CODE {
                    self.edge[child]
                } else if self.actor(node) == player {
                    strategy[self.first_slot[self.infoset[node] as usize] as usize + index]
                } else {
                    1.0
                };
                reach[child] = reach[node] * probability;
            }
        }
        let mut value = vec![f64::NAN; n];
        let mut choice = vec![u32::MAX; self.infoset_player.len()];
        let mut values = vec![0.0; self.groups];
        for (index, &copy) in self.root_copy.iter().enumerate() {
            let root_value = self.best_value(
                copy as usize,
                strategy,
                opponent,
                &reach,
                &mut value,
                &mut choice,
            );
            values[self.root_group[index] as usize] += self.root_reach[index] * root_value;
        }
        values
    }

    fn best_value(
        &self,
        node: usize,
        strategy: &[f64],
        opponent: usize,
        reach: &[f64],
        value: &mut [f64],
        choice: &mut [u32],
    ) -> f64 {
        if !value[node].is_nan() {
            return value[node];
        }
        let code = self.code[node];
        let first = self.first_child[node] as usize;
        let count = self.count[node] as usize;
        let result = if code == TERMINAL_CODE {
            -self.payoff[node]
        } else if code == CHANCE_CODE {
            let mut total = 0.0;
            for child in first..first + count {
                total += self.edge[child]
                    * self.best_value(child, strategy, opponent, reach, value, choice);
            }
            total
        } else if self.actor(node) == opponent {
            let infoset = self.infoset[node] as usize;
            if choice[infoset] == u32::MAX {
                let mut totals = vec![0.0; count];
                for &member in &self.infoset_nodes[infoset] {
                    let member = member as usize;
                    let member_first = self.first_child[member] as usize;
                    for (index, total) in totals.iter_mut().enumerate() {
                        *total += reach[member]
                            * self.best_value(
                                member_first + index,
                                strategy,
                                opponent,
                                reach,
                                value,
                                choice,
                            );
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
            self.best_value(
                first + choice[infoset] as usize,
                strategy,
                opponent,
                reach,
                value,
                choice,
            )
        } else {
            let offset = self.first_slot[self.infoset[node] as usize] as usize;
            let mut total = 0.0;
            for index in 0..count {
                let probability = strategy[offset + index];
                if probability != 0.0 {
                    total += probability
                        * self.best_value(first + index, strategy, opponent, reach, value, choice);
                }
            }
            total
        };
        value[node] = result;
        result
    }

    /// Runs `iterations` of alternating CFR+ on the gadget and returns the re-solving player's average
    /// strategy in local slots (sets never reached keep `fallback`).
    fn solve(&self, iterations: usize, player: usize, fallback: &[f64]) -> Vec<f64> {
        let n = self.code.len();
        let slots = self.num_slots();
        let mut regret = vec![0.0; slots];
        let mut average = vec![0.0; slots];
        let mut strategy = vec![0.0; slots];
        let mut reach = [vec![0.0; n], vec![0.0; n]];
        let mut chance = vec![0.0; n];
        let mut value = vec![0.0; n];
        let infosets = self.infoset_player.len();
        let update_strategy = |regret: &[f64], strategy: &mut [f64], who: usize| {
            for infoset in 0..infosets {
                if self.infoset_player[infoset] as usize != who {
                    continue;
                }
                let range =
                    self.first_slot[infoset] as usize..self.first_slot[infoset + 1] as usize;
                let total: f64 = regret[range.clone()].iter().sum();
                if total > 0.0 {
                    for slot in range {
                        strategy[slot] = regret[slot] / total;
                    }
                } else {
                    let uniform = 1.0 / range.len() as f64;
                    strategy[range].fill(uniform);
                }
            }
        };
        update_strategy(&regret, &mut strategy, 0);
        update_strategy(&regret, &mut strategy, 1);
        // Chance reach never changes.
        chance[0] = 1.0;
        for node in 0..n {
            if self.code[node] == TERMINAL_CODE {
                continue;
            }
            let first = self.first_child[node] as usize;
            for child in first..first + self.count[node] as usize {
                chance[child] = chance[node]
                    * if self.code[node] == CHANCE_CODE {
                        self.edge[child]
                    } else {
                        1.0
                    };
            }
        }
        for iteration in 1..=iterations {
            for traverser in [player, 1 - player] {
                // Forward: each player's own reach.
                reach[0][0] = 1.0;
                reach[1][0] = 1.0;
                for node in 0..n {
                    let code = self.code[node];
                    if code == TERMINAL_CODE {
                        continue;
                    }
                    let first = self.first_child[node] as usize;
                    let count = self.count[node] as usize;
                    if code == CHANCE_CODE {
                        for child in first..first + count {
                            reach[0][child] = reach[0][node];
                            reach[1][child] = reach[1][node];
                        }
                    } else {
                        let actor = self.actor(node);
                        let offset = self.first_slot[self.infoset[node] as usize] as usize;
                        for index in 0..count {
                            let child = first + index;
                            reach[actor][child] = reach[actor][node] * strategy[offset + index];
                            reach[1 - actor][child] = reach[1 - actor][node];
                        }
                    }
                }
                // Backward: values for the traverser; regrets and averages at its sets.
                let sign = if traverser == player { 1.0 } else { -1.0 };
                let other = 1 - traverser;
                for node in (0..n).rev() {
                    let code = self.code[node];
                    if code == TERMINAL_CODE {
                        value[node] = sign * self.payoff[node];
                        continue;
                    }
                    let first = self.first_child[node] as usize;
                    let count = self.count[node] as usize;
                    if code == CHANCE_CODE {
                        let mut total = 0.0;
                        for child in first..first + count {
                            total += self.edge[child] * value[child];
                        }
                        value[node] = total;
                        continue;
                    }
                    let actor = self.actor(node);
                    let offset = self.first_slot[self.infoset[node] as usize] as usize;
                    let mut total = 0.0;
                    for index in 0..count {
                        total += strategy[offset + index] * value[first + index];
                    }
                    value[node] = total;
                    if actor == traverser {
                        let counterfactual = chance[node] * reach[other][node];
                        let own = reach[traverser][node] * iteration as f64;
                        for index in 0..count {
                            regret[offset + index] +=
                                counterfactual * (value[first + index] - total);
                            average[offset + index] += own * strategy[offset + index];
                        }
                    }
                }
                for slot in regret.iter_mut() {
                    if *slot < 0.0 {
                        *slot = 0.0;
                    }
                }
                update_strategy(&regret, &mut strategy, traverser);
            }
        }
        let mut result = fallback.to_vec();
        for infoset in 0..infosets {
            if self.infoset_player[infoset] as usize != player {
                continue;
            }
            let range = self.first_slot[infoset] as usize..self.first_slot[infoset + 1] as usize;
            let total: f64 = average[range.clone()].iter().sum();
            if total > 0.0 {
                for slot in range {
                    result[slot] = average[slot] / total;
                }
            }
        }
        result
    }
}

/// Re-solves the subgame below public-state roots `roots` (decision nodes of `player`, all in one
/// public state) for `player` with `iterations` of CFR+ on the re-solving gadget, starting from the
/// current per-slot `policy`. Returns the slot writes that replace `player`'s strategy in the subgame
/// if the exact safety check passes.
pub fn resolve(
    tree: &CompiledTree,
    policy: &[f64],
    roots: &[NodeId],
    player: usize,
    iterations: usize,
) -> Resolved {
    resolve_with(tree, policy, roots, player, iterations, None)
}

/// Depth-limited re-solving (Brown, Sandholm and Amos 2018): the gadget stops at the next chance node
/// below the roots (in Leduc, the end of the betting round), where the opponent chooses among the
/// continuation strategies of `leaves` per augmented information set. Only the searcher's strategy
/// above the depth limit is replaced; the safety check still runs on the full subgame, exactly.
pub fn resolve_depth_limited(
    tree: &CompiledTree,
    policy: &[f64],
    roots: &[NodeId],
    player: usize,
    iterations: usize,
    leaves: &LeafValues,
) -> Resolved {
    resolve_with(tree, policy, roots, player, iterations, Some(leaves))
}

fn resolve_with(
    tree: &CompiledTree,
    policy: &[f64],
    roots: &[NodeId],
    player: usize,
    iterations: usize,
    leaves: Option<&LeafValues>,
) -> Resolved {
    let full = Gadget::build(tree, policy, roots, player, None);
    let mut limited = leaves.map(|leaves| Gadget::build(tree, policy, roots, player, Some(leaves)));
    let gadget_nodes = limited.as_ref().unwrap_or(&full).code.len();
    let total_reach: f64 = full.root_reach.iter().sum();
    if total_reach <= 0.0 || iterations == 0 {
        return Resolved {
            outcome: ResolveOutcome::Unreachable,
            writes: Vec::new(),
            gadget_nodes,
            margin_gain: 0.0,
        };
    }
    let current = full.local_strategy(policy);
    let before = full.opponent_root_values(&current, player);
    let mut full = full;
    let solved = limited.as_mut().unwrap_or(&mut full);
    solved.set_terminate_payoffs(&before);
    let solved_current = solved.local_strategy(policy);
    let strategy = solved.solve(iterations, player, &solved_current);
    // The searcher's new strategy where the solved gadget has it, the current one below the limit.
    let mut combined = policy.to_vec();
    let solved: &Gadget = limited.as_ref().unwrap_or(&full);
    let mut writes = Vec::new();
    for infoset in 0..solved.infoset_player.len() {
        let original = solved.original_slot[infoset];
        if original == u32::MAX || solved.infoset_player[infoset] as usize != player {
            continue;
        }
        let range = solved.first_slot[infoset] as usize..solved.first_slot[infoset + 1] as usize;
        for (offset, slot) in range.enumerate() {
            writes.push((original + offset as u32, strategy[slot]));
            combined[original as usize + offset] = strategy[slot];
        }
    }
    let after = full.opponent_root_values(&full.local_strategy(&combined), player);
    let mut margin_gain = 0.0;
    let mut safe = true;
    for (old, new) in before.iter().zip(&after) {
        if *new > *old + SAFETY_TOLERANCE * (1.0 + old.abs()) {
            safe = false;
        }
        margin_gain += old - new;
    }
    if !safe {
        return Resolved {
            outcome: ResolveOutcome::KeptCurrent,
            writes: Vec::new(),
            gadget_nodes,
            margin_gain: 0.0,
        };
    }
    Resolved {
        outcome: ResolveOutcome::Improved,
        writes,
        gadget_nodes,
        margin_gain,
    }
}

/// Unsafe re-solving, for comparison only: the subgame is solved from the current strategy's joint
/// ranges (chance × both players' reach) with no gadget and no safety check. It can raise
/// exploitability; it exists to show that the gadget is what prevents that.
pub fn resolve_unsafe(
    tree: &CompiledTree,
    policy: &[f64],
    roots: &[NodeId],
    player: usize,
    iterations: usize,
) -> Resolved {
    let mut gadget = Gadget::build(tree, policy, roots, player, None);
    let gadget_nodes = gadget.code.len();
    let joint: Vec<f64> = roots
        .iter()
        .zip(&gadget.root_reach)
        .map(|(&root, &reach)| {
            let chance = reach_of(tree, policy, root, usize::MAX);
            if chance > 0.0 {
                reach * reach_of(tree, policy, root, 1 - player) / chance
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = joint.iter().sum();
    if total <= 0.0 || iterations == 0 {
        return Resolved {
            outcome: ResolveOutcome::Unreachable,
            writes: Vec::new(),
            gadget_nodes,
            margin_gain: 0.0,
        };
    }
    for (index, reach) in joint.iter().enumerate() {
        gadget.edge[1 + index] = reach / total;
        // Terminating is made worthless to the opponent, so it always plays the subgame.
        let terminal = gadget.first_child[1 + index] as usize;
        gadget.payoff[terminal] = 1e9;
    }
    let current = gadget.local_strategy(policy);
    let strategy = gadget.solve(iterations, player, &current);
    let mut writes = Vec::new();
    for infoset in 0..gadget.infoset_player.len() {
        let original = gadget.original_slot[infoset];
        if original == u32::MAX || gadget.infoset_player[infoset] as usize != player {
            continue;
        }
        let range = gadget.first_slot[infoset] as usize..gadget.first_slot[infoset + 1] as usize;
        for (offset, slot) in range.enumerate() {
            writes.push((original + offset as u32, strategy[slot]));
        }
    }
    Resolved {
        outcome: ResolveOutcome::Improved,
        writes,
        gadget_nodes,
        margin_gain: 0.0,
    }
}
