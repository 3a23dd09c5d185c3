//! [`Blueprint`]: a trained directory, asked for its strategy at real states of a hand.
//!
//! The real history is walked through the abstract tree alongside the engine: folds and calls follow
//! their edges, a real raise follows the abstract raise chosen by pseudo-harmonic translation
//! (Ganzfried and Sandholm 2013), deterministically (the nearer size by the mapping's probability, so
//! that the same state always gets the same answer). The abstract actions at the reached node are then
//! turned into engine actions at the real state: sizes recomputed on the real pot and clamped into the
//! legal range, a raise that is no longer legal becomes a call, a fold when checking is free a check.

use std::path::Path;

use ponder_cards::{Card, CardSet, HandIndex, HAND_COUNT};
use ponder_holdem::{Action, Chips, HandState, Step, Table};

use crate::config::{BlueprintConfig, MAX_ACTIONS};
use crate::file::{Header, Kind, Reader};
use crate::session::{
    check_header, load_or_build_abstraction, ABSTRACTION_FILE, CONFIG_FILE, STRATEGY_FILE,
};
use crate::tree::{abstract_actions, root_state, street_index, AbstractAction, Tree, TERMINAL};
use crate::{BlueprintError, CardAbstraction, CardBuckets};

/// How the average strategy is turned into play.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlayMode {
    /// The average strategy as trained.
    Average,
    /// Libratus-style purification by thresholding: actions below this probability are dropped and
    /// the rest renormalised (the default, at 0.05).
    Threshold(f64),
    /// Full purification: the most likely action only.
    Purified,
}

impl Default for PlayMode {
    fn default() -> PlayMode {
        PlayMode::Threshold(0.05)
    }
}

/// The blueprint's strategy at a state for every hole pair.
#[derive(Clone, Debug, PartialEq)]
pub struct RangePolicy {
    /// Legal engine actions (distinct).
    pub actions: Vec<Action>,
    /// Per action, 1,326 probabilities indexed by [`HandIndex`] (hands touching the board: 0).
    pub probs: Vec<Vec<f64>>,
    /// Whether the history left the abstract tree (then the policy is check/call).
    pub off_tree: bool,
}

/// A trained blueprint.
pub struct Blueprint {
    config: BlueprintConfig,
    table: Table,
    tree: Tree,
    cards: Box<dyn CardBuckets>,
    strategy: Vec<u16>,
    header: Header,
    mode: PlayMode,
}

/// Where a history leads: the abstract node (None when it left the tree), the abstract and real states.
struct Walk {
    node: Option<u32>,
    abstract_state: HandState,
    depth: usize,
    real: HandState,
}

/// Pseudo-harmonic translation: the probability of mapping a bet of pot fraction `x` to the smaller
/// size `a` rather than the larger `b` (a <= x <= b).
pub fn translate(a: f64, b: f64, x: f64) -> f64 {
    if b <= a {
        return 1.0;
    }
    ((b - x) * (1.0 + a) / ((b - a) * (1.0 + x))).clamp(0.0, 1.0)
}

/// Pot fraction of a raise to `to` at `state`: the raise above the current bet over the pot after
/// calling.
fn pot_fraction(state: &HandState, to: Chips) -> f64 {
    let seat = state.to_act().unwrap_or(0);
    let call = state.call_amount(seat);
    (to.saturating_sub(state.current_bet())) as f64 / (state.pot() + call).max(1) as f64
}

impl Blueprint {
    /// Loads a trained directory (config, card abstraction, strategy) and checks they belong together.
    pub fn load(dir: &Path) -> Result<Blueprint, BlueprintError> {
        let config = BlueprintConfig::load(&dir.join(CONFIG_FILE))?;
        if !dir.join(ABSTRACTION_FILE).exists() {
            return Err(BlueprintError::Directory(format!(
                "{}: no {ABSTRACTION_FILE}: not a trained blueprint directory",
                dir.display()
            )));
        }
        let cards: CardAbstraction = load_or_build_abstraction(dir, &config, &|_| {})?;
        Blueprint::with_cards(dir, config, Box::new(cards))
    }

    /// Loads a trained directory with a given card abstraction (tests use simple ones).
    pub fn with_cards(
        dir: &Path,
        config: BlueprintConfig,
        cards: Box<dyn CardBuckets>,
    ) -> Result<Blueprint, BlueprintError> {
        let buckets: [u32; 4] = std::array::from_fn(|s| cards.buckets(s));
        let tree = Tree::build(&config, buckets)?;
        let path = dir.join(STRATEGY_FILE);
        let mut reader = Reader::open(&path, Kind::Strategy)?;
        check_header(&reader.header, &path, &config, &tree, cards.as_ref())?;
        let mut strategy = Vec::with_capacity(tree.slots as usize);
        reader.read_values::<2>(tree.slots, |b| strategy.push(u16::from_le_bytes(b)))?;
        let header = reader.header.clone();
        reader.finish()?;
        Ok(Blueprint {
            table: config.table(),
            config,
            tree,
            cards,
            strategy,
            header,
            mode: PlayMode::default(),
        })
    }

    /// The same blueprint playing in another mode.
    pub fn with_mode(mut self, mode: PlayMode) -> Blueprint {
        self.mode = mode;
        self
    }

    /// The play mode.
    pub fn mode(&self) -> PlayMode {
        self.mode
    }

    /// The game it was trained for (the button is the last seat).
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Its configuration.
    pub fn config(&self) -> &BlueprintConfig {
        &self.config
    }

    /// Its betting tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Iterations it was trained for.
    pub fn iterations(&self) -> u64 {
        self.header.iteration
    }

    /// The strategy at a state for every hole pair (see the crate docs of the mapping).
    pub fn range_policy(
        &self,
        board: &[Card],
        history: &[Step],
    ) -> Result<RangePolicy, BlueprintError> {
        let walk = self.walk(board, history)?;
        let mut buckets = vec![u32::MAX; HAND_COUNT];
        let street = walk.real.street().board_len();
        let street = [0, 0, 0, 1, 2, 3][street];
        if walk.node.is_some() {
            self.cards.board_buckets(street, board, &mut buckets);
        }
        let dead = CardSet::from_cards(board);
        let (actions, map) = self.real_actions(&walk);
        let mut probs = vec![vec![0.0; HAND_COUNT]; actions.len()];
        let mut row = [0.0; MAX_ACTIONS];
        for hand in HandIndex::all() {
            let (a, b) = hand.cards();
            if dead.contains(a) || dead.contains(b) {
                continue;
            }
            let n = self.abstract_probs(&walk, buckets[hand.as_usize()], &mut row);
            for k in 0..n {
                probs[map[k]][hand.as_usize()] += row[k];
            }
        }
        Ok(RangePolicy {
            actions,
            probs,
            off_tree: walk.node.is_none(),
        })
    }

    /// The strategy at a state for one hole pair: legal engine actions with their probabilities.
    pub fn policy(
        &self,
        hole: [Card; 2],
        board: &[Card],
        history: &[Step],
    ) -> Result<Vec<(Action, f64)>, BlueprintError> {
        let mut seen = CardSet::from_cards(board);
        for card in hole {
            if seen.contains(card) {
                return Err(BlueprintError::State(format!(
                    "hole card {card} is also on the board or repeated"
                )));
            }
            seen.insert(card);
        }
        let walk = self.walk(board, history)?;
        let street = street_index(walk.real.street()) as usize;
        let bucket = if walk.node.is_some() {
            self.cards.bucket(street, hole, board)
        } else {
            u32::MAX
        };
        let (actions, map) = self.real_actions(&walk);
        let mut out: Vec<(Action, f64)> = actions.iter().map(|&a| (a, 0.0)).collect();
        let mut row = [0.0; MAX_ACTIONS];
        let n = self.abstract_probs(&walk, bucket, &mut row);
        for k in 0..n {
            out[map[k]].1 += row[k];
        }
        Ok(out)
    }

    /// Probabilities of the abstract actions at the walk's node for a bucket, after the play mode;
    /// off the tree a single check/call. Returns how many were written.
    fn abstract_probs(&self, walk: &Walk, bucket: u32, out: &mut [f64; MAX_ACTIONS]) -> usize {
        let Some(at) = walk.node else {
            out[0] = 1.0;
            return 1;
        };
        let node = self.tree.nodes[at as usize];
        let n = node.actions as usize;
        let base = (node.offset + u64::from(bucket) * n as u64) as usize;
        let raw = &self.strategy[base..base + n];
        let total: f64 = raw.iter().map(|&p| f64::from(p)).sum();
        for a in 0..n {
            out[a] = if total > 0.0 {
                f64::from(raw[a]) / total
            } else {
                1.0 / n as f64
            };
        }
        let best = (0..n)
            .max_by(|&x, &y| out[x].total_cmp(&out[y]).then(y.cmp(&x)))
            .unwrap_or(0);
        match self.mode {
            PlayMode::Average => {}
            PlayMode::Purified => {
                for (a, p) in out[..n].iter_mut().enumerate() {
                    *p = if a == best { 1.0 } else { 0.0 };
                }
            }
            PlayMode::Threshold(t) => {
                for (a, p) in out[..n].iter_mut().enumerate() {
                    if *p < t && a != best {
                        *p = 0.0;
                    }
                }
                let kept: f64 = out[..n].iter().sum();
                out[..n].iter_mut().for_each(|p| *p /= kept);
            }
        }
        n
    }

    /// The distinct legal engine actions at the real state, and for each abstract action (or the
    /// single off-tree check/call) the index of the engine action it becomes.
    fn real_actions(&self, walk: &Walk) -> (Vec<Action>, [usize; MAX_ACTIONS]) {
        let legal = walk.real.legal().expect("the walk ends at a decision");
        let mut actions: Vec<Action> = Vec::new();
        let mut map = [0usize; MAX_ACTIONS];
        let mut push = |action: Action| match actions.iter().position(|&a| a == action) {
            Some(i) => i,
            None => {
                actions.push(action);
                actions.len() - 1
            }
        };
        let Some(at) = walk.node else {
            map[0] = push(Action::CheckCall);
            return (actions, map);
        };
        let node = self.tree.nodes[at as usize];
        let street = node.street as usize;
        for (k, edge) in self.tree.edges_of(&node).iter().enumerate() {
            let action = match edge.action {
                AbstractAction::Fold if legal.can_fold => Action::Fold,
                AbstractAction::Fold | AbstractAction::CheckCall => Action::CheckCall,
                AbstractAction::Raise { size, all_in, .. } => match legal.raise {
                    None => Action::CheckCall,
                    Some((_, max)) if all_in => Action::RaiseTo(max),
                    Some((min, max)) => {
                        let spec = self.config.sizes[street][walk.depth][size as usize];
                        let to = spec.raise_to(
                            walk.real.pot(),
                            legal.call,
                            walk.real.current_bet(),
                            self.table.config().big_blind,
                            max,
                        );
                        Action::RaiseTo(to.clamp(min, max))
                    }
                },
            };
            map[k] = push(action);
        }
        (actions, map)
    }

    /// Walks the history through the engine and the abstract tree.
    fn walk(&self, board: &[Card], history: &[Step]) -> Result<Walk, BlueprintError> {
        let bad = |message: String| Err(BlueprintError::State(message));
        let seats = self.table.seats();
        let root = root_state(&self.table);
        let root_actor = root.to_act().expect("a hand starts with a decision");
        let seat_offset = match history.first() {
            Some(step) if step.seat >= seats => {
                return bad(format!("seat {} at a table of {seats}", step.seat))
            }
            Some(step) => (step.seat + seats - root_actor) % seats,
            None => 0,
        };
        let mut walk = Walk {
            node: Some(0),
            abstract_state: root,
            depth: 0,
            real: root,
        };
        for (i, step) in history.iter().enumerate() {
            let seat = (step.seat + seats - seat_offset) % seats;
            if walk.real.to_act() != Some(seat) || walk.real.street() != step.street {
                return bad(format!(
                    "history step {} ({} by seat {} on the {:?}) is out of turn",
                    i + 1,
                    step.action,
                    step.seat,
                    step.street
                ));
            }
            let before = walk.real;
            if let Err(e) = walk.real.apply(step.action) {
                return bad(format!("history step {}: {e}", i + 1));
            }
            self.sync(&mut walk, &before);
            if let Some(at) = walk.node {
                let edge = self.map_action(at, &walk, &before, step.action);
                match edge {
                    Some(edge) => self.follow(&mut walk, at, edge),
                    None => walk.node = None,
                }
            }
        }
        if walk.real.is_over() {
            return bad("the hand is over: no decision to make".into());
        }
        let expected = walk.real.street().board_len();
        if board.len() != expected {
            return bad(format!(
                "board has {} cards, the {:?} has {expected}",
                board.len(),
                walk.real.street()
            ));
        }
        if CardSet::from_cards(board).len() != board.len() {
            return bad("the board repeats a card".into());
        }
        let before = walk.real;
        self.sync(&mut walk, &before);
        Ok(walk)
    }

    /// Brings the abstract node to the street and actor of the real state `real_before` (the state a
    /// real action is taken at): an abstract street still open behind the real one is closed by
    /// calling; a node that cannot match leaves the tree.
    fn sync(&self, walk: &mut Walk, real_before: &HandState) {
        let Some(mut at) = walk.node else { return };
        let real_street = street_index(real_before.street());
        loop {
            let node = self.tree.nodes[at as usize];
            if node.street == TERMINAL || node.street > real_street {
                walk.node = None;
                return;
            }
            if node.street == real_street {
                break;
            }
            let call = self
                .tree
                .edges_of(&node)
                .iter()
                .position(|e| e.action == AbstractAction::CheckCall)
                .expect("every decision can check or call");
            self.follow(walk, at, call);
            at = walk.node.expect("follow keeps the node");
        }
        // The real state is kept in tree seats (the history's seats are shifted on the way in).
        if real_before.to_act() != Some(self.tree.nodes[at as usize].player as usize) {
            walk.node = None;
        }
    }

    /// The edge of node `at` a real action maps to.
    fn map_action(
        &self,
        at: u32,
        walk: &Walk,
        before: &HandState,
        action: Action,
    ) -> Option<usize> {
        let node = self.tree.nodes[at as usize];
        let edges = self.tree.edges_of(&node);
        let find = |wanted: AbstractAction| edges.iter().position(|e| e.action == wanted);
        match action {
            Action::Fold => find(AbstractAction::Fold),
            Action::CheckCall => find(AbstractAction::CheckCall),
            Action::RaiseTo(to) => {
                let raises: Vec<(usize, bool, f64)> = edges
                    .iter()
                    .enumerate()
                    .filter_map(|(k, e)| match e.action {
                        AbstractAction::Raise { to, all_in, .. } => {
                            Some((k, all_in, pot_fraction(&walk.abstract_state, to)))
                        }
                        _ => None,
                    })
                    .collect();
                if raises.is_empty() {
                    return None;
                }
                let real_all_in = before
                    .legal()
                    .and_then(|l| l.raise)
                    .is_some_and(|(_, max)| to == max);
                if real_all_in {
                    if let Some(&(k, _, _)) = raises.iter().find(|r| r.1) {
                        return Some(k);
                    }
                }
                // A raise short of all-in maps among the sizes short of all-in when there are any.
                let pool: Vec<(usize, bool, f64)> = if raises.iter().any(|r| !r.1) {
                    raises.iter().copied().filter(|r| !r.1).collect()
                } else {
                    raises
                };
                let x = pot_fraction(before, to);
                let (first, last) = (pool[0], pool[pool.len() - 1]);
                if x <= first.2 {
                    return Some(first.0);
                }
                if x >= last.2 {
                    return Some(last.0);
                }
                let upper = pool
                    .iter()
                    .position(|r| r.2 >= x)
                    .expect("x below the last");
                let (a, b) = (pool[upper - 1], pool[upper]);
                Some(if translate(a.2, b.2, x) >= 0.5 {
                    a.0
                } else {
                    b.0
                })
            }
        }
    }

    fn follow(&self, walk: &mut Walk, at: u32, edge: usize) {
        let node = self.tree.nodes[at as usize];
        let e = self.tree.edges_of(&node)[edge];
        let street = walk.abstract_state.street();
        walk.abstract_state
            .apply(e.action.action())
            .expect("tree actions are legal at their abstract state");
        walk.depth = if walk.abstract_state.street() != street {
            0
        } else if matches!(e.action, AbstractAction::Raise { .. }) {
            walk.depth + 1
        } else {
            walk.depth
        };
        walk.node = Some(e.child);
    }

    /// The abstract actions the tree offers at a state (for tests and tools).
    pub fn abstract_actions_at(&self, state: &HandState, depth: usize) -> Vec<AbstractAction> {
        let mut out = [AbstractAction::Fold; MAX_ACTIONS];
        let n = abstract_actions(
            state,
            &self.config.sizes,
            depth,
            self.table.config().big_blind,
            &mut out,
        );
        out[..n].to_vec()
    }
}
