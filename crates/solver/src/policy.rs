//! Behaviour policies over a compiled tree's slots, and their JSON form keyed by information-state keys:
//! `{"game": "leduc_poker()", "policy": {"31|rc|r": {"0": 0.1, "1": 0.5, "2": 0.4}, ...}}`.

use std::collections::BTreeMap;

use ponder_games::{CompiledTree, InfoSetId};
use serde_json::{Map, Value};

/// A behaviour policy: one probability per slot of a [`CompiledTree`] (see
/// [`CompiledTree::slots`]); each information set's slots sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    probabilities: Vec<f64>,
}

/// How much a policy file's probabilities may miss summing to 1.
pub const SUM_TOLERANCE: f64 = 1e-6;

/// Why a policy file was rejected; every variant names the information-state key at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// Not JSON, or not the expected shape.
    #[error("policy is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The file's top level is not an object of information states.
    #[error("policy must be a JSON object mapping information-state keys to probabilities")]
    NotAnObject,
    /// The file says it is for another game.
    #[error("policy is for game '{found}', not '{expected}'")]
    WrongGame {
        /// Game in the file.
        found: String,
        /// Game being evaluated.
        expected: String,
    },
    /// A key that is no information state of this game.
    #[error("unknown information-state key '{key}' for {game}")]
    UnknownKey {
        /// The key.
        key: String,
        /// The game.
        game: String,
    },
    /// An action that is not legal at that information state.
    #[error("information state '{key}': action '{action}' is not legal (legal: {legal})")]
    IllegalAction {
        /// The key.
        key: String,
        /// The action as written.
        action: String,
        /// Legal action ids.
        legal: String,
    },
    /// A value that is not a probability.
    #[error("information state '{key}': {value} is not a probability")]
    BadProbability {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
    },
    /// An array of the wrong length.
    #[error("information state '{key}': {found} probabilities given, {expected} legal actions")]
    WrongLength {
        /// The key.
        key: String,
        /// Number of legal actions.
        expected: usize,
        /// Number of probabilities given.
        found: usize,
    },
    /// Probabilities not summing to 1 within `SUM_TOLERANCE` (1e-6).
    #[error("information state '{key}': probabilities sum to {sum}, not 1 (tolerance 1e-6)")]
    BadSum {
        /// The key.
        key: String,
        /// The sum found.
        sum: f64,
    },
}

impl Policy {
    /// The uniform policy over every information set's legal actions.
    pub fn uniform(tree: &CompiledTree) -> Self {
        let mut probabilities = vec![0.0; tree.num_slots()];
        for infoset in 0..tree.num_infosets() {
            let slots = tree.slots(InfoSetId(infoset as u32));
            let uniform = 1.0 / slots.len() as f64;
            probabilities[slots].fill(uniform);
        }
        Self { probabilities }
    }

    /// Wraps per-slot probabilities (the caller guarantees each set sums to 1).
    pub fn from_probabilities(probabilities: Vec<f64>) -> Self {
        Self { probabilities }
    }

    /// Normalises per-slot weights per information set; a set with zero total weight becomes uniform.
    pub fn normalized(tree: &CompiledTree, weights: &[f64]) -> Self {
        let mut probabilities = weights.to_vec();
        for infoset in 0..tree.num_infosets() {
            let slots = tree.slots(InfoSetId(infoset as u32));
            let strategy = &mut probabilities[slots];
            let total: f64 = strategy.iter().sum();
            if total > 0.0 {
                for probability in strategy.iter_mut() {
                    *probability /= total;
                }
            } else {
                let uniform = 1.0 / strategy.len() as f64;
                strategy.fill(uniform);
            }
        }
        Self { probabilities }
    }

    /// Probabilities per slot.
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities
    }

    /// The action probabilities at `infoset`, in legal-action order.
    pub fn at<'a>(&'a self, tree: &CompiledTree, infoset: InfoSetId) -> &'a [f64] {
        &self.probabilities[tree.slots(infoset)]
    }

    /// The JSON form: `{"game": ..., "policy": {key: {action id: probability}}}`.
    pub fn to_json(&self, tree: &CompiledTree) -> Value {
        let mut policy = Map::new();
        for infoset in 0..tree.num_infosets() {
            let id = InfoSetId(infoset as u32);
            let mut actions = Map::new();
            for (action, probability) in tree.legal_actions(id).iter().zip(self.at(tree, id)) {
                actions.insert(action.to_string(), Value::from(*probability));
            }
            policy.insert(tree.infoset_key(id).to_string(), Value::Object(actions));
        }
        let mut root = Map::new();
        root.insert("game".into(), Value::from(tree.game()));
        root.insert("policy".into(), Value::Object(policy));
        Value::Object(root)
    }

    /// Reads a policy for `tree` from JSON text.
    ///
    /// Accepted shapes: `{"game": ..., "policy": {...}}` or the bare `{...}` map; each information state
    /// maps either to `{action id: probability}` (absent actions 0) or to an array of probabilities in
    /// legal-action order. Information states not mentioned play uniformly.
    pub fn from_json(tree: &CompiledTree, text: &str) -> Result<Self, PolicyError> {
        let root: Value = serde_json::from_str(text).map_err(|error| PolicyError::Json {
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        })?;
        let Value::Object(root) = root else {
            return Err(PolicyError::NotAnObject);
        };
        let entries = match (root.get("policy"), root.get("game")) {
            (Some(Value::Object(policy)), game) => {
                if let Some(Value::String(game)) = game {
                    let matches = ponder_games::parse_game(game)
                        .map(|parsed| parsed.game_string() == tree.game())
                        .unwrap_or(false);
                    if !matches {
                        return Err(PolicyError::WrongGame {
                            found: game.clone(),
                            expected: tree.game().to_string(),
                        });
                    }
                }
                policy.clone()
            }
            _ => root,
        };
        let index = tree.infoset_index();
        let mut policy = Self::uniform(tree);
        let entries: BTreeMap<String, Value> = entries.into_iter().collect();
        for (key, value) in entries {
            let Some(&infoset) = index.get(key.as_str()) else {
                return Err(PolicyError::UnknownKey {
                    key,
                    game: tree.game().to_string(),
                });
            };
            let legal = tree.legal_actions(infoset);
            let slots = tree.slots(infoset);
            let mut probabilities = vec![0.0; legal.len()];
            let probability = |value: &Value| -> Result<f64, PolicyError> {
                value
                    .as_f64()
                    .filter(|p| p.is_finite() && *p >= 0.0 && *p <= 1.0 + SUM_TOLERANCE)
                    .ok_or_else(|| PolicyError::BadProbability {
                        key: key.clone(),
                        value: value.to_string(),
                    })
            };
            match &value {
                Value::Object(actions) => {
                    for (action, value) in actions {
                        let position = action
                            .parse::<u32>()
                            .ok()
                            .and_then(|action| legal.iter().position(|&legal| legal == action))
                            .ok_or_else(|| PolicyError::IllegalAction {
                                key: key.clone(),
                                action: action.clone(),
                                legal: legal
                                    .iter()
                                    .map(|a| a.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            })?;
                        probabilities[position] = probability(value)?;
                    }
                }
                Value::Array(values) => {
                    if values.len() != legal.len() {
                        return Err(PolicyError::WrongLength {
                            key,
                            expected: legal.len(),
                            found: values.len(),
                        });
                    }
                    for (slot, value) in probabilities.iter_mut().zip(values) {
                        *slot = probability(value)?;
                    }
                }
                other => {
                    return Err(PolicyError::BadProbability {
                        key,
                        value: other.to_string(),
                    })
                }
            }
            let sum: f64 = probabilities.iter().sum();
            if (sum - 1.0).abs() > SUM_TOLERANCE {
                return Err(PolicyError::BadSum { key, sum });
            }
            for (target, probability) in policy.probabilities[slots].iter_mut().zip(&probabilities)
            {
                *target = probability / sum;
            }
        }
        Ok(policy)
    }
}
