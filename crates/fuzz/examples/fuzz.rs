//! Long-run mutation fuzzer over the `ponder-fuzz` targets.
//!
//! ```text
//! nice -n 19 cargo run --release -p ponder-fuzz --example fuzz -- range --inputs 1000000
//! cargo run --release -p ponder-fuzz --example fuzz -- spot_toml --minutes 10 --seed 7
//! cargo run --release -p ponder-fuzz --example fuzz -- list
//! cargo run --release -p ponder-fuzz --example fuzz -- replay spot_toml crates/fuzz/regressions/spot_toml/HASH
//! ```
//!
//! A supervising parent runs the inputs in a child process, so that every way a parser can fail is
//! caught: panics (in the child, with `catch_unwind`; the input is shrunk there), aborts such as a stack
//! overflow or an allocation failure under the child's memory limit (the child dies; the parent reads
//! the input it was running from a shared page and shrinks it by re-running candidates in fresh
//! children), and hangs (the parent kills a child whose input counter has not moved while it used the
//! per-input deadline of CPU time). Each distinct failure (panic location, abort cause, hang) is saved once, as
//! `regressions/<target>/<hash>` when it is at most 4 KB (else under `--out`), and listed in
//! `regressions/known-open.txt` until its fix is merged. The parent then restarts the child with a new
//! seed and goes on until the input count or the time is reached.
//!
//! Inputs are mutations (byte-level and structure-aware: the target's dictionary, edge numbers, repeated
//! chunks, multi-byte characters, splices; format-aware for solve files) of the target's embedded seeds
//! and of inputs that gave a new outcome (a new error message shape), kept in memory.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ponder_fuzz::{input_hash, target, targets, Mutator, Target};
use rand::Rng;

/// Largest saved regression: bigger failing inputs go under `--out` instead of the repository.
const MAX_SAVED: usize = 4096;
/// Status page layout: inputs done, inputs accepted, length of the current input, the input.
const DONE: usize = 0;
const ACCEPTED: usize = 8;
const LENGTH: usize = 16;
const INPUT: usize = 24;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("-h" | "--help") => {
            eprintln!("{}", USAGE);
            return ExitCode::from(2);
        }
        Some("list") => {
            for t in targets() {
                println!("{:<14} {}", t.name, t.about);
            }
            Ok(())
        }
        Some("replay") => replay(&args[1..]),
        Some("--child") => child(&args[1..]),
        Some(_) => Options::parse(&args).and_then(|options| supervise(&options)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage: fuzz TARGET [--inputs N] [--minutes M] [--seed S] [--deadline-ms D] \
[--max-len L] [--memory-mib M] [--out DIR] [--save-dir DIR] [--no-save]
       fuzz list | fuzz replay TARGET FILE...";

/// Options of a supervised run.
struct Options {
    target: &'static Target,
    inputs: u64,
    minutes: f64,
    seed: u64,
    deadline: Duration,
    max_len: usize,
    memory_mib: u64,
    out: PathBuf,
    save_dir: PathBuf,
    save: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let name = &args[0];
        let target = target(name).ok_or_else(|| {
            let names: Vec<_> = targets().iter().map(|t| t.name).collect();
            format!("no target `{name}`; targets: {}", names.join(", "))
        })?;
        let mut options = Options {
            target,
            inputs: 1_000_000,
            minutes: f64::INFINITY,
            seed: 1,
            deadline: Duration::from_secs(10),
            max_len: 16 * 1024,
            memory_mib: 4096,
            out: PathBuf::from("target/fuzz-failures"),
            save_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions"),
            save: true,
        };
        let mut rest = args[1..].iter();
        while let Some(flag) = rest.next() {
            if flag == "--no-save" {
                options.save = false;
                continue;
            }
            let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("{flag} {value}: not a whole number"))
            };
            match flag.as_str() {
                "--inputs" => options.inputs = number()?,
                "--minutes" => {
                    options.minutes = value
                        .parse::<f64>()
                        .ok()
                        .filter(|m| *m > 0.0)
                        .ok_or_else(|| format!("--minutes {value}: not a positive number"))?
                }
                "--seed" => options.seed = number()?,
                "--deadline-ms" => options.deadline = Duration::from_millis(number()?.max(1)),
                "--max-len" => options.max_len = (number()? as usize).clamp(1, 1 << 20),
                "--memory-mib" => options.memory_mib = number()?.max(64),
                "--out" => options.out = PathBuf::from(value),
                "--save-dir" => options.save_dir = PathBuf::from(value),
                _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

// ---------------------------------------------------------------------------------------------------
// The supervising parent.

/// One distinct failure found in a run.
struct Failure {
    kind: &'static str,
    signature: String,
    message: String,
    input: Vec<u8>,
    count: u64,
}

#[derive(Default)]
struct Totals {
    done: u64,
    accepted: u64,
    panics: u64,
    aborts: u64,
    hangs: u64,
    slowest_ms: f64,
    slowest_input: Vec<u8>,
}

fn supervise(options: &Options) -> Result<(), String> {
    let name = options.target.name;
    let status_path =
        scratch_dir().join(format!("ponder-fuzz-{}-{name}.status", std::process::id()));
    let start = Instant::now();
    let time_limit = Duration::from_secs_f64((options.minutes * 60.0).min(1e9));
    let mut totals = Totals::default();
    let mut failures: Vec<Failure> = Vec::new();
    let mut restarts = 0u64;
    eprintln!(
        "fuzz {name}: {} inputs or {} minutes, seed {}, deadline {} ms per input, memory {} MiB",
        options.inputs,
        options.minutes,
        options.seed,
        options.deadline.as_millis(),
        options.memory_mib
    );
    let mut last_report = Instant::now();
    while totals.done < options.inputs && start.elapsed() < time_limit {
        let seed = options
            .seed
            .wrapping_add(restarts.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        restarts += 1;
        create_status(&status_path, options.max_len)?;
        let mut child = child_command(options, &status_path)
            .args([
                "--seed",
                &seed.to_string(),
                "--count",
                &(options.inputs - totals.done).to_string(),
                "--seeds-first",
                if restarts == 1 { "1" } else { "0" },
            ])
            .spawn()
            .map_err(|e| format!("cannot start the child: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        // Events (panics, the slowest input) come on stdout; stderr keeps the abort message.
        let events = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let errors = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = BufReader::new(stderr).take(1 << 20).read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        });
        let base = totals.done;
        // Progress is judged in the child's CPU time: at `nice 19` on a busy machine, wall time says
        // nothing about a hang. A child that sleeps or blocks still times out after 10 deadlines.
        let mut seen = (0u64, Instant::now(), cpu_seconds(child.id()));
        let mut hung = false;
        let mut timed_out = false;
        let exit = loop {
            if let Some(exit) = child.try_wait().map_err(|e| e.to_string())? {
                break exit;
            }
            std::thread::sleep(Duration::from_millis(50));
            let (done, _) = read_counters(&status_path);
            let cpu = cpu_seconds(child.id());
            if done != seen.0 {
                seen = (done, Instant::now(), cpu);
            } else if cpu.zip(seen.2).map_or(seen.1.elapsed(), |(now, then)| {
                Duration::from_secs_f64((now - then).max(0.0))
            }) > options.deadline
                || seen.1.elapsed() > 10 * options.deadline
            {
                hung = true;
                let _ = child.kill();
                break child.wait().map_err(|e| e.to_string())?;
            }
            if start.elapsed() >= time_limit {
                timed_out = true;
                let _ = child.kill();
                break child.wait().map_err(|e| e.to_string())?;
            }
            if last_report.elapsed() > Duration::from_secs(10) {
                last_report = Instant::now();
                progress(name, base + done, start.elapsed(), &totals);
            }
        };
        let (done, accepted) = read_counters(&status_path);
        let current = read_current(&status_path);
        let events = events.join().unwrap_or_default();
        let stderr = errors.join().unwrap_or_default();
        totals.done = base + done;
        totals.accepted += accepted;
        let mut finished = false;
        for event in events {
            let mut fields = event.splitn(4, '\t');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some("panic"), Some(signature), Some(input), Some(message)) => {
                    totals.panics += 1;
                    let input = from_hex(input);
                    record(&mut failures, "panic", signature, unescape(message), input);
                }
                (Some("slowest"), Some(ms), Some(input), _) => {
                    let ms: f64 = ms.parse().unwrap_or(0.0);
                    if ms > totals.slowest_ms {
                        totals.slowest_ms = ms;
                        totals.slowest_input = from_hex(input);
                    }
                }
                (Some("done"), ..) => finished = true,
                _ => {}
            }
        }
        if timed_out || finished {
            continue;
        }
        // The child died or hung on `current`: the input counter was not advanced past it.
        totals.done += 1;
        let (kind, signature, message) = if hung {
            totals.hangs += 1;
            let message = format!(
                "no progress for {} ms of CPU time",
                options.deadline.as_millis()
            );
            ("hang", "hang".to_string(), message)
        } else {
            totals.aborts += 1;
            let (signature, message) = abort_cause(&exit, &stderr);
            ("abort", signature, message)
        };
        eprintln!(
            "fuzz {name}: {kind} on a {}-byte input: {message}",
            current.len()
        );
        let known = failures.iter().any(|f| f.signature == signature);
        let input = if known || hung {
            current
        } else {
            shrink_in_children(options, &status_path, current, &signature)
        };
        record(&mut failures, kind, &signature, message, input);
    }
    let _ = std::fs::remove_file(&status_path);
    let elapsed = start.elapsed();
    progress(name, totals.done, elapsed, &totals);
    for failure in &failures {
        save(options, failure)?;
    }
    println!(
        "| {name} | {} | {:.0} | {:.0} | {:.1}% | {} | {} | {} | {:.1} |",
        totals.done,
        elapsed.as_secs_f64(),
        totals.done as f64 / elapsed.as_secs_f64(),
        100.0 * totals.accepted as f64 / totals.done.max(1) as f64,
        totals.panics,
        totals.aborts,
        totals.hangs,
        totals.slowest_ms
    );
    if totals.slowest_ms > 100.0 {
        eprintln!(
            "fuzz {name}: slowest input {:.1} ms ({} bytes): {:?}",
            totals.slowest_ms,
            totals.slowest_input.len(),
            String::from_utf8_lossy(&totals.slowest_input[..totals.slowest_input.len().min(300)])
        );
    }
    Ok(())
}

/// CPU time (user + system) of process `pid` so far, from `/proc` (None where there is no `/proc`).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the
    // 12th and 13th of them, in clock ticks.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| ticks / per_second as f64)
}

fn progress(name: &str, done: u64, elapsed: Duration, totals: &Totals) {
    eprintln!(
        "fuzz {name}: {done} inputs in {:.0} s ({:.0}/s), {} panics, {} aborts, {} hangs",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64().max(1e-9),
        totals.panics,
        totals.aborts,
        totals.hangs
    );
}

fn record(
    failures: &mut Vec<Failure>,
    kind: &'static str,
    signature: &str,
    message: String,
    input: Vec<u8>,
) {
    match failures.iter_mut().find(|f| f.signature == signature) {
        Some(failure) => {
            failure.count += 1;
            if input.len() < failure.input.len() {
                failure.input = input;
            }
        }
        None => failures.push(Failure {
            kind,
            signature: signature.to_string(),
            message,
            input,
            count: 1,
        }),
    }
}

/// Why a child died: a stack overflow, an allocation failure, or a signal or exit code.
fn abort_cause(exit: &std::process::ExitStatus, stderr: &str) -> (String, String) {
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let signature = if stderr.contains("has overflowed its stack") {
        "stack overflow".to_string()
    } else if stderr.contains("memory allocation of") {
        "allocation failure".to_string()
    } else if let Some(signal) = exit.signal() {
        format!("signal {signal}")
    } else {
        format!("exit {}", exit.code().unwrap_or(-1))
    };
    (signature, format!("{exit}: {last}"))
}

/// Shrinks an input that kills the child: candidates run one by one in fresh children (bounded).
fn shrink_in_children(
    options: &Options,
    status: &Path,
    input: Vec<u8>,
    signature: &str,
) -> Vec<u8> {
    let candidate_path = status.with_extension("candidate");
    let mut best = input;
    let mut runs = 0;
    let still_fails = |candidate: &[u8]| -> bool {
        if std::fs::write(&candidate_path, candidate).is_err() {
            return false;
        }
        let output = child_command(options, status)
            .args(["--one", &candidate_path.display().to_string()])
            .stdout(Stdio::null())
            .output();
        match output {
            Ok(output) if !output.status.success() => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                abort_cause(&output.status, &stderr).0 == signature
            }
            _ => false,
        }
    };
    let mut chunk = best.len() / 2;
    while chunk >= 1 && runs < 40 {
        let mut at = 0;
        while at < best.len() && runs < 40 {
            let mut candidate = best.clone();
            candidate.drain(at..(at + chunk).min(best.len()));
            runs += 1;
            if still_fails(&candidate) {
                best = candidate;
            } else {
                at += chunk;
            }
        }
        chunk /= 2;
    }
    let _ = std::fs::remove_file(&candidate_path);
    best
}

/// Saves a failure: in the repository's regressions (listed as known-open) when small, else under --out.
fn save(options: &Options, failure: &Failure) -> Result<(), String> {
    let name = options.target.name;
    let hash = input_hash(&failure.input);
    let summary: String = failure
        .message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(160)
        .collect();
    eprintln!(
        "fuzz {name}: {} x{} [{}] {summary}\n  input ({} bytes, {hash}): {:?}",
        failure.kind,
        failure.count,
        failure.signature,
        failure.input.len(),
        String::from_utf8_lossy(&failure.input[..failure.input.len().min(400)])
    );
    if !options.save {
        return Ok(());
    }
    let small = failure.input.len() <= MAX_SAVED;
    let dir = if small {
        options.save_dir.join(name)
    } else {
        options.out.join(name)
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(&hash);
    std::fs::write(&path, &failure.input).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("  saved to {}", path.display());
    if small {
        let list = options.save_dir.join("known-open.txt");
        let text = std::fs::read_to_string(&list).unwrap_or_default();
        let entry = format!("{name}/{hash}");
        if !text
            .lines()
            .any(|l| l.split('#').next().unwrap_or("").trim() == entry)
        {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&list)
                .map_err(|e| format!("{}: {e}", list.display()))?;
            let summary = summary.replace('\n', " ");
            writeln!(file, "{entry}  # {}: {summary}", failure.kind).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn child_command(options: &Options, status: &Path) -> Command {
    let exe = std::env::current_exe().expect("the fuzzer knows its own path");
    let mut command = Command::new(exe);
    command
        .args([
            "--child",
            options.target.name,
            "--status",
            &status.display().to_string(),
            "--max-len",
            &options.max_len.to_string(),
        ])
        // One thread: the machine is shared, and rayon inside a parser would only blur timings.
        .env("RAYON_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let bytes = options.memory_mib << 20;
    // SAFETY: `setrlimit` is async-signal-safe and touches only the child's own limits.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    command
}

fn scratch_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn create_status(path: &Path, max_len: usize) -> Result<(), String> {
    std::fs::write(path, vec![0u8; INPUT + max_len]).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_counters(path: &Path) -> (u64, u64) {
    let mut head = [0u8; INPUT];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    if read.is_err() {
        return (0, 0);
    }
    let word = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().expect("8 bytes"));
    (word(DONE), word(ACCEPTED))
}

fn read_current(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_default();
    if bytes.len() < INPUT {
        return Vec::new();
    }
    let len = u64::from_le_bytes(bytes[LENGTH..LENGTH + 8].try_into().expect("8 bytes")) as usize;
    bytes[INPUT..(INPUT + len).min(bytes.len())].to_vec()
}

// ---------------------------------------------------------------------------------------------------
// The child: runs inputs and reports.

/// The child's view of the status page, mapped shared so that the parent can read it after a crash.
struct Status {
    base: *mut u8,
    max_len: usize,
}

impl Status {
    fn open(path: &str, max_len: usize) -> Result<Status, String> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| format!("{path}: {e}"))?;
        use std::os::fd::AsRawFd;
        // SAFETY: a shared mapping of a file this process keeps open and sized to `INPUT + max_len`;
        // only this process writes it, the parent only reads.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                INPUT + max_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(format!("{path}: mmap failed"));
        }
        Ok(Status {
            base: base.cast(),
            max_len,
        })
    }

    fn counter(&self, at: usize) -> &AtomicU64 {
        // SAFETY: `at` is 0, 8 or 16, 8-aligned within the page-aligned mapping.
        unsafe { &*(self.base.add(at) as *const AtomicU64) }
    }

    /// Records the input about to run (before running it, so a crash leaves it behind).
    fn set_current(&self, input: &[u8]) {
        let len = input.len().min(self.max_len);
        // SAFETY: `len <= max_len` bytes fit after `INPUT` in the mapping.
        unsafe { std::ptr::copy_nonoverlapping(input.as_ptr(), self.base.add(INPUT), len) };
        self.counter(LENGTH).store(len as u64, Ordering::Release);
    }
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// Runs one input, turning a panic into `Err((location, message))`.
fn run_caught(target: &Target, input: &[u8]) -> Result<Result<(), String>, (String, String)> {
    match panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))) {
        Ok(outcome) => Ok(outcome),
        Err(_) => Err(LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| ("unknown".into(), "panic".into()))),
    }
}

fn child(args: &[String]) -> Result<(), String> {
    let target = target(&args[0]).ok_or("no such target")?;
    let mut flags: BTreeMap<&str, &str> = BTreeMap::new();
    for pair in args[1..].chunks(2) {
        if let [flag, value] = pair {
            flags.insert(flag.as_str(), value.as_str());
        }
    }
    let get = |flag: &str| {
        flags
            .get(flag)
            .copied()
            .ok_or(format!("child needs {flag}"))
    };
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
    }));
    if let Some(path) = flags.get("--one") {
        // One input from a file (shrinking aborts): a normal exit means it did not abort.
        let input = std::fs::read(path).map_err(|e| e.to_string())?;
        let _ = run_caught(target, &input);
        return Ok(());
    }
    let max_len: usize = get("--max-len")?.parse().map_err(|_| "--max-len")?;
    let status = Status::open(get("--status")?, max_len)?;
    let seed: u64 = get("--seed")?.parse().map_err(|_| "--seed")?;
    let count: u64 = get("--count")?.parse().map_err(|_| "--count")?;
    let seeds_first = get("--seeds-first")? == "1";
    let mut out = std::io::stdout().lock();
    let mut mutator = Mutator::new(seed);
    let seeds = (target.seeds)();
    // Inputs that gave a new error shape, and inputs that were accepted (with the seeds): most parents
    // come from the accepted ones, so mutations stay close to valid input and reach the deeper checks.
    let mut corpus: Vec<Vec<u8>> = seeds.clone();
    let mut valid: Vec<Vec<u8>> = seeds.clone();
    let mut shapes: HashSet<String> = HashSet::new();
    let mut reported: HashSet<String> = HashSet::new();
    let mut slowest = (0.0f64, Vec::new());
    for i in 0..count {
        let input = if seeds_first && (i as usize) < seeds.len() {
            seeds[i as usize].clone()
        } else {
            let parent = if mutator.rng().gen_bool(0.6) {
                &valid[mutator.rng().gen_range(0..valid.len())]
            } else {
                &corpus[mutator.rng().gen_range(0..corpus.len())]
            };
            let other = &corpus[mutator.rng().gen_range(0..corpus.len())];
            match target.mutate {
                Some(custom) if mutator.rng().gen_bool(0.7) => {
                    let mut input = custom(&mut mutator, parent);
                    input.truncate(max_len);
                    input
                }
                _ => mutator.mutate(parent, target.dictionary, other, max_len),
            }
        };
        status.set_current(&input);
        let started = Instant::now();
        let outcome = run_caught(target, &input);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        if ms > slowest.0 {
            slowest = (ms, input.clone());
        }
        match outcome {
            Ok(Ok(())) => {
                status.counter(ACCEPTED).fetch_add(1, Ordering::Relaxed);
                if valid.len() < 4096 && mutator.rng().gen_ratio(1, 4) {
                    valid.push(input);
                }
            }
            Ok(Err(message)) => {
                // A new shape of error message (numbers and quoted text blanked) means new code ran.
                if corpus.len() < 4096 && shapes.len() < 100_000 && shapes.insert(shape(&message)) {
                    corpus.push(input);
                }
            }
            Err((location, message)) => {
                // One failure per panic location and message shape: an invariant checked at one line
                // (e.g. "an accepted table plays a hand") can break for several reasons.
                let location = format!(
                    "{location} {}",
                    shape(&message).chars().take(60).collect::<String>()
                );
                let (shrunk, message) = if reported.insert(location.clone()) {
                    let shrunk = shrink_panic(target, input, &location);
                    // The message of the shrunk input, which is the one saved.
                    let message = match run_caught(target, &shrunk) {
                        Err((_, message)) => message,
                        Ok(_) => message,
                    };
                    (shrunk, message)
                } else {
                    (input, message)
                };
                writeln!(
                    out,
                    "panic\t{location}\t{}\t{}",
                    to_hex(&shrunk),
                    escape(&message)
                )
                .map_err(|e| e.to_string())?;
                out.flush().map_err(|e| e.to_string())?;
            }
        }
        status.counter(DONE).fetch_add(1, Ordering::Release);
    }
    writeln!(out, "slowest\t{:.3}\t{}", slowest.0, to_hex(&slowest.1))
        .map_err(|e| e.to_string())?;
    writeln!(out, "done").map_err(|e| e.to_string())?;
    Ok(())
}

/// An error message with digits and quoted parts blanked: the "shape" that says which check refused.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars().take(200) {
        match c {
            '`' | '"' | '\'' => {
                quoted = !quoted;
                out.push('_');
            }
            _ if quoted => {}
            '0'..='9' => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Shrinks a panicking input in-process: drops chunks while the panic stays at the same location.
fn shrink_panic(target: &Target, input: Vec<u8>, location: &str) -> Vec<u8> {
    let mut best = input;
    let mut runs = 0;
    let started = Instant::now();
    let mut chunk = best.len() / 2;
    while chunk >= 1 && runs < 5000 && started.elapsed() < Duration::from_secs(10) {
        let mut at = 0;
        while at < best.len() && runs < 5000 {
            let mut candidate = best.clone();
            candidate.drain(at..(at + chunk).min(best.len()));
            runs += 1;
            match run_caught(target, &candidate) {
                Err((l, m))
                    if format!("{l} {}", shape(&m).chars().take(60).collect::<String>())
                        == location =>
                {
                    best = candidate
                }
                _ => at += chunk,
            }
        }
        chunk /= 2;
    }
    best
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Replaying saved inputs by hand.

fn replay(args: &[String]) -> Result<(), String> {
    let [name, files @ ..] = args else {
        return Err(USAGE.into());
    };
    let target = target(name).ok_or_else(|| format!("no target `{name}`"))?;
    for file in files {
        let input = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        match (target.run)(&input) {
            Ok(()) => println!("{file}: accepted"),
            Err(message) => println!("{file}: refused: {message}"),
        }
    }
    Ok(())
}
