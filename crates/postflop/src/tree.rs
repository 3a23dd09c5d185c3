//! The public betting tree of one street sequence: who acts, which sizes are legal, where a street ends.
//! Built once from a [`TreeConfig`]; cards are dealt later by the solver's game tree.

use serde::{Deserialize, Serialize};

use crate::bet_size::BetSize;

/// A betting round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Street {
    /// Three board cards.
    Flop,
    /// Four board cards.
    Turn,
    /// Five board cards.
    River,
}

impl Street {
    /// 0 for the flop, 1 for the turn, 2 for the river.
    pub fn index(self) -> usize {
        match self {
            Street::Flop => 0,
            Street::Turn => 1,
            Street::River => 2,
        }
    }

    /// The street after this one.
    pub fn next(self) -> Option<Street> {
        match self {
            Street::Flop => Some(Street::Turn),
            Street::Turn => Some(Street::River),
            Street::River => None,
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Street::Flop => "flop",
            Street::Turn => "turn",
            Street::River => "river",
        }
    }

    /// The street a board of `len` cards is on.
    pub fn from_board_len(len: usize) -> Option<Street> {
        match len {
            3 => Some(Street::Flop),
            4 => Some(Street::Turn),
            5 => Some(Street::River),
            _ => None,
        }
    }
}

/// Which player: OOP acts first on every street.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Player {
    /// Out of position (player 0).
    Oop,
    /// In position (player 1).
    Ip,
}

impl Player {
    /// 0 for OOP, 1 for IP.
    pub fn index(self) -> usize {
        match self {
            Player::Oop => 0,
            Player::Ip => 1,
        }
    }

    /// The other player.
    pub fn opponent(self) -> Player {
        match self {
            Player::Oop => Player::Ip,
            Player::Ip => Player::Oop,
        }
    }

    /// Player from index 0/1.
    pub fn from_index(index: usize) -> Player {
        if index == 0 {
            Player::Oop
        } else {
            Player::Ip
        }
    }
}

/// The sizes one player may use on one street.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StreetSizes {
    /// Opening bets.
    pub bet: Vec<BetSize>,
    /// Raises.
    pub raise: Vec<BetSize>,
    /// Donk bets (OOP leading after calling on the previous street); `None` = use `bet`.
    pub donk: Option<Vec<BetSize>>,
}

/// Everything the betting tree depends on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeConfig {
    /// Street the spot starts on.
    pub first_street: Street,
    /// Pot at the start, in chips (both players contributed half).
    pub starting_pot: u32,
    /// Chips each player has behind at the start.
    pub effective_stack: u32,
    /// Sizes indexed `[street][player]`.
    pub sizes: [[StreetSizes; 2]; 3],
    /// Offer all-in as an extra action when it is at most this many pots.
    pub add_allin_threshold: f64,
    /// A bet becomes all-in when the stack behind after a call is at most this fraction of the pot.
    pub force_allin_threshold: f64,
    /// PioSOLVER's merging rule (0 disables).
    pub merging_threshold: f64,
    /// Most raises (after the opening bet) allowed per street; `None` = until all-in.
    pub raise_cap: Option<u32>,
}

/// One action of a player node; amounts are the player's total chips put in on this street after acting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Give up the pot.
    Fold,
    /// Pass without a bet faced.
    Check,
    /// Match the bet faced.
    Call,
    /// Open the betting to this street total.
    Bet(u32),
    /// Raise to this street total.
    Raise(u32),
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Fold => write!(f, "fold"),
            Action::Check => write!(f, "check"),
            Action::Call => write!(f, "call"),
            Action::Bet(n) => write!(f, "bet {n}"),
            Action::Raise(n) => write!(f, "raise {n}"),
        }
    }
}

/// Index of a node in an [`ActionTree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActionNodeId(pub u32);

/// What happens at a node of the betting tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionNodeKind {
    /// A player chooses among `actions`.
    Player(Player),
    /// The next street's card is dealt (its child is the next street's first node).
    Chance(Street),
    /// The given player folded.
    Fold(Player),
    /// Cards are shown down.
    Showdown,
}

/// A node of the betting tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionNode {
    /// What happens here.
    pub kind: ActionNodeKind,
    /// The street being played (for a chance node: the street being dealt).
    pub street: Street,
    /// Chips each player has put in beyond the starting pot.
    pub committed: [u32; 2],
    /// Actions (player nodes only), parallel to `children`.
    pub actions: Vec<Action>,
    /// Children (one for chance nodes, one per action for player nodes).
    pub children: Vec<ActionNodeId>,
}

impl ActionNode {
    /// Total pot in chips.
    pub fn pot(&self, starting_pot: u32) -> u32 {
        starting_pot + self.committed[0] + self.committed[1]
    }
}

/// Node counts per street, the way solvers usually report them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreetCounts {
    /// Nodes per street (flop, turn, river).
    pub per_street: [u64; 3],
}

impl StreetCounts {
    /// Sum over streets.
    pub fn total(&self) -> u64 {
        self.per_street.iter().sum()
    }
}

/// Most nodes a betting tree may have (before cards are dealt): far above real spots (the bench's flop
/// spot has a few thousand), low enough to build in a moment.
pub const MAX_ACTION_NODES: usize = 2_000_000;

/// Most nodes on a path from the root to a leaf (chance and terminal nodes included). Building, dealing,
/// solving and browsing a tree all recurse once per level, and every frame on that path must fit a rayon
/// worker's 2 MiB stack: a debug build's iteration takes about 8.5 KiB per level (it overflowed 2 MiB
/// between 238 and 253 levels; a release build between 803 and 1,003), so 128 levels use about half of
/// it. Real spots stay far below (a few dozen levels); `tests/reliability.rs` solves one at the bound.
pub const MAX_TREE_DEPTH: usize = 128;

/// A betting tree over [`MAX_ACTION_NODES`] nodes or [`MAX_TREE_DEPTH`] levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TreeTooLarge {
    /// More than `limit` nodes.
    #[error(
        "the betting tree has more than {limit} nodes before any card is dealt; use fewer bet or raise \
         sizes, a raise cap (raise_cap) or a smaller stack"
    )]
    Nodes {
        /// The node limit.
        limit: usize,
    },
    /// A line of play longer than `limit` nodes.
    #[error(
        "effective_stack: the betting tree would be more than {limit} actions deep (bets and raises of a \
         few chips against a stack of {stack}); use larger bet or raise sizes, a raise cap (raise_cap) or \
         a smaller stack"
    )]
    Depth {
        /// The depth limit.
        limit: usize,
        /// The effective stack, in chips.
        stack: u32,
    },
}

/// The public betting tree: nodes in preorder, root first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionTree {
    /// The rules it was built from.
    pub config: TreeConfig,
    /// Nodes in preorder.
    pub nodes: Vec<ActionNode>,
}

/// Betting state while building.
#[derive(Clone, Copy, Debug)]
struct BuildState {
    street: Street,
    to_act: Player,
    committed: [u32; 2],
    street_bet: [u32; 2],
    raises: u32,
    oop_called_last_street: bool,
    /// Number of player actions so far on this street.
    actions_this_street: u32,
    /// Nodes on the path from the root to the node being built (the root is 1).
    depth: usize,
}

impl ActionTree {
    /// Builds the tree for `config`, or refuses one of more than [`MAX_ACTION_NODES`] nodes or
    /// [`MAX_TREE_DEPTH`] levels (sizes and stacks from a spot file can ask for an astronomically large
    /// tree, or, with raises of one chip, a line of play thousands of actions long).
    pub fn try_build(config: TreeConfig) -> Result<ActionTree, TreeTooLarge> {
        let tree = ActionTree::build(config);
        if tree.nodes.len() > MAX_ACTION_NODES {
            return Err(TreeTooLarge::Nodes {
                limit: MAX_ACTION_NODES,
            });
        }
        if tree.depth() > MAX_TREE_DEPTH {
            return Err(TreeTooLarge::Depth {
                limit: MAX_TREE_DEPTH,
                stack: tree.config.effective_stack,
            });
        }
        Ok(tree)
    }

    /// Nodes on the longest path from the root to a leaf (computed without recursion).
    pub fn depth(&self) -> usize {
        // Preorder: a child comes after its parent, so one forward pass sees every parent's depth first.
        let mut depth = vec![0usize; self.nodes.len()];
        let mut deepest = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            if depth[i] == 0 {
                depth[i] = 1;
            }
            deepest = deepest.max(depth[i]);
            for child in &node.children {
                depth[child.0 as usize] = depth[i] + 1;
            }
        }
        deepest
    }

    /// Builds the tree for `config` (for configurations known to be small; user input goes through
    /// [`ActionTree::try_build`]: past [`MAX_ACTION_NODES`] nodes or [`MAX_TREE_DEPTH`] levels this tree
    /// is cut short).
    pub fn build(config: TreeConfig) -> ActionTree {
        let mut tree = ActionTree {
            config,
            nodes: Vec::new(),
        };
        let state = BuildState {
            street: tree.config.first_street,
            to_act: Player::Oop,
            committed: [0, 0],
            street_bet: [0, 0],
            raises: 0,
            oop_called_last_street: false,
            actions_this_street: 0,
            depth: 1,
        };
        tree.build_player(state);
        tree
    }

    /// The root.
    pub fn root(&self) -> ActionNodeId {
        ActionNodeId(0)
    }

    /// A node by id.
    pub fn node(&self, id: ActionNodeId) -> &ActionNode {
        &self.nodes[id.0 as usize]
    }

    fn push(&mut self, node: ActionNode) -> ActionNodeId {
        self.nodes.push(node);
        ActionNodeId(self.nodes.len() as u32 - 1)
    }

    fn remaining(&self, committed: u32) -> u32 {
        self.config.effective_stack - committed
    }

    fn build_player(&mut self, state: BuildState) -> ActionNodeId {
        let player = state.to_act;
        let actions = self.legal_actions(&state);
        let id = self.push(ActionNode {
            kind: ActionNodeKind::Player(player),
            street: state.street,
            committed: state.committed,
            actions: actions.clone(),
            children: Vec::new(),
        });
        if self.nodes.len() > MAX_ACTION_NODES || state.depth > MAX_TREE_DEPTH {
            // Stop growing (and recursing); `try_build` refuses the tree.
            return id;
        }
        let mut children = Vec::with_capacity(actions.len());
        for &action in &actions {
            let child = self.build_after(state, action);
            children.push(child);
        }
        self.nodes[id.0 as usize].children = children;
        id
    }

    fn build_after(&mut self, state: BuildState, action: Action) -> ActionNodeId {
        let p = state.to_act.index();
        let q = 1 - p;
        let mut next = state;
        next.actions_this_street += 1;
        next.depth += 1;
        next.to_act = state.to_act.opponent();
        match action {
            Action::Fold => self.push(ActionNode {
                kind: ActionNodeKind::Fold(state.to_act),
                street: state.street,
                committed: state.committed,
                actions: Vec::new(),
                children: Vec::new(),
            }),
            Action::Check => {
                if state.to_act == Player::Oop {
                    self.build_player(next)
                } else {
                    self.end_street(state.committed, state.street, false, next.depth)
                }
            }
            Action::Call => {
                let added = state.street_bet[q] - state.street_bet[p];
                let mut committed = state.committed;
                committed[p] += added;
                let oop_called = state.to_act == Player::Oop;
                self.end_street(committed, state.street, oop_called, next.depth)
            }
            Action::Bet(to) | Action::Raise(to) => {
                let added = to - state.street_bet[p];
                next.committed[p] += added;
                next.street_bet[p] = to;
                if matches!(action, Action::Raise(_)) {
                    next.raises += 1;
                }
                self.build_player(next)
            }
        }
    }

    fn end_street(
        &mut self,
        committed: [u32; 2],
        street: Street,
        oop_called: bool,
        depth: usize,
    ) -> ActionNodeId {
        let Some(next_street) = street.next() else {
            return self.push(ActionNode {
                kind: ActionNodeKind::Showdown,
                street,
                committed,
                actions: Vec::new(),
                children: Vec::new(),
            });
        };
        let id = self.push(ActionNode {
            kind: ActionNodeKind::Chance(next_street),
            street: next_street,
            committed,
            actions: Vec::new(),
            children: Vec::new(),
        });
        let all_in = self.remaining(committed[0]) == 0 || self.remaining(committed[1]) == 0;
        let child = if all_in {
            self.end_street(committed, next_street, false, depth + 1)
        } else {
            self.build_player(BuildState {
                street: next_street,
                to_act: Player::Oop,
                committed,
                street_bet: [0, 0],
                raises: 0,
                oop_called_last_street: oop_called,
                actions_this_street: 0,
                depth: depth + 1,
            })
        };
        self.nodes[id.0 as usize].children = vec![child];
        id
    }

    fn legal_actions(&self, state: &BuildState) -> Vec<Action> {
        let p = state.to_act.index();
        let q = 1 - p;
        let config = &self.config;
        let sizes = &config.sizes[state.street.index()][p];
        let pot = (config.starting_pot + state.committed[0] + state.committed[1]) as f64;
        let stack_p = self.remaining(state.committed[p]);
        let allin_to = state.street_bet[p] + stack_p;
        let streets_left = (2 - state.street.index() + 1) as i32;
        let mut actions = Vec::new();
        let to_call = state.street_bet[q] - state.street_bet[p];
        if to_call == 0 {
            actions.push(Action::Check);
            let is_donk = state.to_act == Player::Oop
                && state.oop_called_last_street
                && state.actions_this_street == 0;
            let list = match (&sizes.donk, is_donk) {
                (Some(donk), true) => donk,
                _ => &sizes.bet,
            };
            if stack_p == 0 {
                return actions;
            }
            let mut amounts: Vec<u32> = Vec::new();
            for size in list {
                let raw = match *size {
                    BetSize::PotRelative(f) => f * pot,
                    BetSize::PrevBetRelative(_) => continue,
                    BetSize::Geometric => {
                        geometric_fraction(stack_p as f64, pot, streets_left) * pot
                    }
                    BetSize::AllIn => allin_to as f64,
                    BetSize::Additive(n) => n as f64,
                };
                amounts.push(round_chips(raw).clamp(1, allin_to));
            }
            let amounts = self.finish_sizes(amounts, pot, 0, 0, allin_to, stack_p);
            actions.extend(amounts.into_iter().map(Action::Bet));
        } else {
            actions.push(Action::Fold);
            actions.push(Action::Call);
            let stack_q = self.remaining(state.committed[q]);
            let capped = config.raise_cap.is_some_and(|cap| state.raises >= cap);
            if stack_p > to_call && stack_q > 0 && !capped {
                let faced = state.street_bet[q];
                let pot_after_call = pot + to_call as f64;
                let min_to = (faced + to_call.max(1)).min(allin_to);
                let mut amounts: Vec<u32> = Vec::new();
                for size in &sizes.raise {
                    let raw = match *size {
                        BetSize::PotRelative(f) => faced as f64 + f * pot_after_call,
                        BetSize::PrevBetRelative(x) => x * faced as f64,
                        BetSize::Geometric => {
                            let stack_after_call = (stack_p - to_call) as f64;
                            faced as f64
                                + geometric_fraction(stack_after_call, pot_after_call, streets_left)
                                    * pot_after_call
                        }
                        BetSize::AllIn => allin_to as f64,
                        BetSize::Additive(n) => faced as f64 + n as f64,
                    };
                    amounts.push(round_chips(raw).clamp(min_to, allin_to));
                }
                let amounts = self.finish_sizes(
                    amounts,
                    pot_after_call,
                    faced,
                    state.street_bet[p],
                    allin_to,
                    stack_p,
                );
                actions.extend(amounts.into_iter().map(Action::Raise));
            }
        }
        actions
    }

    /// Applies force-all-in, add-all-in and merging, then sorts and removes duplicates. Amounts are street
    /// totals; `base` is the bet faced (0 for a bet) and `pot` the pot after calling it.
    fn finish_sizes(
        &self,
        amounts: Vec<u32>,
        pot: f64,
        base: u32,
        own_bet: u32,
        allin_to: u32,
        stack: u32,
    ) -> Vec<u32> {
        let config = &self.config;
        let _ = own_bet;
        let mut amounts: Vec<u32> = amounts
            .into_iter()
            .map(|to| {
                // Stack behind after the opponent calls, against the pot after that call.
                let extra = (to - base) as f64;
                let behind = (allin_to - to) as f64;
                let pot_after = pot + 2.0 * extra;
                if behind <= config.force_allin_threshold * pot_after {
                    allin_to
                } else {
                    to
                }
            })
            .collect();
        let allin_extra = (allin_to - base) as f64;
        if stack > 0
            && allin_extra <= config.add_allin_threshold * pot
            && !amounts.contains(&allin_to)
        {
            amounts.push(allin_to);
        }
        amounts.sort_unstable();
        amounts.dedup();
        if config.merging_threshold > 0.0 && amounts.len() > 1 {
            // Largest first; keep a size only if it is far enough below the last kept one.
            let ratio = |to: u32| (to - base) as f64 / pot;
            let mut kept: Vec<u32> = Vec::new();
            for &to in amounts.iter().rev() {
                match kept.last() {
                    Some(&last) if to != allin_to => {
                        let x = ratio(last);
                        let y = ratio(to);
                        if (1.0 + x) / (1.0 + y) >= 1.0 + config.merging_threshold {
                            kept.push(to);
                        }
                    }
                    _ => kept.push(to),
                }
            }
            kept.sort_unstable();
            amounts = kept;
        }
        amounts
    }

    /// Node counts of the betting tree itself, per street (a chance node counts on the street it deals).
    pub fn counts(&self) -> StreetCounts {
        let mut counts = StreetCounts::default();
        for node in &self.nodes {
            counts.per_street[node.street.index()] += 1;
        }
        counts
    }
}

/// The pot fraction f with (1 + 2f)^streets = 1 + 2 stack / pot.
pub fn geometric_fraction(stack: f64, pot: f64, streets: i32) -> f64 {
    if pot <= 0.0 || streets <= 0 {
        return 0.0;
    }
    ((1.0 + 2.0 * stack / pot).powf(1.0 / streets as f64) - 1.0) / 2.0
}

fn round_chips(x: f64) -> u32 {
    if x <= 0.0 {
        0
    } else {
        x.round().min(u32::MAX as f64) as u32
    }
}
