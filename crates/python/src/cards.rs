//! The card layer: `evaluate`, `equity`, `Range` (PioSOLVER syntax) and `iso_index` (suit isomorphism).

use numpy::PyArray1;
use ponder_cards::{
    excerpt, parse_board, parse_cards, Card, CardSet, EquityOptions, HandIndex, Range, SuitIndexer,
    DISTINCT_RANKS, HAND_COUNT,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error;

/// Most Monte Carlo samples `equity` takes (as `ponder equity --samples`).
const MAX_SAMPLES: u64 = 1_000_000_000;

fn cards(text: &str) -> PyResult<Vec<Card>> {
    parse_cards(text).map_err(|e| error(format!("cards {:?}: {e}", excerpt(text))))
}

fn board(text: &str) -> PyResult<CardSet> {
    parse_board(text).map_err(|e| error(format!("board {:?}: {e}", excerpt(text))))
}

fn range(text: &str) -> PyResult<Range> {
    Range::parse(text).map_err(|e| error(format!("{:?}: {e}", excerpt(text))))
}

fn cards_text(cards: &[Card]) -> String {
    cards.iter().map(Card::to_string).collect()
}

/// Evaluates 5 to 7 cards (`"AhKh QsJsTs"`): returns `(strength, category)`, strength dense in
/// `0..7462` (higher wins, equal ties), category e.g. `"straight"`.
#[pyfunction]
fn evaluate(text: &str) -> PyResult<(u16, &'static str)> {
    let cards = cards(text)?;
    if !(5..=7).contains(&cards.len()) {
        return Err(error(format!(
            "expected 5 to 7 cards, found {}",
            cards.len()
        )));
    }
    if CardSet::from_cards(&cards).len() != cards.len() {
        return Err(error(format!("cards {:?} repeat a card", excerpt(text))));
    }
    let rank = ponder_cards::evaluate(&cards);
    Ok((rank.value(), rank.category().name()))
}

/// Number of distinct hand strengths (7462).
#[pyfunction]
fn distinct_ranks() -> usize {
    DISTINCT_RANKS
}

/// Equity of range (or hand) `a` against `b` on `board`, with `dead` cards removed: exact when the
/// runouts are few, else a seeded Monte Carlo of `samples` deals. Returns a dict with `equity`,
/// `win` (both per player), `tie`, `exact`, `std_error` and `trials`. Runs with the GIL released.
#[pyfunction]
#[pyo3(signature = (a, b, board = "", dead = "", samples = 2_000_000, seed = 0, exact = true))]
#[allow(clippy::too_many_arguments)]
fn equity<'py>(
    py: Python<'py>,
    a: &str,
    b: &str,
    board: &str,
    dead: &str,
    samples: u64,
    seed: u64,
    exact: bool,
) -> PyResult<Bound<'py, PyDict>> {
    if !(1..=MAX_SAMPLES).contains(&samples) {
        return Err(error(format!(
            "samples must be 1..={MAX_SAMPLES}, not {samples}"
        )));
    }
    let (a, b) = (range(a)?, range(b)?);
    let (board, dead) = (self::board(board)?, self::board(dead)?);
    let defaults = EquityOptions::default();
    let options = EquityOptions {
        exact_limit: if exact { defaults.exact_limit } else { 0 },
        samples,
        seed,
    };
    let result = py
        .detach(|| ponder_cards::equity(&a, &b, board, dead, &options))
        .map_err(error)?;
    let dict = PyDict::new(py);
    dict.set_item("equity", result.equity.to_vec())?;
    dict.set_item("win", result.win.to_vec())?;
    dict.set_item("tie", result.tie)?;
    dict.set_item("exact", result.exact)?;
    dict.set_item("std_error", result.std_error)?;
    dict.set_item("trials", result.trials)?;
    Ok(dict)
}

/// Suit-isomorphism class of hole cards plus an optional board (`"AhKh"`, `"Td9d6h"`): returns
/// `(index, classes, round, representative)`, rounds kept apart (hole, flop, turn, river). With
/// `board_only`, the class of a flop alone (1,755 classes).
#[pyfunction]
#[pyo3(signature = (hole, board = "", board_only = false))]
fn iso_index(
    hole: &str,
    board: &str,
    board_only: bool,
) -> PyResult<(u64, u64, &'static str, String)> {
    let indexer = if board_only {
        SuitIndexer::new(&[3])
    } else {
        SuitIndexer::holdem()
    };
    let text = format!("{hole} {board}");
    let cards = cards(&text)?;
    let round = (0..indexer.rounds().len())
        .find(|&r| indexer.cards_through(r) == cards.len())
        .ok_or_else(|| {
            let valid: Vec<String> = (0..indexer.rounds().len())
                .map(|r| indexer.cards_through(r).to_string())
                .collect();
            error(format!(
                "expected {} cards, found {}",
                valid.join(", "),
                cards.len()
            ))
        })?;
    let index = indexer
        .index(round, &cards)
        .ok_or_else(|| error(format!("cards {:?} repeat", excerpt(&text))))?;
    let representative = indexer
        .unindex(round, index)
        .ok_or_else(|| error("index out of range"))?;
    let name = if board_only {
        "flop board"
    } else {
        ["hole", "flop", "turn", "river"][round]
    };
    Ok((
        index,
        indexer.size(round),
        name,
        cards_text(&representative),
    ))
}

/// A weighted range of hole hands in PioSOLVER syntax (`"AA,KK:0.5,AKs,A5s-A2s,66+"`).
#[pyclass(frozen, name = "Range", module = "ponder")]
pub struct PyRange {
    range: Range,
}

#[pymethods]
impl PyRange {
    /// Parses a range; errors give the column.
    #[new]
    fn new(text: &str) -> PyResult<Self> {
        Ok(PyRange {
            range: range(text)?,
        })
    }

    /// The canonical text (parses back to the same range).
    fn canonical(&self) -> String {
        self.range.to_canonical()
    }

    /// Weighted number of combos, blocked by `board` cards when given.
    #[pyo3(signature = (board = ""))]
    fn combos(&self, board: &str) -> PyResult<f64> {
        Ok(self.range.combos_with_board(self::board(board)?))
    }

    /// The weight of every one of the 1,326 hands, in `hand_names()` order (NumPy `float32`).
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        PyArray1::from_slice(py, self.range.weights())
    }

    /// `{hand: weight}` for the hands with positive weight (e.g. `{"AsAh": 1.0, ...}`).
    fn to_dict(&self) -> Vec<(String, f32)> {
        self.range
            .iter()
            .filter(|(_, weight)| *weight > 0.0)
            .map(|(hand, weight)| (hand.to_string(), weight))
            .collect()
    }

    /// The 13×13 grid of mean weights (suited above the diagonal), blocked by `board`.
    #[pyo3(signature = (board = ""))]
    fn grid(&self, board: &str) -> PyResult<Vec<Vec<f32>>> {
        let grid = self.range.grid(self::board(board)?);
        Ok(grid.iter().map(|row| row.to_vec()).collect())
    }

    /// Weight of one hand (`"AhKh"`).
    fn weight(&self, hand: &str) -> PyResult<f32> {
        let cards = cards(hand)?;
        let index = match cards[..] {
            [a, b] => HandIndex::from_cards(a, b),
            _ => None,
        }
        .ok_or_else(|| {
            error(format!(
                "hand {:?}: give two different cards",
                excerpt(hand)
            ))
        })?;
        Ok(self.range.weight(index))
    }

    fn __repr__(&self) -> String {
        format!("Range('{}')", self.range.to_canonical())
    }
}

/// Names of the 1,326 hole hands in index order (the order of `Range.weights()`).
#[pyfunction]
fn hand_names() -> Vec<String> {
    (0..HAND_COUNT)
        .map(|i| HandIndex(i as u16).to_string())
        .collect()
}

/// Adds the card items to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyRange>()?;
    module.add_function(wrap_pyfunction!(evaluate, module)?)?;
    module.add_function(wrap_pyfunction!(distinct_ranks, module)?)?;
    module.add_function(wrap_pyfunction!(equity, module)?)?;
    module.add_function(wrap_pyfunction!(iso_index, module)?)?;
    module.add_function(wrap_pyfunction!(hand_names, module)?)?;
    Ok(())
}
