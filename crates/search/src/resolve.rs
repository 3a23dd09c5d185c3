//! Safe re-solving of one public state's subgame (Burch, Johanson and Bowling 2014, "re-solving
//! gadget"): the opponent may take, at each of its augmented information sets at the subgame's root, the
//! counterfactual best-response value it had against the current strategy ("terminate") instead of
//! playing the subgame ("follow"). Solving that gadget with CFR+ gives the re-solving player a strategy
//! whose opponent counterfactual best-response values are, at the gadget's equilibrium, no higher than
//! before, which is what makes the whole-game exploitability no higher. With a finite budget the
//! equilibrium is only approximated, so every re-solve is checked exactly and the current strategy kept
//! when any root value would rise (the check is local: it uses only the subgame).

use std::collections::HashMap;

use ponder_games::{
    Action, CompiledTree, Game, InfoSetId, NodeId, Turn, CHANCE_CODE, TERMINAL_CODE,
};
use ponder_solver::{best_response_values, CfrSolver, CfrVariant, Policy, Solver};

/// Slack allowed in the safety check (rounding only).
const SAFETY_TOLERANCE: f64 = 1e-12;

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

/// The re-solving gadget as a game on top of the original tree, compiled with
/// [`CompiledTree::from_game`] and solved by ponder-solver's CFR+: chance picks a subgame root in
/// proportion to `root_probability`; the opponent, per augmented information set (`root_group`),
/// terminates (action 0, worth `terminate_payoff` to the re-solving player) or follows (action 1) into
/// the root's subtree, played as in the original tree. In the gadget the re-solving player is player 0
/// and its opponent player 1, so CFR's alternation updates the re-solving player first.
struct GadgetGame<'a> {
    tree: &'a CompiledTree,
    /// The re-solving player's seat in the original tree.
    player: usize,
    roots: &'a [NodeId],
    root_probability: Vec<f64>,
    root_group: Vec<u32>,
    terminate_payoff: Vec<f64>,
    /// Depth-limited gadgets stop at the subgame's chance nodes, where the opponent picks one of
    /// these continuation strategies per augmented information set.
    leaves: Option<&'a LeafValues>,
}

/// A history of the gadget game.
#[derive(Debug, Clone, Copy)]
enum GadgetState {
    /// Chance picks a root.
    Start,
    /// The opponent chooses at root `0`: terminate or follow.
    Choose(u32),
    /// The opponent terminated at root `0`.
    Terminated(u32),
    /// A node of the original subtree (a depth-limit leaf when it is a chance node below a limit).
    At(NodeId),
    /// The opponent chose continuation `1` at depth-limit leaf `0`.
    Continued(NodeId, u32),
}

/// Gadget actions: terminate or follow at a root, else the index of the child or the continuation.
const TERMINATE: Action = 0;
const FOLLOW: Action = 1;

impl GadgetGame<'_> {
    fn is_leaf(&self, node: NodeId) -> bool {
        self.leaves.is_some() && self.tree.node_codes()[node.index()] == CHANCE_CODE
    }

    /// The gadget's seat of an original player (the re-solving player is 0).
    fn seat(&self, original: usize) -> usize {
        usize::from(original != self.player)
    }
}

impl Game for GadgetGame<'_> {
    type State = GadgetState;

    fn game_string(&self) -> String {
        format!("resolving gadget of {}", self.tree.game())
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> GadgetState {
        GadgetState::Start
    }

    fn turn(&self, state: &GadgetState) -> Turn {
        match *state {
            GadgetState::Start => Turn::Chance,
            GadgetState::Choose(_) => Turn::Player(1),
            GadgetState::Terminated(_) | GadgetState::Continued(..) => Turn::Terminal,
            GadgetState::At(node) => match self.tree.node_codes()[node.index()] {
                TERMINAL_CODE => Turn::Terminal,
                CHANCE_CODE if self.leaves.is_some() => Turn::Player(1),
                CHANCE_CODE => Turn::Chance,
                actor => Turn::Player(self.seat(actor as usize)),
            },
        }
    }

    fn chance_outcomes(&self, state: &GadgetState) -> Vec<(Action, f64)> {
        match *state {
            GadgetState::Start => (0..self.roots.len() as Action)
                .zip(self.root_probability.iter().copied())
                .collect(),
            GadgetState::At(node) => self
                .tree
                .children(node)
                .enumerate()
                .map(|(index, child)| {
                    (
                        index as Action,
                        self.tree.edge_probability(NodeId(child as u32)),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn legal_actions(&self, state: &GadgetState) -> Vec<Action> {
        match *state {
            GadgetState::Choose(_) => vec![TERMINATE, FOLLOW],
            GadgetState::At(node) if self.is_leaf(node) => {
                (0..self.leaves.map_or(0, LeafValues::continuations) as Action).collect()
            }
            GadgetState::At(node) => (0..self.tree.children(node).len() as Action).collect(),
            _ => Vec::new(),
        }
    }

    fn apply(&self, state: &mut GadgetState, action: Action) {
        *state = match *state {
            GadgetState::Start => GadgetState::Choose(action),
            GadgetState::Choose(index) if action == TERMINATE => GadgetState::Terminated(index),
            GadgetState::Choose(index) => GadgetState::At(self.roots[index as usize]),
            GadgetState::At(node) if self.is_leaf(node) => GadgetState::Continued(node, action),
            GadgetState::At(node) => GadgetState::At(NodeId(
                (self.tree.children(node).start + action as usize) as u32,
            )),
            terminal => terminal,
        };
    }

    fn info_state_key(&self, state: &GadgetState, _player: usize) -> String {
        match *state {
            GadgetState::Choose(index) => format!("g{}", self.root_group[index as usize]),
            GadgetState::At(node) if self.is_leaf(node) => {
                format!("l{}", leaf_group_key(self.tree, node, 1 - self.player))
            }
            GadgetState::At(node) => format!("i{}", self.tree.node_infosets()[node.index()]),
            _ => String::new(),
        }
    }

    fn public_state_key(&self, _state: &GadgetState) -> String {
        // Nothing reads the gadget's public states.
        String::new()
    }

    fn returns(&self, state: &GadgetState) -> Vec<f64> {
        let value = match *state {
            GadgetState::Terminated(index) => self.terminate_payoff[index as usize],
            GadgetState::At(node) => self.tree.returns(node)[self.player],
            GadgetState::Continued(node, continuation) => self.leaves.map_or(0.0, |leaves| {
                leaves.value(1 - self.player, continuation as usize, node, self.player)
            }),
            _ => 0.0,
        };
        vec![value, -value]
    }

    fn action_name(&self, action: Action) -> String {
        action.to_string()
    }
}

/// A compiled gadget and how its information sets map back to the original tree.
struct Gadget {
    tree: CompiledTree,
    /// Per gadget information set: the original set it copies (`None` for the gadget's own sets).
    original: Vec<Option<InfoSetId>>,
}

impl Gadget {
    fn compile(game: &GadgetGame) -> Self {
        // The gadget copies a valid tree with valid probabilities, so compiling it cannot fail.
        let tree = CompiledTree::from_game(game).expect("a re-solving gadget is a valid game");
        let original = (0..tree.num_infosets())
            .map(|infoset| {
                tree.infoset_key(InfoSetId(infoset as u32))
                    .strip_prefix('i')
                    .and_then(|id| id.parse().ok())
                    .map(InfoSetId)
            })
            .collect();
        Self { tree, original }
    }

    /// The original per-slot `policy` in the gadget's slots (the gadget's own sets get 0).
    fn local_policy(&self, original_tree: &CompiledTree, policy: &[f64]) -> Policy {
        let mut local = vec![0.0; self.tree.num_slots()];
        for (infoset, original) in self.original.iter().enumerate() {
            if let Some(original) = original {
                let slots = self.tree.slots(InfoSetId(infoset as u32));
                local[slots].copy_from_slice(&policy[original_tree.slots(*original)]);
            }
        }
        Policy::from_probabilities(local)
    }

    /// Opponent counterfactual best-response value of each group (ponder-solver's best response on
    /// the gadget, read at the roots' "follow" nodes and weighted by the roots' reach), the re-solving
    /// player playing `policy` (gadget slots) inside the subgame.
    fn opponent_root_values(
        &self,
        policy: &Policy,
        root_group: &[u32],
        root_reach: &[f64],
        groups: usize,
    ) -> Vec<f64> {
        let values = best_response_values(&self.tree, policy, 1);
        let mut totals = vec![0.0; groups];
        for (index, (&group, &reach)) in root_group.iter().zip(root_reach).enumerate() {
            // Chance's outcome `index` is root `index`'s terminate-or-follow choice.
            let choose = self.tree.children(self.tree.root()).start + index;
            let follow = self.tree.children(NodeId(choose as u32)).start + FOLLOW as usize;
            totals[group as usize] += reach * values[follow];
        }
        totals
    }

    /// Runs `iterations` of CFR+ (alternating, re-solving player first) and returns the re-solving
    /// player's average strategy as slot writes into the original tree; sets the average never reached
    /// keep `policy`.
    fn solve(
        &self,
        original_tree: &CompiledTree,
        iterations: usize,
        policy: &[f64],
    ) -> Vec<(u32, f64)> {
        let mut solver = CfrSolver::new(&self.tree, CfrVariant::Plus, false);
        for _ in 0..iterations {
            solver.iterate();
        }
        let weights = solver.average_weights();
        let mut writes = Vec::new();
        for infoset in self.tree.infosets_of(0) {
            let Some(original) = self.original[infoset] else {
                continue;
            };
            let slots = self.tree.slots(InfoSetId(infoset as u32));
            let original_slots = original_tree.slots(original);
            let total: f64 = weights[slots.clone()].iter().sum();
            for (slot, original_slot) in slots.zip(original_slots) {
                let probability = if total > 0.0 {
                    weights[slot] / total
                } else {
                    policy[original_slot]
                };
                writes.push((original_slot as u32, probability));
            }
        }
        writes
    }
}

/// The roots' grouping and reach, shared by every gadget of one re-solve.
struct Roots<'a> {
    roots: &'a [NodeId],
    group: Vec<u32>,
    groups: usize,
    /// Reach of each root by chance and the re-solving player (unnormalised).
    reach: Vec<f64>,
}

impl<'a> Roots<'a> {
    fn new(tree: &CompiledTree, policy: &[f64], roots: &'a [NodeId], player: usize) -> Self {
        let group_keys = opponent_groups(tree, roots, 1 - player);
        let mut group_index: HashMap<u64, u32> = HashMap::new();
        let group: Vec<u32> = group_keys
            .iter()
            .map(|key| {
                let next = group_index.len() as u32;
                *group_index.entry(*key).or_insert(next)
            })
            .collect();
        let reach = roots
            .iter()
            .map(|&root| reach_of(tree, policy, root, player))
            .collect();
        Self {
            roots,
            group,
            groups: group_index.len(),
            reach,
        }
    }

    /// The gadget over these roots with chance weights `probability` (normalised here; uniform when
    /// they sum to 0, which only happens for unreachable subgames, whose gadget is never solved).
    fn gadget(
        &self,
        tree: &CompiledTree,
        player: usize,
        probability: &[f64],
        terminate_payoff: Vec<f64>,
        leaves: Option<&LeafValues>,
    ) -> Gadget {
        let total: f64 = probability.iter().sum();
        let root_probability = if total > 0.0 {
            probability.iter().map(|weight| weight / total).collect()
        } else {
            vec![1.0 / self.roots.len() as f64; self.roots.len()]
        };
        Gadget::compile(&GadgetGame {
            tree,
            player,
            roots: self.roots,
            root_probability,
            root_group: self.group.clone(),
            terminate_payoff,
            leaves,
        })
    }

    /// Terminate payoffs: the opponent's value per unit of reach in its group, negated for the player.
    fn terminate_payoffs(&self, opponent_values: &[f64]) -> Vec<f64> {
        let mut group_reach = vec![0.0; self.groups];
        for (&group, &reach) in self.group.iter().zip(&self.reach) {
            group_reach[group as usize] += reach;
        }
        self.group
            .iter()
            .map(|&group| {
                let group = group as usize;
                if group_reach[group] > 0.0 {
                    -opponent_values[group] / group_reach[group]
                } else {
                    0.0
                }
            })
            .collect()
    }
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
    let shared = Roots::new(tree, policy, roots, player);
    let placeholder = vec![0.0; roots.len()];
    // Terminate payoffs do not enter the opponent's values at the roots, so one gadget with
    // placeholders measures them before and after; the one that is solved carries the real ones.
    let full = shared.gadget(tree, player, &shared.reach, placeholder.clone(), None);
    let total_reach: f64 = shared.reach.iter().sum();
    if total_reach <= 0.0 || iterations == 0 {
        let gadget_nodes = match leaves {
            Some(leaves) => shared
                .gadget(tree, player, &shared.reach, placeholder, Some(leaves))
                .tree
                .num_nodes(),
            None => full.tree.num_nodes(),
        };
        return Resolved {
            outcome: ResolveOutcome::Unreachable,
            writes: Vec::new(),
            gadget_nodes,
            margin_gain: 0.0,
        };
    }
    let value = |policy: &[f64]| {
        full.opponent_root_values(
            &full.local_policy(tree, policy),
            &shared.group,
            &shared.reach,
            shared.groups,
        )
    };
    let before = value(policy);
    let solved = shared.gadget(
        tree,
        player,
        &shared.reach,
        shared.terminate_payoffs(&before),
        leaves,
    );
    let gadget_nodes = solved.tree.num_nodes();
    // The searcher's new strategy where the solved gadget has it, the current one below the limit.
    let writes = solved.solve(tree, iterations, policy);
    let mut combined = policy.to_vec();
    for &(slot, probability) in &writes {
        combined[slot as usize] = probability;
    }
    let after = value(&combined);
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
    let shared = Roots::new(tree, policy, roots, player);
    let joint: Vec<f64> = roots
        .iter()
        .zip(&shared.reach)
        .map(|(&root, &reach)| {
            let chance = reach_of(tree, policy, root, usize::MAX);
            if chance > 0.0 {
                reach * reach_of(tree, policy, root, 1 - player) / chance
            } else {
                0.0
            }
        })
        .collect();
    // Terminating is made worthless to the opponent, so it always plays the subgame.
    let gadget = shared.gadget(tree, player, &joint, vec![1e9; roots.len()], None);
    let gadget_nodes = gadget.tree.num_nodes();
    let total: f64 = joint.iter().sum();
    if total <= 0.0 || iterations == 0 {
        return Resolved {
            outcome: ResolveOutcome::Unreachable,
            writes: Vec::new(),
            gadget_nodes,
            margin_gain: 0.0,
        };
    }
    Resolved {
        outcome: ResolveOutcome::Improved,
        writes: gadget.solve(tree, iterations, policy),
        gadget_nodes,
        margin_gain: 0.0,
    }
}
