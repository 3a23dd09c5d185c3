//! Shapley's 3×3 game (1964) as a one-shot extensive-form game, the version ponder's scaling lab uses.
//!
//! Not OpenSpiel's `matrix_shapleys_game`, hence its own name: OpenSpiel pays the row player 1 when its
//! rock/paper/scissors action beats the column's (cells (0,2), (1,0), (2,1)), ponder pays it on the
//! diagonal; the column player's payoffs (1 at (0,1), (1,2), (2,0)) agree. The two classic games are the
//! same up to relabelling actions (rows 0,1,2 → 0,2,1; columns → 2,1,0), but ponder also offers a
//! weighted diagonal that OpenSpiel does not, its actions are named `a`/`b`/`c`, and it is played
//! turn-based (the column player does not see the row player's move) rather than simultaneously.

use crate::{Action, Game, Turn};

/// Shapley's 3×3 game: the row player moves, then the column player without seeing it. Row payoff
/// `diagonal[i]` on the diagonal, column payoff 1 one step right of it. With the classic diagonal
/// (1, 1, 1) the unique Nash equilibrium is uniform for both, which is exactly where CFR starts, so
/// self-play never moves; the weighted variant (1, 2, 3) has the same cyclic structure with the
/// equilibrium away from the start (column ∝ (6, 3, 2)/11, row uniform).
#[derive(Debug, Clone)]
pub struct ShapleyGame {
    diagonal: [f64; 3],
}

impl ShapleyGame {
    /// Shapley's original game (`shapley_3x3`).
    pub fn classic() -> Self {
        Self {
            diagonal: [1.0, 1.0, 1.0],
        }
    }

    /// The variant with row diagonal payoffs (1, 2, 3) (`shapley_3x3(weighted=true)`).
    pub fn weighted() -> Self {
        Self {
            diagonal: [1.0, 2.0, 3.0],
        }
    }
}

/// Column player's payoffs, `[row][column]`.
const SHAPLEY_COLUMN: [[f64; 3]; 3] = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]];

/// A Shapley position: the moves made so far (row's first).
#[derive(Debug, Clone, Default)]
pub struct ShapleyState {
    moves: Vec<u8>,
}

impl Game for ShapleyGame {
    type State = ShapleyState;

    fn game_string(&self) -> String {
        if self.diagonal == [1.0, 1.0, 1.0] {
            "shapley_3x3()".to_string()
        } else {
            "shapley_3x3(weighted=true)".to_string()
        }
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> ShapleyState {
        ShapleyState::default()
    }

    fn turn(&self, state: &ShapleyState) -> Turn {
        if state.moves.len() < 2 {
            Turn::Player(state.moves.len())
        } else {
            Turn::Terminal
        }
    }

    fn chance_outcomes(&self, _state: &ShapleyState) -> Vec<(Action, f64)> {
        Vec::new()
    }

    fn legal_actions(&self, _state: &ShapleyState) -> Vec<Action> {
        vec![0, 1, 2]
    }

    fn apply(&self, state: &mut ShapleyState, action: Action) {
        state.moves.push(action as u8);
    }

    fn info_state_key(&self, _state: &ShapleyState, player: usize) -> String {
        format!("p{player}")
    }

    fn public_state_key(&self, state: &ShapleyState) -> String {
        // The row move is hidden: both decisions share the empty public history.
        if state.moves.len() < 2 {
            String::new()
        } else {
            "end".to_string()
        }
    }

    fn returns(&self, state: &ShapleyState) -> Vec<f64> {
        let (row, column) = (state.moves[0] as usize, state.moves[1] as usize);
        let row_payoff = if row == column {
            self.diagonal[row]
        } else {
            0.0
        };
        vec![row_payoff, SHAPLEY_COLUMN[row][column]]
    }

    fn action_name(&self, action: Action) -> String {
        ["a", "b", "c"][action as usize % 3].to_string()
    }

    fn tree_size(&self) -> Option<u64> {
        Some(1 + 3 + 9)
    }
}
