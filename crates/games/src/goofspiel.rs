//! Imperfect-information Goofspiel played turn by turn, as OpenSpiel's
//! `turn_based_simultaneous_game(game=goofspiel(imp_info=True,points_order=descending))`.

use crate::{Action, Game, Turn};

/// Goofspiel with `num_cards` cards per player; prizes N..1 in descending order, win/loss returns.
#[derive(Debug, Clone)]
pub struct Goofspiel {
    num_cards: usize,
}

impl Goofspiel {
    /// Goofspiel with `num_cards` cards per player.
    pub fn new(num_cards: usize) -> Self {
        Self { num_cards }
    }
}

/// A Goofspiel position; player 0 bids first each turn, player 1 without seeing that bid.
#[derive(Debug, Clone)]
pub struct GoofspielState {
    /// Cards (1-based) each player has bid, in order.
    bids: [Vec<u8>; 2],
    /// Per finished turn: `'0'`/`'1'` for the winner of the prize, `'='` for a tie.
    winners: String,
    points: [u32; 2],
}

impl GoofspielState {
    fn in_hand(&self, player: usize, card: u8) -> bool {
        !self.bids[player].contains(&card)
    }
}

impl Goofspiel {
    fn resolve_turn(&self, state: &mut GoofspielState) {
        let turn = state.winners.len();
        let prize = (self.num_cards - turn) as u32;
        let (bid0, bid1) = (state.bids[0][turn], state.bids[1][turn]);
        let winner = match bid0.cmp(&bid1) {
            std::cmp::Ordering::Greater => Some(0),
            std::cmp::Ordering::Less => Some(1),
            std::cmp::Ordering::Equal => None,
        };
        match winner {
            Some(player) => {
                state.points[player] += prize;
                state.winners.push(if player == 0 { '0' } else { '1' });
            }
            None => state.winners.push('='),
        }
    }
}

impl Game for Goofspiel {
    type State = GoofspielState;

    fn game_string(&self) -> String {
        format!("goofspiel(num_cards={})", self.num_cards)
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> GoofspielState {
        GoofspielState {
            bids: [Vec::new(), Vec::new()],
            winners: String::new(),
            points: [0, 0],
        }
    }

    fn turn(&self, state: &GoofspielState) -> Turn {
        if state.winners.len() == self.num_cards {
            Turn::Terminal
        } else if state.bids[0].len() == state.bids[1].len() {
            Turn::Player(0)
        } else {
            Turn::Player(1)
        }
    }

    fn chance_outcomes(&self, _state: &GoofspielState) -> Vec<(Action, f64)> {
        Vec::new()
    }

    fn legal_actions(&self, state: &GoofspielState) -> Vec<Action> {
        let player = if state.bids[0].len() == state.bids[1].len() {
            0
        } else {
            1
        };
        (1..=self.num_cards as u8)
            .filter(|&card| state.in_hand(player, card))
            .map(|card| Action::from(card - 1))
            .collect()
    }

    fn apply(&self, state: &mut GoofspielState, action: Action) {
        let player = if state.bids[0].len() == state.bids[1].len() {
            0
        } else {
            1
        };
        state.bids[player].push(action as u8 + 1);
        if player == 1 {
            self.resolve_turn(state);
            // With one card left each, the last turn plays itself.
            if state.winners.len() == self.num_cards - 1 {
                for player in 0..2 {
                    let last = (1..=self.num_cards as u8)
                        .find(|&card| state.in_hand(player, card))
                        .expect("one card left");
                    state.bids[player].push(last);
                }
                self.resolve_turn(state);
            }
        }
    }

    fn info_state_key(&self, state: &GoofspielState, player: usize) -> String {
        let bids: Vec<String> = state.bids[player].iter().map(|c| c.to_string()).collect();
        format!("p{player}|{}|{}", bids.join(","), state.winners)
    }

    fn public_state_key(&self, state: &GoofspielState) -> String {
        let to_act = if state.bids[0].len() == state.bids[1].len() {
            0
        } else {
            1
        };
        format!("{}|p{to_act}", state.winners)
    }

    fn returns(&self, state: &GoofspielState) -> Vec<f64> {
        match state.points[0].cmp(&state.points[1]) {
            std::cmp::Ordering::Greater => vec![1.0, -1.0],
            std::cmp::Ordering::Less => vec![-1.0, 1.0],
            std::cmp::Ordering::Equal => vec![0.0, 0.0],
        }
    }

    fn action_name(&self, action: Action) -> String {
        format!("{}", action + 1)
    }

    fn tree_size(&self) -> Option<u64> {
        // Before turn t, (N!/(N−t)!)² bid histories; each is a decision of player 0, then N − t
        // decisions of player 1. The last turn plays itself, so the histories after turn N − 2 are the
        // terminals.
        let cards = self.num_cards as u64;
        let mut histories: u64 = 1;
        let mut nodes: u64 = 0;
        for turn in 0..cards.saturating_sub(1) {
            let left = cards - turn;
            nodes = nodes.saturating_add(histories.saturating_mul(1 + left));
            histories = histories.saturating_mul(left * left);
        }
        Some(nodes.saturating_add(histories))
    }
}
