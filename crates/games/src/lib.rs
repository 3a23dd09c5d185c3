//! Games of hidden information described once as state machines ([`Game`]), parsed from OpenSpiel-style
//! game strings ([`parse_game`]), and compiled once into a flat tree ([`CompiledTree`]) on which every
//! solver, best response and search runs.
//!
//! Adding a game means writing one file with a type implementing [`Game`] and adding one row to
//! [`registry::GAMES`]. Nothing here assumes two players or zero-sum payoffs.
//!
//! ```
//! let game = ponder_games::parse_game("kuhn_poker(players=3)").unwrap();
//! let tree = game.compile().unwrap();
//! assert_eq!(tree.num_nodes(), 617);
//! ```

#![forbid(unsafe_code)]

mod goofspiel;
mod kuhn;
mod leduc;
mod liars_dice;
mod params;
pub mod registry;
mod shapley;
mod tree;

pub use goofspiel::Goofspiel;
pub use kuhn::KuhnPoker;
pub use leduc::{LeducPoker, LEDUC_MAX_PLAYERS};
pub use liars_dice::LiarsDice;
pub use params::{GameStringError, ParamValue, Params};
pub use registry::{parse_game, GameError};
pub use shapley::ShapleyGame;
pub use tree::{
    count_nodes_symmetric_chance, CompileError, CompiledTree, InfoSetId, NodeId, NodeKind,
    PublicStateId, TreeStats, CHANCE_CODE, MAX_NODES, MAX_PLAYERS, TERMINAL_CODE,
};

/// A game action: a small non-negative integer whose meaning each game documents (e.g. Leduc 0=fold).
pub type Action = u32;

/// Whose move it is in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Nature moves with known probabilities ([`Game::chance_outcomes`]).
    Chance,
    /// The given player (0-based) chooses among [`Game::legal_actions`].
    Player(usize),
    /// The game is over; [`Game::returns`] gives the payoffs.
    Terminal,
}

/// Rules of a game as a state machine: the only thing a new game has to provide.
///
/// Requirements the compiler checks: perfect recall is the game's responsibility, but every state that
/// shares an information-state key must have the same acting player and the same legal actions, and keys
/// of different players must differ (policies are keyed by them alone).
pub trait Game {
    /// A position in the game (history plus whatever the rules need to evaluate it cheaply).
    type State: Clone;

    /// Canonical OpenSpiel-style game string, e.g. `kuhn_poker(players=3)`.
    fn game_string(&self) -> String;
    /// Number of players (chance is not a player).
    fn num_players(&self) -> usize;
    /// The state before any move (usually a chance node dealing cards).
    fn initial_state(&self) -> Self::State;
    /// Who moves in `state`.
    fn turn(&self, state: &Self::State) -> Turn;
    /// Chance outcomes with their probabilities (summing to 1), in the order children are compiled.
    fn chance_outcomes(&self, state: &Self::State) -> Vec<(Action, f64)>;
    /// Legal actions of the player to move, in increasing order.
    fn legal_actions(&self, state: &Self::State) -> Vec<Action>;
    /// Applies `action` (a legal action or a chance outcome) to `state`.
    fn apply(&self, state: &mut Self::State, action: Action);
    /// Information-state key of the player to move, as documented in `games.json`.
    fn info_state_key(&self, state: &Self::State, player: usize) -> String;
    /// Key of the public state: everything all players observe (used to group nodes for subgames).
    fn public_state_key(&self, state: &Self::State) -> String;
    /// Payoffs per player at a terminal state (money at end minus money at start, or win/loss units).
    fn returns(&self, state: &Self::State) -> Vec<f64>;
    /// Short human-readable name of `action` (e.g. `r` for a Leduc raise).
    fn action_name(&self, action: Action) -> String;
    /// Number of nodes of the whole tree, if the game can count it without building it (exact, or a
    /// lower bound when it saturates at `u64::MAX`). The compiler refuses a game whose count exceeds
    /// [`MAX_NODES`] before allocating anything; `None` (the default) leaves only its running cap.
    fn tree_size(&self) -> Option<u64> {
        None
    }
}

/// A parsed game that can be compiled, independent of its state type (what [`parse_game`] returns).
pub trait GameDescription: Send + Sync {
    /// Canonical game string (parameters spelled out).
    fn game_string(&self) -> String;
    /// Number of players.
    fn num_players(&self) -> usize;
    /// Number of nodes of the whole tree when the game can count it cheaply ([`Game::tree_size`]).
    fn tree_size(&self) -> Option<u64>;
    /// Compiles the whole game tree into flat arrays.
    fn compile(&self) -> Result<CompiledTree, CompileError>;
}

impl<G: Game + Send + Sync> GameDescription for G {
    fn game_string(&self) -> String {
        Game::game_string(self)
    }
    fn num_players(&self) -> usize {
        Game::num_players(self)
    }
    fn tree_size(&self) -> Option<u64> {
        Game::tree_size(self)
    }
    fn compile(&self) -> Result<CompiledTree, CompileError> {
        CompiledTree::from_game(self)
    }
}
