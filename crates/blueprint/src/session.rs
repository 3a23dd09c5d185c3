//! A training directory: `config.toml`, `abstraction.bin` (the card abstraction, built if absent),
//! `checkpoint.bin` (regrets and strategy sums, written crash-safely every few minutes and at the end),
//! `strategy.bin` (the average strategy the blueprint plays) and `stats.json`.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use serde::Serialize;

use crate::config::BlueprintConfig;
use crate::file::{write_file, Header, Kind, Reader};
use crate::trainer::{Trainer, BYTES_PER_SLOT};
use crate::tree::{Tree, TreeStats};
use crate::{BlueprintError, BuildProgress, CardAbstraction, CardBuckets};

/// File names inside a training directory.
pub const CONFIG_FILE: &str = "config.toml";
/// The card abstraction.
pub const ABSTRACTION_FILE: &str = "abstraction.bin";
/// The trainer's state.
pub const CHECKPOINT_FILE: &str = "checkpoint.bin";
/// The average strategy.
pub const STRATEGY_FILE: &str = "strategy.bin";
/// Training statistics.
pub const STATS_FILE: &str = "stats.json";

/// Memory a training run will take, estimated before anything large is allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryEstimate {
    /// Regrets and strategy sums.
    pub tables: u64,
    /// The average strategy built at the end (and at checkpoints).
    pub strategy: u64,
    /// The betting tree.
    pub tree: u64,
    /// The card abstraction (its file size).
    pub abstraction: u64,
    /// Binary, buffers and thread stacks.
    pub overhead: u64,
}

impl MemoryEstimate {
    /// Total bytes.
    pub fn total(&self) -> u64 {
        self.tables + self.strategy + self.tree + self.abstraction + self.overhead
    }
}

/// How long to train and with what.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Stop once this many iterations are done in total (counting resumed ones).
    pub iterations: Option<u64>,
    /// Stop after this many minutes of this run.
    pub minutes: Option<f64>,
    /// Worker threads.
    pub threads: usize,
    /// Minutes between checkpoints.
    pub checkpoint_minutes: f64,
    /// Refuse when the estimate exceeds this many bytes (default: the machine's available memory).
    pub max_memory: Option<u64>,
}

/// Progress of a run, reported between batches.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Iterations done in total.
    pub iteration: u64,
    /// Iterations done by this run.
    pub run_iterations: u64,
    /// Information-set updates by this run.
    pub run_updates: u64,
    /// Seconds of this run.
    pub seconds: f64,
    /// Whether a checkpoint was just written.
    pub checkpoint: bool,
}

/// The outcome of a run (also written as `stats.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Iterations done in total.
    pub iterations: u64,
    /// Information-set updates in total.
    pub updates: u64,
    /// Training seconds in total.
    pub seconds: f64,
    /// Iterations of this run.
    pub run_iterations: u64,
    /// Seconds of this run.
    pub run_seconds: f64,
    /// Threads of this run.
    pub threads: usize,
    /// Iterations per second of this run.
    pub iterations_per_second: f64,
    /// Information-set updates per second of this run.
    pub updates_per_second: f64,
    /// Tree: decision nodes per street.
    pub decision_nodes: [u64; 4],
    /// Tree: information sets.
    pub infosets: u64,
    /// Tree: regret slots.
    pub slots: u64,
    /// The memory estimate, bytes.
    pub memory_estimate: u64,
    /// Largest regret magnitude at the end.
    pub max_abs_regret: i32,
    /// Slots whose regret lies outside `i16`'s range at the end.
    pub regrets_outside_i16: u64,
}

/// A prepared training run: config, card abstraction and tree ready; nothing large allocated yet.
pub struct Training {
    dir: PathBuf,
    /// The configuration.
    pub config: BlueprintConfig,
    cards: Box<dyn CardBuckets>,
    /// The betting tree.
    pub tree: Tree,
    /// The checkpoint to resume from, if resuming.
    pub resume_from: Option<Header>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BlueprintError + '_ {
    move |error| BlueprintError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// Loads the directory's card abstraction (refusing one built from another `[abstraction]` config)
/// or builds and saves it.
pub fn load_or_build_abstraction(
    dir: &Path,
    config: &BlueprintConfig,
    progress: &(dyn Fn(BuildProgress) + Sync),
) -> Result<CardAbstraction, BlueprintError> {
    let path = dir.join(ABSTRACTION_FILE);
    if path.exists() {
        return CardAbstraction::load_matching(&path, &config.text.abstraction)
            .map_err(|e| BlueprintError::Abstraction(e.to_string()));
    }
    let cards = CardAbstraction::build(&config.text.abstraction, progress)
        .map_err(|e| BlueprintError::Abstraction(e.to_string()))?;
    cards
        .save(&path)
        .map_err(|e| BlueprintError::Abstraction(e.to_string()))?;
    Ok(cards)
}

impl Training {
    /// Prepares a run in `dir` with the real card abstraction: a new directory from `config`, or with
    /// `resume` the directory's own config (`config`, if given, must be the same).
    pub fn prepare(
        dir: &Path,
        config: Option<BlueprintConfig>,
        resume: bool,
        progress: &(dyn Fn(BuildProgress) + Sync),
    ) -> Result<Training, BlueprintError> {
        let config = Training::settle_config(dir, config, resume)?;
        let cards = load_or_build_abstraction(dir, &config, progress)?;
        Training::with_cards(dir, config, resume, Box::new(cards))
    }

    /// Checks the directory against the run asked for and writes its config; returns the config.
    pub fn settle_config(
        dir: &Path,
        config: Option<BlueprintConfig>,
        resume: bool,
    ) -> Result<BlueprintConfig, BlueprintError> {
        let config_path = dir.join(CONFIG_FILE);
        let checkpoint = dir.join(CHECKPOINT_FILE);
        if resume {
            if !checkpoint.exists() {
                return Err(BlueprintError::Directory(format!(
                    "{}: no checkpoint to resume from",
                    dir.display()
                )));
            }
            let stored = BlueprintConfig::load(&config_path)?;
            if let Some(given) = config {
                if given.fingerprint() != stored.fingerprint() {
                    return Err(BlueprintError::Mismatch {
                        path: config_path.display().to_string(),
                        what: "the directory was trained with another config; resume without \
                               one, or train into another --out"
                            .into(),
                    });
                }
            }
            return Ok(stored);
        }
        let config = config
            .ok_or_else(|| BlueprintError::Directory("give a config file or --preset".into()))?;
        if checkpoint.exists() || dir.join(STRATEGY_FILE).exists() {
            return Err(BlueprintError::Directory(format!(
                "{} already holds a training: pass --resume, or another --out",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        if config_path.exists() {
            // A run that stopped before its first checkpoint: keep going only with the same config.
            let stored = BlueprintConfig::load(&config_path)?;
            if stored.fingerprint() != config.fingerprint() {
                return Err(BlueprintError::Directory(format!(
                    "{} holds another config: train into another --out",
                    dir.display()
                )));
            }
        } else {
            write_text(&config_path, &config.to_toml())?;
        }
        Ok(config)
    }

    /// Prepares a run with a given card abstraction (tests use simple ones).
    pub fn with_cards(
        dir: &Path,
        config: BlueprintConfig,
        resume: bool,
        cards: Box<dyn CardBuckets>,
    ) -> Result<Training, BlueprintError> {
        let buckets: [u32; 4] = std::array::from_fn(|s| cards.buckets(s));
        if buckets != config.text.abstraction.buckets {
            return Err(BlueprintError::Mismatch {
                path: dir.join(ABSTRACTION_FILE).display().to_string(),
                what: format!(
                    "the card abstraction has {buckets:?} buckets, the config {:?}",
                    config.text.abstraction.buckets
                ),
            });
        }
        let tree = Tree::build(&config, buckets)?;
        let resume_from = if resume {
            let path = dir.join(CHECKPOINT_FILE);
            let reader = Reader::open(&path, Kind::Checkpoint)?;
            check_header(&reader.header, &path, &config, &tree, cards.as_ref())?;
            Some(reader.header)
        } else {
            None
        };
        Ok(Training {
            dir: dir.to_path_buf(),
            config,
            cards,
            tree,
            resume_from,
        })
    }

    /// Sizes of the tree.
    pub fn stats(&self) -> TreeStats {
        self.tree.stats()
    }

    /// The memory estimate of this run.
    pub fn estimate(&self) -> MemoryEstimate {
        let abstraction = std::fs::metadata(self.dir.join(ABSTRACTION_FILE)).map_or(0, |m| m.len());
        MemoryEstimate {
            tables: self.tree.slots * BYTES_PER_SLOT,
            strategy: self.tree.slots * 2,
            tree: self.tree.bytes(),
            abstraction,
            overhead: 48 << 20,
        }
    }

    /// Trains: checks the memory estimate, allocates, resumes if asked, runs until the iteration or
    /// time budget is spent with checkpoints on the way, then writes the checkpoint, the average
    /// strategy and the stats.
    pub fn run(
        &self,
        options: &TrainOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Summary, BlueprintError> {
        let estimate = self.estimate();
        let (allowed, source_of_limit) = match options.max_memory {
            Some(max) => (Some(max), "--max-memory allows"),
            None => (available_memory(), "available on this machine"),
        };
        if let Some(allowed) = allowed.filter(|&a| estimate.total() > a) {
            return Err(BlueprintError::Memory {
                needed: estimate.total() >> 20,
                detail: format!(
                    "regrets and sums {} MiB, strategy {} MiB, tree {} MiB, card abstraction {} MiB",
                    estimate.tables >> 20,
                    estimate.strategy >> 20,
                    estimate.tree >> 20,
                    estimate.abstraction >> 20
                ),
                allowed: allowed >> 20,
                source_of_limit,
            });
        }
        let mut trainer = Trainer::new(
            &self.tree,
            self.cards.as_ref(),
            self.config.players(),
            self.config.text.training.clone(),
        );
        let mut base_seconds = 0.0;
        if let Some(header) = &self.resume_from {
            let path = self.dir.join(CHECKPOINT_FILE);
            let mut reader = Reader::open(&path, Kind::Checkpoint)?;
            let mut i = 0;
            reader.read_values::<4>(header.slots, |b| {
                trainer.regrets[i].store(i32::from_le_bytes(b), Relaxed);
                i += 1;
            })?;
            let mut i = 0;
            reader.read_values::<4>(header.slots, |b| {
                trainer.sums[i].store(u32::from_le_bytes(b), Relaxed);
                i += 1;
            })?;
            reader.finish()?;
            trainer.iteration = header.iteration;
            trainer.updates = header.updates;
            base_seconds = header.seconds;
        }
        let start = Instant::now();
        let start_iteration = trainer.iteration;
        let start_updates = trainer.updates;
        let mut last_checkpoint = Instant::now();
        let mut batch = 64u64;
        let threads = options.threads.max(1);
        loop {
            let seconds = start.elapsed().as_secs_f64();
            if options.iterations.is_some_and(|n| trainer.iteration >= n)
                || options.minutes.is_some_and(|m| seconds >= m * 60.0)
            {
                break;
            }
            let mut end = (trainer.iteration + batch).min(trainer.next_stop(trainer.iteration));
            if let Some(n) = options.iterations {
                end = end.min(n);
            }
            let t = Instant::now();
            trainer.run(end, threads);
            // Batches of about a quarter second: responsive progress and time limits.
            let took = t.elapsed().as_secs_f64();
            if took < 0.1 {
                batch = (batch * 2).min(1 << 20);
            } else if took > 0.5 && batch > 16 {
                batch /= 2;
            }
            let checkpoint =
                last_checkpoint.elapsed().as_secs_f64() >= options.checkpoint_minutes * 60.0;
            if checkpoint {
                self.write_checkpoint(&trainer, base_seconds + start.elapsed().as_secs_f64())?;
                last_checkpoint = Instant::now();
            }
            progress(&Progress {
                iteration: trainer.iteration,
                run_iterations: trainer.iteration - start_iteration,
                run_updates: trainer.updates - start_updates,
                seconds: start.elapsed().as_secs_f64(),
                checkpoint,
            });
        }
        let run_seconds = start.elapsed().as_secs_f64();
        let total_seconds = base_seconds + run_seconds;
        self.write_checkpoint(&trainer, total_seconds)?;
        let header = self.header(&trainer, total_seconds);
        let strategy = trainer.average_strategy();
        write_file(
            &self.dir.join(STRATEGY_FILE),
            Kind::Strategy,
            &header,
            |put| {
                let mut bytes = Vec::with_capacity(1 << 17);
                for chunk in strategy.chunks(1 << 16) {
                    bytes.clear();
                    chunk
                        .iter()
                        .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
                    put(&bytes)?;
                }
                Ok(())
            },
        )?;
        let (max_abs_regret, regrets_outside_i16) = trainer.regret_range();
        let stats = self.tree.stats();
        let run_iterations = trainer.iteration - start_iteration;
        let summary = Summary {
            iterations: trainer.iteration,
            updates: trainer.updates,
            seconds: total_seconds,
            run_iterations,
            run_seconds,
            threads,
            iterations_per_second: run_iterations as f64 / run_seconds.max(1e-9),
            updates_per_second: (trainer.updates - start_updates) as f64 / run_seconds.max(1e-9),
            decision_nodes: stats.decisions,
            infosets: stats.infosets,
            slots: stats.slots,
            memory_estimate: estimate.total(),
            max_abs_regret,
            regrets_outside_i16,
        };
        let json = serde_json::to_string_pretty(&summary).expect("stats serialise");
        write_text(&self.dir.join(STATS_FILE), &(json + "\n"))?;
        Ok(summary)
    }

    fn header(&self, trainer: &Trainer<'_>, seconds: f64) -> Header {
        Header {
            config: self.config.fingerprint(),
            tree: self.tree.fingerprint(),
            abstraction: self.cards.fingerprint(),
            slots: self.tree.slots,
            iteration: trainer.iteration,
            updates: trainer.updates,
            seconds,
        }
    }

    fn write_checkpoint(&self, trainer: &Trainer<'_>, seconds: f64) -> Result<(), BlueprintError> {
        let header = self.header(trainer, seconds);
        write_file(
            &self.dir.join(CHECKPOINT_FILE),
            Kind::Checkpoint,
            &header,
            |put| {
                let mut bytes = Vec::with_capacity(1 << 18);
                for chunk in trainer.regrets.chunks(1 << 16) {
                    bytes.clear();
                    chunk
                        .iter()
                        .for_each(|r| bytes.extend_from_slice(&r.load(Relaxed).to_le_bytes()));
                    put(&bytes)?;
                }
                for chunk in trainer.sums.chunks(1 << 16) {
                    bytes.clear();
                    chunk
                        .iter()
                        .for_each(|s| bytes.extend_from_slice(&s.load(Relaxed).to_le_bytes()));
                    put(&bytes)?;
                }
                Ok(())
            },
        )
    }
}

/// Checks that a file's header belongs to this config, tree and card abstraction.
pub fn check_header(
    header: &Header,
    path: &Path,
    config: &BlueprintConfig,
    tree: &Tree,
    cards: &dyn CardBuckets,
) -> Result<(), BlueprintError> {
    let mismatch = |what: &str| {
        Err(BlueprintError::Mismatch {
            path: path.display().to_string(),
            what: format!("was written for another {what}"),
        })
    };
    if header.config != config.fingerprint() {
        return mismatch("config");
    }
    if header.abstraction != cards.fingerprint() {
        return mismatch("card abstraction");
    }
    if header.tree != tree.fingerprint() || header.slots != tree.slots {
        return mismatch("betting tree");
    }
    Ok(())
}

/// Writes a small text file crash-safely.
pub fn write_text(path: &Path, text: &str) -> Result<(), BlueprintError> {
    let tmp = path.with_extension("tmp");
    let result = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(io(path))
}

/// Available memory of the machine (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
