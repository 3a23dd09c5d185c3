//! Running a solve: memory estimate before allocation, the iteration loop with exploitability checks, and
//! crash-safe, versioned, compressed solve files.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::bunching::{BunchingError, Coverage, MAX_FOLDERS};
use crate::cards_glue::{self, Card, CardsError};
use crate::game::{Game, GameCounts, GameNode};
use crate::lock::{self, LockError, Locks, ResolvedLock};
use crate::solver::{Solver, StoredValue, Q16};
use crate::spot::{SpotError, SpotFile};
use crate::tree::ActionTree;

/// Why a spot could not be prepared or solved.
#[derive(Debug, Error)]
pub enum SolveError {
    /// The spot file is invalid.
    #[error(transparent)]
    Spot(#[from] SpotError),
    /// A board or range is invalid.
    #[error("{field}: {error}")]
    Cards {
        /// Which field.
        field: String,
        /// What is wrong (not a `source`: the message already says it, and the CLI prints the chain).
        error: CardsError,
    },
    /// A range lists a specific combo that uses a board card.
    #[error("{field}: combo `{combo}` at column {column} uses a card of the board {board}")]
    ComboOnBoard {
        /// Which field.
        field: String,
        /// 1-based column in the range text.
        column: usize,
        /// The combo.
        combo: String,
        /// The board.
        board: String,
    },
    /// The folded ranges (bunching) cannot be used.
    #[error("{field}: {error}")]
    Bunching {
        /// Which field.
        field: String,
        /// What is wrong.
        error: BunchingError,
    },
    /// Every hand of one range shares a card with every hand of the other (or, with bunching, no pair of
    /// hands leaves the folders a deal): the solve would average over nothing.
    #[error(
        "{field}: the two ranges have no compatible pair of hands on board {board}{}",
        if *.bunching { " with the folded ranges dealt beside them" } else { "" }
    )]
    NoCompatiblePair {
        /// The field pointed at (the second range).
        field: String,
        /// The board.
        board: String,
        /// True when the pairs are blocked by the folded ranges (bunching).
        bunching: bool,
    },
    /// A range is empty after removing hands blocked by the board.
    #[error("{field}: no hand of this range is possible on board {board}")]
    EmptyRange {
        /// Which field.
        field: String,
        /// The board.
        board: String,
    },
    /// An error in a spot file, with the file, line and column it points at.
    #[error("{path}:{line}:{column}: {error}")]
    InFile {
        /// File path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The error (what and which field).
        error: Box<SolveError>,
    },
    /// The betting tree is absurdly large.
    #[error(transparent)]
    Tree(#[from] crate::tree::TreeTooLarge),
    /// A node lock is invalid.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The solve would not fit in the memory allowed.
    #[error(
        "this spot needs {needed} ({nodes} nodes, {decision} decision nodes) but --max-memory allows {allowed}; \
         use 16-bit storage (--compressed), fewer bet sizes, narrower ranges, or raise --max-memory"
    )]
    TooBig {
        /// Needed, formatted.
        needed: String,
        /// Allowed, formatted.
        allowed: String,
        /// Game nodes.
        nodes: u64,
        /// Decision nodes.
        decision: u64,
    },
    /// Allocation failed even though the estimate fitted.
    #[error("could not allocate {0} for the solver storage")]
    Allocation(String),
    /// Reading or writing a solve file failed.
    #[error("{path}: {message}")]
    File {
        /// File path.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// A spot with its board and ranges parsed.
#[derive(Clone, Debug)]
pub struct PreparedSpot {
    /// The spot as written.
    pub file: SpotFile,
    /// Starting board.
    pub board: Vec<Card>,
    /// Hands with positive weight of OOP and IP, (card, card, weight).
    pub ranges: [Vec<(Card, Card, f32)>; 2],
    /// Betting tree.
    pub tree: ActionTree,
    /// Node locks, checked against the tree and the ranges.
    pub locks: Vec<ResolvedLock>,
    /// Folders' deal weights when the spot has folded ranges (bunching).
    pub bunching: Option<std::sync::Arc<Coverage>>,
}

impl PreparedSpot {
    /// Parses board and ranges and builds the betting tree.
    pub fn new(file: SpotFile) -> Result<PreparedSpot, SolveError> {
        // The board first: its errors carry a column, which the tree configuration's check lacks.
        let board = cards_glue::parse_board(&file.board).map_err(|error| SolveError::Cards {
            field: "board".into(),
            error,
        })?;
        let config = file.tree_config()?;
        let mut ranges: [Vec<(Card, Card, f32)>; 2] = Default::default();
        for (p, (field, text)) in [("oop_range", &file.oop_range), ("ip_range", &file.ip_range)]
            .into_iter()
            .enumerate()
        {
            let hands = cards_glue::parse_range(text).map_err(|error| SolveError::Cards {
                field: field.into(),
                error,
            })?;
            if let Some((column, combo)) = cards_glue::combo_on_board(text, &board) {
                return Err(SolveError::ComboOnBoard {
                    field: field.into(),
                    column,
                    combo,
                    board: file.board.clone(),
                });
            }
            ranges[p] = hands
                .into_iter()
                .filter(|&(a, b, _)| !board.contains(&a) && !board.contains(&b))
                .collect();
            if ranges[p].is_empty() {
                return Err(SolveError::EmptyRange {
                    field: field.into(),
                    board: file.board.clone(),
                });
            }
        }
        let tree = ActionTree::try_build(config)?;
        let locks = lock::resolve(
            &file.locks,
            &file.lock_origins,
            &tree,
            &board,
            [&ranges[0], &ranges[1]],
        )?;
        let bunching = prepare_bunching(&file, &board)?;
        if !has_compatible_pair([&ranges[0], &ranges[1]], bunching.as_deref()) {
            return Err(SolveError::NoCompatiblePair {
                field: "ip_range".into(),
                board: file.board.clone(),
                bunching: bunching.is_some(),
            });
        }
        Ok(PreparedSpot {
            file,
            board,
            ranges,
            tree,
            locks,
            bunching,
        })
    }

    /// Reads and prepares a spot file; errors in a TOML file point at its line and column.
    pub fn load(path: &Path) -> Result<PreparedSpot, SolveError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| SpotError::Io {
            path: name.clone(),
            error,
        })?;
        if path.extension().is_some_and(|e| e == "json") {
            return PreparedSpot::new(SpotFile::from_json(&text, &name)?).map_err(|error| {
                error.located_by(&name, |field, inner| {
                    crate::spot::locate_json_field(&text, field, inner)
                })
            });
        }
        PreparedSpot::new(SpotFile::from_toml(&text, &name)?)
            .map_err(|error| error.located(&text, &name))
    }

    /// Upper bounds on the dealt game's (nodes, decision nodes), from the betting tree alone: every card
    /// that can come gets its own copy (suit isomorphism only makes the game smaller).
    pub fn dealt_bounds(&self) -> (u64, u64) {
        let first = self.tree.config.first_street.index();
        let mut copies = [1u64; 3];
        for street in first + 1..3 {
            // Cards left when this street's card is dealt: 52 minus the board so far.
            copies[street] = copies[street - 1] * (52 - 3 - (street as u64 - 1));
        }
        let mut bounds = (0u64, 0u64);
        for node in &self.tree.nodes {
            let copies = copies[node.street.index()];
            bounds.0 += copies;
            if matches!(node.kind, crate::tree::ActionNodeKind::Player(_)) {
                bounds.1 += copies;
            }
        }
        bounds
    }

    /// Refuses, before anything is dealt, a spot whose game nodes alone would exceed `max_bytes` (the
    /// full estimate needs the dealt game, which must not be allocated for an absurd spot).
    pub fn check_dealt_size(&self, max_bytes: u64) -> Result<(), SolveError> {
        let (nodes, decision) = self.dealt_bounds();
        let needed = nodes.saturating_mul(std::mem::size_of::<GameNode>() as u64);
        if needed > max_bytes {
            return Err(SolveError::TooBig {
                needed: format!("more than {}", format_bytes(needed)),
                allowed: format_bytes(max_bytes),
                nodes,
                decision,
            });
        }
        Ok(())
    }

    /// Deals the game tree (no solver storage yet) with its locks. A lock below a dealt card turns suit
    /// isomorphism off: it may single out one card (or one suit's hands), which breaks the symmetry.
    pub fn game(&self) -> Game {
        let isomorphism = !self.locks.iter().any(ResolvedLock::crosses_chance);
        let mut game = match &self.bunching {
            None => Game::new(
                self.tree.clone(),
                &self.board,
                [&self.ranges[0], &self.ranges[1]],
                isomorphism,
            ),
            Some(coverage) => Game::with_bunching(
                self.tree.clone(),
                &self.board,
                [&self.ranges[0], &self.ranges[1]],
                isomorphism,
                coverage,
            ),
        };
        if !self.locks.is_empty() {
            game.locks = Locks::build(&game, &self.locks);
        }
        game
    }
}

/// True when some OOP hand and some IP hand share no card (and, with `coverage`, leave the folders a
/// deal): otherwise every value is a division by zero weight.
fn has_compatible_pair(ranges: [&[(Card, Card, f32)]; 2], coverage: Option<&Coverage>) -> bool {
    let masks = |p: usize| -> Vec<u64> {
        ranges[p]
            .iter()
            .map(|&(a, b, _)| 1u64 << a | 1u64 << b)
            .collect()
    };
    let (oop, ip) = (masks(0), masks(1));
    oop.iter().any(|&m0| {
        ip.iter().any(|&m1| {
            m0 & m1 == 0
                && coverage.is_none_or(|c| {
                    // The Möbius sum of an impossible deal is 0 up to rounding: compare with W(base).
                    c.weight(m0 | m1) > c.base_weight() * 1e-9
                })
        })
    })
}

/// Parses the folded ranges of a spot and tabulates their deal weights (`None` without any).
fn prepare_bunching(
    file: &SpotFile,
    board: &[Card],
) -> Result<Option<std::sync::Arc<Coverage>>, SolveError> {
    let (field, texts) = file.folded()?;
    if texts.is_empty() {
        return Ok(None);
    }
    let fail = |error| SolveError::Bunching {
        field: field.into(),
        error,
    };
    if texts.len() > MAX_FOLDERS {
        return Err(fail(BunchingError::TooManyFolders(texts.len())));
    }
    if board.len() < 4 {
        return Err(fail(BunchingError::Flop));
    }
    let mut folders = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let hands = cards_glue::parse_range(text).map_err(|error| SolveError::Cards {
            field: format!("{field}[{i}]"),
            error,
        })?;
        folders.push(hands);
    }
    // A terminal adds both players' hands and the cards still to come to the starting board.
    let max = 4 + (5 - board.len());
    let coverage = Coverage::new(board, &folders, max).map_err(fail)?;
    Ok(Some(std::sync::Arc::new(coverage)))
}

impl SolveError {
    /// The field a spot error is about, and the 1-based column within that field's text if known.
    fn field(&self) -> Option<(&str, Option<usize>)> {
        match self {
            SolveError::Spot(SpotError::BetSize { field, error }) => {
                Some((field, Some(error.column())))
            }
            SolveError::Spot(SpotError::Invalid { field, .. }) => Some((field, None)),
            SolveError::Cards { field, error } => Some((field, error.column())),
            SolveError::ComboOnBoard { field, column, .. } => Some((field, Some(*column))),
            SolveError::EmptyRange { field, .. } => Some((field, None)),
            SolveError::NoCompatiblePair { field, .. } => Some((field, None)),
            SolveError::Bunching { field, .. } => Some((field, None)),
            SolveError::Tree(crate::tree::TreeTooLarge::Depth { .. }) => {
                Some(("effective_stack", None))
            }
            _ => None,
        }
    }

    /// Wraps an error about a field of the TOML spot `text` with the file, line and column it points at.
    pub fn located(self, text: &str, path: &str) -> SolveError {
        self.located_by(path, |field, inner| match field.split_once('[') {
            // An element of an array of strings: point at the array.
            Some((array, _)) => crate::spot::locate_field(text, array, None),
            None => crate::spot::locate_field(text, field, inner),
        })
    }

    /// Wraps an error about a field with the position `locate(field, column in the field)` gives.
    pub fn located_by(
        self,
        path: &str,
        locate: impl Fn(&str, Option<usize>) -> Option<(usize, usize)>,
    ) -> SolveError {
        let Some((line, column)) = self.field().and_then(|(field, inner)| locate(field, inner))
        else {
            return self;
        };
        SolveError::InFile {
            path: path.to_string(),
            line,
            column,
            error: Box::new(self),
        }
    }
}

/// Memory a solve needs, known before the solver storage is allocated.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct MemoryEstimate {
    /// Node counts.
    pub counts: GameCounts,
    /// Regret and strategy values stored.
    pub storage_values: u64,
    /// Bytes of the game tree and hand tables.
    pub tree_bytes: u64,
    /// Total bytes with 32-bit storage.
    pub bytes_32: u64,
    /// Total bytes with 16-bit storage (values plus each decision node's two f32 scales).
    pub bytes_16: u64,
}

impl MemoryEstimate {
    /// Estimates the memory of solving `game`.
    pub fn of(game: &Game) -> MemoryEstimate {
        let counts = game.counts();
        // Regrets and sums only: a layout for 16-bit storage also holds per-node scales.
        let storage_values =
            game.storage_len as u64 - game.storage_header as u64 * counts.decision_nodes;
        let nodes = game.nodes.len() as u64 * std::mem::size_of::<GameNode>() as u64;
        let boards: u64 = game
            .boards
            .iter()
            .map(|b| {
                (b.sorted[0].len() + b.sorted[1].len()) as u64 * 8 + b.groups.len() as u64 * 4 + 64
            })
            .sum();
        let chances: u64 = game
            .chances
            .iter()
            .map(|c| c.dealt.len() as u64 * 12 + c.child_cards.len() as u64 + 64)
            .sum();
        // Per-thread scratch for a traversal: a few vectors per tree level.
        let hands = game.hands[0].len().max(game.hands[1].len()) as u64;
        let scratch = 2 * 64 * 8 * hands * 4;
        let bunching = game.bunching.as_ref().map_or(0, |b| b.bytes());
        let tree_bytes = nodes + boards + chances + scratch + bunching;
        MemoryEstimate {
            counts,
            storage_values,
            tree_bytes,
            bytes_32: tree_bytes + storage_values * 4,
            bytes_16: tree_bytes
                + (storage_values + counts.decision_nodes * Q16::HEADER as u64) * 2,
        }
    }
}

/// Formats a byte count as MiB or GiB.
pub fn format_bytes(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 {
        format!("{:.2} GiB", mib / 1024.0)
    } else {
        format!("{mib:.1} MiB")
    }
}

/// Available memory of the machine (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Peak resident memory of this process so far (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// Resident private memory of this process now (Linux `RssAnon`: heap, storage, stacks), if known.
/// Unlike [`peak_rss`] it leaves out the pages of the binary and the shared libraries mapped from
/// the page cache, which on recent kernels come in large folios whatever the solve touches.
pub fn private_rss() -> Option<u64> {
    status_kib("RssAnon:").map(|kib| kib * 1024)
}

/// Resets [`peak_rss`] to the current resident set (Linux `clear_refs` 5), so that a benchmark
/// running several spots in one process reports each spot's own peak. Returns whether it took.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Refuses a game whose estimate exceeds `max_bytes`.
pub fn check_memory(
    estimate: &MemoryEstimate,
    compressed: bool,
    max_bytes: u64,
) -> Result<(), SolveError> {
    let needed = if compressed {
        estimate.bytes_16
    } else {
        estimate.bytes_32
    };
    if needed > max_bytes {
        return Err(SolveError::TooBig {
            needed: format_bytes(needed),
            allowed: format_bytes(max_bytes),
            nodes: estimate.counts.per_street.iter().sum(),
            decision: estimate.counts.decision_nodes,
        });
    }
    Ok(())
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

const MAGIC: &[u8; 8] = b"PONDERPF";
/// Version of the solve-file format; files of another version are refused. Version 2 ends the compressed
/// stream with a CRC-32 of everything before it, so a damaged file is refused instead of misread; version 3
/// records the storage kind (`compressed`: 16-bit values with per-node scales, else f32).
pub const FILE_VERSION: u32 = 3;

/// What a solve file records besides the storage.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SolveHeader {
    /// Crate version that wrote it.
    pub writer: String,
    /// The spot.
    pub spot: SpotFile,
    /// Iterations completed.
    pub iteration: u32,
    /// True when the values are 16-bit compressed ([`Q16`], per-node scales included), else f32.
    pub compressed: bool,
    /// Stored values.
    pub storage_len: u64,
    /// Last exploitability measured (% pot), if any.
    pub exploitability_pct: Option<f64>,
    /// [`layout_fingerprint`] of the game the storage belongs to (absent in the first version-2 files).
    #[serde(default)]
    pub layout: Option<u64>,
}

impl SolveHeader {
    /// Refuses `storage` for `game` unless it was written for exactly this layout (a ponder whose tree
    /// builder differs would otherwise read regrets into the wrong nodes).
    pub fn check_layout(&self, game: &Game, path: &str) -> Result<(), SolveError> {
        let file_error = |message: String| SolveError::File {
            path: path.to_string(),
            message,
        };
        if self.storage_len != game.storage_len as u64 {
            return Err(file_error(format!(
                "the stored solve has {} values but the spot's tree needs {} (written by another version?)",
                self.storage_len, game.storage_len
            )));
        }
        if self
            .layout
            .is_some_and(|layout| layout != layout_fingerprint(game))
        {
            return Err(file_error(
                "the stored solve was written for another game tree (another ponder version?); re-solve the spot"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// A hash (FNV-1a) of everything that decides where a value sits in the storage: nodes, their kinds,
/// children and storage offsets, hands, weights and dealt cards.
pub fn layout_fingerprint(game: &Game) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |value: u64| {
        for byte in value.to_le_bytes() {
            hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for node in &game.nodes {
        let kind = match node.kind {
            crate::game::NodeKind::Player(p) => p.index() as u64,
            crate::game::NodeKind::Chance => 2,
            crate::game::NodeKind::Fold(p) => 3 + p.index() as u64,
            crate::game::NodeKind::Showdown(board) => 5 + ((board.0 as u64) << 8),
        };
        eat(kind);
        eat(node.num_children as u64);
        eat(node.storage_start as u64);
    }
    for hands in &game.hands {
        for (&(a, b), &w) in hands.cards.iter().zip(&hands.weights) {
            eat(((a as u64) << 40) | ((b as u64) << 32) | w.to_bits() as u64);
        }
    }
    for chance in &game.chances {
        for &card in &chance.child_cards {
            eat(card as u64);
        }
    }
    hash
}

/// The temporary file a write of `path` goes through (`.NAME.tmpPID` beside it): one per process, so
/// two processes writing the same path never share one.
fn temporary_path(path: &Path) -> Option<std::path::PathBuf> {
    let name = path.file_name()?;
    Some(directory_of(path).join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// The directory a file path is in (`.` for a bare name).
fn directory_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes the temporary files that killed writes of `path` left behind (`.NAME.tmpPID` of a process
/// that no longer runs). Where process ids cannot be checked (no `/proc`), nothing is removed.
fn remove_orphans(path: &Path) {
    let (Some(name), true) = (path.file_name(), Path::new("/proc/self").exists()) else {
        return;
    };
    let prefix = format!(".{}.tmp", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(directory_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists();
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Checks, before a long solve, that a solve file can be written at `path` (its directory exists and
/// takes a new file), so a mistyped `--output` is refused at once instead of after the solve.
pub fn check_writable(path: &Path) -> Result<(), SolveError> {
    let file_error = |message: String| SolveError::File {
        path: path.display().to_string(),
        message,
    };
    if path.is_dir() {
        return Err(file_error("is a directory, not a file".into()));
    }
    let temporary = temporary_path(path).ok_or_else(|| file_error("not a file name".into()))?;
    std::fs::File::create(&temporary)
        .map_err(|e| file_error(format!("cannot write the solve file here: {e}")))?;
    let _ = std::fs::remove_file(&temporary);
    Ok(())
}

/// Writes a solve file crash-safely: temporary file, fsync, rename, fsync of the directory. Temporary
/// files left by killed writes of the same path are removed first.
pub fn save<S: StoredValue>(
    path: &Path,
    spot: &SpotFile,
    solver: &Solver<S>,
    exploitability_pct: Option<f64>,
) -> Result<(), SolveError> {
    let file_error = |message: String| SolveError::File {
        path: path.display().to_string(),
        message,
    };
    let header = SolveHeader {
        writer: env!("CARGO_PKG_VERSION").to_string(),
        spot: spot.clone(),
        iteration: solver.iteration,
        compressed: S::COMPRESSED,
        storage_len: solver.storage.len() as u64,
        exploitability_pct,
        layout: Some(layout_fingerprint(&solver.game)),
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| file_error(e.to_string()))?;
    let directory = directory_of(path);
    let temporary = temporary_path(path).ok_or_else(|| file_error("not a file name".into()))?;
    remove_orphans(path);
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(&temporary)?;
        let mut writer = std::io::BufWriter::new(file);
        writer.write_all(MAGIC)?;
        writer.write_all(&FILE_VERSION.to_le_bytes())?;
        let mut encoder = flate2::write::DeflateEncoder::new(writer, flate2::Compression::fast());
        let mut crc = flate2::Crc::new();
        let length = (header_json.len() as u64).to_le_bytes();
        for part in [&length[..], &header_json] {
            crc.update(part);
            encoder.write_all(part)?;
        }
        let mut buffer = Vec::with_capacity(1 << 16);
        for chunk in solver.storage.chunks(1 << 14) {
            buffer.clear();
            for &value in chunk {
                value.write_le(&mut buffer);
            }
            crc.update(&buffer);
            encoder.write_all(&buffer)?;
        }
        encoder.write_all(&crc.sum().to_le_bytes())?;
        let writer = encoder.finish()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        if let Ok(dir) = std::fs::File::open(directory) {
            let _ = dir.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        file_error(format!("cannot write solve file: {e}"))
    })
}

/// Regrets and strategy sums read from a solve file, of the kind they were stored as.
#[derive(Debug)]
pub enum StoredValues {
    /// 32-bit storage.
    Full(Vec<f32>),
    /// 16-bit compressed storage.
    Compressed(Vec<Q16>),
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
            $crate::solve::AnySolver::Full($solver) => $body,
            $crate::solve::AnySolver::Compressed($solver) => $body,
        }
    };
}

/// A solve file opened and its header read, the values not yet: callers check the stored spot (its
/// size against `--max-memory`) before [`SolveFileReader::read_values`] allocates the storage.
pub struct SolveFileReader {
    /// The header.
    pub header: SolveHeader,
    path: std::path::PathBuf,
    decoder: flate2::bufread::DeflateDecoder<std::io::BufReader<std::fs::File>>,
    crc: flate2::Crc,
}

impl SolveFileReader {
    /// Opens a solve file and reads its header; refuses other formats and versions.
    pub fn open(path: &Path) -> Result<SolveFileReader, SolveError> {
        let file_error = |message: String| SolveError::File {
            path: path.display().to_string(),
            message,
        };
        let file =
            std::fs::File::open(path).map_err(|e| file_error(format!("cannot open: {e}")))?;
        let mut reader = std::io::BufReader::new(file);
        let mut magic = [0u8; 8];
        reader
            .read_exact(&mut magic)
            .map_err(|_| file_error("not a ponder solve file (too short)".into()))?;
        if &magic != MAGIC {
            return Err(file_error("not a ponder solve file".into()));
        }
        let mut version = [0u8; 4];
        reader
            .read_exact(&mut version)
            .map_err(|_| file_error("truncated solve file".into()))?;
        let version = u32::from_le_bytes(version);
        if version != FILE_VERSION {
            return Err(file_error(format!(
                "solve file format version {version}; this ponder reads version {FILE_VERSION} only (re-solve the spot)"
            )));
        }
        // The buffered decoder consumes exactly the compressed stream, so whatever follows it in the
        // file can be seen (and refused) afterwards.
        let mut decoder = flate2::bufread::DeflateDecoder::new(reader);
        let mut crc = flate2::Crc::new();
        let mut length = [0u8; 8];
        decoder
            .read_exact(&mut length)
            .map_err(|e| file_error(format!("corrupt solve file: {e}")))?;
        crc.update(&length);
        let length = u64::from_le_bytes(length);
        if length > 1 << 26 {
            return Err(file_error("corrupt solve file (header length)".into()));
        }
        let mut header_json = vec![0u8; length as usize];
        decoder
            .read_exact(&mut header_json)
            .map_err(|e| file_error(format!("corrupt solve file: {e}")))?;
        crc.update(&header_json);
        let header: SolveHeader = serde_json::from_slice(&header_json)
            .map_err(|e| file_error(format!("corrupt solve header: {e}")))?;
        Ok(SolveFileReader {
            header,
            path: path.to_path_buf(),
            decoder,
            crc,
        })
    }

    /// Bytes the stored values take in memory.
    pub fn values_bytes(&self) -> u64 {
        let bytes = if self.header.compressed {
            Q16::BYTES
        } else {
            f32::BYTES
        };
        self.header.storage_len.saturating_mul(bytes as u64)
    }

    /// Reads the values (of the kind the header records) and checks the checksum and the end of the file.
    pub fn read_values(mut self) -> Result<StoredValues, SolveError> {
        let path = self.path.display().to_string();
        let file_error = |message: String| SolveError::File {
            path: path.clone(),
            message,
        };
        let len = self.header.storage_len;
        let storage = if self.header.compressed {
            StoredValues::Compressed(
                read_values(&mut self.decoder, &mut self.crc, len).map_err(file_error)?,
            )
        } else {
            StoredValues::Full(
                read_values(&mut self.decoder, &mut self.crc, len).map_err(file_error)?,
            )
        };
        let mut stored = [0u8; 4];
        self.decoder
            .read_exact(&mut stored)
            .map_err(|e| file_error(format!("truncated solve file: {e}")))?;
        if u32::from_le_bytes(stored) != self.crc.sum() {
            return Err(file_error(
                "corrupt solve file (checksum mismatch): the file was damaged after it was written"
                    .into(),
            ));
        }
        let mut rest = [0u8; 1];
        if !matches!(self.decoder.read(&mut rest), Ok(0)) {
            return Err(file_error("corrupt solve file (data after the end)".into()));
        }
        // Bytes after the compressed stream were not written by ponder.
        let mut file = self.decoder.into_inner();
        if !matches!(file.read(&mut rest), Ok(0)) {
            return Err(file_error(
                "corrupt solve file (bytes after the end of the compressed data)".into(),
            ));
        }
        Ok(storage)
    }
}

/// Reads `len` values of kind `S`, updating the checksum.
fn read_values<S: StoredValue>(
    decoder: &mut impl Read,
    crc: &mut flate2::Crc,
    len: u64,
) -> Result<Vec<S>, String> {
    let mut storage = Vec::new();
    storage
        .try_reserve_exact(len as usize)
        .map_err(|_| format!("cannot allocate {len} values"))?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut remaining = len as usize * S::BYTES;
    while remaining > 0 {
        let take = remaining.min(buffer.len());
        decoder
            .read_exact(&mut buffer[..take])
            .map_err(|e| format!("truncated solve file: {e}"))?;
        crc.update(&buffer[..take]);
        storage.extend(buffer[..take].chunks_exact(S::BYTES).map(S::read_le));
        remaining -= take;
    }
    Ok(storage)
}

/// Reads a solve file's header and storage (of the kind it records); refuses other versions and
/// truncated or damaged files. Reads whatever size the file declares: for files from users, open a
/// [`SolveFileReader`] and check the spot first (as [`load_solver`] does).
pub fn load(path: &Path) -> Result<(SolveHeader, StoredValues), SolveError> {
    let reader = SolveFileReader::open(path)?;
    let header = reader.header.clone();
    Ok((header, reader.read_values()?))
}

/// Reads a solve file that must hold values of kind `S`; a file of the other kind is refused.
pub fn load_as<S: StoredValue>(path: &Path) -> Result<(SolveHeader, Vec<S>), SolveError> {
    let (header, values) = load(path)?;
    let kind = |compressed: bool| {
        if compressed {
            "16-bit compressed"
        } else {
            "32-bit"
        }
    };
    let mismatch = SolveError::File {
        path: path.display().to_string(),
        message: format!(
            "the solve file stores {} values, not {}",
            kind(header.compressed),
            kind(S::COMPRESSED)
        ),
    };
    // Values are moved through `dyn Any` so a file of the other kind is refused, never reinterpreted.
    let values: Box<dyn std::any::Any> = match values {
        StoredValues::Full(v) => Box::new(v),
        StoredValues::Compressed(v) => Box::new(v),
    };
    match values.downcast::<Vec<S>>() {
        Ok(values) => Ok((header, *values)),
        Err(_) => Err(mismatch),
    }
}

/// Reads a solve file and rebuilds its solver (the game is dealt again from the stored spot). The stored
/// spot is checked against `max_bytes` (dealt-node bound, then the full estimate for the file's storage
/// kind) and the header against the dealt game before the values are read, so a file naming a huge spot
/// is refused without allocating it.
pub fn load_solver(path: &Path, max_bytes: u64) -> Result<(SolveHeader, AnySolver), SolveError> {
    let (reader, game) = open_checked(path, max_bytes)?;
    let header = reader.header.clone();
    let solver = match reader.read_values()? {
        StoredValues::Full(v) => AnySolver::Full(solver_from_values(path, &header, game, v)?),
        StoredValues::Compressed(v) => {
            AnySolver::Compressed(solver_from_values(path, &header, game, v)?)
        }
    };
    Ok((header, solver))
}

/// Opens a solve file, prepares and deals its stored spot within `max_bytes` and checks that the
/// header's storage fits the dealt game, all before any value is read.
pub fn open_checked(path: &Path, max_bytes: u64) -> Result<(SolveFileReader, Game), SolveError> {
    let reader = SolveFileReader::open(path)?;
    let header = &reader.header;
    let prepared = PreparedSpot::new(header.spot.clone())?;
    prepared.check_dealt_size(max_bytes)?;
    let mut game = prepared.game();
    check_memory(&MemoryEstimate::of(&game), header.compressed, max_bytes)?;
    let kind_header = if header.compressed {
        Q16::HEADER
    } else {
        f32::HEADER
    };
    game.lay_out_storage(kind_header);
    header.check_layout(&game, &path.display().to_string())?;
    Ok((reader, game))
}

/// A solver over values read from the solve file `path`; refuses values that do not fit the game.
pub fn solver_from_values<S: StoredValue>(
    path: &Path,
    header: &SolveHeader,
    mut game: Game,
    values: Vec<S>,
) -> Result<Solver<S>, SolveError> {
    // The fingerprint covers storage offsets, so it is taken on the layout of the stored kind.
    game.lay_out_storage(S::HEADER);
    header.check_layout(&game, &path.display().to_string())?;
    if values.len() != game.storage_len || header.compressed != S::COMPRESSED {
        return Err(SolveError::File {
            path: path.display().to_string(),
            message: "the stored values do not match the file's header".into(),
        });
    }
    let mut solver = Solver::with_storage(game, values);
    solver.iteration = header.iteration;
    Ok(solver)
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
