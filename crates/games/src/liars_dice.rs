//! Two-player liar's dice as in OpenSpiel (bidding rule reset-face, highest face wild).

use crate::{Action, Game, Turn};

/// Liar's dice with `dice` dice per player and `sides` faces (OpenSpiel default: 1 die, 6 sides).
#[derive(Debug, Clone)]
pub struct LiarsDice {
    dice: usize,
    sides: usize,
}

impl LiarsDice {
    /// Liar's dice with `dice` dice per player of `sides` faces each.
    pub fn new(dice: usize, sides: usize) -> Self {
        Self { dice, sides }
    }

    fn total_dice(&self) -> usize {
        2 * self.dice
    }

    /// The action id of calling "liar" (one past the highest bid).
    fn liar(&self) -> Action {
        (self.total_dice() * self.sides) as Action
    }

    fn quantity_face(&self, bid: Action) -> (usize, usize) {
        let bid = bid as usize;
        (bid / self.sides + 1, bid % self.sides + 1)
    }
}

/// A liar's dice position: dice rolled so far (player 0's first) and the bids.
#[derive(Debug, Clone)]
pub struct LiarsDiceState {
    rolls: Vec<u8>,
    bids: Vec<Action>,
    called: bool,
}

impl Game for LiarsDice {
    type State = LiarsDiceState;

    fn game_string(&self) -> String {
        let mut params = Vec::new();
        if self.dice != 1 {
            params.push(format!("dice={}", self.dice));
        }
        if self.sides != 6 {
            params.push(format!("dice_sides={}", self.sides));
        }
        format!("liars_dice({})", params.join(","))
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> LiarsDiceState {
        LiarsDiceState {
            rolls: Vec::with_capacity(self.total_dice()),
            bids: Vec::new(),
            called: false,
        }
    }

    fn turn(&self, state: &LiarsDiceState) -> Turn {
        if state.rolls.len() < self.total_dice() {
            Turn::Chance
        } else if state.called {
            Turn::Terminal
        } else {
            Turn::Player(state.bids.len() % 2)
        }
    }

    fn chance_outcomes(&self, _state: &LiarsDiceState) -> Vec<(Action, f64)> {
        let probability = 1.0 / self.sides as f64;
        (0..self.sides as Action)
            .map(|face| (face, probability))
            .collect()
    }

    fn legal_actions(&self, state: &LiarsDiceState) -> Vec<Action> {
        let first = state.bids.last().map_or(0, |&bid| bid + 1);
        let mut actions: Vec<Action> = (first..self.liar()).collect();
        if !state.bids.is_empty() {
            actions.push(self.liar());
        }
        actions
    }

    fn apply(&self, state: &mut LiarsDiceState, action: Action) {
        if state.rolls.len() < self.total_dice() {
            state.rolls.push(action as u8 + 1);
        } else if action == self.liar() {
            state.called = true;
        } else {
            state.bids.push(action);
        }
    }

    fn info_state_key(&self, state: &LiarsDiceState, player: usize) -> String {
        let own = &state.rolls[player * self.dice..(player + 1) * self.dice];
        let mut key: String = own.iter().map(|face| face.to_string()).collect();
        for &bid in &state.bids {
            let (quantity, face) = self.quantity_face(bid);
            key.push_str(&format!(" {quantity}-{face}"));
        }
        key
    }

    fn public_state_key(&self, state: &LiarsDiceState) -> String {
        state
            .bids
            .iter()
            .map(|&bid| {
                let (quantity, face) = self.quantity_face(bid);
                format!("{quantity}-{face}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn returns(&self, state: &LiarsDiceState) -> Vec<f64> {
        let bid = *state.bids.last().expect("liar is called after a bid");
        let (quantity, face) = self.quantity_face(bid);
        let wild = self.sides as u8;
        let count = state
            .rolls
            .iter()
            .filter(|&&roll| roll == face as u8 || roll == wild)
            .count();
        let bidder = (state.bids.len() - 1) % 2;
        let bidder_wins = count >= quantity;
        let mut returns = vec![0.0; 2];
        returns[bidder] = if bidder_wins { 1.0 } else { -1.0 };
        returns[1 - bidder] = -returns[bidder];
        returns
    }

    fn tree_size(&self) -> Option<u64> {
        // Dice are rolled one at a time: 1 + s + s² + ... chance nodes, s^d rolls. Below each roll, a
        // decision follows every strictly increasing bid sequence (2^B of them with B bids, the empty
        // one included) and "liar" ends each non-empty one (2^B − 1 terminals).
        let sides = self.sides as u64;
        let mut chance_nodes: u64 = 0;
        let mut rolls: u64 = 1;
        for _ in 0..self.total_dice() {
            chance_nodes = chance_nodes.saturating_add(rolls);
            rolls = rolls.saturating_mul(sides);
        }
        let bids = self.total_dice() * self.sides;
        let betting = 1u64
            .checked_shl(bids as u32 + 1)
            .map_or(u64::MAX, |power| power - 1);
        Some(chance_nodes.saturating_add(rolls.saturating_mul(betting)))
    }

    fn action_name(&self, action: Action) -> String {
        if action == self.liar() {
            "liar".to_string()
        } else {
            let (quantity, face) = self.quantity_face(action);
            format!("{quantity}-{face}")
        }
    }
}
