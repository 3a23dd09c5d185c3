//! The hold'em engine for Python bots: `HandState` (legal actions, apply) and `play_match`, which runs
//! ponder-bots' match loop (`ponder match`) with Python bots seated beside ponder's own.

use ponder_bots::matches::{MatchSettings, MAX_STACK_BB};
use ponder_bots::{make_bot, Bot, Observation, BOT_NAMES};
use ponder_cards::{excerpt, parse_cards, Card};
use ponder_holdem::{Action, Betting, Deal, HandState, Legal, Step, Street, Table, TableConfig};
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::error;

/// Most hands `play_match` plays (as `ponder match --hands`).
const MAX_HANDS: u64 = 1_000_000_000;

fn street_name(street: Street) -> &'static str {
    match street {
        Street::Preflop => "preflop",
        Street::Flop => "flop",
        Street::Turn => "turn",
        Street::River => "river",
        Street::Over => "over",
    }
}

fn action_text(action: Action) -> String {
    match action {
        Action::Fold => "fold".into(),
        Action::CheckCall => "call".into(),
        Action::RaiseTo(amount) => format!("raise {amount}"),
    }
}

/// Reads an action: `"fold"`/`"f"`, `"call"`/`"check"`/`"c"`, `"raise 10"`/`"r10"`, `("raise", 10)`,
/// or an int (raise to that amount).
fn parse_action(value: &Bound<'_, PyAny>) -> PyResult<Action> {
    if let Ok(amount) = value.extract::<u64>() {
        return Ok(Action::RaiseTo(amount));
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        let (name, amount): (String, u64) = tuple.extract().map_err(|_| {
            error(format!(
                "action {tuple}: a tuple must be (\"raise\", amount)"
            ))
        })?;
        if name == "raise" || name == "r" || name == "bet" {
            return Ok(Action::RaiseTo(amount));
        }
        return Err(error(format!(
            "action {tuple}: a tuple must be (\"raise\", amount)"
        )));
    }
    let text: String = value.extract().map_err(|_| {
        error(format!(
            "action {value}: give \"fold\", \"call\", \"raise N\" or an amount"
        ))
    })?;
    let trimmed = text.trim().to_ascii_lowercase();
    Ok(match trimmed.as_str() {
        "f" | "fold" => Action::Fold,
        "c" | "call" | "check" | "k" | "check/call" => Action::CheckCall,
        other => {
            let amount = other
                .strip_prefix("raise")
                .or_else(|| other.strip_prefix("bet"))
                .or_else(|| other.strip_prefix('r'))
                .map(|rest| rest.trim().trim_start_matches("to").trim())
                .and_then(|amount| amount.parse::<u64>().ok())
                .ok_or_else(|| {
                    error(format!(
                        "action {:?}: give \"fold\", \"call\", \"raise N\" or an amount",
                        excerpt(&text)
                    ))
                })?;
            Action::RaiseTo(amount)
        }
    })
}

fn cards_text(cards: &[Card]) -> Vec<String> {
    cards.iter().map(Card::to_string).collect()
}

fn legal_dict<'py>(py: Python<'py>, legal: &Legal) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("seat", legal.seat)?;
    dict.set_item("can_fold", legal.can_fold)?;
    dict.set_item("can_check", legal.can_check())?;
    dict.set_item("call", legal.call)?;
    dict.set_item("raise", legal.raise)?;
    Ok(dict)
}

/// What a seat sees, as the dict Python bots receive.
fn observation_dict<'py>(
    py: Python<'py>,
    observation: &Observation,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("seat", observation.seat)?;
    dict.set_item("hole", cards_text(&observation.hole))?;
    dict.set_item("board", cards_text(&observation.board))?;
    dict.set_item("street", street_name(observation.street))?;
    dict.set_item("button", observation.button)?;
    dict.set_item("stacks", observation.stacks.clone())?;
    dict.set_item("street_bets", observation.street_bets.clone())?;
    dict.set_item("pot", observation.pot)?;
    dict.set_item("folded", observation.folded.clone())?;
    dict.set_item("legal", legal_dict(py, &observation.legal)?)?;
    let history: Vec<(&str, usize, String)> = observation
        .history
        .iter()
        .map(|step| {
            (
                street_name(step.street),
                step.seat,
                action_text(step.action),
            )
        })
        .collect();
    dict.set_item("history", history)?;
    Ok(dict)
}

/// One hand of hold'em (2 to 9 seats, no-limit or fixed-limit), for writing and testing bots.
#[pyclass(name = "HandState", module = "ponder")]
#[derive(Clone)]
pub struct PyHandState {
    hand: HandState,
    history: Vec<Step>,
}

fn parse_deal(seats: usize, hole: Vec<String>, board: &str) -> PyResult<Deal> {
    if hole.len() != seats {
        return Err(error(format!(
            "hole: {} hands given for {seats} seats",
            hole.len()
        )));
    }
    let mut deal = Deal::shuffled(seats, 0);
    for (seat, text) in hole.iter().enumerate() {
        let cards =
            parse_cards(text).map_err(|e| error(format!("hole {:?}: {e}", excerpt(text))))?;
        deal.hole[seat] = <[Card; 2]>::try_from(cards.as_slice())
            .map_err(|_| error(format!("hole {:?}: give two cards", excerpt(text))))?;
    }
    let cards =
        parse_cards(board).map_err(|e| error(format!("board {:?}: {e}", excerpt(board))))?;
    deal.board = <[Card; 5]>::try_from(cards.as_slice())
        .map_err(|_| error(format!("board {:?}: give five cards", excerpt(board))))?;
    Ok(deal)
}

#[pymethods]
impl PyHandState {
    /// Starts a hand: `stacks` per seat, blinds and antes in chips; `limit=(small_bet, big_bet,
    /// max_raises)` for fixed-limit, else no-limit. Cards are shuffled with `seed`, or given with
    /// `hole=["AhKh", "QsQd"]` and `board="2c7d9hTsJs"` (dealt street by street).
    #[new]
    #[pyo3(signature = (stacks, *, button = 0, small_blind = 1, big_blind = 2, ante = 0, straddle = 0, limit = None, seed = 0, hole = None, board = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        stacks: Vec<u64>,
        button: usize,
        small_blind: u64,
        big_blind: u64,
        ante: u64,
        straddle: u64,
        limit: Option<(u64, u64, u8)>,
        seed: u64,
        hole: Option<Vec<String>>,
        board: Option<String>,
    ) -> PyResult<Self> {
        let betting = match limit {
            Some((small_bet, big_bet, max_raises)) => Betting::FixedLimit {
                small_bet,
                big_bet,
                max_raises,
            },
            None => Betting::NoLimit,
        };
        let seats = stacks.len();
        let config = TableConfig {
            ante,
            straddle,
            ..TableConfig::new(stacks, button, small_blind, big_blind, betting)
        };
        let table: Table = config.validate().map_err(error)?;
        let deal = match (hole, board) {
            (None, None) => Deal::shuffled(seats, seed),
            (Some(hole), Some(board)) => parse_deal(seats, hole, &board)?,
            _ => return Err(error("give both hole and board, or neither")),
        };
        let hand = HandState::new(&table, deal).map_err(error)?;
        Ok(PyHandState {
            hand,
            history: Vec::new(),
        })
    }

    /// The moves open to the seat to act (`seat`, `can_fold`, `can_check`, `call`, `raise` as
    /// `(min, max)` raise-to amounts or `None`), or `None` when the hand is over.
    fn legal<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.hand
            .legal()
            .map(|legal| legal_dict(py, &legal))
            .transpose()
    }

    /// The legal actions as strings (`"fold"`, `"call"`, `"raise MIN"`, `"raise MAX"`).
    fn legal_actions(&self) -> Vec<String> {
        let Some(legal) = self.hand.legal() else {
            return Vec::new();
        };
        let mut actions = Vec::new();
        if legal.can_fold {
            actions.push("fold".to_string());
        }
        actions.push("call".to_string());
        if let Some((min, max)) = legal.raise {
            actions.push(format!("raise {min}"));
            if max != min {
                actions.push(format!("raise {max}"));
            }
        }
        actions
    }

    /// Applies an action of the seat to act (`"fold"`, `"call"`, `"raise 10"`, `("raise", 10)` or
    /// `10`); an illegal one raises `PonderError` and leaves the hand unchanged.
    fn apply(&mut self, action: &Bound<'_, PyAny>) -> PyResult<()> {
        let action = parse_action(action)?;
        let street = self.hand.street();
        let seat = self.hand.to_act();
        self.hand.apply(action).map_err(error)?;
        if let Some(seat) = seat {
            self.history.push(Step {
                street,
                seat,
                action,
            });
        }
        Ok(())
    }

    /// What the seat to act sees (the dict `play_match` hands to Python bots), or `None` when over.
    fn observation<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        Observation::of(&self.hand, &self.history)
            .map(|observation| observation_dict(py, &observation))
            .transpose()
    }

    /// An independent copy (the state is small and `Copy` in Rust).
    fn copy(&self) -> Self {
        self.clone()
    }

    /// Whether the hand is over.
    #[getter]
    fn is_over(&self) -> bool {
        self.hand.is_over()
    }

    /// `preflop`, `flop`, `turn`, `river` or `over`.
    #[getter]
    fn street(&self) -> &'static str {
        street_name(self.hand.street())
    }

    /// Seat to act, or `None` when the hand is over.
    #[getter]
    fn to_act(&self) -> Option<usize> {
        self.hand.to_act()
    }

    /// Number of seats.
    #[getter]
    fn seats(&self) -> usize {
        self.hand.seats()
    }

    /// Board cards visible now.
    #[getter]
    fn board(&self) -> Vec<String> {
        cards_text(self.hand.board())
    }

    /// Hole cards of a seat.
    fn hole(&self, seat: usize) -> PyResult<Vec<String>> {
        if seat >= self.hand.seats() {
            return Err(error(format!(
                "seat {seat} is not at this {}-seat table",
                self.hand.seats()
            )));
        }
        Ok(cards_text(&self.hand.deal().hole[seat]))
    }

    /// Chips behind, per seat.
    #[getter]
    fn stacks(&self) -> Vec<u64> {
        self.hand.stacks().to_vec()
    }

    /// Chips put in on this street, per seat.
    #[getter]
    fn street_bets(&self) -> Vec<u64> {
        self.hand.street_bets().to_vec()
    }

    /// Chips in the middle.
    #[getter]
    fn pot(&self) -> u64 {
        self.hand.pot()
    }

    /// Which seats have folded.
    #[getter]
    fn folded(&self) -> Vec<bool> {
        (0..self.hand.seats())
            .map(|seat| self.hand.has_folded(seat))
            .collect()
    }

    /// Net chips won per seat (final stack minus starting stack) once the hand is over.
    #[getter]
    fn payoffs(&self) -> PyResult<Vec<i64>> {
        if !self.hand.is_over() {
            return Err(error("the hand is not over"));
        }
        Ok(self.hand.payoffs()[..self.hand.seats()].to_vec())
    }

    /// The actions so far as `(street, seat, action)`.
    #[getter]
    fn history(&self) -> Vec<(&'static str, usize, String)> {
        self.history
            .iter()
            .map(|step| {
                (
                    street_name(step.street),
                    step.seat,
                    action_text(step.action),
                )
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "HandState(street='{}', to_act={}, pot={}, board='{}')",
            street_name(self.hand.street()),
            self.hand
                .to_act()
                .map_or_else(|| "None".to_string(), |seat| seat.to_string()),
            self.hand.pot(),
            cards_text(self.hand.board()).concat()
        )
    }
}

/// A Python callable (or object with an `act` method) seated in ponder's match loop.
struct PythonBot {
    name: String,
    act: Py<PyAny>,
    outcome: Arc<Mutex<Outcome>>,
}

/// What a Python bot left behind, read after the match (the match loop owns the bots as `dyn Bot`).
#[derive(Default)]
struct Outcome {
    /// The first exception the bot raised; once set, the bot checks/calls without calling Python
    /// so the match loop (which cannot be stopped from a bot) finishes quickly.
    failure: Option<PyErr>,
    /// Illegal answers (played as check/call, as `ponder match` and the ACPC dealer do).
    illegal: u64,
}

fn lock(outcome: &Mutex<Outcome>) -> std::sync::MutexGuard<'_, Outcome> {
    // A poisoned lock only means a panic elsewhere; the counters are still meaningful.
    outcome
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Bot for PythonBot {
    fn name(&self) -> &str {
        &self.name
    }

    fn act(&mut self, observation: &Observation) -> Action {
        if lock(&self.outcome).failure.is_some() {
            return Action::CheckCall;
        }
        let answer = Python::attach(|py| -> PyResult<Action> {
            py.check_signals()?;
            let dict = observation_dict(py, observation)?;
            let answer = self.act.bind(py).call1((dict,))?;
            Ok(parse_action(&answer).unwrap_or(Action::CheckCall))
        });
        match answer {
            Ok(action) => {
                if !is_legal(&observation.legal, action) {
                    lock(&self.outcome).illegal += 1;
                }
                action
            }
            Err(failure) => {
                lock(&self.outcome).failure = Some(failure);
                Action::CheckCall
            }
        }
    }

    /// Python bots play in matches only: nothing in `play_match` asks for a policy, and a Python
    /// callable cannot state its distribution without being called (which may draw). Asking is
    /// recorded as the bot's failure, raised after the match, and answered with check/call.
    fn policy(&mut self, _: &Observation) -> Vec<(Action, f64)> {
        let mut outcome = lock(&self.outcome);
        if outcome.failure.is_none() {
            outcome.failure = Some(error(format!(
                "bot {}: a Python bot cannot state its policy (it only plays)",
                self.name
            )));
        }
        vec![(Action::CheckCall, 1.0)]
    }
}

fn is_legal(legal: &Legal, action: Action) -> bool {
    match action {
        Action::Fold => legal.can_fold,
        Action::CheckCall => true,
        Action::RaiseTo(amount) => legal
            .raise
            .is_some_and(|(min, max)| (min..=max).contains(&amount)),
    }
}

/// Plays a local match (`ponder match`): `bots` are ponder bot names (`random`, `call`, `raise`,
/// `equity`) or Python bots: a callable `bot(observation) -> action`, or an object with
/// `act(observation)` (and optionally `name`). The observation is the dict `HandState.observation()`
/// gives; an illegal answer is played as check/call. Returns `{"hands", "bots": [{"name", "chips",
/// "bb_per_100", "ci95", "illegal"}]}`. Blinds 1/2, stacks `stack` big blinds, restored every hand.
#[pyfunction]
#[pyo3(signature = (*bots, hands = 10_000, duplicate = false, seed = 0, stack = 100))]
fn play_match<'py>(
    py: Python<'py>,
    bots: Vec<Bound<'py, PyAny>>,
    hands: u64,
    duplicate: bool,
    seed: u64,
    stack: u64,
) -> PyResult<Bound<'py, PyDict>> {
    if !(1..=MAX_HANDS).contains(&hands) {
        return Err(error(format!("hands must be 1..={MAX_HANDS}, not {hands}")));
    }
    if !(1..=MAX_STACK_BB).contains(&stack) {
        return Err(error(format!(
            "stack must be 1..={MAX_STACK_BB} big blinds (the engine's chip limit), not {stack}"
        )));
    }
    // Python bots are at these positions; the rest are ponder's.
    let mut python: Vec<(usize, Arc<Mutex<Outcome>>)> = Vec::new();
    let mut seated: Vec<Box<dyn Bot>> = Vec::new();
    for (i, bot) in bots.iter().enumerate() {
        if let Ok(name) = bot.extract::<String>() {
            let bot = make_bot(&name, seed.wrapping_add(i as u64 + 1))
                .map_err(|e| error(format!("{e}; known bots: {}", BOT_NAMES.join(", "))))?;
            seated.push(bot);
            continue;
        }
        let act = if bot.hasattr("act")? {
            bot.getattr("act")?
        } else if bot.is_callable() {
            bot.clone()
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "bot {i}: give a ponder bot name, a callable or an object with act(observation)"
            )));
        };
        let name = match bot
            .getattr("name")
            .ok()
            .and_then(|n| n.extract::<String>().ok())
        {
            Some(name) => name,
            None => bot
                .getattr("__name__")
                .or_else(|_| bot.get_type().getattr("__name__"))
                .and_then(|n| n.extract::<String>())
                .unwrap_or_else(|_| format!("python{i}")),
        };
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        python.push((i, Arc::clone(&outcome)));
        seated.push(Box::new(PythonBot {
            name,
            act: act.unbind(),
            outcome,
        }));
    }
    let settings = MatchSettings {
        hands,
        duplicate,
        seed,
        stack_bb: stack,
    };
    let report = py
        .detach(|| ponder_bots::matches::play_match(&mut seated, &settings, |_| {}))
        .map_err(error)?;
    // The match ran to its end; a Python bot's exception is raised now, the results dropped.
    let mut illegal = vec![0u64; seated.len()];
    for (i, outcome) in &python {
        let mut outcome = lock(outcome);
        if let Some(failure) = outcome.failure.take() {
            return Err(failure);
        }
        illegal[*i] = outcome.illegal;
    }
    let dict = PyDict::new(py);
    dict.set_item("hands", report.hands)?;
    let results = pyo3::types::PyList::empty(py);
    for (i, bot) in report.bots.iter().enumerate() {
        let entry = PyDict::new(py);
        entry.set_item("name", &bot.name)?;
        entry.set_item("chips", bot.chips)?;
        entry.set_item("bb_per_100", bot.bb_per_100)?;
        entry.set_item("ci95", bot.ci95)?;
        entry.set_item("illegal", illegal[i])?;
        entry.set_item("python", python.iter().any(|(j, _)| *j == i))?;
        results.append(entry)?;
    }
    dict.set_item("bots", results)?;
    Ok(dict)
}

/// Adds the hold'em items to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyHandState>()?;
    module.add_function(wrap_pyfunction!(play_match, module)?)?;
    Ok(())
}
