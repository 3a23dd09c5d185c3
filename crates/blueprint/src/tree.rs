//! The abstract betting tree, built once into flat arrays by walking ponder-holdem's engine (which
//! decides legality and chip amounts) through the configured sizes.

use ponder_holdem::{Action, Chips, Deal, HandState, Street, Table};
use thiserror::Error;

use crate::config::{BetSize, BlueprintConfig, MAX_ACTIONS, MAX_PLAYERS};

/// Largest tree the builder makes (nodes), so a runaway configuration stops with an error instead of
/// exhausting memory while the tree is built.
pub const MAX_NODES: usize = 200_000_000;

/// Street value of a terminal node.
pub const TERMINAL: u8 = 4;

/// One node of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    /// Decision: first regret slot (add `bucket * actions + action`); terminal: index into
    /// [`Tree::terminals`].
    pub offset: u64,
    /// Decision: index of its first edge in [`Tree::edges`].
    pub first_edge: u32,
    /// Seat to act (decision nodes).
    pub player: u8,
    /// Street 0-3, or [`TERMINAL`].
    pub street: u8,
    /// Number of actions (0 at terminals).
    pub actions: u8,
}

/// One action of the abstraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbstractAction {
    /// Fold.
    Fold,
    /// Check or call.
    CheckCall,
    /// Raise to `to` chips (this street's total bet); `size` indexes the depth's size list, so the same
    /// size can be recomputed at a real state; `all_in` when `to` is the whole stack.
    Raise {
        /// Raise-to amount in the tree.
        to: Chips,
        /// Index of the size in the configured list.
        size: u8,
        /// Whether the raise is all-in.
        all_in: bool,
    },
}

impl AbstractAction {
    /// The engine action.
    pub fn action(self) -> Action {
        match self {
            AbstractAction::Fold => Action::Fold,
            AbstractAction::CheckCall => Action::CheckCall,
            AbstractAction::Raise { to, .. } => Action::RaiseTo(to),
        }
    }
}

/// An edge: an action and the node it leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The action.
    pub action: AbstractAction,
    /// The child node.
    pub child: u32,
}

/// A terminal: who is still in and what everyone put in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terminal {
    /// Seats that did not fold (one seat: it wins the pot; more: showdown).
    pub live: u8,
    /// Chips each seat put in.
    pub contributions: [u32; MAX_PLAYERS],
    /// Total pot.
    pub pot: u32,
}

/// Why a tree could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TreeError {
    /// More nodes than [`MAX_NODES`].
    #[error("the betting tree has more than {MAX_NODES} nodes: use fewer sizes or raise depths")]
    TooLarge,
    /// More regret slots than addressable.
    #[error("the tree needs {0} regret slots, more than this build can address")]
    TooManySlots(u128),
}

/// The abstract betting tree in flat arrays.
#[derive(Clone, Debug)]
pub struct Tree {
    /// Nodes, root first (pre-order).
    pub nodes: Vec<Node>,
    /// Edges of the decision nodes, each node's contiguous.
    pub edges: Vec<Edge>,
    /// Terminals.
    pub terminals: Vec<Terminal>,
    /// Buckets per street the slots were laid out for.
    pub buckets: [u32; 4],
    /// Regret (and strategy) slots: the sum over decision nodes of actions x buckets.
    pub slots: u64,
}

/// Sizes of a tree, printed before training.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TreeStats {
    /// Decision nodes per street.
    pub decisions: [u64; 4],
    /// Terminal nodes.
    pub terminals: u64,
    /// Information sets (decision nodes x buckets of their street).
    pub infosets: u64,
    /// Regret slots (information sets x actions).
    pub slots: u64,
}

struct Builder<'a> {
    config: &'a BlueprintConfig,
    big_blind: Chips,
    tree: Tree,
}

impl Tree {
    /// Builds the tree of `config` with slots laid out for `buckets` per street.
    pub fn build(config: &BlueprintConfig, buckets: [u32; 4]) -> Result<Tree, TreeError> {
        let table = config.table();
        let root = root_state(&table);
        let mut builder = Builder {
            config,
            big_blind: table.config().big_blind,
            tree: Tree {
                nodes: Vec::new(),
                edges: Vec::new(),
                terminals: Vec::new(),
                buckets,
                slots: 0,
            },
        };
        builder.visit(root, 0)?;
        let mut tree = builder.tree;
        let mut slots: u128 = 0;
        for node in &mut tree.nodes {
            if node.street != TERMINAL {
                node.offset = slots as u64;
                slots += u128::from(node.actions) * u128::from(buckets[node.street as usize]);
            }
        }
        if slots > u128::from(u64::MAX >> 8) || usize::try_from(slots).is_err() {
            return Err(TreeError::TooManySlots(slots));
        }
        tree.slots = slots as u64;
        Ok(tree)
    }

    /// Counts per street, information sets and slots.
    pub fn stats(&self) -> TreeStats {
        let mut stats = TreeStats {
            slots: self.slots,
            ..TreeStats::default()
        };
        for node in &self.nodes {
            if node.street == TERMINAL {
                stats.terminals += 1;
            } else {
                stats.decisions[node.street as usize] += 1;
                stats.infosets += u64::from(self.buckets[node.street as usize]);
            }
        }
        stats
    }

    /// Bytes the tree's arrays take.
    pub fn bytes(&self) -> u64 {
        (self.nodes.len() * std::mem::size_of::<Node>()
            + self.edges.len() * std::mem::size_of::<Edge>()
            + self.terminals.len() * std::mem::size_of::<Terminal>()) as u64
    }

    /// The edges of a decision node.
    pub fn edges_of(&self, node: &Node) -> &[Edge] {
        let first = node.first_edge as usize;
        &self.edges[first..first + node.actions as usize]
    }

    /// Identifies the tree's shape and actions (FNV-1a over its arrays), so a strategy laid out for
    /// another tree is refused.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = crate::file::Fnv::new();
        for n in &self.nodes {
            hash.write(&n.offset.to_le_bytes());
            hash.write(&[n.player, n.street, n.actions]);
        }
        for e in &self.edges {
            let (kind, to) = match e.action {
                AbstractAction::Fold => (0u8, 0),
                AbstractAction::CheckCall => (1, 0),
                AbstractAction::Raise { to, .. } => (2, to),
            };
            hash.write(&[kind]);
            hash.write(&to.to_le_bytes());
            hash.write(&e.child.to_le_bytes());
        }
        hash.write(&self.slots.to_le_bytes());
        hash.finish()
    }
}

/// The hand at the start: blinds posted, first seat to act (cards are irrelevant to the betting).
pub fn root_state(table: &Table) -> HandState {
    HandState::new(table, Deal::shuffled(table.seats(), 0)).expect("a shuffled deal is valid")
}

/// Street index 0-3 of an engine street.
pub fn street_index(street: Street) -> u8 {
    match street {
        Street::Preflop => 0,
        Street::Flop => 1,
        Street::Turn => 2,
        Street::River => 3,
        Street::Over => TERMINAL,
    }
}

/// The abstract actions at a state with `depth` raises made on this street: fold (when facing a bet),
/// check/call, and each configured size rounded to chips, clamped into the legal range, duplicates
/// removed (the first size naming an amount keeps it). Returns how many were written.
pub fn abstract_actions(
    state: &HandState,
    sizes: &[Vec<Vec<BetSize>>; 4],
    depth: usize,
    big_blind: Chips,
    out: &mut [AbstractAction; MAX_ACTIONS],
) -> usize {
    let Some(legal) = state.legal() else {
        return 0;
    };
    let mut n = 0;
    if legal.can_fold {
        out[n] = AbstractAction::Fold;
        n += 1;
    }
    out[n] = AbstractAction::CheckCall;
    n += 1;
    let street = street_index(state.street()) as usize;
    if let (Some((min, max)), Some(list)) = (legal.raise, sizes[street].get(depth)) {
        let first_raise = n;
        for (index, size) in list.iter().enumerate() {
            let to = size
                .raise_to(state.pot(), legal.call, state.current_bet(), big_blind, max)
                .clamp(min, max);
            let seen = out[first_raise..n]
                .iter()
                .any(|a| matches!(a, AbstractAction::Raise { to: t, .. } if *t == to));
            if !seen && n < MAX_ACTIONS {
                out[n] = AbstractAction::Raise {
                    to,
                    size: index as u8,
                    all_in: to == max,
                };
                n += 1;
            }
        }
        out[first_raise..n].sort_by_key(|a| match a {
            AbstractAction::Raise { to, .. } => *to,
            _ => 0,
        });
    }
    n
}

impl Builder<'_> {
    /// Adds the subtree of `state` (with `depth` raises on this street) and returns its node index.
    fn visit(&mut self, state: HandState, depth: usize) -> Result<u32, TreeError> {
        if self.tree.nodes.len() >= MAX_NODES {
            return Err(TreeError::TooLarge);
        }
        let index = self.tree.nodes.len() as u32;
        if state.is_over() {
            let seats = state.seats();
            let mut terminal = Terminal {
                live: 0,
                contributions: [0; MAX_PLAYERS],
                pot: state.pot() as u32,
            };
            for seat in 0..seats {
                if !state.has_folded(seat) {
                    terminal.live |= 1 << seat;
                }
                terminal.contributions[seat] = state.contributions()[seat] as u32;
            }
            self.tree.nodes.push(Node {
                offset: self.tree.terminals.len() as u64,
                first_edge: 0,
                player: 0,
                street: TERMINAL,
                actions: 0,
            });
            self.tree.terminals.push(terminal);
            return Ok(index);
        }
        let mut actions = [AbstractAction::Fold; MAX_ACTIONS];
        let n = abstract_actions(
            &state,
            &self.config.sizes,
            depth,
            self.big_blind,
            &mut actions,
        );
        let first_edge = self.tree.edges.len() as u32;
        self.tree.nodes.push(Node {
            offset: 0,
            first_edge,
            player: state.to_act().expect("not over") as u8,
            street: street_index(state.street()),
            actions: n as u8,
        });
        for &action in &actions[..n] {
            self.tree.edges.push(Edge { action, child: 0 });
        }
        for (i, &action) in actions[..n].iter().enumerate() {
            let mut next = state;
            next.apply(action.action())
                .expect("abstract actions are legal by construction");
            let next_depth = if next.street() != state.street() {
                0
            } else if matches!(action, AbstractAction::Raise { .. }) {
                depth + 1
            } else {
                depth
            };
            let child = self.visit(next, next_depth)?;
            self.tree.edges[first_edge as usize + i].child = child;
        }
        Ok(index)
    }
}
