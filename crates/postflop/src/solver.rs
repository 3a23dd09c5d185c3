//! The solver state ([`Solver`]: a game and its stored regrets and strategy sums), one iteration, the
//! exploitability, and the iteration loop with its measurements and checkpoints.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::best_response::{average_at, evaluate, Play};
use crate::cfr::{cfr, Ctx, Discount, DiscountParams};
use crate::error::SolveError;
use crate::game::{Game, NodeId, NodeKind};
use crate::memory::{check_memory, format_bytes, MemoryEstimate};
use crate::storage::{own_len, StoredValue, Q16};

/// The solver state: the game and, for every player node, regrets and strategy sums, stored as `S`
/// (`f32`, or [`Q16`] for 16-bit compressed storage; see [`StoredValue`]).
pub struct Solver<S: StoredValue = f32> {
    /// The game being solved.
    pub game: Game,
    /// Regrets, strategy sums and `S::HEADER` values per player node (see
    /// [`crate::game::GameNode::storage_start`]).
    pub storage: Vec<S>,
    /// Completed iterations.
    pub iteration: u32,
    /// Discount exponents.
    pub params: DiscountParams,
}

/// A solver with 16-bit compressed storage.
pub type CompressedSolver = Solver<Q16>;

impl Solver {
    /// A fresh solver with 32-bit storage (zeroed).
    pub fn new(game: Game) -> Solver {
        Solver::zeroed(game)
    }
}

impl<S: StoredValue> Solver<S> {
    /// A fresh solver with storage of kind `S` (zeroed).
    pub fn zeroed(mut game: Game) -> Solver<S> {
        game.lay_out_storage(S::HEADER);
        let storage = vec![S::default(); game.storage_len];
        Solver::with_storage(game, storage)
    }

    /// A solver over existing storage (allocated by the caller, or loaded from a solve file) laid out
    /// for `S` (see [`Game::lay_out_storage`]); locked hands get their lock written in.
    pub fn with_storage(mut game: Game, mut storage: Vec<S>) -> Solver<S> {
        game.lay_out_storage(S::HEADER);
        assert_eq!(
            storage.len(),
            game.storage_len,
            "storage does not match the game"
        );
        game.locks.write_into(&game, &mut storage);
        Solver {
            game,
            storage,
            iteration: 0,
            params: DiscountParams::default(),
        }
    }

    /// True when the storage is 16-bit compressed.
    pub fn compressed(&self) -> bool {
        S::COMPRESSED
    }

    /// The same solve with storage of kind `T` (each node decoded to f32 and encoded again).
    pub fn convert<T: StoredValue>(self) -> Solver<T> {
        let Solver {
            mut game,
            storage,
            iteration,
            params,
        } = self;
        let old: Vec<(usize, usize, usize)> = player_nodes(&game);
        game.lay_out_storage(T::HEADER);
        let mut converted = vec![T::default(); game.storage_len];
        let (mut regrets, mut sums) = (Vec::new(), Vec::new());
        for (&(start, actions, hands), (new_start, _, _)) in old.iter().zip(player_nodes(&game)) {
            regrets.resize(actions * hands, 0.0);
            sums.resize(actions * hands, 0.0);
            S::decode(
                &storage[start..start + own_len::<S>(actions, hands)],
                actions,
                hands,
                &mut regrets,
                &mut sums,
            );
            T::encode(
                &mut converted[new_start..new_start + own_len::<T>(actions, hands)],
                actions,
                hands,
                &regrets,
                &sums,
            );
        }
        drop(storage);
        let mut solver = Solver::with_storage(game, converted);
        solver.iteration = iteration;
        solver.params = params;
        solver
    }

    /// Runs one iteration: OOP is updated, then IP.
    pub fn iterate(&mut self) {
        self.iteration += 1;
        let discount = Discount::at(self.params, self.iteration);
        for player in 0..2 {
            let ctx = Ctx {
                game: &self.game,
                player,
                discount,
            };
            let opp_reach = self.game.hands[1 - player].weights.clone();
            let mut out = vec![0.0f32; self.game.hands[player].len()];
            cfr(&ctx, NodeId(0), &mut self.storage, &opp_reach, &mut out);
        }
    }

    /// Best-response values (net chips, averaged over hand pairs) of OOP and IP against the average
    /// strategy, in the locked game (locked hands keep their lock; the full game when nothing is locked).
    pub fn best_response_values(&self) -> [f64; 2] {
        self.response_values(Play::Best)
    }

    /// Values (net chips, averaged over hand pairs) of OOP and IP when each plays as `play` says against
    /// the other's average strategy.
    pub fn response_values(&self, play: Play) -> [f64; 2] {
        std::array::from_fn(|player| {
            let game = &self.game;
            let opp_reach = game.hands[1 - player].weights.clone();
            let mut out = vec![0.0f32; game.hands[player].len()];
            evaluate(
                game,
                &self.storage,
                player,
                play,
                NodeId(0),
                &opp_reach,
                &mut out,
            );
            let total: f64 = out
                .iter()
                .zip(&game.hands[player].weights)
                .map(|(&v, &w)| v as f64 * w as f64)
                .sum();
            total / game.pair_weight
        })
    }

    /// Exploitability in % of the starting pot: (BR value of OOP + BR value of IP) / 2, in the locked
    /// game (what a locked solve converges to zero in).
    pub fn exploitability_pct(&self) -> f64 {
        self.exploitability_pct_with(Play::Best)
    }

    /// Exploitability in % of the starting pot in the full game: the best responses may also deviate
    /// where hands are locked, so it measures what the locks cost against an unrestricted opponent.
    /// Equal to [`Solver::exploitability_pct`] when nothing is locked.
    pub fn full_game_exploitability_pct(&self) -> f64 {
        if self.game.locks.is_empty() {
            return self.exploitability_pct();
        }
        self.exploitability_pct_with(Play::BestUnlocked)
    }

    /// (value of OOP + value of IP) / 2 in % of the starting pot, each playing as `play` says.
    fn exploitability_pct_with(&self, play: Play) -> f64 {
        let [a, b] = self.response_values(play);
        (a + b) / 2.0 / self.game.tree.config.starting_pot as f64 * 100.0
    }

    /// Average strategy at a player node: `actions × hands`, rows summing to 1.
    pub fn average_strategy(&self, id: NodeId) -> Vec<f32> {
        let node = &self.game.nodes[id.0 as usize];
        let NodeKind::Player(player) = node.kind else {
            return Vec::new();
        };
        let hands = self.game.hands[player.index()].len();
        let actions = node.num_children as usize;
        let own =
            &self.storage[node.storage_start..node.storage_start + own_len::<S>(actions, hands)];
        let mut strategy = vec![0.0f32; actions * hands];
        average_at(&self.game, id, own, actions, hands, &mut strategy);
        strategy
    }
}

/// (storage start, actions, hands) of every player node.
fn player_nodes(game: &Game) -> Vec<(usize, usize, usize)> {
    game.nodes
        .iter()
        .filter_map(|node| match node.kind {
            NodeKind::Player(p) => Some((
                node.storage_start,
                node.num_children as usize,
                game.hands[p.index()].len(),
            )),
            _ => None,
        })
        .collect()
}

/// When to stop, how often to measure and how often to save.
#[derive(Clone, Copy, Debug)]
pub struct SolveOptions {
    /// Stop when exploitability is at most this (% of the starting pot).
    pub target_pct: f64,
    /// Stop after this many iterations in total.
    pub max_iterations: u32,
    /// Measure exploitability every this many iterations.
    pub check_every: u32,
    /// Call the save callback every this many iterations (on its own interval, not only at
    /// measurements, so a killed solve loses at most this many iterations); `None` never.
    pub checkpoint_every: Option<u32>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            target_pct: 0.3,
            max_iterations: 1000,
            check_every: 10,
            checkpoint_every: None,
        }
    }
}

/// One exploitability measurement during a solve.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Iterations completed.
    pub iteration: u32,
    /// Exploitability in % of the starting pot.
    pub exploitability_pct: f64,
    /// Seconds since the solve started (this run).
    pub seconds: f64,
}

impl<S: StoredValue> Solver<S> {
    /// Iterates until the target or the iteration cap, measuring every `check_every` iterations;
    /// `on_check` sees every measurement and may stop the solve by returning false.
    pub fn solve(
        &mut self,
        options: SolveOptions,
        on_check: impl FnMut(&Solver<S>, &Checkpoint) -> bool,
    ) -> Checkpoint {
        self.solve_saving(options, on_check, |_, _| true)
    }

    /// Like [`Solver::solve`], also calling `on_save(solver, exploitability measured at this iteration)`
    /// every `options.checkpoint_every` iterations after the first (a false return stops the solve).
    /// The solve's last state is not passed to `on_save`: the caller saves the result it returns.
    pub fn solve_saving(
        &mut self,
        options: SolveOptions,
        mut on_check: impl FnMut(&Solver<S>, &Checkpoint) -> bool,
        mut on_save: impl FnMut(&Solver<S>, Option<f64>) -> bool,
    ) -> Checkpoint {
        let start = Instant::now();
        let check_every = options.check_every.max(1);
        let mut last_saved = self.iteration;
        let mut last: Option<Checkpoint> = None;
        loop {
            let due = self.iteration >= options.max_iterations
                || (self.iteration > 0 && self.iteration % check_every == 0);
            let mut measured = None;
            if due || self.iteration == 0 {
                let checkpoint = Checkpoint {
                    iteration: self.iteration,
                    exploitability_pct: self.exploitability_pct(),
                    seconds: start.elapsed().as_secs_f64(),
                };
                last = Some(checkpoint);
                measured = Some(checkpoint.exploitability_pct);
                let keep_going = on_check(self, &checkpoint);
                if !keep_going
                    || checkpoint.exploitability_pct <= options.target_pct
                    || self.iteration >= options.max_iterations
                {
                    return checkpoint;
                }
            }
            if let Some(every) = options.checkpoint_every {
                if self.iteration >= last_saved.saturating_add(every.max(1)) {
                    if !on_save(self, measured) {
                        return last.unwrap_or(Checkpoint {
                            iteration: self.iteration,
                            exploitability_pct: f64::NAN,
                            seconds: start.elapsed().as_secs_f64(),
                        });
                    }
                    last_saved = self.iteration;
                }
            }
            self.iterate();
        }
    }
}

/// A solver of either storage kind; [`with_solver!`](crate::with_solver) runs generic code on it.
pub enum AnySolver {
    /// 32-bit storage.
    Full(Solver<f32>),
    /// 16-bit compressed storage.
    Compressed(Solver<Q16>),
}

/// Runs `$body` with `$solver` bound to the [`Solver`] inside an [`AnySolver`] (of either storage kind).
#[macro_export]
macro_rules! with_solver {
    ($any:expr, $solver:ident => $body:expr) => {
        match $any {
            $crate::solver::AnySolver::Full($solver) => $body,
            $crate::solver::AnySolver::Compressed($solver) => $body,
        }
    };
}

/// Builds a solver with storage of kind `S` after checking memory; allocation failure is an error.
pub fn new_solver<S: StoredValue>(mut game: Game, max_bytes: u64) -> Result<Solver<S>, SolveError> {
    let estimate = MemoryEstimate::of(&game);
    check_memory(&estimate, S::COMPRESSED, max_bytes)?;
    game.lay_out_storage(S::HEADER);
    let mut storage: Vec<S> = Vec::new();
    storage
        .try_reserve_exact(game.storage_len)
        .map_err(|_| SolveError::Allocation(format_bytes((game.storage_len * S::BYTES) as u64)))?;
    storage.resize(game.storage_len, S::default());
    Ok(Solver::with_storage(game, storage))
}
