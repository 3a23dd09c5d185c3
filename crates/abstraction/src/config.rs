//! [`AbstractionConfig`]: how many buckets per street, by which method, from which seed.

use serde::{Deserialize, Serialize};

use crate::error::AbstractionError;

/// Most buckets on a street (tables store buckets as `u16`).
pub const MAX_BUCKETS: u32 = 65_535;
/// Preflop classes under suit isomorphism: a preflop bucket count of 169 is lossless.
pub const PREFLOP_CLASSES: u32 = 169;
/// Distinct river hand-strength values (`2 * wins + ties` against 990 opponent hands is `0..=1980`):
/// the river cannot have more EHS buckets than this.
pub const RIVER_SCORES: u32 = 1981;
/// Most histogram bins of the next-street strength distribution.
pub const MAX_HISTOGRAM_BINS: u32 = 64;
/// Most points k-means clusters before assigning every hand (memory and minutes stay small).
pub const MAX_KMEANS_SAMPLE: u32 = 2_000_000;
/// Most Lloyd iterations of k-means.
pub const MAX_KMEANS_ITERATIONS: u32 = 1_000;

/// How flop or turn hands are grouped into buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Expected hand strength against a uniform opponent over every runout, clustered in one
    /// dimension (k-means on EHS): bucket numbers increase with EHS.
    Ehs,
    /// The distribution of next-street strength (flop: the turn EHS over the 47 turn cards; turn: the
    /// river hand strength over the 46 river cards) as a histogram, clustered by k-means under the
    /// earth mover's distance (1-D, by cumulative sums), after Johanson et al. 2013. Hands with the
    /// same EHS but different potential (draws vs made hands) fall apart. Buckets are numbered by
    /// increasing mean EHS.
    Potential,
}

impl Method {
    /// The name used in configs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Ehs => "ehs",
            Method::Potential => "potential",
        }
    }
}

/// How river hands are grouped into buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiverMethod {
    /// Hand strength against every opponent hand not blocked (ties half), clustered in one
    /// dimension; computed at lookup, so the river needs no table.
    Ehs,
}

/// The configuration of a card abstraction (TOML- and JSON-embeddable, e.g. as an `[abstraction]`
/// table of a blueprint config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbstractionConfig {
    /// Buckets per street: preflop (169 = lossless; fewer groups the 169 classes by EHS), flop,
    /// turn, river.
    pub buckets: [u32; 4],
    /// Method on the flop.
    #[serde(default = "default_method")]
    pub flop: Method,
    /// Method on the turn.
    #[serde(default = "default_method")]
    pub turn: Method,
    /// Method on the river.
    #[serde(default = "default_river")]
    pub river: RiverMethod,
    /// Seed of k-means (its sample and initial centroids).
    #[serde(default)]
    pub seed: u64,
    /// Bins of the next-street strength histograms ([`Method::Potential`]).
    #[serde(default = "default_bins")]
    pub histogram_bins: u32,
    /// Canonical hands sampled for k-means under the EMD; every hand is then assigned to its
    /// nearest centroid.
    #[serde(default = "default_sample")]
    pub kmeans_sample: u32,
    /// Most Lloyd iterations of k-means (it stops earlier once no point changes cluster).
    #[serde(default = "default_iterations")]
    pub kmeans_iterations: u32,
}

fn default_method() -> Method {
    Method::Ehs
}
fn default_river() -> RiverMethod {
    RiverMethod::Ehs
}
fn default_bins() -> u32 {
    20
}
fn default_sample() -> u32 {
    50_000
}
fn default_iterations() -> u32 {
    30
}

impl Default for AbstractionConfig {
    /// 169/50/50/50 by EHS, seed 0.
    fn default() -> Self {
        AbstractionConfig::ehs([PREFLOP_CLASSES, 50, 50, 50])
    }
}

impl AbstractionConfig {
    /// EHS buckets on every street with these counts and the default sampling settings.
    pub fn ehs(buckets: [u32; 4]) -> AbstractionConfig {
        AbstractionConfig {
            buckets,
            flop: Method::Ehs,
            turn: Method::Ehs,
            river: RiverMethod::Ehs,
            seed: 0,
            histogram_bins: default_bins(),
            kmeans_sample: default_sample(),
            kmeans_iterations: default_iterations(),
        }
    }

    /// Next-street-histogram buckets on the flop and turn, EHS on the river.
    pub fn potential(buckets: [u32; 4]) -> AbstractionConfig {
        AbstractionConfig {
            flop: Method::Potential,
            turn: Method::Potential,
            ..AbstractionConfig::ehs(buckets)
        }
    }

    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), AbstractionError> {
        let err = |message: String| Err(AbstractionError::Config(message));
        let [preflop, flop, turn, river] = self.buckets;
        if preflop == 0 || preflop > PREFLOP_CLASSES {
            return err(format!(
                "buckets[0] (preflop) is {preflop}: must be from 1 to {PREFLOP_CLASSES} (169 is lossless)"
            ));
        }
        for (street, count) in [("flop", flop), ("turn", turn)] {
            if count == 0 || count > MAX_BUCKETS {
                return err(format!(
                    "{street} buckets is {count}: must be from 1 to {MAX_BUCKETS}"
                ));
            }
        }
        if river == 0 || river > RIVER_SCORES {
            return err(format!(
                "river buckets is {river}: must be from 1 to {RIVER_SCORES} (the distinct river hand strengths)"
            ));
        }
        if self.histogram_bins < 2 || self.histogram_bins > MAX_HISTOGRAM_BINS {
            return err(format!(
                "histogram_bins is {}: must be from 2 to {MAX_HISTOGRAM_BINS}",
                self.histogram_bins
            ));
        }
        let needs_sample = self.flop == Method::Potential || self.turn == Method::Potential;
        if needs_sample {
            let most = flop.max(turn);
            if self.kmeans_sample < most || self.kmeans_sample > MAX_KMEANS_SAMPLE {
                return err(format!(
                    "kmeans_sample is {}: must be from the bucket count ({most}) to {MAX_KMEANS_SAMPLE}",
                    self.kmeans_sample
                ));
            }
        }
        if self.kmeans_iterations == 0 || self.kmeans_iterations > MAX_KMEANS_ITERATIONS {
            return err(format!(
                "kmeans_iterations is {}: must be from 1 to {MAX_KMEANS_ITERATIONS}",
                self.kmeans_iterations
            ));
        }
        Ok(())
    }

    /// The method of a postflop street (1 flop, 2 turn); the river and preflop are EHS-ordered.
    pub fn method(&self, street: usize) -> Method {
        match street {
            1 => self.flop,
            2 => self.turn,
            _ => Method::Ehs,
        }
    }

    /// Canonical JSON of the config (field order fixed), hashed into the fingerprint.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("config serialises")
    }
}
