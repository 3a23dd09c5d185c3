//! Games the scaling lab needs that `ponder-games` does not offer: Leduc poker for 3 players (the
//! registry's Leduc is 2-player only) and Shapley's 3×3 game as a one-shot game (the column player
//! does not see the row player's move).

use ponder_games::{Action, Game, Turn};

/// Leduc poker for `players` players as OpenSpiel generalises it: `players + 1` ranks in 2 suits, ante
/// 1, raises of 2 then 4, at most 2 raises per round, fold only when facing a bet; a pair with the
/// public card wins, else the higher rank, ties split the pot.
#[derive(Debug, Clone)]
pub struct MultiplayerLeduc {
    players: usize,
}

impl MultiplayerLeduc {
    /// Leduc for `players` (3 is what the lab uses; 2 matches the registry's game in rules).
    pub fn new(players: usize) -> Self {
        Self { players }
    }
}

const FOLD: Action = 0;
const CALL: Action = 1;
const RAISE: Action = 2;

/// A multiplayer Leduc position.
#[derive(Debug, Clone)]
pub struct LeducState {
    private: Vec<u8>,
    public: Option<u8>,
    round: usize,
    history: [String; 2],
    contribution: Vec<u32>,
    folded: Vec<bool>,
    /// Next player to act.
    actor: usize,
    /// Players who still have to act in this round.
    to_act: usize,
    raises: u32,
    over: bool,
}

impl MultiplayerLeduc {
    fn deck_size(&self) -> u8 {
        2 * (self.players as u8 + 1)
    }

    fn live(&self, state: &LeducState) -> usize {
        state.folded.iter().filter(|folded| !**folded).count()
    }

    fn next_live(&self, state: &LeducState, from: usize) -> usize {
        let mut player = (from + 1) % self.players;
        while state.folded[player] {
            player = (player + 1) % self.players;
        }
        player
    }

    fn first_live(&self, state: &LeducState) -> usize {
        (0..self.players)
            .find(|&player| !state.folded[player])
            .expect("someone is live")
    }

    fn strength(rank: u8, public: u8) -> u32 {
        if rank == public {
            100 + rank as u32
        } else {
            rank as u32
        }
    }
}

impl Game for MultiplayerLeduc {
    type State = LeducState;

    fn game_string(&self) -> String {
        format!("leduc_poker(players={})", self.players)
    }

    fn num_players(&self) -> usize {
        self.players
    }

    fn initial_state(&self) -> LeducState {
        LeducState {
            private: Vec::new(),
            public: None,
            round: 0,
            history: [String::new(), String::new()],
            contribution: vec![1; self.players],
            folded: vec![false; self.players],
            actor: 0,
            to_act: self.players,
            raises: 0,
            over: false,
        }
    }

    fn turn(&self, state: &LeducState) -> Turn {
        if state.over {
            Turn::Terminal
        } else if state.private.len() < self.players || (state.round == 1 && state.public.is_none())
        {
            Turn::Chance
        } else {
            Turn::Player(state.actor)
        }
    }

    fn chance_outcomes(&self, state: &LeducState) -> Vec<(Action, f64)> {
        let dealt: Vec<u8> = state.private.clone();
        let remaining: Vec<u8> = (0..self.deck_size())
            .filter(|card| !dealt.contains(card))
            .collect();
        let probability = 1.0 / remaining.len() as f64;
        remaining
            .into_iter()
            .map(|card| (card as Action, probability))
            .collect()
    }

    fn legal_actions(&self, state: &LeducState) -> Vec<Action> {
        let max = *state.contribution.iter().max().expect("players");
        let mut actions = Vec::new();
        if state.contribution[state.actor] < max {
            actions.push(FOLD);
        }
        actions.push(CALL);
        if state.raises < 2 {
            actions.push(RAISE);
        }
        actions
    }

    fn apply(&self, state: &mut LeducState, action: Action) {
        if state.private.len() < self.players {
            state.private.push(action as u8);
            return;
        }
        if state.round == 1 && state.public.is_none() {
            state.public = Some(action as u8);
            return;
        }
        let actor = state.actor;
        let max = *state.contribution.iter().max().expect("players");
        let letter = match action {
            FOLD => {
                state.folded[actor] = true;
                'f'
            }
            CALL => {
                state.contribution[actor] = max;
                'c'
            }
            _ => {
                state.contribution[actor] = max + if state.round == 0 { 2 } else { 4 };
                state.raises += 1;
                // Everyone else still live must respond.
                state.to_act = self.live(state);
                'r'
            }
        };
        state.history[state.round].push(letter);
        state.to_act -= 1;
        if self.live(state) == 1 {
            state.over = true;
            return;
        }
        if state.to_act == 0 {
            if state.round == 1 {
                state.over = true;
                return;
            }
            state.round = 1;
            state.raises = 0;
            state.to_act = self.live(state);
            state.actor = self.first_live(state);
            return;
        }
        state.actor = self.next_live(state, actor);
    }

    fn info_state_key(&self, state: &LeducState, player: usize) -> String {
        let public = state
            .public
            .map_or_else(|| "-".to_string(), |card| card.to_string());
        format!(
            "p{player}:{}|{public}|{}|{}",
            state.private[player], state.history[0], state.history[1]
        )
    }

    fn public_state_key(&self, state: &LeducState) -> String {
        let public = state
            .public
            .map_or_else(|| "-".to_string(), |card| card.to_string());
        format!("{public}|{}|{}", state.history[0], state.history[1])
    }

    fn returns(&self, state: &LeducState) -> Vec<f64> {
        let pot: u32 = state.contribution.iter().sum();
        let live: Vec<usize> = (0..self.players).filter(|&p| !state.folded[p]).collect();
        let winners: Vec<usize> = if live.len() == 1 {
            live
        } else {
            let public = state.public.expect("showdown after the public card") / 2;
            let strength = |player: usize| Self::strength(state.private[player] / 2, public);
            let best = live
                .iter()
                .map(|&p| strength(p))
                .max()
                .expect("live players");
            live.into_iter().filter(|&p| strength(p) == best).collect()
        };
        let share = pot as f64 / winners.len() as f64;
        (0..self.players)
            .map(|player| {
                let won = if winners.contains(&player) {
                    share
                } else {
                    0.0
                };
                won - state.contribution[player] as f64
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
}

/// Shapley's 3×3 game (1964) as a one-shot extensive-form game: the row player moves, then the column
/// player without seeing it. Row payoff `diagonal[i]` on the diagonal, column payoff 1 one step right
/// of it. With the classic diagonal (1, 1, 1) the unique Nash equilibrium is uniform for both, which is
/// exactly where CFR starts, so self-play never moves; the weighted variant (1, 2, 3) has the same
/// cyclic structure with the equilibrium away from the start (column ∝ (6, 3, 2)/11, row uniform).
#[derive(Debug, Clone)]
pub struct ShapleyGame {
    diagonal: [f64; 3],
}

impl ShapleyGame {
    /// Shapley's original game.
    pub fn classic() -> Self {
        Self {
            diagonal: [1.0, 1.0, 1.0],
        }
    }

    /// The variant with row diagonal payoffs (1, 2, 3).
    pub fn weighted() -> Self {
        Self {
            diagonal: [1.0, 2.0, 3.0],
        }
    }
}

/// Column player's payoffs.
const SHAPLEY_COLUMN: [[f64; 3]; 3] = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]];

impl Game for ShapleyGame {
    type State = Vec<u8>;

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
    fn initial_state(&self) -> Vec<u8> {
        Vec::new()
    }
    fn turn(&self, state: &Vec<u8>) -> Turn {
        if state.len() < 2 {
            Turn::Player(state.len())
        } else {
            Turn::Terminal
        }
    }
    fn chance_outcomes(&self, _state: &Vec<u8>) -> Vec<(Action, f64)> {
        Vec::new()
    }
    fn legal_actions(&self, _state: &Vec<u8>) -> Vec<Action> {
        vec![0, 1, 2]
    }
    fn apply(&self, state: &mut Vec<u8>, action: Action) {
        state.push(action as u8);
    }
    fn info_state_key(&self, _state: &Vec<u8>, player: usize) -> String {
        format!("p{player}")
    }
    fn public_state_key(&self, state: &Vec<u8>) -> String {
        // The row move is hidden: both decisions share the empty public history.
        if state.len() < 2 {
            String::new()
        } else {
            "end".to_string()
        }
    }
    fn returns(&self, state: &Vec<u8>) -> Vec<f64> {
        let (row, column) = (state[0] as usize, state[1] as usize);
        let row_payoff = if row == column {
            self.diagonal[row]
        } else {
            0.0
        };
        vec![row_payoff, SHAPLEY_COLUMN[row][column]]
    }
    fn action_name(&self, action: Action) -> String {
        ["a", "b", "c"][action as usize].to_string()
    }
}

/// Why a lab game string was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabGameError {
    /// Not a registry game and not one of the lab's own.
    #[error(transparent)]
    Game(#[from] ponder_games::GameError),
    /// The game has no compiled form (too large).
    #[error("{0} has no compiled form: {1}")]
    NoCompiledForm(String, ponder_games::CompileError),
}

/// Compiles a game string: the lab's own games (`leduc_poker(players=3)`, `shapley_3x3`,
/// `shapley_3x3(weighted=true)`) or anything [`ponder_games::parse_game`] knows.
pub fn compile_lab_game(text: &str) -> Result<ponder_games::CompiledTree, LabGameError> {
    use ponder_games::GameDescription;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compiled = match compact.as_str() {
        "leduc_poker(players=3)" | "leduc(players=3)" | "leduc3" => {
            MultiplayerLeduc::new(3).compile()
        }
        "shapley_3x3" | "shapley_3x3()" | "shapley" => ShapleyGame::classic().compile(),
        "shapley_3x3(weighted=true)" | "shapley_weighted" => ShapleyGame::weighted().compile(),
        _ => ponder_games::parse_game(text)?.compile(),
    };
    compiled.map_err(|error| LabGameError::NoCompiledForm(text.to_string(), error))
}
