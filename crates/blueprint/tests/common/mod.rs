//! Test-only card abstraction: preflop lossless (169 classes), later streets by the absolute rank of
//! the best five-card hand scaled into the bucket count. Never shipped as the real abstraction.

#![allow(dead_code)]

use ponder_blueprint::{BlueprintConfig, CardBuckets};
use ponder_cards::{Card, Hand, HandClass, DISTINCT_RANKS};

/// Preflop classes; postflop rank buckets.
pub struct TestBuckets {
    pub counts: [u32; 4],
}

impl TestBuckets {
    pub fn for_config(config: &BlueprintConfig) -> Box<dyn CardBuckets> {
        let counts = config.text.abstraction.buckets;
        assert_eq!(counts[0], 169, "the test abstraction is lossless preflop");
        Box::new(TestBuckets { counts })
    }
}

impl CardBuckets for TestBuckets {
    fn buckets(&self, street: usize) -> u32 {
        self.counts[street]
    }

    fn bucket(&self, street: usize, hole: [Card; 2], board: &[Card]) -> u32 {
        if street == 0 {
            let (row, column) = HandClass::of(hole[0], hole[1]).grid_cell();
            return (row * 13 + column) as u32;
        }
        let rank = Hand::from_cards(board)
            .add(hole[0])
            .add(hole[1])
            .rank()
            .value();
        let n = u64::from(self.counts[street]);
        ((u64::from(rank) * n / (DISTINCT_RANKS as u64 + 1)).min(n - 1)) as u32
    }

    fn fingerprint(&self) -> u64 {
        0x7e57_b0c4 ^ u64::from(self.counts[1])
    }
}

/// A config from the tiny preset's text with some lines replaced.
pub fn config(players_stack_betting: &str, buckets: [u32; 4]) -> BlueprintConfig {
    let text = format!(
        "{players_stack_betting}\n[training]\nseed = 7\ndiscount_every = 1000\ndiscount_until = 100000\n\
         prune_after = 0\nprune_threshold = -2000000\nregret_floor = -3000000\n\n[abstraction]\nbuckets = {buckets:?}\n"
    );
    BlueprintConfig::from_toml(&text, "test.toml").unwrap()
}
