//! `ponder-abstraction`: card abstraction for hold'em. A [`CardAbstraction`] maps a hole-card pair on
//! a board to a bucket per street: preflop the 169 suit-isomorphism classes (lossless) or fewer
//! grouped by EHS; flop and turn by a table over canonical hands (suit isomorphism, the board as a
//! set), grouped by EHS or by the distribution of next-street strength under the earth mover's
//! distance ([`Method`]); river by hand strength against every unblocked opponent hand, computed at
//! lookup (no table: 123M canonical river hands) and mapped through the river's score-to-bucket
//! table.
//!
//! Building ([`CardAbstraction::build`]) is deterministic from the config (seed included) whatever
//! the thread count; files ([`CardAbstraction::save`], [`CardAbstraction::load`]) are versioned,
//! checksummed and written crash-safely.

#![forbid(unsafe_code)]

mod builder;
mod config;
mod error;
mod file;
mod kmeans;
mod river;

use std::path::Path;

use ponder_cards::{Card, CardSet, HandIndex, SuitIndexer, HAND_COUNT};

pub use builder::{BuildProgress, BuildStage, StreetReport, STREET_NAMES};
pub use config::{
    AbstractionConfig, Method, RiverMethod, MAX_BUCKETS, MAX_HISTOGRAM_BINS, MAX_KMEANS_ITERATIONS,
    MAX_KMEANS_SAMPLE, PREFLOP_CLASSES, RIVER_SCORES,
};
pub use error::AbstractionError;
pub use file::{FORMAT_VERSION, MAGIC};
pub use river::{river_score, river_scores, ScoreScratch, BLOCKED, MAX_SCORE, RIVER_OPPONENTS};

/// Bucket lookups per street. Streets are 0 preflop, 1 flop, 2 turn, 3 river; boards have 0, 3, 4,
/// 5 cards.
pub trait CardBuckets: Send + Sync {
    /// Number of buckets on a street.
    fn buckets(&self, street: usize) -> u32;
    /// Bucket of a hole-card pair on a board (board.len() matches the street; cards distinct).
    /// Implementations return `u32::MAX` rather than panic when that does not hold.
    fn bucket(&self, street: usize, hole: [Card; 2], board: &[Card]) -> u32;
    /// Buckets of all 1,326 hole pairs (indexed by ponder_cards::HandIndex) on one board; hands that
    /// touch the board get u32::MAX. Default: loops over `bucket`; override when a whole board is
    /// cheaper.
    fn board_buckets(&self, street: usize, board: &[Card], out: &mut [u32]) {
        let board_set = CardSet::from_cards(board);
        for (h, slot) in out.iter_mut().enumerate().take(HAND_COUNT) {
            let (a, b) = HandIndex(h as u16).cards();
            *slot = if board_set.contains(a) || board_set.contains(b) {
                u32::MAX
            } else {
                self.bucket(street, [a, b], board)
            };
        }
    }
    /// Identifies the abstraction (config, format version and content), so a blueprint trained on
    /// another abstraction is refused.
    fn fingerprint(&self) -> u64;
}

/// Board cards per street.
pub const BOARD_CARDS: [usize; 4] = [0, 3, 4, 5];

/// A built or loaded card abstraction (see the crate docs).
#[derive(Debug, Clone)]
pub struct CardAbstraction {
    config: AbstractionConfig,
    /// Bucket per class of the 2-card indexer.
    preflop: Vec<u16>,
    /// The same per hole pair (by `HandIndex`), so a preflop lookup is one read.
    preflop_by_hand: Vec<u16>,
    /// Bucket per canonical flop hand (`[2, 3]` indexer).
    flop: Vec<u16>,
    /// Bucket per canonical turn hand (`[2, 4]` indexer: the board as a set).
    turn: Vec<u16>,
    /// Bucket per river score `0..=1980`.
    river: Vec<u16>,
    reports: Vec<StreetReport>,
    fingerprint: u64,
    indexers: [SuitIndexer; 3],
}

impl CardAbstraction {
    /// Builds the abstraction `config` describes, calling `progress` as stages advance (from any
    /// thread).
    pub fn build(
        config: &AbstractionConfig,
        progress: &(dyn Fn(BuildProgress) + Sync),
    ) -> Result<Self, AbstractionError> {
        let built = builder::build(config, progress)?;
        Ok(CardAbstraction::from_parts(
            config.clone(),
            built.preflop,
            built.flop,
            built.turn,
            built.river,
            built.reports,
        ))
    }

    pub(crate) fn from_parts(
        config: AbstractionConfig,
        preflop: Vec<u16>,
        flop: Vec<u16>,
        turn: Vec<u16>,
        river: Vec<u16>,
        reports: Vec<StreetReport>,
    ) -> CardAbstraction {
        let fingerprint = file::fingerprint(&config, [&preflop, &flop, &turn, &river]);
        let indexers = indexers();
        let preflop_by_hand = HandIndex::all()
            .map(|hand| {
                let (a, b) = hand.cards();
                let class = indexers[0].index(0, &[a, b]).expect("a hole pair") as usize;
                preflop[class]
            })
            .collect();
        CardAbstraction {
            config,
            preflop,
            preflop_by_hand,
            flop,
            turn,
            river,
            reports,
            fingerprint,
            indexers,
        }
    }

    /// Writes the abstraction to `path` crash-safely (temporary file, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), AbstractionError> {
        file::save(self, path)
    }

    /// Reads an abstraction file, refusing another format version, a truncated or damaged file.
    pub fn load(path: &Path) -> Result<Self, AbstractionError> {
        file::load(path)
    }

    /// [`CardAbstraction::load`], also refusing a file built from another config than `expected`.
    pub fn load_matching(
        path: &Path,
        expected: &AbstractionConfig,
    ) -> Result<Self, AbstractionError> {
        let abstraction = file::load(path)?;
        if &abstraction.config != expected {
            return Err(AbstractionError::ConfigMismatch {
                path: path.to_path_buf(),
                found: abstraction.config.to_json(),
                expected: expected.to_json(),
            });
        }
        Ok(abstraction)
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &AbstractionConfig {
        &self.config
    }

    /// Per street: build time and within-bucket spread (as measured when it was built).
    pub fn reports(&self) -> &[StreetReport] {
        &self.reports
    }

    /// Table entries per street (preflop 169, flop and turn canonical hands, river scores).
    pub fn table_sizes(&self) -> [usize; 4] {
        [
            self.preflop.len(),
            self.flop.len(),
            self.turn.len(),
            self.river.len(),
        ]
    }

    /// The bucket table of a street: per preflop class, per canonical flop hand (`[2, 3]` indexer),
    /// per canonical turn hand (`[2, 4]` indexer: the board as a set), per river score `0..=1980`.
    /// Empty for a street above 3.
    pub fn street_table(&self, street: usize) -> &[u16] {
        match street {
            0 => &self.preflop,
            1 => &self.flop,
            2 => &self.turn,
            3 => &self.river,
            _ => &[],
        }
    }

    /// Flop or turn bucket by canonical index, or `u32::MAX` if the index is out of range.
    fn table_bucket(&self, street: usize, cards: &[Card]) -> u32 {
        let (indexer, table) = match street {
            0 => (&self.indexers[0], &self.preflop),
            1 => (&self.indexers[1], &self.flop),
            _ => (&self.indexers[2], &self.turn),
        };
        let round = if street == 0 { 0 } else { 1 };
        match indexer.index(round, cards) {
            Some(i) => table.get(i as usize).map_or(u32::MAX, |&b| b as u32),
            None => u32::MAX,
        }
    }
}

/// The suit-isomorphism indexers of the tables: hole pair; hole pair + flop; hole pair + 4 board
/// cards as one round (a turn hand's strength does not depend on which board card came last).
pub(crate) fn indexers() -> [SuitIndexer; 3] {
    [
        SuitIndexer::new(&[2]),
        SuitIndexer::new(&[2, 3]),
        SuitIndexer::new(&[2, 4]),
    ]
}

impl CardBuckets for CardAbstraction {
    fn buckets(&self, street: usize) -> u32 {
        self.config.buckets.get(street).copied().unwrap_or(0)
    }

    fn bucket(&self, street: usize, hole: [Card; 2], board: &[Card]) -> u32 {
        if street > 3 || board.len() != BOARD_CARDS[street] {
            return u32::MAX;
        }
        if street == 0 {
            return HandIndex::from_cards(hole[0], hole[1])
                .map_or(u32::MAX, |h| self.preflop_by_hand[h.as_usize()] as u32);
        }
        let mut cards = [hole[0]; 7];
        cards[1] = hole[1];
        cards[2..2 + board.len()].copy_from_slice(board);
        let cards = &cards[..2 + board.len()];
        if street < 3 {
            return self.table_bucket(street, cards);
        }
        let set = CardSet::from_cards(cards);
        if set.len() != 7 {
            return u32::MAX;
        }
        let score = river_score(hole, CardSet::from_cards(board));
        self.river[score as usize] as u32
    }

    fn board_buckets(&self, street: usize, board: &[Card], out: &mut [u32]) {
        out.fill(u32::MAX);
        if street > 3 || board.len() != BOARD_CARDS[street] || out.len() != HAND_COUNT {
            return;
        }
        let board_set = CardSet::from_cards(board);
        if board_set.len() != board.len() {
            return;
        }
        if street == 0 {
            for (slot, &bucket) in out.iter_mut().zip(&self.preflop_by_hand) {
                *slot = bucket as u32;
            }
            return;
        }
        if street == 3 {
            let mut scores = [0u16; HAND_COUNT];
            river_scores(board_set, &mut ScoreScratch::default(), &mut scores);
            for (slot, &score) in out.iter_mut().zip(&scores) {
                if score <= MAX_SCORE {
                    *slot = self.river[score as usize] as u32;
                }
            }
            return;
        }
        let mut cards = [Card::from_index(0).expect("card 0"); 6];
        cards[2..2 + board.len()].copy_from_slice(board);
        for (h, slot) in out.iter_mut().enumerate() {
            let hand = HandIndex(h as u16);
            if hand.card_set().intersects(board_set) {
                continue;
            }
            let (a, b) = hand.cards();
            cards[0] = a;
            cards[1] = b;
            *slot = self.table_bucket(street, &cards[..2 + board.len()]);
        }
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}
