//! Building the tables: river hand strength of every canonical river board, one pass over the
//! canonical flop boards and one over the canonical turn boards that read it, then clustering.
//!
//! Every feature is an exact integer sum (scores `2 * wins + ties`), so the features do not depend
//! on the order of work; clustering splits its work into fixed chunks. The result is the same for
//! any thread count.

// Loops over hands read several parallel per-hand arrays (sums, weights, histograms, labels) at once.
#![allow(clippy::needless_range_loop)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ponder_cards::{Card, CardSet, SuitIndexer, HAND_COUNT};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{AbstractionConfig, Method, PREFLOP_CLASSES, RIVER_SCORES};
use crate::error::AbstractionError;
use crate::kmeans::{emd, kmeans_1d, kmeans_emd, nearest, CHUNK};
use crate::river::{
    card, river_scores, CanonicalBoards, ScoreScratch, HAND_CARDS, HAND_MASKS, MAX_SCORE,
};

/// A stage of [`crate::CardAbstraction::build`], for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuildStage {
    /// Hand strength of every hole pair on every canonical river board.
    RiverStrength,
    /// Features of every flop hand (runouts over all turn and river cards).
    FlopFeatures,
    /// Features of every turn hand (over all river cards).
    TurnFeatures,
    /// k-means on the flop.
    FlopClusters,
    /// k-means on the turn.
    TurnClusters,
}

impl BuildStage {
    /// A short label for progress bars.
    pub fn label(self) -> &'static str {
        match self {
            BuildStage::RiverStrength => "river strength",
            BuildStage::FlopFeatures => "flop features",
            BuildStage::TurnFeatures => "turn features",
            BuildStage::FlopClusters => "flop clusters",
            BuildStage::TurnClusters => "turn clusters",
        }
    }
}

/// Progress of a build: `done` of `total` units of a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    /// The stage.
    pub stage: BuildStage,
    /// Units done.
    pub done: u64,
    /// Units in the stage.
    pub total: u64,
}

/// Quality and cost of one street's buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetReport {
    /// Street name.
    pub street: String,
    /// Buckets.
    pub buckets: u32,
    /// Method (`lossless`, `ehs`, `potential`).
    pub method: String,
    /// Table entries (canonical hands; 0 on the river, computed at lookup).
    pub entries: u64,
    /// Seconds spent on this street (features and clustering; the river also gets the shared river
    /// strength table).
    pub seconds: f64,
    /// Within-bucket spread of EHS: the standard deviation of a hand's EHS around its bucket's mean,
    /// pooled over all hands (each weighted by its number of raw card combinations).
    pub ehs_std: f64,
    /// Within-bucket spread of potential: the mean earth mover's distance (in hand-strength units)
    /// between a hand's next-street strength histogram and its bucket's mean histogram (flop and turn
    /// only).
    pub histogram_emd: Option<f64>,
}

/// The result of a build: tables and reports.
pub(crate) struct Built {
    pub(crate) preflop: Vec<u16>,
    pub(crate) flop: Vec<u16>,
    pub(crate) turn: Vec<u16>,
    pub(crate) river: Vec<u16>,
    pub(crate) reports: Vec<StreetReport>,
}

/// Per canonical hand of a street: exact strength sum, weight (raw combinations), next-street
/// histogram counts.
struct Features {
    /// Sum of scores over the runouts (EHS = sum / `denominator`).
    sums: Vec<u32>,
    denominator: f64,
    weights: Vec<u32>,
    /// `bins` counts per hand.
    histograms: Vec<u8>,
    /// Counts per histogram (runouts of the next street).
    histogram_total: u32,
}

impl Features {
    fn ehs(&self, i: usize) -> f64 {
        self.sums[i] as f64 / self.denominator
    }

    /// Cumulative histogram of entry `i`, normalised to 1.
    fn cdf(&self, i: usize, bins: usize, out: &mut [f32]) {
        let mut running = 0u32;
        for b in 0..bins {
            running += self.histograms[i * bins + b] as u32;
            out[b] = running as f32 / self.histogram_total as f32;
        }
    }
}

/// Preflop EHS per class of the [2]-card indexer (weighted sums over every flop).
struct Preflop {
    sums: Vec<u64>,
    weights: Vec<u64>,
}

struct Progress<'a> {
    callback: &'a (dyn Fn(BuildProgress) + Sync),
    stage: BuildStage,
    total: u64,
    done: AtomicU64,
}

impl Progress<'_> {
    fn start<'a>(
        callback: &'a (dyn Fn(BuildProgress) + Sync),
        stage: BuildStage,
        total: u64,
    ) -> Progress<'a> {
        callback(BuildProgress {
            stage,
            done: 0,
            total,
        });
        Progress {
            callback,
            stage,
            total,
            done: AtomicU64::new(0),
        }
    }

    fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        (self.callback)(BuildProgress {
            stage: self.stage,
            done,
            total: self.total,
        });
    }
}

pub(crate) fn build(
    config: &AbstractionConfig,
    progress: &(dyn Fn(BuildProgress) + Sync),
) -> Result<Built, AbstractionError> {
    config.validate()?;
    let bins = config.histogram_bins as usize;

    let started = Instant::now();
    let boards5 = CanonicalBoards::new(5);
    let strength = river_strength(&boards5, progress);
    let river_histogram = river_score_histogram(&boards5, &strength);
    let river_table_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let boards4 = CanonicalBoards::new(4);
    let (turn_features, turn_rows) = turn_features(&boards4, &boards5, &strength, bins, progress);
    let turn_feature_seconds = started.elapsed().as_secs_f64();
    drop(strength);

    let started = Instant::now();
    let (flop_features, preflop) = flop_features(&boards4, &turn_rows, bins, progress);
    let flop_feature_seconds = started.elapsed().as_secs_f64();
    drop(turn_rows);

    let mut reports = Vec::new();
    let started = Instant::now();
    let (preflop_table, preflop_report) = preflop_buckets(config.buckets[0], &preflop)?;
    reports.push(StreetReport {
        seconds: started.elapsed().as_secs_f64(),
        ..preflop_report
    });

    let mut tables = Vec::new();
    for (street, features, feature_seconds, stage) in [
        (
            1,
            &flop_features,
            flop_feature_seconds,
            BuildStage::FlopClusters,
        ),
        (
            2,
            &turn_features,
            turn_feature_seconds,
            BuildStage::TurnClusters,
        ),
    ] {
        let started = Instant::now();
        let name = STREET_NAMES[street];
        let k = config.buckets[street] as usize;
        let labels = match config.method(street) {
            Method::Ehs => ehs_buckets(features, k, name)?,
            Method::Potential => {
                let p = Progress::start(progress, stage, 1);
                let labels = potential_buckets(features, k, bins, config, street as u64, name)?;
                p.add(1);
                labels
            }
        };
        let (ehs_std, histogram_emd) = spread(features, &labels, k, bins);
        reports.push(StreetReport {
            street: name.into(),
            buckets: k as u32,
            method: config.method(street).name().into(),
            entries: labels.len() as u64,
            seconds: feature_seconds + started.elapsed().as_secs_f64(),
            ehs_std,
            histogram_emd: Some(histogram_emd),
        });
        tables.push(labels);
    }
    let turn = tables.pop().expect("turn table");
    let flop = tables.pop().expect("flop table");

    let started = Instant::now();
    let (river, river_std) = river_buckets(config.buckets[3], &river_histogram)?;
    reports.push(StreetReport {
        street: "river".into(),
        buckets: config.buckets[3],
        method: "ehs".into(),
        entries: 0,
        seconds: river_table_seconds + started.elapsed().as_secs_f64(),
        ehs_std: river_std,
        histogram_emd: None,
    });
    Ok(Built {
        preflop: preflop_table,
        flop,
        turn,
        river,
        reports,
    })
}

/// Street names by number.
pub const STREET_NAMES: [&str; 4] = ["preflop", "flop", "turn", "river"];

/// Scores of every hole pair on every canonical river board (`class * 1326 + hand`).
fn river_strength(boards: &CanonicalBoards, progress: &(dyn Fn(BuildProgress) + Sync)) -> Vec<u16> {
    let mut strength = vec![0u16; boards.len() * HAND_COUNT];
    let p = Progress::start(progress, BuildStage::RiverStrength, boards.len() as u64);
    strength
        .par_chunks_mut(HAND_COUNT * 256)
        .enumerate()
        .for_each_init(ScoreScratch::default, |scratch, (chunk, out)| {
            for (j, row) in out.chunks_exact_mut(HAND_COUNT).enumerate() {
                let row: &mut [u16; HAND_COUNT] = row.try_into().expect("a row of 1326");
                river_scores(boards.representative(chunk * 256 + j), scratch, row);
            }
            p.add((out.len() / HAND_COUNT) as u64);
        });
    strength
}

/// Raw combinations (hole pair and board) per river score.
fn river_score_histogram(boards: &CanonicalBoards, strength: &[u16]) -> Vec<u64> {
    let partial: Vec<Vec<u64>> = strength
        .par_chunks(HAND_COUNT * 256)
        .enumerate()
        .map(|(chunk, rows)| {
            let mut histogram = vec![0u64; RIVER_SCORES as usize];
            for (j, row) in rows.chunks_exact(HAND_COUNT).enumerate() {
                let orbit = boards.orbit(chunk * 256 + j) as u64;
                for &s in row {
                    if s <= MAX_SCORE {
                        histogram[s as usize] += orbit;
                    }
                }
            }
            histogram
        })
        .collect();
    let mut histogram = vec![0u64; RIVER_SCORES as usize];
    for part in partial {
        histogram.iter_mut().zip(&part).for_each(|(a, b)| *a += b);
    }
    histogram
}

/// Cards of a set, ascending.
fn cards_of(set: CardSet) -> Vec<Card> {
    set.iter().collect()
}

/// Per canonical flop hand: sum of river scores over the 1,081 (turn, river) runouts (each counted
/// once under either card, read from the turn rows), and the histogram of its turn EHS over the 47
/// turn cards. Also the preflop EHS of each class.
fn flop_features(
    boards4: &CanonicalBoards,
    turn_rows: &[u32],
    bins: usize,
    progress: &(dyn Fn(BuildProgress) + Sync),
) -> (Features, Preflop) {
    let boards3 = CanonicalBoards::new(3);
    let indexer = SuitIndexer::new(&[2, 3]);
    let preflop_indexer = SuitIndexer::new(&[2]);
    let entries = indexer.size(1) as usize;
    // A turn EHS is (sum over 46 rivers) / (46 * MAX_SCORE).
    let turn_denominator = 46 * MAX_SCORE as u64;
    let p = Progress::start(progress, BuildStage::FlopFeatures, boards3.len() as u64);
    struct BoardResult {
        index: Vec<u32>,
        sums: Vec<u32>,
        histograms: Vec<u8>,
        preflop: Vec<(u16, u64)>,
        orbit: u32,
    }
    let results: Vec<BoardResult> = (0..boards3.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; HAND_COUNT], vec![0u8; HAND_COUNT * bins]),
            |(sums, histograms), b| {
                let flop = boards3.representative(b);
                let flop_cards = cards_of(flop);
                let hands: Vec<usize> = (0..HAND_COUNT)
                    .filter(|&h| HAND_MASKS[h] & flop.0 == 0)
                    .collect();
                sums.fill(0);
                histograms.fill(0);
                let mut four = [flop_cards[0]; 4];
                four[..3].copy_from_slice(&flop_cards);
                for t in Card::all().filter(|c| !flop.contains(*c)) {
                    four[3] = t;
                    let board = CardSet(flop.0 | t.bit());
                    let (class, map) = boards4.canonical(board, &four);
                    let row = &turn_rows[class * HAND_COUNT..(class + 1) * HAND_COUNT];
                    for &h in &hands {
                        if HAND_MASKS[h] & board.0 != 0 {
                            continue;
                        }
                        let s = row[map[h] as usize];
                        sums[h] += s;
                        let bin =
                            ((s as u64 * bins as u64) / turn_denominator).min(bins as u64 - 1);
                        histograms[h * bins + bin as usize] += 1;
                    }
                }
                let mut result = BoardResult {
                    index: Vec::with_capacity(hands.len()),
                    sums: Vec::with_capacity(hands.len()),
                    histograms: Vec::with_capacity(hands.len() * bins),
                    preflop: Vec::with_capacity(hands.len()),
                    orbit: boards3.orbit(b),
                };
                for &h in &hands {
                    let (a, c) = HAND_CARDS[h];
                    let cards = [
                        card(a),
                        card(c),
                        flop_cards[0],
                        flop_cards[1],
                        flop_cards[2],
                    ];
                    let index = indexer.index(1, &cards).expect("valid flop hand");
                    result.index.push(index as u32);
                    result.sums.push(sums[h]);
                    result
                        .histograms
                        .extend_from_slice(&histograms[h * bins..(h + 1) * bins]);
                    let class = preflop_indexer.index(0, &cards[..2]).expect("hole pair");
                    result.preflop.push((class as u16, sums[h] as u64));
                }
                p.add(1);
                result
            },
        )
        .collect();
    let mut features = Features {
        sums: vec![0; entries],
        // Each of the 47 turn cards with each of its 46 rivers: every (turn, river) pair twice.
        denominator: 47.0 * 46.0 * MAX_SCORE as f64,
        weights: vec![0; entries],
        histograms: vec![0; entries * bins],
        histogram_total: 47,
    };
    let mut preflop = Preflop {
        sums: vec![0; PREFLOP_CLASSES as usize],
        weights: vec![0; PREFLOP_CLASSES as usize],
    };
    for result in results {
        for (n, &index) in result.index.iter().enumerate() {
            let i = index as usize;
            features.sums[i] = result.sums[n];
            features.weights[i] += result.orbit;
            features.histograms[i * bins..(i + 1) * bins]
                .copy_from_slice(&result.histograms[n * bins..(n + 1) * bins]);
            let (class, sum) = result.preflop[n];
            preflop.sums[class as usize] += sum * result.orbit as u64;
            preflop.weights[class as usize] += result.orbit as u64;
        }
    }
    (features, preflop)
}

/// Per canonical turn hand (hole pair and the 4-card board as a set): sum of river scores over the
/// 46 river cards, and the histogram of those river strengths. Also those sums per canonical turn
/// board and hole pair (`class * 1326 + hand`, 0 for hands on the board), which the flop pass reads.
fn turn_features(
    boards4: &CanonicalBoards,
    boards5: &CanonicalBoards,
    strength: &[u16],
    bins: usize,
    progress: &(dyn Fn(BuildProgress) + Sync),
) -> (Features, Vec<u32>) {
    let mut rows = vec![0u32; boards4.len() * HAND_COUNT];
    let indexer = SuitIndexer::new(&[2, 4]);
    let entries = indexer.size(1) as usize;
    let mut features = Features {
        sums: vec![0; entries],
        denominator: 46.0 * MAX_SCORE as f64,
        weights: vec![0; entries],
        histograms: vec![0; entries * bins],
        histogram_total: 46,
    };
    let bin_of: Vec<u8> = (0..=MAX_SCORE as u64)
        .map(|s| ((s * bins as u64) / (MAX_SCORE as u64 + 1)) as u8)
        .collect();
    let p = Progress::start(progress, BuildStage::TurnFeatures, boards4.len() as u64);
    const BOARDS_PER_CHUNK: usize = 512;
    struct HandResult {
        index: u32,
        sum: u32,
        orbit: u32,
    }
    for first in (0..boards4.len()).step_by(BOARDS_PER_CHUNK) {
        let last = (first + BOARDS_PER_CHUNK).min(boards4.len());
        let results: Vec<(Vec<HandResult>, Vec<u8>, Vec<u32>)> = (first..last)
            .into_par_iter()
            .map_init(
                || (vec![0u32; HAND_COUNT], vec![0u8; HAND_COUNT * bins]),
                |(sums, histograms), b| {
                    let turn = boards4.representative(b);
                    let turn_cards = cards_of(turn);
                    let hands: Vec<usize> = (0..HAND_COUNT)
                        .filter(|&h| HAND_MASKS[h] & turn.0 == 0)
                        .collect();
                    sums.fill(0);
                    histograms.fill(0);
                    let mut five = [turn_cards[0]; 5];
                    five[..4].copy_from_slice(&turn_cards);
                    for r in Card::all().filter(|c| !turn.contains(*c)) {
                        five[4] = r;
                        let board = CardSet(turn.0 | r.bit());
                        let (class, map) = boards5.canonical(board, &five);
                        let scores = &strength[class * HAND_COUNT..(class + 1) * HAND_COUNT];
                        for &h in &hands {
                            if HAND_MASKS[h] & board.0 != 0 {
                                continue;
                            }
                            let s = scores[map[h] as usize];
                            sums[h] += s as u32;
                            histograms[h * bins + bin_of[s as usize] as usize] += 1;
                        }
                    }
                    let orbit = boards4.orbit(b);
                    let mut out = Vec::with_capacity(hands.len());
                    let mut out_histograms = Vec::with_capacity(hands.len() * bins);
                    for &h in &hands {
                        let (a, c) = HAND_CARDS[h];
                        let cards = [
                            card(a),
                            card(c),
                            turn_cards[0],
                            turn_cards[1],
                            turn_cards[2],
                            turn_cards[3],
                        ];
                        let index = indexer.index(1, &cards).expect("valid turn hand");
                        out.push(HandResult {
                            index: index as u32,
                            sum: sums[h],
                            orbit,
                        });
                        out_histograms.extend_from_slice(&histograms[h * bins..(h + 1) * bins]);
                    }
                    p.add(1);
                    (out, out_histograms, sums.clone())
                },
            )
            .collect();
        for (b, (hands, histograms, sums)) in results.into_iter().enumerate() {
            let row = (first + b) * HAND_COUNT;
            rows[row..row + HAND_COUNT].copy_from_slice(&sums);
            for (n, hand) in hands.iter().enumerate() {
                let i = hand.index as usize;
                features.sums[i] = hand.sum;
                features.weights[i] += hand.orbit;
                features.histograms[i * bins..(i + 1) * bins]
                    .copy_from_slice(&histograms[n * bins..(n + 1) * bins]);
            }
        }
    }
    (features, rows)
}

/// Quantisation of EHS for one-dimensional k-means (far finer than any bucket).
const EHS_LEVELS: usize = 1 << 16;

fn quantise(ehs: f64) -> usize {
    ((ehs * (EHS_LEVELS - 1) as f64).round() as usize).min(EHS_LEVELS - 1)
}

/// One-dimensional k-means on EHS: bucket numbers increase with EHS.
fn ehs_buckets(
    features: &Features,
    k: usize,
    street: &'static str,
) -> Result<Vec<u16>, AbstractionError> {
    let mut weights = vec![0u64; EHS_LEVELS];
    for i in 0..features.sums.len() {
        weights[quantise(features.ehs(i))] += features.weights[i] as u64;
    }
    let values: Vec<f64> = (0..EHS_LEVELS)
        .map(|q| q as f64 / (EHS_LEVELS - 1) as f64)
        .collect();
    let labels = kmeans_1d(&values, &weights, k, street, 1000)?;
    Ok((0..features.sums.len())
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|i| labels[quantise(features.ehs(i))])
        .collect())
}

/// k-means under the EMD on a seeded sample of the next-street histograms, then every hand to its
/// nearest centroid; clusters numbered by increasing mean EHS.
fn potential_buckets(
    features: &Features,
    k: usize,
    bins: usize,
    config: &AbstractionConfig,
    street: u64,
    name: &'static str,
) -> Result<Vec<u16>, AbstractionError> {
    let n = features.sums.len();
    let m = (config.kmeans_sample as usize).min(n);
    let mut rng =
        ChaCha8Rng::seed_from_u64(config.seed ^ street.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut sample = rand::seq::index::sample(&mut rng, n, m).into_vec();
    sample.sort_unstable();
    let mut points = vec![0f32; m * bins];
    for (j, &i) in sample.iter().enumerate() {
        features.cdf(i, bins, &mut points[j * bins..(j + 1) * bins]);
    }
    let weights: Vec<f64> = sample.iter().map(|&i| features.weights[i] as f64).collect();
    let centroids = kmeans_emd(
        &points,
        &weights,
        bins,
        k,
        rng_seed(&mut rng),
        config.kmeans_iterations as usize,
        name,
    )?;
    let mut labels = vec![0u16; n];
    labels
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(chunk, out)| {
            let mut cdf = vec![0f32; bins];
            for (j, label) in out.iter_mut().enumerate() {
                features.cdf(chunk * CHUNK + j, bins, &mut cdf);
                *label = nearest(&cdf, &centroids, bins).0;
            }
        });
    // Number clusters by mean EHS.
    let mut sums = vec![0f64; k];
    let mut mass = vec![0f64; k];
    for i in 0..n {
        let c = labels[i] as usize;
        sums[c] += features.ehs(i) * features.weights[i] as f64;
        mass[c] += features.weights[i] as f64;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        (sums[a] / mass[a])
            .total_cmp(&(sums[b] / mass[b]))
            .then(a.cmp(&b))
    });
    let mut rename = vec![0u16; k];
    for (new, &old) in order.iter().enumerate() {
        rename[old] = new as u16;
    }
    labels.iter_mut().for_each(|l| *l = rename[*l as usize]);
    Ok(labels)
}

fn rng_seed(rng: &mut ChaCha8Rng) -> u64 {
    rand::Rng::gen(rng)
}

/// Pooled within-bucket EHS standard deviation and mean EMD to the bucket's mean histogram.
fn spread(features: &Features, labels: &[u16], k: usize, bins: usize) -> (f64, f64) {
    let n = labels.len();
    let mut mass = vec![0f64; k];
    let mut ehs_sum = vec![0f64; k];
    let mut cdf_sum = vec![0f64; k * bins];
    let mut cdf = vec![0f32; bins];
    for i in 0..n {
        let c = labels[i] as usize;
        let w = features.weights[i] as f64;
        mass[c] += w;
        ehs_sum[c] += w * features.ehs(i);
        features.cdf(i, bins, &mut cdf);
        for b in 0..bins {
            cdf_sum[c * bins + b] += w * cdf[b] as f64;
        }
    }
    let means: Vec<f64> = (0..k).map(|c| ehs_sum[c] / mass[c]).collect();
    let mean_cdf: Vec<f32> = (0..k * bins)
        .map(|j| (cdf_sum[j] / mass[j / bins]) as f32)
        .collect();
    let (mut variance, mut distance, mut total) = (0f64, 0f64, 0f64);
    for i in 0..n {
        let c = labels[i] as usize;
        let w = features.weights[i] as f64;
        variance += w * (features.ehs(i) - means[c]).powi(2);
        features.cdf(i, bins, &mut cdf);
        distance += w * emd(&cdf, &mean_cdf[c * bins..(c + 1) * bins]) as f64 / bins as f64;
        total += w;
    }
    ((variance / total).sqrt(), distance / total)
}

/// Preflop: 169 lossless classes (the hole-card indexer's classes), or fewer grouped by EHS.
fn preflop_buckets(
    buckets: u32,
    preflop: &Preflop,
) -> Result<(Vec<u16>, StreetReport), AbstractionError> {
    let classes = PREFLOP_CLASSES as usize;
    let denominator = 2.0 * 1081.0 * MAX_SCORE as f64;
    let ehs: Vec<f64> = (0..classes)
        .map(|c| preflop.sums[c] as f64 / (preflop.weights[c] as f64 * denominator))
        .collect();
    let table: Vec<u16> = if buckets == PREFLOP_CLASSES {
        (0..classes as u16).collect()
    } else {
        let mut weights = vec![0u64; EHS_LEVELS];
        for c in 0..classes {
            weights[quantise(ehs[c])] += preflop.weights[c];
        }
        let values: Vec<f64> = (0..EHS_LEVELS)
            .map(|q| q as f64 / (EHS_LEVELS - 1) as f64)
            .collect();
        let labels = kmeans_1d(&values, &weights, buckets as usize, "preflop", 1000)?;
        (0..classes).map(|c| labels[quantise(ehs[c])]).collect()
    };
    let k = buckets as usize;
    let mut mass = vec![0f64; k];
    let mut sum = vec![0f64; k];
    for c in 0..classes {
        mass[table[c] as usize] += preflop.weights[c] as f64;
        sum[table[c] as usize] += preflop.weights[c] as f64 * ehs[c];
    }
    let (mut variance, mut total) = (0f64, 0f64);
    for c in 0..classes {
        let b = table[c] as usize;
        variance += preflop.weights[c] as f64 * (ehs[c] - sum[b] / mass[b]).powi(2);
        total += preflop.weights[c] as f64;
    }
    let method = if buckets == PREFLOP_CLASSES {
        "lossless"
    } else {
        "ehs"
    };
    Ok((
        table,
        StreetReport {
            street: "preflop".into(),
            buckets,
            method: method.into(),
            entries: classes as u64,
            seconds: 0.0,
            ehs_std: (variance / total).sqrt(),
            histogram_emd: None,
        },
    ))
}

/// River: one-dimensional k-means over the exact score distribution; the table maps a score to its
/// bucket. Also the pooled within-bucket EHS standard deviation.
fn river_buckets(buckets: u32, histogram: &[u64]) -> Result<(Vec<u16>, f64), AbstractionError> {
    let values: Vec<f64> = (0..histogram.len())
        .map(|s| s as f64 / MAX_SCORE as f64)
        .collect();
    let labels = kmeans_1d(&values, histogram, buckets as usize, "river", 1000)?;
    let k = buckets as usize;
    let mut mass = vec![0f64; k];
    let mut sum = vec![0f64; k];
    for s in 0..histogram.len() {
        mass[labels[s] as usize] += histogram[s] as f64;
        sum[labels[s] as usize] += histogram[s] as f64 * values[s];
    }
    let (mut variance, mut total) = (0f64, 0f64);
    for s in 0..histogram.len() {
        let b = labels[s] as usize;
        variance += histogram[s] as f64 * (values[s] - sum[b] / mass[b]).powi(2);
        total += histogram[s] as f64;
    }
    Ok((labels, (variance / total).sqrt()))
}
