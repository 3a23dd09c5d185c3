//! [`PreparedSpot`]: a spot file parsed and checked (board, ranges, betting tree, locks, bunching) and
//! its game dealt, with the size bounds that refuse absurd spots before anything big is allocated.

use std::path::Path;

use crate::bunching::{BunchingError, Coverage, MAX_FOLDERS};
use crate::cards_glue::{self, Card};
use crate::error::SolveError;
use crate::game::{Game, GameNode};
use crate::lock::{self, Locks, ResolvedLock};
use crate::memory::format_bytes;
use crate::spot::{SpotError, SpotFile};
use crate::tree::ActionTree;

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
