//! `ponder game info|solve|eval`: compiled-tree statistics, CFR-family solving with exact NashConv, and
//! evaluation of saved policies, for the small benchmark games (Kuhn, Leduc, liar's dice, Goofspiel).

use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ponder_games::{parse_game, CompiledTree};
use ponder_solver::{
    evaluate, new_solver, Algorithm, CfrSolver, CfrVariant, Evaluation, Policy, Solver,
    SolverOptions,
};
use serde_json::{json, Value};

/// `ponder game ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum GameCommand {
    /// Compile a game and print its tree statistics and memory.
    #[command(
        after_help = "Examples:\n  ponder game info leduc\n  ponder game info 'kuhn_poker(players=3)' --json\n  ponder game info 'goofspiel(num_cards=5)'"
    )]
    Info(InfoArgs),
    /// Solve a game with a CFR-family algorithm and report exact NashConv.
    #[command(
        after_help = "Examples:\n  ponder game solve leduc\n  ponder game solve kuhn --algo cfr --iterations 10000 --report-every 1000 --json\n  ponder game solve liars_dice --algo dcfr --iterations 200 --out dice.policy.json\n  ponder game solve leduc --algo es-mccfr --iterations 100000 --seed 7"
    )]
    Solve(SolveArgs),
    /// Evaluate a policy file (or the uniform policy): values, best responses, NashConv.
    #[command(
        after_help = "Examples:\n  ponder game eval leduc --policy uniform\n  ponder game eval leduc --policy leduc.policy.json --json"
    )]
    Eval(EvalArgs),
}

/// Arguments of `ponder game info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Game string, e.g. `leduc`, `kuhn_poker(players=3)`, `goofspiel(num_cards=5)`.
    game: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder game solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Game string, e.g. `leduc`, `kuhn_poker(players=3)`, `liars_dice`.
    #[arg(default_value = "leduc_poker")]
    game: String,
    /// Algorithm: cfr, cfr+, lcfr, dcfr, pcfr+, es-mccfr, os-mccfr.
    #[arg(long, default_value = "cfr+")]
    algo: String,
    /// Number of iterations (one iteration updates every player once).
    #[arg(long, default_value_t = 10000, value_parser = crate::limits::iterations)]
    iterations: u64,
    /// Seed of the Monte Carlo solvers.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Textbook simultaneous updates instead of alternating ones (cfr, cfr+, lcfr, dcfr, pcfr+).
    #[arg(long)]
    simultaneous: bool,
    /// DCFR exponent of positive regrets.
    #[arg(long, default_value_t = 1.5)]
    alpha: f64,
    /// DCFR exponent of negative regrets.
    #[arg(long, default_value_t = 0.0)]
    beta: f64,
    /// DCFR exponent of the averaging weight.
    #[arg(long, default_value_t = 2.0)]
    gamma: f64,
    /// Record NashConv every K iterations (the `curve`).
    #[arg(long, value_name = "K", value_parser = crate::limits::iterations)]
    report_every: Option<u64>,
    /// Write the average policy as JSON keyed by information-state keys.
    #[arg(long, value_name = "POLICY.json")]
    out: Option<std::path::PathBuf>,
    /// Print one JSON object at the end instead of a table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder game eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Game string, e.g. `leduc`.
    game: String,
    /// Policy JSON file (as written by `ponder game solve --out`), or `uniform`.
    #[arg(long, value_name = "FILE|uniform")]
    policy: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs a `ponder game` subcommand.
pub fn run(command: GameCommand) -> anyhow::Result<()> {
    match command {
        GameCommand::Info(args) => info(args),
        GameCommand::Solve(args) => solve(args),
        GameCommand::Eval(args) => eval(args),
    }
}

/// Parses and compiles a game string.
pub fn compile(game: &str) -> anyhow::Result<CompiledTree> {
    let description = parse_game(game)?;
    Ok(description.compile()?)
}

fn info(args: InfoArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let tree = compile(&args.game)?;
    let seconds = started.elapsed().as_secs_f64();
    let stats = tree.stats();
    if args.json {
        let mut value = serde_json::to_value(&stats)?;
        let object = value.as_object_mut().expect("stats serialise to an object");
        object.insert("game".into(), json!(tree.game()));
        object.insert("players".into(), json!(tree.num_players()));
        object.insert("public_states".into(), json!(tree.num_public_states()));
        object.insert("bytes".into(), json!(tree.bytes()));
        object.insert("compile_seconds".into(), json!(seconds));
        println!("{value}");
        return Ok(());
    }
    println!("game                  {}", tree.game());
    println!("players               {}", tree.num_players());
    println!("total nodes           {}", stats.total_nodes);
    println!(
        "decision nodes        {}  (per player {:?})",
        stats.decision_nodes, stats.decision_nodes_per_player
    );
    println!("chance nodes          {}", stats.chance_nodes);
    println!("terminal nodes        {}", stats.terminal_nodes);
    println!(
        "information states    {}  (per player {:?})",
        stats.infostates_total, stats.infostates_per_player
    );
    println!("public states         {}", tree.num_public_states());
    println!("max depth             {}", stats.max_depth_incl_chance);
    println!(
        "compiled tree bytes   {} ({:.1} KiB)",
        tree.bytes(),
        tree.bytes() as f64 / 1024.0
    );
    println!("compile time          {:.3} s", seconds);
    Ok(())
}

fn parse_algorithm(args: &SolveArgs) -> anyhow::Result<Algorithm> {
    let algorithm: Algorithm = args.algo.parse()?;
    Ok(match algorithm {
        Algorithm::DiscountedCfr { .. } => {
            for (name, value) in [
                ("alpha", args.alpha),
                ("beta", args.beta),
                ("gamma", args.gamma),
            ] {
                if !value.is_finite() {
                    bail!("--{name} must be a finite number, got {value}");
                }
            }
            Algorithm::DiscountedCfr {
                alpha: args.alpha,
                beta: args.beta,
                gamma: args.gamma,
            }
        }
        other => other,
    })
}

fn values_json(evaluation: &Evaluation) -> Value {
    json!({
        "nash_conv": evaluation.nash_conv,
        "exploitability": evaluation.exploitability,
        "on_policy_value": evaluation.on_policy_value,
        "best_response_value": evaluation.best_response_value,
    })
}

fn print_values(evaluation: &Evaluation) {
    println!("NashConv              {:.9}", evaluation.nash_conv);
    println!(
        "exploitability        {:.9}  (NashConv / players)",
        evaluation.exploitability
    );
    println!("player  on-policy value  best-response value");
    for (player, (value, best)) in evaluation
        .on_policy_value
        .iter()
        .zip(&evaluation.best_response_value)
        .enumerate()
    {
        println!("{player:>6}  {value:>15.9}  {best:>19.9}");
    }
}

fn solve(args: SolveArgs) -> anyhow::Result<()> {
    if args.iterations == 0 {
        bail!("--iterations must be at least 1");
    }
    if args.report_every == Some(0) {
        bail!("--report-every must be at least 1");
    }
    let algorithm = parse_algorithm(&args)?;
    let sampling = matches!(
        algorithm,
        Algorithm::ExternalSamplingMccfr | Algorithm::OutcomeSamplingMccfr { .. }
    );
    if args.simultaneous && sampling {
        bail!(
            "--simultaneous applies to the full-tree CFR variants, not {}",
            algorithm.name()
        );
    }
    let tree = compile(&args.game)?;
    let options = SolverOptions {
        simultaneous: args.simultaneous,
        seed: args.seed,
    };
    let mut solver = new_solver(&tree, algorithm, &options);
    let bar = ProgressBar::new(args.iterations);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} it ({per_sec}) NashConv {msg}",
        )
        .expect("valid template"),
    );
    bar.set_message("-");
    // The bar's NashConv costs about one full-tree iteration; refresh it ~50 times per run at most.
    let refresh = (args.iterations / 50).max(1);
    let mut curve = Vec::new();
    let mut solving_seconds = 0.0;
    while solver.iterations() < args.iterations {
        let next_report = args
            .report_every
            .map(|every| (solver.iterations() / every + 1) * every)
            .unwrap_or(u64::MAX);
        let next_refresh = if bar.is_hidden() {
            u64::MAX
        } else {
            (solver.iterations() / refresh + 1) * refresh
        };
        let stop = next_report.min(next_refresh).min(args.iterations);
        let started = Instant::now();
        while solver.iterations() < stop {
            solver.iterate();
        }
        solving_seconds += started.elapsed().as_secs_f64();
        bar.set_position(solver.iterations());
        let at_report = solver.iterations() == next_report;
        if at_report || solver.iterations() == next_refresh {
            let nash_conv = evaluate(&tree, &solver.average_policy()).nash_conv;
            bar.set_message(format!("{nash_conv:.6}"));
            if at_report {
                curve.push(json!({"iterations": solver.iterations(), "nash_conv": nash_conv}));
            }
        }
    }
    bar.finish_and_clear();
    let policy = solver.average_policy();
    let evaluation = evaluate(&tree, &policy);
    if let Some(path) = &args.out {
        let text = serde_json::to_string_pretty(&policy.to_json(&tree))?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write policy to {}", path.display()))?;
    }
    let iterations_per_second = args.iterations as f64 / solving_seconds.max(1e-12);
    if args.json {
        let mut object = json!({
            "game": tree.game(),
            "algorithm": algorithm.name(),
            "iterations": args.iterations,
            "seconds": solving_seconds,
            "iterations_per_second": iterations_per_second,
        });
        let map = object.as_object_mut().expect("object");
        if sampling {
            map.insert("seed".into(), json!(args.seed));
        }
        if let Value::Object(values) = values_json(&evaluation) {
            map.extend(values);
        }
        if args.report_every.is_some() {
            map.insert("curve".into(), Value::Array(curve));
        }
        println!("{object}");
        return Ok(());
    }
    println!("game                  {}", tree.game());
    println!(
        "algorithm             {}{}",
        algorithm.name(),
        if args.simultaneous {
            " (simultaneous updates)"
        } else {
            ""
        }
    );
    println!("iterations            {}", args.iterations);
    println!("seconds               {solving_seconds:.3}  ({iterations_per_second:.0} it/s)");
    print_values(&evaluation);
    if !curve.is_empty() {
        println!("iterations  NashConv");
        for point in &curve {
            let iterations = point["iterations"].as_u64().unwrap_or(0);
            let nash_conv = point["nash_conv"].as_f64().unwrap_or(f64::NAN);
            println!("{iterations:>10}  {nash_conv:.9}");
        }
    }
    if let Some(path) = &args.out {
        println!("policy written to     {}", path.display());
    }
    Ok(())
}

fn eval(args: EvalArgs) -> anyhow::Result<()> {
    let tree = compile(&args.game)?;
    let policy = if args.policy == "uniform" {
        Policy::uniform(&tree)
    } else {
        let text = std::fs::read_to_string(&args.policy)
            .with_context(|| format!("cannot read policy file {}", args.policy))?;
        Policy::from_json(&tree, &text).with_context(|| args.policy.clone())?
    };
    let evaluation = evaluate(&tree, &policy);
    if args.json {
        let mut object = json!({"game": tree.game(), "policy": args.policy});
        if let (Value::Object(map), Value::Object(values)) = (&mut object, values_json(&evaluation))
        {
            map.extend(values);
        }
        println!("{object}");
        return Ok(());
    }
    println!("game                  {}", tree.game());
    println!("policy                {}", args.policy);
    print_values(&evaluation);
    Ok(())
}

/// Arguments of `ponder bench game`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder bench game\n  ponder bench game --seconds 5 --json\n  ponder bench game --no-openspiel"
)]
pub struct BenchArgs {
    /// Seconds of solving per case and per implementation.
    #[arg(long, default_value_t = 3.0, value_parser = crate::limits::bench_seconds)]
    seconds: f64,
    /// Python with OpenSpiel 2.0.2 (default: $PONDER_PYTHON, else .venv-oracles/bin/python in the
    /// current directory or the nearest ancestor that has one).
    #[arg(long)]
    python: Option<std::path::PathBuf>,
    /// Time ponder only.
    #[arg(long)]
    no_openspiel: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// The benchmark cases: (name, game, algorithm, target ratio over OpenSpiel).
const BENCH_CASES: [(&str, &str, &str, f64); 3] = [
    ("cfr+ leduc", "leduc_poker", "cfr+", 100.0),
    ("cfr+ liars_dice", "liars_dice", "cfr+", 100.0),
    ("es-mccfr leduc", "leduc_poker", "es-mccfr", 10.0),
];

const OPENSPIEL_BENCH: &str = include_str!("../../../tools/bench_openspiel.py");

/// `--python`, else the oracle lookup every command shares (`ponder_oracles::find_python`).
fn oracle_python(explicit: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
    explicit.or_else(ponder_oracles::find_python)
}

/// Iterations per second of OpenSpiel's C++ solver on one case, through `tools/bench_openspiel.py`.
fn openspiel_rate(python: &std::path::Path, case: &str, seconds: f64) -> anyhow::Result<f64> {
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(OPENSPIEL_BENCH)
        .arg(seconds.to_string())
        .arg(case)
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "OpenSpiel benchmark failed: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let report: Value = serde_json::from_slice(&output.stdout)?;
    report["cases"][0]["iterations_per_second"]
        .as_f64()
        .context("OpenSpiel benchmark printed no rate")
}

/// Iterations run and seconds taken by `solver` in about `seconds` (after one warm-up iteration).
fn time_solver(solver: &mut dyn Solver, algorithm: Algorithm, seconds: f64) -> (u64, f64) {
    // One warm-up iteration touches every array once.
    solver.iterate();
    let batch = if matches!(algorithm, Algorithm::ExternalSamplingMccfr) {
        1000
    } else {
        1
    };
    let started = Instant::now();
    let mut iterations = 0u64;
    while started.elapsed().as_secs_f64() < seconds || iterations < 2 {
        for _ in 0..batch {
            solver.iterate();
        }
        iterations += batch;
    }
    (iterations, started.elapsed().as_secs_f64())
}

/// Runs `ponder bench game`: ponder and OpenSpiel side by side on the same machine in one run.
pub fn run_bench(args: BenchArgs) -> anyhow::Result<()> {
    if !(args.seconds > 0.0 && args.seconds.is_finite()) {
        bail!("--seconds must be a positive number");
    }
    let python = if args.no_openspiel {
        None
    } else {
        let python = oracle_python(args.python.clone());
        if python.is_none() {
            eprintln!("OpenSpiel not found (run tools/setup-oracles.sh or pass --python): timing ponder only");
        }
        python
    };
    let mut rows = Vec::new();
    for (name, game, algorithm, target) in BENCH_CASES {
        let tree = compile(game)?;
        let algorithm: Algorithm = algorithm.parse()?;
        let mut solver = new_solver(&tree, algorithm, &SolverOptions::default());
        let (iterations, seconds) = time_solver(solver.as_mut(), algorithm, args.seconds);
        let ponder_rate = iterations as f64 / seconds;
        let openspiel = match &python {
            Some(python) => Some(openspiel_rate(python, name, args.seconds)?),
            None => None,
        };
        rows.push(json!({
            "case": name,
            "game": tree.game(),
            "algorithm": algorithm.name(),
            "threads": 1,
            "ponder_iterations": iterations,
            "ponder_seconds": seconds,
            "ponder_iterations_per_second": ponder_rate,
            "openspiel_iterations_per_second": openspiel,
            "ratio": openspiel.map(|rate| ponder_rate / rate),
            "target_ratio": target,
        }));
        if algorithm == Algorithm::CfrPlus {
            // The same solver on two threads (bit-identical iterates), against the same anchor.
            let mut solver = CfrSolver::new(&tree, CfrVariant::Plus, false);
            solver.set_threads(2);
            let threads = solver.threads();
            let (iterations, seconds) = time_solver(&mut solver, algorithm, args.seconds);
            let ponder_rate = iterations as f64 / seconds;
            rows.push(json!({
                "case": format!("{name} {threads}t"),
                "game": tree.game(),
                "algorithm": algorithm.name(),
                "threads": threads,
                "ponder_iterations": iterations,
                "ponder_seconds": seconds,
                "ponder_iterations_per_second": ponder_rate,
                "openspiel_iterations_per_second": openspiel,
                "ratio": openspiel.map(|rate| ponder_rate / rate),
                "target_ratio": target,
            }));
        }
    }
    if args.json {
        println!(
            "{}",
            json!({"openspiel": "2.0.2 (C++ solvers via pyspiel)", "cases": rows})
        );
        return Ok(());
    }
    println!(
        "{:<20} {:>14} {:>14} {:>9} {:>7}",
        "case", "ponder it/s", "OpenSpiel it/s", "ratio", "target"
    );
    for row in &rows {
        let openspiel = row["openspiel_iterations_per_second"].as_f64();
        let ratio = row["ratio"].as_f64();
        println!(
            "{:<20} {:>14.1} {:>14} {:>9} {:>6}x",
            row["case"].as_str().unwrap_or(""),
            row["ponder_iterations_per_second"].as_f64().unwrap_or(0.0),
            openspiel.map_or("-".to_string(), |rate| format!("{rate:.1}")),
            ratio.map_or("-".to_string(), |ratio| format!("{ratio:.1}x")),
            row["target_ratio"].as_f64().unwrap_or(0.0),
        );
    }
    Ok(())
}
