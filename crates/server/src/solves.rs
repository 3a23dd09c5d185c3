//! The solve manager: postflop solves started from the API, queued behind a count and a memory budget,
//! run on blocking threads with progress published to watchers, saved crash-safely to the data directory
//! when they end, and solve files of the data directory opened by id.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use ponder_postflop::file as solve_file;
use ponder_postflop::memory::check_memory;
use ponder_postflop::{
    with_solver, AnySolver, Checkpoint, MemoryEstimate, NodeId, NodeKind, PreparedSpot,
    SolveOptions, Solver, SpotFile, StoredValue,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Semaphore};

use crate::error::ApiError;

/// Largest `max_iterations` a request may ask for.
pub const MAX_ITERATIONS: u32 = 100_000;
/// Most measurements kept in a solve's progress (the latest ones).
pub const MAX_HISTORY: usize = 500;
/// Most solves (finished ones included) kept in memory at once; older finished ones stay on disk.
pub const MAX_SOLVES_KEPT: usize = 64;

/// `POST /api/solves`: a spot (the spot-file schema, as JSON) and when to stop.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolveRequest {
    /// The spot, with the fields of a spot file.
    pub spot: SpotFile,
    /// Iteration cap (1..=100,000; default 200).
    #[serde(default = "default_iterations")]
    pub max_iterations: u32,
    /// Stop at this exploitability, in % of the starting pot (default 0.3).
    #[serde(default = "default_target")]
    pub target_pct: f64,
    /// Measure exploitability (and publish progress) every this many iterations (default 10).
    #[serde(default = "default_check_every")]
    pub check_every: u32,
    /// 16-bit storage (about half the memory).
    #[serde(default)]
    pub compressed: bool,
}

fn default_iterations() -> u32 {
    200
}
fn default_target() -> f64 {
    0.3
}
fn default_check_every() -> u32 {
    10
}

/// Where a solve is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveState {
    /// Waiting for a free slot or memory (see `queue_position`).
    Queued,
    /// Iterating.
    Running,
    /// Reached its target or iteration cap; its strategy can be browsed.
    Done,
    /// Stopped on request (or at shutdown); what it had reached can be browsed.
    Cancelled,
    /// Could not run (the message says why).
    Failed,
}

impl SolveState {
    /// Whether the solve has ended (no more progress will come).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            SolveState::Done | SolveState::Cancelled | SolveState::Failed
        )
    }
}

/// Progress of one solve, as published to watchers (`GET /api/solves/{id}` and the event stream).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Life stage.
    pub state: SolveState,
    /// Iterations done.
    pub iteration: u32,
    /// Iteration cap.
    pub max_iterations: u32,
    /// Target exploitability (% of the starting pot).
    pub target_pct: f64,
    /// Last measured exploitability (% of the starting pot).
    pub exploitability_pct: Option<f64>,
    /// Seconds spent iterating.
    pub seconds: f64,
    /// Every measurement so far.
    pub history: Vec<Checkpoint>,
    /// Why the solve failed.
    pub error: Option<String>,
    /// Id of the solve file written to the data directory when the solve ended.
    pub saved: Option<String>,
}

/// One solve held by the server.
pub struct Entry {
    /// Its id (also the stem of its solve file).
    pub id: String,
    /// Order of submission (queue positions count earlier queued solves).
    seq: u64,
    /// The spot solved.
    pub spot: SpotFile,
    /// Estimated bytes of the solve.
    pub memory_bytes: u64,
    /// Nodes of the dealt tree.
    pub tree_nodes: u64,
    /// 16-bit storage.
    pub compressed: bool,
    progress: watch::Sender<Progress>,
    cancel: AtomicBool,
    solver: OnceLock<AnySolver>,
}

impl Entry {
    /// A receiver of this solve's progress.
    pub fn watch(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// The latest progress.
    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
    }

    /// The finished (or cancelled) solver, once there is one.
    pub fn solver(&self) -> Option<&AnySolver> {
        self.solver.get()
    }
}

/// What `GET /api/solves/{id}` returns.
#[derive(Debug, Clone, Serialize)]
pub struct SolveSummary {
    /// Solve id.
    pub id: String,
    /// Board of the spot.
    pub board: String,
    /// Pot at the start, chips.
    pub starting_pot: u32,
    /// Stacks behind, chips.
    pub effective_stack: u32,
    /// Estimated memory, bytes.
    pub memory_bytes: u64,
    /// Nodes of the dealt tree.
    pub tree_nodes: u64,
    /// 16-bit storage.
    pub compressed: bool,
    /// Place in the queue (1 = next to start; 0 when not queued).
    pub queue_position: usize,
    /// Progress.
    #[serde(flatten)]
    pub progress: Progress,
    /// Root actions and their range-weighted frequencies, once the solver can be browsed.
    pub root: Option<Vec<RootAction>>,
}

/// One root action in a summary.
#[derive(Debug, Clone, Serialize)]
pub struct RootAction {
    /// Action name (`check`, `bet 120`...).
    pub action: String,
    /// Range-weighted frequency, 0..=1.
    pub frequency: f64,
}

/// The manager shared by every request.
pub struct Solves {
    data_dir: PathBuf,
    max_memory: u64,
    entries: Mutex<HashMap<String, Arc<Entry>>>,
    slots: Arc<Semaphore>,
    /// The memory budget in MiB permits: solves running at once stay within `--max-memory` together.
    memory: Arc<Semaphore>,
    seq: AtomicU64,
}

/// Bytes to MiB permits, rounded up (at least 1).
fn mib_permits(bytes: u64) -> u32 {
    bytes.div_ceil(1 << 20).clamp(1, u32::MAX as u64) as u32
}

impl Solves {
    /// A manager writing solve files to `data_dir`, running at most `max_solves` solves at once, each
    /// and all together within `max_memory` bytes.
    pub fn new(data_dir: PathBuf, max_solves: usize, max_memory: u64) -> Solves {
        Solves {
            data_dir,
            max_memory,
            entries: Mutex::new(HashMap::new()),
            slots: Arc::new(Semaphore::new(max_solves.max(1))),
            memory: Arc::new(Semaphore::new(mib_permits(max_memory) as usize)),
            seq: AtomicU64::new(0),
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Entry>>> {
        // A panic while holding the map cannot leave it half-updated (inserts and removes are single
        // calls), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The solve `id`, or a 404 naming the id.
    pub fn get(&self, id: &str) -> Result<Arc<Entry>, ApiError> {
        self.lock().get(id).cloned().ok_or_else(|| {
            ApiError::not_found(
                "id",
                format!("no solve `{}`", ponder_postflop::spot::excerpt(id)),
            )
        })
    }

    /// Every solve held, oldest first.
    pub fn list(&self) -> Vec<SolveSummary> {
        let mut entries: Vec<Arc<Entry>> = self.lock().values().cloned().collect();
        entries.sort_by_key(|e| e.seq);
        entries.iter().map(|e| self.summary(e)).collect()
    }

    /// The summary of one solve.
    pub fn summary(&self, entry: &Entry) -> SolveSummary {
        let progress = entry.progress();
        let queue_position = if progress.state == SolveState::Queued {
            self.lock()
                .values()
                .filter(|e| e.seq < entry.seq && e.progress.borrow().state == SolveState::Queued)
                .count()
                + 1
        } else {
            0
        };
        SolveSummary {
            id: entry.id.clone(),
            board: entry.spot.board.clone(),
            starting_pot: entry.spot.starting_pot,
            effective_stack: entry.spot.effective_stack,
            memory_bytes: entry.memory_bytes,
            tree_nodes: entry.tree_nodes,
            compressed: entry.compressed,
            queue_position,
            progress,
            root: entry
                .solver()
                .map(|s| with_solver!(s, s => root_actions(s))),
        }
    }

    fn insert(&self, entry: Arc<Entry>) -> Result<(), ApiError> {
        let mut map = self.lock();
        if map.len() >= MAX_SOLVES_KEPT {
            // Forget the oldest ended solve (its file stays in the data directory).
            let oldest = map
                .values()
                .filter(|e| e.progress.borrow().state.is_final())
                .min_by_key(|e| e.seq)
                .map(|e| e.id.clone());
            match oldest {
                Some(id) => {
                    map.remove(&id);
                }
                None => {
                    return Err(ApiError::with_status(
                        StatusCode::TOO_MANY_REQUESTS,
                        None,
                        format!("{MAX_SOLVES_KEPT} solves are queued or running; try again later"),
                    ))
                }
            }
        }
        map.insert(entry.id.clone(), entry);
        Ok(())
    }

    /// Checks a request, deals its game (refusing it past `--max-memory`) and queues it.
    pub async fn submit(self: &Arc<Self>, request: SolveRequest) -> Result<Arc<Entry>, ApiError> {
        if !(1..=MAX_ITERATIONS).contains(&request.max_iterations) {
            return Err(ApiError::bad(
                "max_iterations",
                format!("must be 1..={MAX_ITERATIONS}"),
            ));
        }
        if !(request.target_pct.is_finite() && request.target_pct >= 0.0) {
            return Err(ApiError::bad("target_pct", "must be a non-negative number"));
        }
        if !(1..=MAX_ITERATIONS).contains(&request.check_every) {
            return Err(ApiError::bad(
                "check_every",
                format!("must be 1..={MAX_ITERATIONS}"),
            ));
        }
        let max_memory = self.max_memory;
        let spot = request.spot.clone();
        let compressed = request.compressed;
        // Dealing a flop spot takes a while: off the async threads.
        let (game, estimate) = tokio::task::spawn_blocking(move || {
            let prepared = PreparedSpot::new(spot)?;
            prepared.check_dealt_size(max_memory)?;
            let game = prepared.game();
            let estimate = MemoryEstimate::of(&game);
            check_memory(&estimate, compressed, max_memory)?;
            Ok::<_, ponder_postflop::SolveError>((game, estimate))
        })
        .await
        .map_err(|e| ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string()))?
        .map_err(|e| ApiError::from_solve(&e))?;
        let memory_bytes = if compressed {
            estimate.bytes_16
        } else {
            estimate.bytes_32
        };
        let id = self.new_id();
        let (progress, _) = watch::channel(Progress {
            state: SolveState::Queued,
            iteration: 0,
            max_iterations: request.max_iterations,
            target_pct: request.target_pct,
            exploitability_pct: None,
            seconds: 0.0,
            history: Vec::new(),
            error: None,
            saved: None,
        });
        let entry = Arc::new(Entry {
            id,
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            spot: request.spot.clone(),
            memory_bytes,
            tree_nodes: estimate.counts.per_street.iter().sum(),
            compressed,
            progress,
            cancel: AtomicBool::new(false),
            solver: OnceLock::new(),
        });
        self.insert(entry.clone())?;
        let options = SolveOptions {
            target_pct: request.target_pct,
            max_iterations: request.max_iterations,
            check_every: request.check_every,
            checkpoint_every: None,
        };
        let this = self.clone();
        let task_entry = entry.clone();
        tokio::spawn(async move {
            let entry = task_entry;
            let Ok(_slot) = this.slots.clone().acquire_owned().await else {
                return;
            };
            let Ok(_memory) = this
                .memory
                .clone()
                .acquire_many_owned(mib_permits(memory_bytes))
                .await
            else {
                return;
            };
            if entry.cancel.load(Ordering::Relaxed) {
                entry
                    .progress
                    .send_modify(|p| p.state = SolveState::Cancelled);
                return;
            }
            entry
                .progress
                .send_modify(|p| p.state = SolveState::Running);
            let run_entry = entry.clone();
            let data_dir = this.data_dir.clone();
            let result = tokio::task::spawn_blocking(move || {
                run(&run_entry, game, options, max_memory, &data_dir)
            })
            .await;
            let error = match result {
                Ok(Ok(())) => None,
                Ok(Err(message)) => Some(message),
                Err(panic) => Some(format!("the solve stopped: {panic}")),
            };
            if let Some(message) = error {
                entry.progress.send_modify(|p| {
                    p.state = SolveState::Failed;
                    p.error = Some(message);
                });
            }
        });
        Ok(entry)
    }

    /// Asks a solve to stop at its next measurement (a queued one never starts).
    pub fn cancel(&self, id: &str) -> Result<Arc<Entry>, ApiError> {
        let entry = self.get(id)?;
        entry.cancel.store(true, Ordering::Relaxed);
        entry.progress.send_modify(|p| {
            if p.state == SolveState::Queued {
                p.state = SolveState::Cancelled;
            }
        });
        Ok(entry)
    }

    /// Stops every solve and waits (at most `deadline`) until each running one has saved what it reached.
    pub async fn shutdown(&self, deadline: Duration) {
        let entries: Vec<Arc<Entry>> = self.lock().values().cloned().collect();
        for entry in &entries {
            entry.cancel.store(true, Ordering::Relaxed);
        }
        let start = Instant::now();
        while start.elapsed() < deadline
            && entries
                .iter()
                .any(|e| e.progress.borrow().state == SolveState::Running)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn new_id(&self) -> String {
        use rand::Rng;
        // Random, so a restarted server never reuses the id of a file it wrote before.
        let n: u64 = rand::thread_rng().gen();
        format!("s{:012x}", n >> 16)
    }

    /// Solve files in the data directory (ids are file stems).
    pub fn files(&self) -> Result<Vec<FileInfo>, ApiError> {
        let dir = std::fs::read_dir(&self.data_dir).map_err(|e| {
            ApiError::with_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                format!("cannot read the data directory: {e}"),
            )
        })?;
        let mut files = Vec::new();
        for item in dir.flatten() {
            let path = item.path();
            let Some(id) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".solve"))
            else {
                continue;
            };
            if check_file_id(id).is_err() || !item.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let info = match solve_file::SolveFileReader::open(&path) {
                Ok(reader) => FileInfo {
                    id: id.to_string(),
                    bytes: item.metadata().map(|m| m.len()).unwrap_or(0),
                    board: Some(reader.header.spot.board.clone()),
                    iteration: Some(reader.header.iteration),
                    exploitability_pct: reader.header.exploitability_pct,
                    error: None,
                },
                Err(e) => FileInfo {
                    id: id.to_string(),
                    bytes: item.metadata().map(|m| m.len()).unwrap_or(0),
                    board: None,
                    iteration: None,
                    exploitability_pct: None,
                    error: Some(e.to_string()),
                },
            };
            files.push(info);
        }
        files.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(files)
    }

    /// Opens the data directory's solve file `id` (a file stem, never a path) as a browsable solve.
    pub async fn open_file(self: &Arc<Self>, id: &str) -> Result<Arc<Entry>, ApiError> {
        check_file_id(id)?;
        if let Ok(entry) = self.get(id) {
            return Ok(entry);
        }
        let path = self.file_path(id)?;
        let max_memory = self.max_memory;
        let loaded =
            tokio::task::spawn_blocking(move || solve_file::load_solver(&path, max_memory))
                .await
                .map_err(|e| {
                    ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string())
                })?;
        let (header, solver) = match loaded {
            Ok(loaded) => loaded,
            Err(e @ ponder_postflop::SolveError::TooBig { .. }) => {
                return Err(ApiError::with_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("id"),
                    e.to_string(),
                ))
            }
            Err(e) => return Err(ApiError::bad("id", e.to_string())),
        };
        let (memory_bytes, tree_nodes) = with_solver!(&solver, s => {
            let estimate = MemoryEstimate::of(&s.game);
            (if header.compressed { estimate.bytes_16 } else { estimate.bytes_32 },
             estimate.counts.per_street.iter().sum())
        });
        let (progress, _) = watch::channel(Progress {
            state: SolveState::Done,
            iteration: header.iteration,
            max_iterations: header.iteration,
            target_pct: 0.0,
            exploitability_pct: header.exploitability_pct,
            seconds: 0.0,
            history: Vec::new(),
            error: None,
            saved: Some(id.to_string()),
        });
        let solver_cell = OnceLock::new();
        let _ = solver_cell.set(solver);
        let entry = Arc::new(Entry {
            id: id.to_string(),
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            spot: header.spot,
            memory_bytes,
            tree_nodes,
            compressed: header.compressed,
            progress,
            cancel: AtomicBool::new(false),
            solver: solver_cell,
        });
        self.insert(entry.clone())?;
        Ok(entry)
    }

    /// The path of solve file `id` inside the data directory, checked to be a regular file there
    /// (a symbolic link pointing elsewhere is refused).
    fn file_path(&self, id: &str) -> Result<PathBuf, ApiError> {
        let path = self.data_dir.join(format!("{id}.solve"));
        let not_found =
            || ApiError::not_found("id", format!("no solve file `{id}` in the data directory"));
        let meta = std::fs::symlink_metadata(&path).map_err(|_| not_found())?;
        if !meta.is_file() {
            return Err(not_found());
        }
        let dir = self.data_dir.canonicalize().map_err(|_| not_found())?;
        let real = path.canonicalize().map_err(|_| not_found())?;
        if real.parent() != Some(dir.as_path()) {
            return Err(not_found());
        }
        Ok(path)
    }
}

/// A solve file of the data directory.
#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    /// Id (the file name without `.solve`).
    pub id: String,
    /// File size.
    pub bytes: u64,
    /// Board of the stored spot.
    pub board: Option<String>,
    /// Iterations stored.
    pub iteration: Option<u32>,
    /// Exploitability recorded in the file.
    pub exploitability_pct: Option<f64>,
    /// Why the header could not be read.
    pub error: Option<String>,
}

/// Refuses anything but a plain file stem: 1 to 64 ASCII letters, digits, `_` or `-`, not starting
/// with `-` (so no separator, no `..`, no absolute path, no NUL can reach the file system).
pub fn check_file_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad(
            "id",
            format!(
                "`{}` is not a solve file id (letters, digits, `_` and `-`, at most 64)",
                ponder_postflop::spot::excerpt(id)
            ),
        ))
    }
}

/// Builds the solver, iterates with progress and cancellation, then saves the result and publishes it.
fn run(
    entry: &Entry,
    game: ponder_postflop::Game,
    options: SolveOptions,
    max_memory: u64,
    data_dir: &Path,
) -> Result<(), String> {
    let mut solver = if entry.compressed {
        AnySolver::Compressed(
            ponder_postflop::new_solver(game, max_memory).map_err(|e| e.to_string())?,
        )
    } else {
        AnySolver::Full(ponder_postflop::new_solver(game, max_memory).map_err(|e| e.to_string())?)
    };
    let last = with_solver!(&mut solver, s => iterate(entry, s, options));
    let path = data_dir.join(format!("{}.solve", entry.id));
    let saved = with_solver!(&solver, s => solve_file::save(&path, &entry.spot, s, Some(last.exploitability_pct)));
    let _ = entry.solver.set(solver);
    let cancelled = entry.cancel.load(Ordering::Relaxed);
    entry.progress.send_modify(|p| {
        p.state = if cancelled {
            SolveState::Cancelled
        } else {
            SolveState::Done
        };
        match &saved {
            Ok(()) => p.saved = Some(entry.id.clone()),
            Err(e) => p.error = Some(format!("not saved: {e}")),
        }
    });
    Ok(())
}

fn iterate<S: StoredValue>(
    entry: &Entry,
    solver: &mut Solver<S>,
    options: SolveOptions,
) -> Checkpoint {
    solver.solve(options, |s, checkpoint| {
        entry.progress.send_modify(|p| {
            p.iteration = s.iteration;
            p.exploitability_pct = Some(checkpoint.exploitability_pct);
            p.seconds = checkpoint.seconds;
            // Progress events carry the history: keep its size bounded on long solves.
            if p.history.len() >= MAX_HISTORY {
                p.history.remove(0);
            }
            p.history.push(*checkpoint);
        });
        !entry.cancel.load(Ordering::Relaxed)
    })
}

/// Root actions with their range-weighted frequency (what `ponder solve` prints as "root"): the
/// average strategy weighted by the range, without the EV passes a full node report makes.
pub fn root_actions<S: StoredValue>(solver: &Solver<S>) -> Vec<RootAction> {
    let game = &solver.game;
    let root = &game.nodes[0];
    let NodeKind::Player(player) = root.kind else {
        return Vec::new();
    };
    let strategy = solver.average_strategy(NodeId(0));
    let weights = &game.hands[player.index()].weights;
    let hands = weights.len();
    let total: f64 = weights.iter().map(|&w| w as f64).sum();
    game.tree
        .node(root.action_node)
        .actions
        .iter()
        .enumerate()
        .map(|(a, action)| RootAction {
            action: action.to_string(),
            frequency: (0..hands)
                .map(|h| strategy[a * hands + h] as f64 * weights[h] as f64)
                .sum::<f64>()
                / total.max(f64::MIN_POSITIVE),
        })
        .collect()
}
