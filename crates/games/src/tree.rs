//! The compiled game tree: every history of a game as flat arrays indexed by [`NodeId`], information sets
//! indexed by [`InfoSetId`], public states by [`PublicStateId`].
//!
//! Layout (the invariants solvers rely on):
//! - nodes are numbered in breadth-first order: the root is node 0, a parent's id is smaller than its
//!   children's, depths never decrease with the id, and the children of a node are a contiguous id range;
//! - information sets are numbered player by player (player 0's first), so each player's sets are a
//!   contiguous range ([`CompiledTree::infosets_of`]);
//! - each information set owns a contiguous range of *slots*, one per legal action in increasing action
//!   order; child `i` of a decision node is the result of that node's information set's action `i`;
//! - the children of a chance node carry their probability in [`CompiledTree::edge_probability`].

use std::collections::HashMap;
use std::ops::Range;

use crate::{Action, Game, Turn};

/// Index of a node (history) in a [`CompiledTree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// Index of an information set in a [`CompiledTree`] (all players share one numbering; see
/// [`CompiledTree::infosets_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfoSetId(pub u32);

/// Index of a public state (nodes all players cannot tell apart from public information alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicStateId(pub u32);

impl NodeId {
    /// The id as an array index.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl InfoSetId {
    /// The id as an array index.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl PublicStateId {
    /// The id as an array index.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What happens at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A player chooses; the node belongs to an information set.
    Decision {
        /// The acting player.
        player: usize,
        /// The acting player's information set.
        infoset: InfoSetId,
    },
    /// Nature moves; children carry [`CompiledTree::edge_probability`].
    Chance,
    /// The game is over; [`CompiledTree::returns`] gives payoffs.
    Terminal,
}

/// Code in [`CompiledTree::node_codes`] for a chance node (player codes are `0..players`).
pub const CHANCE_CODE: u8 = 254;
/// Code in [`CompiledTree::node_codes`] for a terminal node.
pub const TERMINAL_CODE: u8 = 255;
const NO_INFOSET: u32 = u32::MAX;
/// Largest tree the compiler builds; bigger games are refused with [`CompileError::Oversized`] (before
/// building, when the game counts its tree) or [`CompileError::TooLarge`].
pub const MAX_NODES: usize = 50_000_000;
/// Most players a compiled game may have (the solvers' passes are specialised up to this count).
pub const MAX_PLAYERS: usize = 5;
/// Most actions or chance outcomes at one node (solvers store the count in 16 bits).
const MAX_CHILDREN: usize = u16::MAX as usize;
/// How far a chance node's probabilities may sum from 1 (rounding of fractions such as 1/3).
const PROBABILITY_TOLERANCE: f64 = 1e-9;

/// Why a game could not be compiled: too large, or rules that break what the compiled form needs
/// (`node` is the breadth-first id the offending history would have had).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The tree grew past [`MAX_NODES`] while being built (for games that cannot count it first).
    #[error("{game}: the game tree has more than {limit} nodes; choose smaller parameters")]
    TooLarge {
        /// Game string.
        game: String,
        /// The node limit.
        limit: usize,
    },
    /// The game counted its tree ([`Game::tree_size`]) before anything was built: over [`MAX_NODES`].
    #[error("{game}: the game tree has {nodes} nodes, more than the {limit} ponder builds; choose smaller parameters")]
    Oversized {
        /// Game string.
        game: String,
        /// Nodes the game counted.
        nodes: u64,
        /// The node limit.
        limit: usize,
    },
    /// The game declares a player count the compiled form does not support.
    #[error("{game}: {players} players; the compiled form supports 2..={max}")]
    PlayerCount {
        /// Game string.
        game: String,
        /// Players declared.
        players: usize,
        /// Largest supported.
        max: usize,
    },
    /// Two states with one information-state key disagree on the actor or the legal actions (a bug in
    /// the game's rules, reported instead of producing a wrong tree).
    #[error("{game}: information state '{key}' is inconsistent: {what}")]
    InconsistentInfoSet {
        /// Game string.
        game: String,
        /// The key.
        key: String,
        /// What differs.
        what: &'static str,
    },
    /// A state the compiled form cannot hold: a chance node whose probabilities are not a
    /// distribution, a decision without actions or with actions out of order, an actor that is not a
    /// player, or payoffs of the wrong length or not finite.
    #[error("{game}: node {node}: {what}")]
    BrokenState {
        /// Game string.
        game: String,
        /// Breadth-first id of the node.
        node: usize,
        /// What is wrong.
        what: String,
    },
}

/// Counts describing a compiled tree; JSON keys are those of `games.json`'s `tree` objects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TreeStats {
    /// All nodes.
    pub total_nodes: usize,
    /// Player decision nodes.
    pub decision_nodes: usize,
    /// Chance nodes.
    pub chance_nodes: usize,
    /// Terminal nodes.
    pub terminal_nodes: usize,
    /// Decision nodes of each player.
    pub decision_nodes_per_player: Vec<usize>,
    /// Information sets of each player.
    pub infostates_per_player: Vec<usize>,
    /// Information sets of all players.
    pub infostates_total: usize,
    /// Longest root-to-leaf path in edges, chance moves included.
    pub max_depth_incl_chance: usize,
}

/// A game compiled to flat arrays; see the module documentation for the layout guarantees.
#[derive(Debug, Clone)]
pub struct CompiledTree {
    game: String,
    num_players: usize,
    node_code: Vec<u8>,
    first_child: Vec<u32>,
    child_count: Vec<u32>,
    parent: Vec<NodeId>,
    action: Vec<Action>,
    depth: Vec<u16>,
    node_infoset: Vec<u32>,
    public_state: Vec<PublicStateId>,
    edge_probability: Vec<f64>,
    terminal_index: Vec<u32>,
    terminal_returns: Vec<f64>,
    infoset_player: Vec<u8>,
    infoset_key: Vec<String>,
    infoset_first_slot: Vec<u32>,
    slot_action: Vec<Action>,
    infoset_node_start: Vec<u32>,
    infoset_nodes: Vec<NodeId>,
    player_infoset_start: Vec<u32>,
    public_state_key: Vec<String>,
    action_names: HashMap<Action, String>,
}

impl CompiledTree {
    /// Canonical game string of the compiled game.
    pub fn game(&self) -> &str {
        &self.game
    }

    /// Number of players.
    pub fn num_players(&self) -> usize {
        self.num_players
    }

    /// Number of nodes.
    pub fn num_nodes(&self) -> usize {
        self.node_code.len()
    }

    /// The root (always node 0).
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// What happens at `node`.
    #[inline]
    pub fn kind(&self, node: NodeId) -> NodeKind {
        match self.node_code[node.index()] {
            CHANCE_CODE => NodeKind::Chance,
            TERMINAL_CODE => NodeKind::Terminal,
            player => NodeKind::Decision {
                player: player as usize,
                infoset: InfoSetId(self.node_infoset[node.index()]),
            },
        }
    }

    /// Children of `node` as a contiguous id range (empty for terminals).
    #[inline]
    pub fn children(&self, node: NodeId) -> Range<usize> {
        let first = self.first_child[node.index()] as usize;
        first..first + self.child_count[node.index()] as usize
    }

    /// Parent of `node` (`None` for the root).
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        (node.0 != 0).then(|| self.parent[node.index()])
    }

    /// The action (or chance outcome) that led from the parent to `node`.
    pub fn action(&self, node: NodeId) -> Option<Action> {
        (node.0 != 0).then(|| self.action[node.index()])
    }

    /// Number of edges from the root to `node`, chance moves included.
    pub fn depth(&self, node: NodeId) -> usize {
        self.depth[node.index()] as usize
    }

    /// Public state of `node`.
    pub fn public_state(&self, node: NodeId) -> PublicStateId {
        self.public_state[node.index()]
    }

    /// Number of distinct public states.
    pub fn num_public_states(&self) -> usize {
        self.public_state_key.len()
    }

    /// The game's key of a public state (e.g. Leduc `4|rc|r`, Kuhn `pb`).
    pub fn public_state_key(&self, public_state: PublicStateId) -> &str {
        &self.public_state_key[public_state.index()]
    }

    /// Probability of reaching `node` from its parent if the parent is a chance node, else 1.
    #[inline]
    pub fn edge_probability(&self, node: NodeId) -> f64 {
        self.edge_probability[node.index()]
    }

    /// Payoffs per player at a terminal node.
    ///
    /// # Panics
    /// When `node` is not terminal.
    pub fn returns(&self, node: NodeId) -> &[f64] {
        let index = self.terminal_index[node.index()];
        assert_ne!(index, u32::MAX, "returns of a non-terminal node");
        let start = index as usize * self.num_players;
        &self.terminal_returns[start..start + self.num_players]
    }

    /// Number of information sets (all players).
    pub fn num_infosets(&self) -> usize {
        self.infoset_player.len()
    }

    /// The information sets of `player`, a contiguous id range.
    pub fn infosets_of(&self, player: usize) -> Range<usize> {
        self.player_infoset_start[player] as usize..self.player_infoset_start[player + 1] as usize
    }

    /// The player acting at `infoset`.
    pub fn infoset_player(&self, infoset: InfoSetId) -> usize {
        self.infoset_player[infoset.index()] as usize
    }

    /// The information-state key of `infoset` (format documented in `games.json`).
    pub fn infoset_key(&self, infoset: InfoSetId) -> &str {
        &self.infoset_key[infoset.index()]
    }

    /// Slot range of `infoset`: one slot per legal action, in increasing action order.
    #[inline]
    pub fn slots(&self, infoset: InfoSetId) -> Range<usize> {
        self.infoset_first_slot[infoset.index()] as usize
            ..self.infoset_first_slot[infoset.index() + 1] as usize
    }

    /// Total number of slots (sum over information sets of their legal actions).
    pub fn num_slots(&self) -> usize {
        self.slot_action.len()
    }

    /// The legal actions of `infoset`, in slot order.
    pub fn legal_actions(&self, infoset: InfoSetId) -> &[Action] {
        &self.slot_action[self.slots(infoset)]
    }

    /// The nodes belonging to `infoset`, in id order.
    pub fn infoset_nodes(&self, infoset: InfoSetId) -> &[NodeId] {
        let start = self.infoset_node_start[infoset.index()] as usize;
        let end = self.infoset_node_start[infoset.index() + 1] as usize;
        &self.infoset_nodes[start..end]
    }

    /// Finds an information set by key (a linear scan: for tools and tests, not hot loops).
    pub fn find_infoset(&self, key: &str) -> Option<InfoSetId> {
        self.infoset_key
            .iter()
            .position(|candidate| candidate == key)
            .map(|index| InfoSetId(index as u32))
    }

    /// A lookup table from information-state key to id.
    pub fn infoset_index(&self) -> HashMap<&str, InfoSetId> {
        self.infoset_key
            .iter()
            .enumerate()
            .map(|(index, key)| (key.as_str(), InfoSetId(index as u32)))
            .collect()
    }

    /// Short name of a game action (e.g. Leduc `r`), for display.
    pub fn action_name(&self, action: Action) -> String {
        self.action_names
            .get(&action)
            .cloned()
            .unwrap_or_else(|| action.to_string())
    }

    /// Raw per-node codes: a player index, [`CHANCE_CODE`] or [`TERMINAL_CODE`] (for hot loops).
    pub fn node_codes(&self) -> &[u8] {
        &self.node_code
    }

    /// Raw per-node first child id (for hot loops; see [`CompiledTree::children`]).
    pub fn first_children(&self) -> &[u32] {
        &self.first_child
    }

    /// Raw per-node child counts (for hot loops).
    pub fn child_counts(&self) -> &[u32] {
        &self.child_count
    }

    /// Raw per-node information-set ids (`u32::MAX` for chance and terminal nodes).
    pub fn node_infosets(&self) -> &[u32] {
        &self.node_infoset
    }

    /// Raw per-node parent ids (the root's parent is itself).
    pub fn parents(&self) -> &[NodeId] {
        &self.parent
    }

    /// Raw per-node chance edge probabilities (1 below non-chance nodes).
    pub fn edge_probabilities(&self) -> &[f64] {
        &self.edge_probability
    }

    /// Raw first-slot table: `infoset_first_slots()[i]..infoset_first_slots()[i + 1]` are set `i`'s slots.
    pub fn infoset_first_slots(&self) -> &[u32] {
        &self.infoset_first_slot
    }

    /// Counts in the shape of `games.json`'s `tree` objects.
    pub fn stats(&self) -> TreeStats {
        let n = self.num_players;
        let mut decision_nodes_per_player = vec![0; n];
        let (mut chance_nodes, mut terminal_nodes) = (0, 0);
        for &code in &self.node_code {
            match code {
                CHANCE_CODE => chance_nodes += 1,
                TERMINAL_CODE => terminal_nodes += 1,
                player => decision_nodes_per_player[player as usize] += 1,
            }
        }
        let infostates_per_player: Vec<usize> = (0..n)
            .map(|player| self.infosets_of(player).len())
            .collect();
        TreeStats {
            total_nodes: self.num_nodes(),
            decision_nodes: decision_nodes_per_player.iter().sum(),
            chance_nodes,
            terminal_nodes,
            decision_nodes_per_player,
            infostates_total: infostates_per_player.iter().sum(),
            infostates_per_player,
            max_depth_incl_chance: self.depth.iter().copied().max().unwrap_or(0) as usize,
        }
    }

    /// Heap bytes held by the compiled tree (all arrays and key strings).
    pub fn bytes(&self) -> usize {
        fn size<T>(vector: &[T]) -> usize {
            std::mem::size_of_val(vector)
        }
        size(&self.node_code)
            + size(&self.first_child)
            + size(&self.child_count)
            + size(&self.parent)
            + size(&self.action)
            + size(&self.depth)
            + size(&self.node_infoset)
            + size(&self.public_state)
            + size(&self.edge_probability)
            + size(&self.terminal_index)
            + size(&self.terminal_returns)
            + size(&self.infoset_player)
            + self
                .infoset_key
                .iter()
                .map(|key| key.len() + std::mem::size_of::<String>())
                .sum::<usize>()
            + size(&self.infoset_first_slot)
            + size(&self.slot_action)
            + size(&self.infoset_node_start)
            + size(&self.infoset_nodes)
            + size(&self.player_infoset_start)
            + self
                .public_state_key
                .iter()
                .map(|key| key.len() + std::mem::size_of::<String>())
                .sum::<usize>()
    }
}

impl CompiledTree {
    /// Compiles any [`Game`] breadth-first, e.g. a game derived from another one (a re-solving gadget,
    /// an abstraction) that a caller writes: the one way a `CompiledTree` is made. Refuses games that
    /// count more than [`MAX_NODES`] nodes before building anything, and rules the compiled form cannot
    /// hold ([`CompileError`]) with the node where they went wrong.
    pub fn from_game<G: Game + ?Sized>(game: &G) -> Result<CompiledTree, CompileError> {
        compile(game)
    }
}

/// Counts the nodes below (and including) `state` by walking only the first outcome of every chance
/// node and multiplying by the number of outcomes: exact for games whose tree shape does not depend on
/// which outcome chance picked (cards that decide payoffs but not the moves). Saturates at `u64::MAX`.
pub fn count_nodes_symmetric_chance<G: Game + ?Sized>(game: &G, state: &G::State) -> u64 {
    match game.turn(state) {
        Turn::Terminal => 1,
        Turn::Chance => {
            let outcomes = game.chance_outcomes(state);
            let Some(&(first, _)) = outcomes.first() else {
                return 1;
            };
            let mut child = state.clone();
            game.apply(&mut child, first);
            let below = count_nodes_symmetric_chance(game, &child);
            (outcomes.len() as u64)
                .saturating_mul(below)
                .saturating_add(1)
        }
        Turn::Player(_) => {
            let mut total: u64 = 1;
            for action in game.legal_actions(state) {
                let mut child = state.clone();
                game.apply(&mut child, action);
                total = total.saturating_add(count_nodes_symmetric_chance(game, &child));
            }
            total
        }
    }
}

/// Compiles `game` breadth-first into a [`CompiledTree`].
fn compile<G: Game + ?Sized>(game: &G) -> Result<CompiledTree, CompileError> {
    let n = game.num_players();
    let game_string = game.game_string();
    if !(2..=MAX_PLAYERS).contains(&n) {
        return Err(CompileError::PlayerCount {
            game: game_string,
            players: n,
            max: MAX_PLAYERS,
        });
    }
    // Counted before anything is allocated, so a huge game is refused at once, not after gigabytes.
    if let Some(nodes) = game.tree_size() {
        if nodes > MAX_NODES as u64 {
            return Err(CompileError::Oversized {
                game: game_string,
                nodes,
                limit: MAX_NODES,
            });
        }
    }
    let broken = |node: usize, what: String| CompileError::BrokenState {
        game: game.game_string(),
        node,
        what,
    };
    let mut tree = CompiledTree {
        game: game_string.clone(),
        num_players: n,
        node_code: Vec::new(),
        first_child: Vec::new(),
        child_count: Vec::new(),
        parent: vec![NodeId(0)],
        action: vec![Action::MAX],
        depth: vec![0],
        node_infoset: Vec::new(),
        public_state: Vec::new(),
        edge_probability: vec![1.0],
        terminal_index: Vec::new(),
        terminal_returns: Vec::new(),
        infoset_player: Vec::new(),
        infoset_key: Vec::new(),
        infoset_first_slot: Vec::new(),
        slot_action: Vec::new(),
        infoset_node_start: Vec::new(),
        infoset_nodes: Vec::new(),
        player_infoset_start: Vec::new(),
        public_state_key: Vec::new(),
        action_names: HashMap::new(),
    };
    // Information sets in discovery order; renumbered player by player at the end.
    let mut infoset_by_key: HashMap<String, u32> = HashMap::new();
    let mut discovered_player: Vec<u8> = Vec::new();
    let mut discovered_key: Vec<String> = Vec::new();
    let mut discovered_actions: Vec<Vec<Action>> = Vec::new();
    let mut public_by_key: HashMap<String, u32> = HashMap::new();

    let mut queue = std::collections::VecDeque::new();
    queue.push_back(game.initial_state());
    let mut next_id: usize = 1;
    while let Some(state) = queue.pop_front() {
        let node = tree.node_code.len();
        let public_key = game.public_state_key(&state);
        let next_public = public_by_key.len() as u32;
        let public = *public_by_key.entry(public_key.clone()).or_insert_with(|| {
            tree.public_state_key.push(public_key);
            next_public
        });
        tree.public_state.push(PublicStateId(public));
        let first_child = next_id as u32;
        let mut children: Vec<(Action, f64)> = Vec::new();
        let turn = game.turn(&state);
        match turn {
            Turn::Terminal => {
                tree.node_code.push(TERMINAL_CODE);
                tree.node_infoset.push(NO_INFOSET);
                tree.terminal_index
                    .push((tree.terminal_returns.len() / n.max(1)) as u32);
                let returns = game.returns(&state);
                if returns.len() != n || returns.iter().any(|value| !value.is_finite()) {
                    return Err(broken(
                        node,
                        format!("terminal payoffs {returns:?} are not {n} finite numbers"),
                    ));
                }
                tree.terminal_returns.extend_from_slice(&returns);
            }
            Turn::Chance => {
                tree.node_code.push(CHANCE_CODE);
                tree.node_infoset.push(NO_INFOSET);
                tree.terminal_index.push(u32::MAX);
                children = game.chance_outcomes(&state);
                let total: f64 = children.iter().map(|&(_, probability)| probability).sum();
                if children.is_empty()
                    || children.len() > MAX_CHILDREN
                    || children
                        .iter()
                        .any(|&(_, probability)| !(0.0..=1.0).contains(&probability))
                    || (total - 1.0).abs() > PROBABILITY_TOLERANCE
                {
                    return Err(broken(
                        node,
                        format!(
                            "chance outcomes are not a distribution ({} outcomes summing to {total})",
                            children.len()
                        ),
                    ));
                }
            }
            Turn::Player(player) => {
                if player >= n {
                    return Err(broken(
                        node,
                        format!("player {player} acts in a {n}-player game"),
                    ));
                }
                tree.node_code.push(player as u8);
                tree.terminal_index.push(u32::MAX);
                let key = game.info_state_key(&state, player);
                let actions = game.legal_actions(&state);
                if actions.is_empty()
                    || actions.len() > MAX_CHILDREN
                    || actions.windows(2).any(|pair| pair[0] >= pair[1])
                {
                    return Err(broken(
                        node,
                        format!(
                            "legal actions {actions:?} at '{key}' are not a non-empty increasing list"
                        ),
                    ));
                }
                let infoset = match infoset_by_key.get(&key) {
                    Some(&infoset) => {
                        let index = infoset as usize;
                        if discovered_player[index] as usize != player {
                            return Err(CompileError::InconsistentInfoSet {
                                game: game_string,
                                key,
                                what: "two players share the key",
                            });
                        }
                        if discovered_actions[index] != actions {
                            return Err(CompileError::InconsistentInfoSet {
                                game: game_string,
                                key,
                                what: "legal actions differ between its states",
                            });
                        }
                        infoset
                    }
                    None => {
                        let infoset = discovered_key.len() as u32;
                        infoset_by_key.insert(key.clone(), infoset);
                        discovered_player.push(player as u8);
                        discovered_key.push(key);
                        discovered_actions.push(actions.clone());
                        infoset
                    }
                };
                tree.node_infoset.push(infoset);
                children = actions.into_iter().map(|action| (action, 1.0)).collect();
            }
        }
        tree.first_child.push(first_child);
        tree.child_count.push(children.len() as u32);
        next_id += children.len();
        if next_id > MAX_NODES {
            return Err(CompileError::TooLarge {
                game: game_string,
                limit: MAX_NODES,
            });
        }
        let Some(depth) = tree.depth[node].checked_add(1) else {
            return Err(broken(
                node,
                format!("the tree is deeper than {} moves", u16::MAX),
            ));
        };
        for (action, probability) in children {
            if let Turn::Player(_) = turn {
                tree.action_names
                    .entry(action)
                    .or_insert_with(|| game.action_name(action));
            }
            let mut child = state.clone();
            game.apply(&mut child, action);
            queue.push_back(child);
            tree.parent.push(NodeId(node as u32));
            tree.action.push(action);
            tree.depth.push(depth);
            tree.edge_probability.push(probability);
        }
    }
    renumber_infosets(
        &mut tree,
        &discovered_player,
        discovered_key,
        discovered_actions,
    );
    Ok(tree)
}

/// Numbers information sets player by player and builds the slot and membership tables.
fn renumber_infosets(
    tree: &mut CompiledTree,
    discovered_player: &[u8],
    discovered_key: Vec<String>,
    discovered_actions: Vec<Vec<Action>>,
) {
    let n = tree.num_players;
    let mut order: Vec<usize> = (0..discovered_player.len()).collect();
    order.sort_by_key(|&index| (discovered_player[index], index));
    let mut new_id = vec![0u32; order.len()];
    for (position, &old) in order.iter().enumerate() {
        new_id[old] = position as u32;
    }
    let mut keys: Vec<Option<String>> = discovered_key.into_iter().map(Some).collect();
    tree.player_infoset_start = vec![0; n + 1];
    for &old in &order {
        tree.player_infoset_start[discovered_player[old] as usize + 1] += 1;
    }
    for player in 0..n {
        tree.player_infoset_start[player + 1] += tree.player_infoset_start[player];
    }
    tree.infoset_first_slot.push(0);
    for &old in &order {
        tree.infoset_player.push(discovered_player[old]);
        tree.infoset_key
            .push(keys[old].take().expect("each key moved once"));
        tree.slot_action.extend_from_slice(&discovered_actions[old]);
        tree.infoset_first_slot.push(tree.slot_action.len() as u32);
    }
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); order.len()];
    for (node, infoset) in tree.node_infoset.iter_mut().enumerate() {
        if *infoset != NO_INFOSET {
            *infoset = new_id[*infoset as usize];
            members[*infoset as usize].push(NodeId(node as u32));
        }
    }
    tree.infoset_node_start.push(0);
    for nodes in members {
        tree.infoset_nodes.extend_from_slice(&nodes);
        tree.infoset_node_start
            .push(tree.infoset_nodes.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-decision game broken in one chosen way.
    struct Broken(&'static str);

    impl Game for Broken {
        type State = Vec<Action>;

        fn game_string(&self) -> String {
            format!("broken({})", self.0)
        }
        fn num_players(&self) -> usize {
            if self.0 == "one player" {
                1
            } else {
                2
            }
        }
        fn initial_state(&self) -> Vec<Action> {
            Vec::new()
        }
        fn turn(&self, state: &Vec<Action>) -> Turn {
            match state.len() {
                0 => Turn::Chance,
                1 if self.0 == "actor" => Turn::Player(2),
                1 => Turn::Player(0),
                _ => Turn::Terminal,
            }
        }
        fn chance_outcomes(&self, _state: &Vec<Action>) -> Vec<(Action, f64)> {
            match self.0 {
                "chance" => vec![(0, 0.5), (1, 0.25)],
                "no outcomes" => Vec::new(),
                _ => vec![(0, 0.5), (1, 0.5)],
            }
        }
        fn legal_actions(&self, _state: &Vec<Action>) -> Vec<Action> {
            match self.0 {
                "order" => vec![1, 0],
                "no actions" => Vec::new(),
                _ => vec![0, 1],
            }
        }
        fn apply(&self, state: &mut Vec<Action>, action: Action) {
            state.push(action);
        }
        fn info_state_key(&self, state: &Vec<Action>, _player: usize) -> String {
            format!("{}", state[0])
        }
        fn public_state_key(&self, _state: &Vec<Action>) -> String {
            String::new()
        }
        fn returns(&self, _state: &Vec<Action>) -> Vec<f64> {
            match self.0 {
                "returns" => vec![1.0],
                "nan" => vec![f64::NAN, 0.0],
                _ => vec![1.0, -1.0],
            }
        }
        fn action_name(&self, action: Action) -> String {
            action.to_string()
        }
    }

    #[test]
    fn a_sound_derived_game_compiles() {
        let tree = CompiledTree::from_game(&Broken("nothing")).unwrap();
        assert_eq!(tree.num_nodes(), 7);
        assert_eq!(tree.num_infosets(), 2);
    }

    #[test]
    fn broken_games_are_refused_with_the_node() {
        for (how, node, expected) in [
            ("chance", 0, "not a distribution"),
            ("no outcomes", 0, "not a distribution"),
            ("order", 1, "increasing"),
            ("no actions", 1, "non-empty"),
            ("actor", 1, "player 2 acts"),
            ("returns", 3, "payoffs"),
            ("nan", 3, "finite"),
        ] {
            let error = CompiledTree::from_game(&Broken(how)).unwrap_err();
            match &error {
                CompileError::BrokenState { node: at, what, .. } => {
                    assert_eq!(*at, node, "{how}: {error}");
                    assert!(what.contains(expected), "{how}: {error}");
                }
                other => panic!("{how}: {other:?}"),
            }
        }
        assert!(matches!(
            CompiledTree::from_game(&Broken("one player")).unwrap_err(),
            CompileError::PlayerCount { players: 1, .. }
        ));
    }
}
