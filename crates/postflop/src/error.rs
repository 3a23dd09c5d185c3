//! [`SolveError`]: why a spot could not be prepared, solved, saved or loaded, located in the spot file
//! where it can be.

use thiserror::Error;

use crate::bunching::BunchingError;
use crate::cards_glue::CardsError;
use crate::lock::LockError;
use crate::spot::SpotError;

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
