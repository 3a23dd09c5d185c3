//! Memory a solve needs, estimated before the storage is allocated, and the refusal past `--max-memory`.

use serde::{Deserialize, Serialize};

use crate::error::SolveError;
use crate::game::{Game, GameCounts, GameNode};
use crate::storage::{StoredValue, Q16};

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
