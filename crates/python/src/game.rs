//! `ponder.Game` and `ponder.load_game`: a compiled game tree shared (by `Arc`) with the solvers built
//! on it, its counts, its information states, and exact evaluation of policies given as dicts.

use std::sync::Arc;

use numpy::PyArray1;
use ponder_games::{CompiledTree, InfoSetId, NodeId, NodeKind};
use ponder_solver::{evaluate, Evaluation, Policy};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::{Map, Value};

use crate::error;

/// A game compiled once into flat arrays (what every solver and evaluation runs on).
#[pyclass(frozen, name = "Game", module = "ponder")]
pub struct PyGame {
    /// The compiled tree, shared with every solver made from this game.
    pub tree: Arc<CompiledTree>,
}

/// Accepts either a `Game` or a game string for arguments named `game`.
pub fn game_argument(game: &Bound<'_, PyAny>) -> PyResult<Arc<CompiledTree>> {
    if let Ok(game) = game.cast::<PyGame>() {
        return Ok(Arc::clone(&game.get().tree));
    }
    let text: String = game.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("game must be a ponder.Game or a game string")
    })?;
    Ok(Arc::new(compile(game.py(), &text)?))
}

/// Parses and compiles a game string with the GIL released.
fn compile(py: Python<'_>, text: &str) -> PyResult<CompiledTree> {
    py.detach(|| {
        let description = ponder_games::parse_game(text).map_err(|e| e.to_string())?;
        description.compile().map_err(|e| e.to_string())
    })
    .map_err(error)
}

/// Loads a game from any game string `ponder game` takes (`"leduc_poker"`, `"kuhn_poker(players=3)"`,
/// `"liars_dice"`, `"goofspiel(num_cards=4)"`, `"shapley_3x3"`, OpenSpiel's turn-based Goofspiel
/// wrapper) and compiles it.
#[pyfunction]
pub fn load_game(py: Python<'_>, game: &str) -> PyResult<PyGame> {
    Ok(PyGame {
        tree: Arc::new(compile(py, game)?),
    })
}

impl PyGame {
    fn infoset(&self, key: &str) -> PyResult<InfoSetId> {
        self.tree.find_infoset(key).ok_or_else(|| {
            error(format!(
                "unknown information-state key '{key}' for {}",
                self.tree.game()
            ))
        })
    }
}

#[pymethods]
impl PyGame {
    /// Canonical game string, e.g. `leduc_poker()`.
    #[getter]
    fn name(&self) -> &str {
        self.tree.game()
    }

    /// Number of players (chance is not a player).
    #[getter]
    fn num_players(&self) -> usize {
        self.tree.num_players()
    }

    /// Number of tree nodes (decision, chance and terminal).
    #[getter]
    fn num_nodes(&self) -> usize {
        self.tree.num_nodes()
    }

    /// Number of information states of all players.
    #[getter]
    fn num_infosets(&self) -> usize {
        self.tree.num_infosets()
    }

    /// Number of (information state, legal action) pairs: the length of the solver arrays.
    #[getter]
    fn num_slots(&self) -> usize {
        self.tree.num_slots()
    }

    /// The counts `ponder game info --json` prints, as a dict.
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.tree.stats();
        let info = PyDict::new(py);
        info.set_item("game", self.tree.game())?;
        info.set_item("players", self.tree.num_players())?;
        info.set_item("total_nodes", stats.total_nodes)?;
        info.set_item("decision_nodes", stats.decision_nodes)?;
        info.set_item("chance_nodes", stats.chance_nodes)?;
        info.set_item("terminal_nodes", stats.terminal_nodes)?;
        info.set_item("decision_nodes_per_player", stats.decision_nodes_per_player)?;
        info.set_item("infostates_per_player", stats.infostates_per_player)?;
        info.set_item("infostates_total", stats.infostates_total)?;
        info.set_item("max_depth_incl_chance", stats.max_depth_incl_chance)?;
        info.set_item("public_states", self.tree.num_public_states())?;
        info.set_item("bytes", self.tree.bytes())?;
        Ok(info)
    }

    /// Every information-state key, in slot order (player 0's first).
    fn infoset_keys(&self) -> Vec<String> {
        (0..self.tree.num_infosets())
            .map(|i| self.tree.infoset_key(InfoSetId(i as u32)).to_string())
            .collect()
    }

    /// Legal actions (OpenSpiel action ids) at an information state.
    fn legal_actions(&self, key: &str) -> PyResult<Vec<u32>> {
        Ok(self.tree.legal_actions(self.infoset(key)?).to_vec())
    }

    /// The player who acts at an information state.
    fn infoset_player(&self, key: &str) -> PyResult<usize> {
        Ok(self.tree.infoset_player(self.infoset(key)?))
    }

    /// The `(start, end)` range of an information state's entries in the solver arrays.
    fn slots(&self, key: &str) -> PyResult<(usize, usize)> {
        let slots = self.tree.slots(self.infoset(key)?);
        Ok((slots.start, slots.end))
    }

    /// Short name of an action, e.g. Leduc's `r` for 2.
    fn action_name(&self, action: u32) -> String {
        self.tree.action_name(action)
    }

    /// The information-state key of the player to move after `history` (OpenSpiel's
    /// `state.history()`: chance outcomes and actions from the root), so OpenSpiel states map to ponder
    /// keys in every game.
    fn key_at(&self, history: Vec<u32>) -> PyResult<String> {
        key_at(&self.tree, &history).map_err(error)
    }

    /// `key_at` for many histories at once.
    fn keys_at(&self, histories: Vec<Vec<u32>>) -> PyResult<Vec<String>> {
        histories
            .iter()
            .map(|history| key_at(&self.tree, history).map_err(error))
            .collect()
    }

    /// The uniform policy, as a dict `{key: [(action, probability), ...]}`.
    fn uniform_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        policy_to_dict(py, &self.tree, &Policy::uniform(&self.tree))
    }

    /// Exact values of a policy: `on_policy_value`, `best_response_value` (per player), `nash_conv`
    /// and `exploitability` (NashConv / players, OpenSpiel's convention). Information states the
    /// policy leaves out play uniformly.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        policy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let policy = policy_from_python(&self.tree, policy)?;
        let tree = &self.tree;
        let evaluation = py.detach(|| evaluate(tree, &policy));
        evaluation_dict(py, &evaluation)
    }

    /// NashConv of a policy (sum over players of what a best response gains).
    fn nash_conv(&self, py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<f64> {
        let policy = policy_from_python(&self.tree, policy)?;
        let tree = &self.tree;
        Ok(py.detach(|| evaluate(tree, &policy)).nash_conv)
    }

    /// Exploitability of a policy: NashConv / players.
    fn exploitability(&self, py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<f64> {
        let policy = policy_from_python(&self.tree, policy)?;
        let tree = &self.tree;
        Ok(py.detach(|| evaluate(tree, &policy)).exploitability)
    }

    /// A policy as one probability per slot (a NumPy array ordered like the solver arrays).
    fn policy_array<'py>(
        &self,
        py: Python<'py>,
        policy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let policy = policy_from_python(&self.tree, policy)?;
        Ok(PyArray1::from_vec(py, policy.probabilities().to_vec()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Game('{}', players={}, nodes={}, infosets={})",
            self.tree.game(),
            self.tree.num_players(),
            self.tree.num_nodes(),
            self.tree.num_infosets()
        )
    }
}

/// Follows `history` (action ids, chance outcomes included) from the root to a decision node.
fn key_at(tree: &CompiledTree, history: &[u32]) -> Result<String, String> {
    let mut node = tree.root();
    for (step, &action) in history.iter().enumerate() {
        let child = tree
            .children(node)
            .map(|child| NodeId(child as u32))
            .find(|&child| tree.action(child) == Some(action));
        node = child.ok_or_else(|| {
            format!(
                "history {history:?}: action {action} at step {step} is not available in {}",
                tree.game()
            )
        })?;
    }
    match tree.kind(node) {
        NodeKind::Decision { infoset, .. } => Ok(tree.infoset_key(infoset).to_string()),
        _ => Err(format!(
            "history {history:?} does not end at a decision node of {}",
            tree.game()
        )),
    }
}

/// A policy as `{key: [(action, probability), ...]}`, the shape of OpenSpiel's
/// `TabularPolicy.to_dict()`.
pub fn policy_to_dict<'py>(
    py: Python<'py>,
    tree: &CompiledTree,
    policy: &Policy,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for infoset in 0..tree.num_infosets() {
        let id = InfoSetId(infoset as u32);
        let pairs = PyList::empty(py);
        for (action, probability) in tree.legal_actions(id).iter().zip(policy.at(tree, id)) {
            pairs.append(PyTuple::new(
                py,
                [
                    action.into_pyobject(py)?.into_any(),
                    probability.into_pyobject(py)?.into_any(),
                ],
            )?)?;
        }
        dict.set_item(tree.infoset_key(id), pairs)?;
    }
    Ok(dict)
}

/// Reads a policy dict (`{key: [(action, p), ...]}`, `{key: {action: p}}` or `{key: [p, ...]}` in
/// legal-action order); ponder's policy reader checks keys, actions and sums and names the culprit.
pub fn policy_from_python(tree: &CompiledTree, policy: &Bound<'_, PyAny>) -> PyResult<Policy> {
    let dict = policy.cast::<PyDict>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("a policy is a dict keyed by information-state keys")
    })?;
    let mut entries = Map::new();
    for (key, value) in dict.iter() {
        let key: String = key
            .extract()
            .map_err(|_| error(format!("policy key {key} is not a string")))?;
        let entry = if let Ok(actions) = value.cast::<PyDict>() {
            let mut map = Map::new();
            for (action, probability) in actions.iter() {
                let action: i64 = action.extract().map_err(|_| {
                    error(format!(
                        "information state '{key}': action {action} is not an integer"
                    ))
                })?;
                map.insert(action.to_string(), number(&key, &probability)?);
            }
            Value::Object(map)
        } else {
            let items: Vec<Bound<'_, PyAny>> = value.try_iter()?.collect::<PyResult<_>>()?;
            let pairs = items.iter().all(|item| item.cast::<PyTuple>().is_ok());
            if pairs && !items.is_empty() {
                let mut map = Map::new();
                for item in &items {
                    let (action, probability): (i64, Bound<'_, PyAny>) = item.extract()?;
                    map.insert(action.to_string(), number(&key, &probability)?);
                }
                Value::Object(map)
            } else {
                Value::Array(
                    items
                        .iter()
                        .map(|probability| number(&key, probability))
                        .collect::<PyResult<_>>()?,
                )
            }
        };
        entries.insert(key, entry);
    }
    Policy::from_json(tree, &Value::Object(entries).to_string()).map_err(error)
}

fn number(key: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let probability: f64 = value.extract().map_err(|_| {
        error(format!(
            "information state '{key}': {value} is not a probability"
        ))
    })?;
    // JSON has no NaN or infinity: say so here with the key, as the policy reader would.
    serde_json::Number::from_f64(probability)
        .map(Value::Number)
        .ok_or_else(|| {
            error(format!(
                "information state '{key}': {probability} is not a probability"
            ))
        })
}

/// The evaluation as a dict.
pub fn evaluation_dict<'py>(
    py: Python<'py>,
    evaluation: &Evaluation,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("nash_conv", evaluation.nash_conv)?;
    dict.set_item("exploitability", evaluation.exploitability)?;
    dict.set_item("on_policy_value", evaluation.on_policy_value.clone())?;
    dict.set_item(
        "best_response_value",
        evaluation.best_response_value.clone(),
    )?;
    Ok(dict)
}

/// Adds the game items to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyGame>()?;
    module.add_function(wrap_pyfunction!(load_game, module)?)?;
    Ok(())
}
