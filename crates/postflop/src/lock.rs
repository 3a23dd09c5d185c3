//! Node locking: fix the strategy of some hands at some decision nodes and solve the rest around it.
//!
//! A lock is written as a line from the root (the syntax of `ponder show --line`: actions such as
//! `check`, `bet 120`, `call`, and dealt cards such as `Qs`, or `*` for every card that can come), the
//! action frequencies, and optionally the hands it applies to (range syntax, default: the whole range).
//! Later locks override earlier ones for the hands they share, so a lock for the whole range followed by
//! one for `AA,KK` gives those two classes their own strategy.
//!
//! In the solver a locked hand plays its locked strategy on every iteration, its regrets stay zero and its
//! strategy sums hold the lock, so the average strategy is exactly the lock; the best response of a player
//! keeps that player's own locked hands on their lock (the exploitability is that of the locked game).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::cards_glue::{self, Card};
use crate::game::{Game, NodeId, NodeKind};
use crate::spot::excerpt;
use crate::tree::{ActionNodeKind, ActionTree, Player};

/// Frequencies of a lock must sum to 1 within this.
pub const SUM_TOLERANCE: f64 = 1e-6;

/// One `[[lock]]` entry of a spot file (or one `--lock` option).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockSpec {
    /// Actions and dealt cards from the root to the locked node (`*` = every card).
    pub line: String,
    /// Hands the lock applies to (range syntax); absent = every hand of the acting player.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hands: Option<String>,
    /// Frequency of each action by name; actions left out get 0.
    pub strategy: BTreeMap<String, f64>,
}

/// A place in a file (`path:line:column`, as other spot-file errors) or an option, for error messages.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Location {
    /// File path, or the option (`--lock 2`).
    pub source: String,
    /// 1-based line in the file (None for options).
    pub line: Option<usize>,
    /// 1-based character column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}:{}", self.source, self.column),
            None => write!(f, "{}, column {}", self.source, self.column),
        }
    }
}

/// Where the fields of one lock were written (start of each value's text).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LockOrigin {
    /// Start of the `line` text.
    pub line: Location,
    /// Start of the `hands` text.
    pub hands: Location,
    /// Start of the strategy.
    pub strategy: Location,
    /// Start of each strategy key, when known.
    pub keys: BTreeMap<String, Location>,
}

impl LockOrigin {
    /// An origin that only names the lock (`lock 3`), for spots read from JSON.
    pub fn unknown(index: usize) -> LockOrigin {
        let at = Location {
            source: format!("lock {}", index + 1),
            line: None,
            column: 1,
        };
        LockOrigin {
            line: at.clone(),
            hands: at.clone(),
            strategy: at,
            keys: BTreeMap::new(),
        }
    }
}

fn shifted(at: &Location, chars: usize) -> Location {
    Location {
        column: at.column + chars,
        ..at.clone()
    }
}

/// What was wrong with a lock.
#[derive(Debug, Error, PartialEq)]
pub enum LockError {
    /// A step of the line is not an action of the node it reaches.
    #[error("{at}: lock line: `{shown_step}` is not an action here; expected one of: {expected}", shown_step = excerpt(.step))]
    NoSuchAction {
        /// Where.
        at: Location,
        /// The step.
        step: String,
        /// The legal actions.
        expected: String,
    },
    /// A card is dealt here and the step is not a card that can come (nor `*`).
    #[error(
        "{at}: lock line: a card is dealt here; `{shown_step}` is not a card that can come ({reason})", shown_step = excerpt(.step))]
    BadCard {
        /// Where.
        at: Location,
        /// The step.
        step: String,
        /// Why.
        reason: String,
    },
    /// The line goes on after the hand ended.
    #[error("{at}: lock line: `{shown_step}` comes after the hand is over", shown_step = excerpt(.step))]
    PastTerminal {
        /// Where.
        at: Location,
        /// The step.
        step: String,
    },
    /// The line does not end where a player acts.
    #[error("{at}: lock line `{shown_line}` ends at a {what}, not where a player acts", shown_line = excerpt(.line))]
    NotADecision {
        /// Where.
        at: Location,
        /// The line.
        line: String,
        /// What it reaches (`dealt card`, `fold`, `showdown`).
        what: String,
    },
    /// A strategy key does not name an action of the locked node.
    #[error(
        "{at}: lock strategy: `{shown_name}` is not an action at `{shown_line}`; expected one of: {expected}", shown_line = excerpt(.line), shown_name = excerpt(.name))]
    UnknownAction {
        /// Where.
        at: Location,
        /// The key.
        name: String,
        /// The line.
        line: String,
        /// The legal actions.
        expected: String,
    },
    /// Two keys name the same action.
    #[error("{at}: lock strategy: action `{shown_name}` is given twice", shown_name = excerpt(.name))]
    DuplicateAction {
        /// Where.
        at: Location,
        /// The action.
        name: String,
    },
    /// A frequency is not a number in [0, 1].
    #[error("{at}: lock strategy: frequency of `{shown_name}` is {value}, not a number in [0, 1]", shown_name = excerpt(.name))]
    BadFrequency {
        /// Where.
        at: Location,
        /// The action.
        name: String,
        /// The value.
        value: f64,
    },
    /// The frequencies do not sum to 1.
    #[error("{at}: lock strategy: frequencies sum to {sum}, not 1 (±1e-6)")]
    BadSum {
        /// Where.
        at: Location,
        /// Their sum.
        sum: f64,
    },
    /// The hands are not valid range syntax.
    #[error("{at}: lock hands: {message}")]
    BadHands {
        /// Where.
        at: Location,
        /// The range parser's message.
        message: String,
    },
    /// A part of `hands` has no hand in the acting player's range.
    #[error("{at}: lock hands: `{shown_part}` has no hand in {player}'s range", shown_part = excerpt(.part))]
    HandsNotInRange {
        /// Where.
        at: Location,
        /// The part of the hands text.
        part: String,
        /// `OOP` or `IP`.
        player: String,
    },
    /// An inline lock (`--lock`) is not `LINE | STRATEGY [| HANDS]`.
    #[error("{at}: {message}")]
    Syntax {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
}

impl LockSpec {
    /// Parses an inline lock `LINE | ACTION=FREQ, ... [| HANDS]`, e.g. `check,bet 120 | call=1 | AA,KK`;
    /// `source` names it in errors (e.g. `--lock 1`).
    pub fn parse_inline(text: &str, source: &str) -> Result<(LockSpec, LockOrigin), LockError> {
        let at = |chars: usize| Location {
            source: source.to_string(),
            line: None,
            column: chars + 1,
        };
        let parts: Vec<&str> = text.split('|').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(LockError::Syntax {
                at: at(0),
                message: format!(
                    "`{}`: expected LINE | ACTION=FREQUENCY, ... [| HANDS], e.g. `check,bet 120 | call=0.6,fold=0.4 | AA,KK`",
                    excerpt(text)
                ),
            });
        }
        // Character offsets of each part's start and of its first non-blank character.
        let mut part_starts = Vec::new();
        let mut starts = Vec::new();
        let mut offset = 0usize;
        for part in &parts {
            let lead = part.chars().count() - part.trim_start().chars().count();
            part_starts.push(offset);
            starts.push(offset + lead);
            offset += part.chars().count() + 1;
        }
        let mut strategy = BTreeMap::new();
        let mut keys = BTreeMap::new();
        let mut inner = 0usize;
        for item in parts[1].split(',') {
            let lead = item.chars().count() - item.trim_start().chars().count();
            let item_at = at(part_starts[1] + inner + lead);
            inner += item.chars().count() + 1;
            if item.trim().is_empty() {
                continue;
            }
            let Some((name, value)) = item.rsplit_once('=') else {
                return Err(LockError::Syntax {
                    at: item_at,
                    message: format!("`{}`: expected ACTION=FREQUENCY", excerpt(item.trim())),
                });
            };
            let value: f64 = value.trim().parse().map_err(|_| LockError::Syntax {
                at: item_at.clone(),
                message: format!("`{}`: the frequency is not a number", excerpt(item.trim())),
            })?;
            let name = name.trim().to_string();
            keys.insert(name.clone(), item_at);
            strategy.insert(name, value);
        }
        let spec = LockSpec {
            line: parts[0].trim().to_string(),
            hands: parts.get(2).map(|h| h.trim().to_string()),
            strategy,
        };
        let origin = LockOrigin {
            line: at(starts[0]),
            hands: at(*starts.get(2).unwrap_or(&0)),
            strategy: at(starts[1]),
            keys,
        };
        Ok((spec, origin))
    }
}

/// Positions of the `[[lock]]` fields in a TOML text (a second, span-keeping parse of the same text).
pub fn toml_origins(text: &str, path: &str) -> Vec<LockOrigin> {
    #[derive(Deserialize)]
    struct Spans {
        #[serde(default)]
        lock: Vec<SpannedLock>,
    }
    #[derive(Deserialize)]
    struct SpannedLock {
        line: serde_spanned::Spanned<String>,
        hands: Option<serde_spanned::Spanned<String>>,
        strategy: serde_spanned::Spanned<std::collections::BTreeMap<String, serde::de::IgnoredAny>>,
    }
    let Ok(spans) = toml_edit::de::from_str::<Spans>(text) else {
        return Vec::new();
    };
    let at = |byte: usize| {
        let byte = byte.min(text.len());
        let before = &text[..byte];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            source: path.to_string(),
            line: Some(line),
            column: text[line_start..byte].chars().count() + 1,
        }
    };
    // A string's span includes its opening quote.
    let inside = |span: std::ops::Range<usize>| at(span.start + 1);
    spans
        .lock
        .iter()
        .map(|lock| {
            let strategy_span = lock.strategy.span();
            let table_text = &text[strategy_span.clone()];
            let keys = lock
                .strategy
                .get_ref()
                .keys()
                .filter_map(|key| {
                    let found = table_text.find(key.as_str())?;
                    Some((key.clone(), at(strategy_span.start + found)))
                })
                .collect();
            LockOrigin {
                line: inside(lock.line.span()),
                hands: lock
                    .hands
                    .as_ref()
                    .map(|h| inside(h.span()))
                    .unwrap_or_else(|| at(lock.line.span().start)),
                strategy: at(strategy_span.start),
                keys,
            }
        })
        .collect()
}

/// One step of a lock line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The action with this index at a player node.
    Action(usize),
    /// This card is dealt.
    Card(Card),
    /// Every card that can come (`*`).
    AnyCard,
}

/// A lock checked against the betting tree and the ranges.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedLock {
    /// Steps from the root.
    pub steps: Vec<Step>,
    /// The acting player at the locked node.
    pub player: Player,
    /// Locked hands as (lower card, higher card); None = every hand.
    pub hands: Option<Vec<(Card, Card)>>,
    /// Frequency of each action of the node.
    pub strategy: Vec<f32>,
}

impl ResolvedLock {
    /// True when the line deals a card on the way (the lock sits below a chance node).
    pub fn crosses_chance(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s, Step::Card(_) | Step::AnyCard))
    }
}

/// Checks every lock against the betting tree, the board and the ranges (hands with positive weight).
pub fn resolve(
    specs: &[LockSpec],
    origins: &[LockOrigin],
    tree: &ActionTree,
    board: &[Card],
    ranges: [&[(Card, Card, f32)]; 2],
) -> Result<Vec<ResolvedLock>, LockError> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let origin = origins
                .get(i)
                .cloned()
                .unwrap_or_else(|| LockOrigin::unknown(i));
            resolve_one(spec, &origin, tree, board, ranges)
        })
        .collect()
}

fn resolve_one(
    spec: &LockSpec,
    origin: &LockOrigin,
    tree: &ActionTree,
    board: &[Card],
    ranges: [&[(Card, Card, f32)]; 2],
) -> Result<ResolvedLock, LockError> {
    let line = &spec.line;
    let mut node = tree.node(tree.root());
    let mut steps = Vec::new();
    let mut dealt: Vec<Card> = board.to_vec();
    for step in crate::line::steps(line) {
        let at = shifted(&origin.line, step.offset);
        let step = step.text;
        match node.kind {
            ActionNodeKind::Fold(_) | ActionNodeKind::Showdown => {
                return Err(LockError::PastTerminal {
                    at,
                    step: step.to_string(),
                })
            }
            ActionNodeKind::Player(_) => {
                let Some(k) = crate::line::action_index(&node.actions, step) else {
                    return Err(LockError::NoSuchAction {
                        at,
                        step: step.to_string(),
                        expected: crate::line::action_names(&node.actions).join(", "),
                    });
                };
                steps.push(Step::Action(k));
                node = tree.node(node.children[k]);
            }
            ActionNodeKind::Chance(_) => {
                if step == "*" {
                    steps.push(Step::AnyCard);
                } else {
                    let bad = |reason: &str| LockError::BadCard {
                        at: at.clone(),
                        step: step.to_string(),
                        reason: reason.to_string(),
                    };
                    let card = cards_glue::parse_card(step).map_err(|e| bad(&e.to_string()))?;
                    if dealt.contains(&card) {
                        return Err(bad("it is already on the board"));
                    }
                    dealt.push(card);
                    steps.push(Step::Card(card));
                }
                node = tree.node(node.children[0]);
            }
        }
    }
    let ActionNodeKind::Player(player) = node.kind else {
        let what = match node.kind {
            ActionNodeKind::Chance(_) => "dealt card (add the card, or `*` for every card)",
            ActionNodeKind::Fold(_) => "fold",
            _ => "showdown",
        };
        return Err(LockError::NotADecision {
            at: origin.line.clone(),
            line: line.clone(),
            what: what.to_string(),
        });
    };
    let names = crate::line::action_names(&node.actions);
    let mut strategy = vec![0.0f32; names.len()];
    let mut given = vec![false; names.len()];
    let mut sum = 0.0f64;
    for (name, &value) in &spec.strategy {
        let at = origin
            .keys
            .get(name)
            .cloned()
            .unwrap_or_else(|| origin.strategy.clone());
        let Some(k) = crate::line::action_index(&node.actions, name) else {
            return Err(LockError::UnknownAction {
                at,
                name: name.clone(),
                line: line.clone(),
                expected: names.join(", "),
            });
        };
        if given[k] {
            return Err(LockError::DuplicateAction {
                at,
                name: names[k].clone(),
            });
        }
        if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
            return Err(LockError::BadFrequency {
                at,
                name: names[k].clone(),
                value,
            });
        }
        given[k] = true;
        strategy[k] = value as f32;
        sum += value;
    }
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(LockError::BadSum {
            at: origin.strategy.clone(),
            sum,
        });
    }
    let hands = match &spec.hands {
        None => None,
        Some(text) => Some(lock_hands(text, &origin.hands, player, ranges, board)?),
    };
    Ok(ResolvedLock {
        steps,
        player,
        hands,
        strategy,
    })
}

/// The hands of `text` in `player`'s range; each comma-separated part must hold at least one.
fn lock_hands(
    text: &str,
    at: &Location,
    player: Player,
    ranges: [&[(Card, Card, f32)]; 2],
    board: &[Card],
) -> Result<Vec<(Card, Card)>, LockError> {
    let range: HashMap<(Card, Card), f32> = ranges[player.index()]
        .iter()
        .filter(|&&(a, b, w)| w > 0.0 && !board.contains(&a) && !board.contains(&b))
        .map(|&(a, b, w)| ((a.min(b), a.max(b)), w))
        .collect();
    let mut hands = Vec::new();
    let mut offset = 0usize;
    for part in text.split(',') {
        let column = text[..offset].chars().count() + part.chars().count()
            - part.trim_start().chars().count();
        offset += part.len() + 1;
        let token = part.trim();
        if token.is_empty() {
            continue;
        }
        let part_at = shifted(at, column);
        let parsed = cards_glue::parse_range(token).map_err(|e| {
            let message = match &e {
                cards_glue::CardsError::Range(r) => {
                    return LockError::BadHands {
                        at: shifted(&part_at, r.column.saturating_sub(1)),
                        message: r.kind.to_string(),
                    }
                }
                other => other.to_string(),
            };
            LockError::BadHands {
                at: part_at.clone(),
                message,
            }
        })?;
        let before = hands.len();
        for (a, b, _) in parsed {
            let key = (a.min(b), a.max(b));
            if range.contains_key(&key) {
                hands.push(key);
            }
        }
        if hands.len() == before {
            return Err(LockError::HandsNotInRange {
                at: part_at,
                part: token.to_string(),
                player: match player {
                    Player::Oop => "OOP".into(),
                    Player::Ip => "IP".into(),
                },
            });
        }
    }
    hands.sort_unstable();
    hands.dedup();
    Ok(hands)
}

/// The lock of one game node: which hands are locked and their strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeLock {
    /// Locked hands (indices into the actor's hand list), ascending.
    pub hands: Vec<u16>,
    /// `actions × hands` (the actor's full hand list); only the rows of locked hands are meaningful.
    pub strategy: Vec<f32>,
}

impl NodeLock {
    /// Overwrites the locked hands' entries of a current strategy (`actions × hands`).
    #[inline]
    pub fn apply(&self, strategy: &mut [f32], hands: usize) {
        let actions = strategy.len() / hands.max(1);
        for a in 0..actions {
            let row = &mut strategy[a * hands..(a + 1) * hands];
            let lock = &self.strategy[a * hands..(a + 1) * hands];
            for &h in &self.hands {
                row[h as usize] = lock[h as usize];
            }
        }
    }

    /// Zeroes the locked hands' entries (regrets of locked hands are not updated).
    #[inline]
    pub fn clear(&self, values: &mut [f32], hands: usize) {
        let actions = values.len() / hands.max(1);
        for a in 0..actions {
            let row = &mut values[a * hands..(a + 1) * hands];
            for &h in &self.hands {
                row[h as usize] = 0.0;
            }
        }
    }

    /// The value of each locked hand when it follows its lock (`values` is `actions × hands`).
    #[inline]
    pub fn locked_values(&self, values: &[f32], hands: usize, out: &mut [f32]) {
        let actions = values.len() / hands.max(1);
        for &h in &self.hands {
            let h = h as usize;
            out[h] = (0..actions)
                .map(|a| values[a * hands + h] * self.strategy[a * hands + h])
                .sum();
        }
    }
}

/// The locks of a game, by node; empty when nothing is locked (the solver then skips every check).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Locks {
    /// For each game node, its index in `nodes` or `u32::MAX`; empty when there are no locks.
    of_node: Vec<u32>,
    /// Node locks.
    nodes: Vec<(NodeId, NodeLock)>,
}

impl Locks {
    /// The lock of a node, if any.
    #[inline]
    pub fn get(&self, id: NodeId) -> Option<&NodeLock> {
        if self.nodes.is_empty() {
            return None;
        }
        match self.of_node[id.0 as usize] {
            u32::MAX => None,
            i => Some(&self.nodes[i as usize].1),
        }
    }

    /// True when no node is locked.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Locked nodes with their locks.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &NodeLock)> + '_ {
        self.nodes.iter().map(|(id, lock)| (*id, lock))
    }

    /// Number of locked game nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Locks `hands` (all of the actor's hands when None) of node `id` to `strategy` (one frequency per
    /// action); hands locked before at this node are overridden.
    pub fn lock_node(&mut self, game: &Game, id: NodeId, hands: Option<&[u16]>, strategy: &[f32]) {
        let node = &game.nodes[id.0 as usize];
        let NodeKind::Player(player) = node.kind else {
            return;
        };
        let n = game.hands[player.index()].len();
        let actions = node.num_children as usize;
        assert_eq!(strategy.len(), actions, "one frequency per action");
        if self.of_node.is_empty() {
            self.of_node = vec![u32::MAX; game.nodes.len()];
        }
        let slot = match self.of_node[id.0 as usize] {
            u32::MAX => {
                self.of_node[id.0 as usize] = self.nodes.len() as u32;
                self.nodes.push((
                    id,
                    NodeLock {
                        hands: Vec::new(),
                        strategy: vec![0.0; actions * n],
                    },
                ));
                self.nodes.len() - 1
            }
            i => i as usize,
        };
        let lock = &mut self.nodes[slot].1;
        let all: Vec<u16>;
        let hands = match hands {
            Some(h) => h,
            None => {
                all = (0..n as u16).collect();
                &all
            }
        };
        for &h in hands {
            for (a, &f) in strategy.iter().enumerate() {
                lock.strategy[a * n + h as usize] = f;
            }
        }
        lock.hands.extend_from_slice(hands);
        lock.hands.sort_unstable();
        lock.hands.dedup();
    }

    /// Maps resolved locks onto the nodes of `game` (`*` steps reach every dealt card's subtree). The game
    /// must be built without suit isomorphism when a lock crosses a dealt card.
    pub fn build(game: &Game, resolved: &[ResolvedLock]) -> Locks {
        let mut locks = Locks::default();
        for lock in resolved {
            let p = lock.player.index();
            let hands: Option<Vec<u16>> = lock.hands.as_ref().map(|list| {
                let index: HashMap<(Card, Card), u16> = game.hands[p]
                    .cards
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| (c, i as u16))
                    .collect();
                list.iter().filter_map(|c| index.get(c).copied()).collect()
            });
            let mut targets = Vec::new();
            collect_targets(game, NodeId(0), &lock.steps, &mut targets);
            for id in targets {
                locks.lock_node(game, id, hands.as_deref(), &lock.strategy);
            }
        }
        locks
    }

    /// Writes the locked strategies into the strategy sums of `storage` and zeroes their regrets, so the
    /// average strategy of a locked hand is its lock from the start.
    pub fn write_into<S: crate::storage::StoredValue>(&self, game: &Game, storage: &mut [S]) {
        for (id, lock) in &self.nodes {
            let node = &game.nodes[id.0 as usize];
            let NodeKind::Player(player) = node.kind else {
                continue;
            };
            let n = game.hands[player.index()].len();
            let actions = node.num_children as usize;
            let own = &mut storage
                [node.storage_start..node.storage_start + crate::storage::own_len::<S>(actions, n)];
            S::write_lock(own, actions, n, lock);
        }
    }
}

fn collect_targets(game: &Game, id: NodeId, steps: &[Step], out: &mut Vec<NodeId>) {
    let node = &game.nodes[id.0 as usize];
    let Some((&step, rest)) = steps.split_first() else {
        out.push(id);
        return;
    };
    match step {
        Step::Action(k) => {
            collect_targets(game, NodeId(node.first_child + k as u32), rest, out);
        }
        Step::AnyCard => {
            for child in game.children(id) {
                collect_targets(game, NodeId(child), rest, out);
            }
        }
        Step::Card(card) => {
            let data = &game.chances[node.chance as usize];
            if let Some(dealt) = data.dealt.iter().find(|d| d.card == card) {
                debug_assert_eq!(
                    dealt.swap,
                    u32::MAX,
                    "locks below a dealt card need no isomorphism"
                );
                collect_targets(game, NodeId(node.first_child + dealt.child), rest, out);
            }
        }
    }
}
