//! Two-player Leduc hold'em as in OpenSpiel: six cards J1 J2 Q1 Q2 K1 K2 (ids 0..5, rank id/2), ante 1,
//! bets of 2 then 4, at most two raises per round, one public card between the rounds.

use crate::{Action, Game, Turn};

/// Two-player Leduc poker (OpenSpiel rules; see `games.json` conventions).
#[derive(Debug, Clone, Copy, Default)]
pub struct LeducPoker;

/// Action 0: fold (legal only when facing a bet).
const FOLD: Action = 0;
/// Action 1: call or check.
const CALL: Action = 1;
/// Action 2: bet or raise.
const RAISE: Action = 2;
const NUM_CARDS: u8 = 6;
const MAX_RAISES: u8 = 2;

/// A Leduc position.
#[derive(Debug, Clone)]
pub struct LeducState {
    private: [Option<u8>; 2],
    public: Option<u8>,
    /// 0 for the first betting round, 1 for the second.
    round: usize,
    /// Betting letters per round (`c` call/check, `r` raise).
    history: [String; 2],
    contribution: [u32; 2],
    raises: u8,
    folded: Option<usize>,
    to_act: usize,
}

impl LeducState {
    fn dealt(&self, card: u8) -> bool {
        self.private.contains(&Some(card)) || self.public == Some(card)
    }
}

impl Game for LeducPoker {
    type State = LeducState;

    fn game_string(&self) -> String {
        "leduc_poker()".to_string()
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> LeducState {
        LeducState {
            private: [None, None],
            public: None,
            round: 0,
            history: [String::new(), String::new()],
            contribution: [1, 1],
            raises: 0,
            folded: None,
            to_act: 0,
        }
    }

    fn turn(&self, state: &LeducState) -> Turn {
        if state.folded.is_some() {
            return Turn::Terminal;
        }
        if state.private[1].is_none() {
            return Turn::Chance;
        }
        if state.round == 1 && state.public.is_none() {
            return Turn::Chance;
        }
        if state.round == 2 {
            return Turn::Terminal;
        }
        Turn::Player(state.to_act)
    }

    fn chance_outcomes(&self, state: &LeducState) -> Vec<(Action, f64)> {
        let remaining: Vec<Action> = (0..NUM_CARDS)
            .filter(|&card| !state.dealt(card))
            .map(Action::from)
            .collect();
        let probability = 1.0 / remaining.len() as f64;
        remaining
            .into_iter()
            .map(|card| (card, probability))
            .collect()
    }

    fn legal_actions(&self, state: &LeducState) -> Vec<Action> {
        let player = state.to_act;
        let mut actions = Vec::with_capacity(3);
        if state.contribution[player] < state.contribution[1 - player] {
            actions.push(FOLD);
        }
        actions.push(CALL);
        if state.raises < MAX_RAISES {
            actions.push(RAISE);
        }
        actions
    }

    fn apply(&self, state: &mut LeducState, action: Action) {
        let card = action as u8;
        if state.private[0].is_none() {
            state.private[0] = Some(card);
            return;
        }
        if state.private[1].is_none() {
            state.private[1] = Some(card);
            return;
        }
        if state.round == 1 && state.public.is_none() {
            state.public = Some(card);
            return;
        }
        let player = state.to_act;
        let opponent = 1 - player;
        match action {
            FOLD => {
                state.folded = Some(player);
                return;
            }
            CALL => {
                state.contribution[player] = state.contribution[opponent];
                state.history[state.round].push('c');
                // A call ends the round unless it is the round's first action (a check).
                if state.history[state.round].len() >= 2 {
                    state.round += 1;
                    state.raises = 0;
                    state.to_act = 0;
                    return;
                }
            }
            _ => {
                let bet = if state.round == 0 { 2 } else { 4 };
                state.contribution[player] = state.contribution[opponent] + bet;
                state.raises += 1;
                state.history[state.round].push('r');
            }
        }
        state.to_act = opponent;
    }

    fn info_state_key(&self, state: &LeducState, player: usize) -> String {
        let private = state.private[player].expect("decisions come after the deal");
        format!("{private}{}", self.public_state_key(state))
    }

    fn public_state_key(&self, state: &LeducState) -> String {
        let public = state
            .public
            .map_or_else(|| "-".to_string(), |card| card.to_string());
        format!("{public}|{}|{}", state.history[0], state.history[1])
    }

    fn returns(&self, state: &LeducState) -> Vec<f64> {
        let winner_gain = |winner: usize| {
            let mut returns = vec![0.0; 2];
            returns[winner] = f64::from(state.contribution[1 - winner]);
            returns[1 - winner] = -f64::from(state.contribution[1 - winner]);
            returns
        };
        if let Some(folder) = state.folded {
            return winner_gain(1 - folder);
        }
        let public = state.public.expect("showdown after the public card") / 2;
        let strength = |player: usize| {
            let rank = state.private[player].expect("dealt") / 2;
            if rank == public {
                100 + rank
            } else {
                rank
            }
        };
        match strength(0).cmp(&strength(1)) {
            std::cmp::Ordering::Greater => winner_gain(0),
            std::cmp::Ordering::Less => winner_gain(1),
            std::cmp::Ordering::Equal => vec![0.0, 0.0],
        }
    }

    fn action_name(&self, action: Action) -> String {
        match action {
            FOLD => "f",
            CALL => "c",
            _ => "r",
        }
        .to_string()
    }
}
