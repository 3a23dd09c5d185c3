//! Leduc hold'em as in OpenSpiel, for 2 players or more: `players + 1` ranks in two suits (card ids
//! `0..2 * (players + 1)`, rank id/2), ante 1, bets of 2 then 4, at most two raises per round, one
//! public card between the rounds; a pair with the public card wins, else the higher rank, ties split
//! the pot. With 2 players this is OpenSpiel's default `leduc_poker()`.

use crate::{Action, Game, Turn};

/// Leduc poker for `players` players (OpenSpiel rules; see `games.json` conventions).
#[derive(Debug, Clone, Copy)]
pub struct LeducPoker {
    players: usize,
}

/// Largest player count the state can hold: 4 keeps card ids single digits (10 cards), which the
/// information-state keys rely on; the registry accepts fewer (see [`crate::registry::GAMES`]).
pub const LEDUC_MAX_PLAYERS: usize = 4;

impl Default for LeducPoker {
    fn default() -> Self {
        Self::new(2)
    }
}

impl LeducPoker {
    /// Leduc for `players` players.
    ///
    /// # Panics
    /// When `players` is outside `2..=LEDUC_MAX_PLAYERS` (the registry checks it for game strings).
    pub fn new(players: usize) -> Self {
        assert!(
            (2..=LEDUC_MAX_PLAYERS).contains(&players),
            "leduc_poker supports 2..={LEDUC_MAX_PLAYERS} players, not {players}"
        );
        Self { players }
    }

    fn deck_size(&self) -> u8 {
        2 * (self.players as u8 + 1)
    }

    fn live(&self, state: &LeducState) -> usize {
        state.folded[..self.players]
            .iter()
            .filter(|folded| !**folded)
            .count()
    }

    fn next_live(&self, state: &LeducState, from: usize) -> usize {
        let mut player = (from + 1) % self.players;
        while state.folded[player] {
            player = (player + 1) % self.players;
        }
        player
    }

    fn max_contribution(&self, state: &LeducState) -> u32 {
        state.contribution[..self.players]
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
    }
}

/// Action 0: fold (legal only when facing a bet).
const FOLD: Action = 0;
/// Action 1: call or check.
const CALL: Action = 1;
/// Action 2: bet or raise.
const RAISE: Action = 2;
const MAX_RAISES: u8 = 2;

/// A Leduc position.
#[derive(Debug, Clone)]
pub struct LeducState {
    /// Private cards, in seat order; the first `dealt` are valid.
    private: [u8; LEDUC_MAX_PLAYERS],
    dealt: usize,
    public: Option<u8>,
    /// 0 for the first betting round, 1 for the second.
    round: usize,
    /// Betting letters per round (`c` call/check, `r` raise, `f` a fold the hand goes on after).
    history: [String; 2],
    contribution: [u32; LEDUC_MAX_PLAYERS],
    folded: [bool; LEDUC_MAX_PLAYERS],
    /// Next player to act.
    actor: usize,
    /// Players who still have to act in this round.
    to_act: usize,
    raises: u8,
    over: bool,
}

impl Game for LeducPoker {
    type State = LeducState;

    fn game_string(&self) -> String {
        if self.players == 2 {
            "leduc_poker()".to_string()
        } else {
            format!("leduc_poker(players={})", self.players)
        }
    }

    fn num_players(&self) -> usize {
        self.players
    }

    fn initial_state(&self) -> LeducState {
        LeducState {
            private: [0; LEDUC_MAX_PLAYERS],
            dealt: 0,
            public: None,
            round: 0,
            history: [String::new(), String::new()],
            contribution: [1; LEDUC_MAX_PLAYERS],
            folded: [false; LEDUC_MAX_PLAYERS],
            actor: 0,
            to_act: self.players,
            raises: 0,
            over: false,
        }
    }

    fn turn(&self, state: &LeducState) -> Turn {
        if state.over {
            Turn::Terminal
        } else if state.dealt < self.players || (state.round == 1 && state.public.is_none()) {
            Turn::Chance
        } else {
            Turn::Player(state.actor)
        }
    }

    fn chance_outcomes(&self, state: &LeducState) -> Vec<(Action, f64)> {
        // The public card is dealt last, so only private cards are ever out of the deck here.
        let dealt = &state.private[..state.dealt];
        let remaining: Vec<Action> = (0..self.deck_size())
            .filter(|card| !dealt.contains(card))
            .map(Action::from)
            .collect();
        let probability = 1.0 / remaining.len() as f64;
        remaining
            .into_iter()
            .map(|card| (card, probability))
            .collect()
    }

    fn legal_actions(&self, state: &LeducState) -> Vec<Action> {
        let mut actions = Vec::with_capacity(3);
        if state.contribution[state.actor] < self.max_contribution(state) {
            actions.push(FOLD);
        }
        actions.push(CALL);
        if state.raises < MAX_RAISES {
            actions.push(RAISE);
        }
        actions
    }

    fn apply(&self, state: &mut LeducState, action: Action) {
        if state.dealt < self.players {
            state.private[state.dealt] = action as u8;
            state.dealt += 1;
            return;
        }
        if state.round == 1 && state.public.is_none() {
            state.public = Some(action as u8);
            return;
        }
        let actor = state.actor;
        let max = self.max_contribution(state);
        match action {
            FOLD => {
                state.folded[actor] = true;
                if self.live(state) == 1 {
                    // A fold that ends the hand is not written: nothing follows it (and 2-player
                    // public states then match OpenSpiel's Leduc, where a fold is always the end).
                    state.over = true;
                    return;
                }
                state.history[state.round].push('f');
            }
            CALL => {
                state.contribution[actor] = max;
                state.history[state.round].push('c');
            }
            _ => {
                state.contribution[actor] = max + if state.round == 0 { 2 } else { 4 };
                state.raises += 1;
                // Everyone else still live must respond (the raiser is counted off below).
                state.to_act = self.live(state);
                state.history[state.round].push('r');
            }
        }
        state.to_act -= 1;
        if state.to_act == 0 {
            if state.round == 1 {
                state.over = true;
                return;
            }
            state.round = 1;
            state.raises = 0;
            state.to_act = self.live(state);
            state.actor = self.next_live(state, self.players - 1);
            return;
        }
        state.actor = self.next_live(state, actor);
    }

    fn info_state_key(&self, state: &LeducState, player: usize) -> String {
        // The public history fixes who acts, so the key needs no player number.
        format!("{}{}", state.private[player], self.public_state_key(state))
    }

    fn public_state_key(&self, state: &LeducState) -> String {
        let public = state
            .public
            .map_or_else(|| "-".to_string(), |card| card.to_string());
        format!("{public}|{}|{}", state.history[0], state.history[1])
    }

    fn returns(&self, state: &LeducState) -> Vec<f64> {
        let players = 0..self.players;
        let pot: u32 = state.contribution[..self.players].iter().sum();
        let live: Vec<usize> = players.clone().filter(|&p| !state.folded[p]).collect();
        let winners: Vec<usize> = if live.len() == 1 {
            live
        } else {
            let public = state.public.expect("showdown after the public card") / 2;
            let strength = |player: usize| {
                let rank = state.private[player] / 2;
                if rank == public {
                    100 + u32::from(rank)
                } else {
                    u32::from(rank)
                }
            };
            let best = live.iter().map(|&p| strength(p)).max().unwrap_or(0);
            live.into_iter().filter(|&p| strength(p) == best).collect()
        };
        let share = f64::from(pot) / winners.len() as f64;
        players
            .map(|player| {
                let won = if winners.contains(&player) {
                    share
                } else {
                    0.0
                };
                won - f64::from(state.contribution[player])
            })
            .collect()
    }

    fn action_name(&self, action: Action) -> String {
        match action {
            FOLD => "f",
            CALL => "c",
            _ => "r",
        }
        .to_string()
    }

    fn tree_size(&self) -> Option<u64> {
        // Cards decide payoffs only, never which moves are legal: every chance outcome roots a
        // subtree of one shape.
        Some(crate::tree::count_nodes_symmetric_chance(
            self,
            &self.initial_state(),
        ))
    }
}
