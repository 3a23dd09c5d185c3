//! Kuhn poker for 2..=5 players, as in OpenSpiel: `players + 1` cards, ante 1, one bet of 1.

use crate::{Action, Game, Turn};

/// Kuhn poker with `players` players (OpenSpiel rules; see `games.json` conventions).
#[derive(Debug, Clone)]
pub struct KuhnPoker {
    players: usize,
}

impl KuhnPoker {
    /// Kuhn poker for `players` players (2..=5; the registry checks the range).
    pub fn new(players: usize) -> Self {
        Self { players }
    }
}

/// Action 0: pass (check or fold).
const PASS: Action = 0;
/// Action 1: bet (bet or call).
const BET: Action = 1;

/// A Kuhn poker position: cards dealt so far and the betting actions.
#[derive(Debug, Clone)]
pub struct KuhnState {
    cards: Vec<u8>,
    actions: Vec<u8>,
    first_bettor: Option<usize>,
}

impl Game for KuhnPoker {
    type State = KuhnState;

    fn game_string(&self) -> String {
        if self.players == 2 {
            "kuhn_poker()".to_string()
        } else {
            format!("kuhn_poker(players={})", self.players)
        }
    }

    fn num_players(&self) -> usize {
        self.players
    }

    fn initial_state(&self) -> KuhnState {
        KuhnState {
            cards: Vec::with_capacity(self.players),
            actions: Vec::new(),
            first_bettor: None,
        }
    }

    fn turn(&self, state: &KuhnState) -> Turn {
        let n = self.players;
        if state.cards.len() < n {
            return Turn::Chance;
        }
        let acted = state.actions.len();
        let over = match state.first_bettor {
            None => acted == n,
            // Everyone after the bettor responds exactly once.
            Some(bettor) => acted == n + bettor,
        };
        if over {
            Turn::Terminal
        } else {
            Turn::Player(acted % n)
        }
    }

    fn chance_outcomes(&self, state: &KuhnState) -> Vec<(Action, f64)> {
        let remaining: Vec<Action> = (0..=self.players as Action)
            .filter(|card| !state.cards.contains(&(*card as u8)))
            .collect();
        let probability = 1.0 / remaining.len() as f64;
        remaining
            .into_iter()
            .map(|card| (card, probability))
            .collect()
    }

    fn legal_actions(&self, _state: &KuhnState) -> Vec<Action> {
        vec![PASS, BET]
    }

    fn apply(&self, state: &mut KuhnState, action: Action) {
        if state.cards.len() < self.players {
            state.cards.push(action as u8);
            return;
        }
        if action == BET && state.first_bettor.is_none() {
            state.first_bettor = Some(state.actions.len() % self.players);
        }
        state.actions.push(action as u8);
    }

    fn info_state_key(&self, state: &KuhnState, player: usize) -> String {
        let mut key = state.cards[player].to_string();
        key.push_str(&history(state));
        key
    }

    fn public_state_key(&self, state: &KuhnState) -> String {
        history(state)
    }

    fn returns(&self, state: &KuhnState) -> Vec<f64> {
        let n = self.players;
        // Contribution per player: ante 1, plus 1 for a bet or call.
        let mut contribution = vec![1.0; n];
        for (index, &action) in state.actions.iter().enumerate() {
            if action == BET as u8 {
                contribution[index % n] += 1.0;
            }
        }
        let in_showdown: Vec<usize> = match state.first_bettor {
            None => (0..n).collect(),
            Some(_) => (0..n).filter(|&p| contribution[p] > 1.0).collect(),
        };
        let winner = in_showdown
            .iter()
            .copied()
            .max_by_key(|&p| state.cards[p])
            .expect("someone is always in the showdown");
        let pot: f64 = contribution.iter().sum();
        (0..n)
            .map(|p| {
                if p == winner {
                    pot - contribution[p]
                } else {
                    -contribution[p]
                }
            })
            .collect()
    }

    fn action_name(&self, action: Action) -> String {
        if action == PASS { "p" } else { "b" }.to_string()
    }

    fn tree_size(&self) -> Option<u64> {
        // The cards dealt decide payoffs only, so every deal roots the same betting tree.
        Some(crate::tree::count_nodes_symmetric_chance(
            self,
            &self.initial_state(),
        ))
    }
}

fn history(state: &KuhnState) -> String {
    state
        .actions
        .iter()
        .map(|&action| if action == PASS as u8 { 'p' } else { 'b' })
        .collect()
}
