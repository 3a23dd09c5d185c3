//! `ponder cards eval|census|index|range|equity`, plus the top-level shortcuts `ponder range` and
//! `ponder equity`: the card layer (`ponder-cards`) from the command line.

use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ponder_cards::{
    equity, excerpt, hand_strength, parse_board, parse_cards, Card, CardSet, Category, Census,
    EquityOptions, HandIndex, Range, StrengthOptions, SuitIndexer, DISTINCT_RANKS,
};
use serde_json::{json, Value};

/// `ponder cards ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum CardsCommand {
    /// Evaluate 5 to 7 cards: category and strength (0 = worst high card, 7461 = royal flush).
    #[command(
        after_help = "Examples:\n  ponder cards eval \"AhKh QsJsTs\"\n  ponder cards eval 7c7d7h2s2c Ah 9d --json"
    )]
    Eval(EvalArgs),
    /// Enumerate every 5-, 6- or 7-card hand and count each category.
    #[command(after_help = "Examples:\n  ponder cards census 7\n  ponder cards census 5 --json")]
    Census(CensusArgs),
    /// Suit-isomorphism class of hole cards (+ board), or of a flop alone with --board-only.
    #[command(
        after_help = "Examples:\n  ponder cards index AhKh\n  ponder cards index AhKh Td9d6h 2c --json\n  ponder cards index --board-only Td9d6h\n  ponder cards index --unindex 1000 --round 1"
    )]
    Index(IndexArgs),
    /// Parse a range: weighted combos after board blockers, canonical form, 13x13 grid.
    Range(RangeArgs),
    /// Equity of one hand or range against another.
    Equity(EquityArgs),
    /// Hand-strength features: EHS, EHS² and the histogram of final hand strength against a range.
    #[command(
        after_help = "Examples:\n  ponder cards strength AhKh --board Td9d6h\n  ponder cards strength 9h8h --board Td7d2c --range \"22+,A2s+,KTo+\" --bins 5 --json"
    )]
    Strength(StrengthArgs),
}

/// Arguments of `ponder cards strength`.
#[derive(Debug, Args)]
pub struct StrengthArgs {
    /// The hand, e.g. `AhKh`.
    hand: String,
    /// Board (0 to 5 cards).
    #[arg(long, default_value = "")]
    board: String,
    /// Opponent range (default: every hand).
    #[arg(long)]
    range: Option<String>,
    /// Histogram bins over [0, 1].
    #[arg(long, default_value_t = 10, value_parser = crate::limits::bins)]
    bins: usize,
    /// Runouts sampled when there are more than 20,000 (preflop).
    #[arg(long, default_value_t = 20_000, value_parser = crate::limits::samples)]
    samples: u64,
    /// Sampling seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder cards eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Cards (5 to 7), in any of the accepted forms: `AhKh QsJsTs`, `Ah,Kh,10s`.
    #[arg(required = true, num_args = 1..)]
    cards: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder cards census`.
#[derive(Debug, Args)]
pub struct CensusArgs {
    /// Hand size: 5, 6 or 7.
    size: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder cards index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Hole cards then board (2, 5, 6 or 7 cards; 3 with --board-only).
    #[arg(num_args = 0..)]
    cards: Vec<String>,
    /// Index a flop on its own (1,755 classes) instead of hole + board.
    #[arg(long)]
    board_only: bool,
    /// Print the representative of this class index instead (needs --round).
    #[arg(long)]
    unindex: Option<u64>,
    /// Round for --unindex: 0 hole, 1 flop, 2 turn, 3 river.
    #[arg(long, default_value_t = 0)]
    round: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder range`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder range \"66+,A8s+\" --board Td9d6h\n  ponder range \"AA,KK:0.5,AKs,AQo-AJo,A5s-A2s,T9o:0.25\" --json"
)]
pub struct RangeArgs {
    /// Range text, e.g. `AA,KK:0.5,AKs,AQo-AJo,A5s-A2s,66+,K9s+,T9o:0.25,AhKh,QQ-88,ATo+`.
    range: String,
    /// Board cards that block combos, e.g. `Td9d6h`.
    #[arg(long, default_value = "")]
    board: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder equity`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder equity AhKh QQ\n  ponder equity AhKh QsQd --board Th9h2c --json\n  ponder equity \"QQ+,AKs\" \"22+,AT+\" --samples 5000000 --seed 7"
)]
pub struct EquityArgs {
    /// Player 1: a hand (`AhKh`) or a range (`QQ+,AKs`).
    hero: String,
    /// Player 2: a hand or a range.
    villain: String,
    /// Board (0 to 5 cards).
    #[arg(long, default_value = "")]
    board: String,
    /// Dead cards (folded or burned).
    #[arg(long, default_value = "")]
    dead: String,
    /// Monte Carlo samples when exact enumeration would be too long.
    #[arg(long, default_value_t = 2_000_000, value_parser = crate::limits::samples)]
    samples: u64,
    /// Monte Carlo seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Always sample (for comparison with the exact answer).
    #[arg(long)]
    monte_carlo: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `ponder cards ...`.
pub fn run(command: CardsCommand) -> anyhow::Result<()> {
    match command {
        CardsCommand::Eval(args) => run_eval(args),
        CardsCommand::Census(args) => run_census(args),
        CardsCommand::Index(args) => run_index(args),
        CardsCommand::Range(args) => run_range(args),
        CardsCommand::Equity(args) => run_equity(args),
        CardsCommand::Strength(args) => run_strength(args),
    }
}

fn print_json(value: Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

fn cards_text(cards: &[Card]) -> String {
    cards.iter().map(|c| c.to_string()).collect()
}

fn run_eval(args: EvalArgs) -> anyhow::Result<()> {
    let text = args.cards.join(" ");
    let cards = parse_cards(&text).with_context(|| format!("cards {:?}", excerpt(&text)))?;
    if !(5..=7).contains(&cards.len()) {
        bail!("expected 5 to 7 cards, found {}", cards.len());
    }
    let rank = ponder_cards::evaluate(&cards);
    if args.json {
        return print_json(json!({
            "cards": cards_text(&cards),
            "category": rank.category().name(),
            "rank": rank.value(),
            "distinct_ranks": DISTINCT_RANKS,
        }));
    }
    println!(
        "{}: {} (strength {} of 0..{})",
        cards_text(&cards),
        rank.category(),
        rank.value(),
        DISTINCT_RANKS - 1
    );
    Ok(())
}

fn run_census(args: CensusArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let census = Census::parallel(args.size)?;
    let seconds = start.elapsed().as_secs_f64();
    let counts = census.by_category();
    let total = census.total();
    let distinct = census.distinct_ranks();
    if args.json {
        let by_category: serde_json::Map<String, Value> = Category::ALL
            .iter()
            .rev()
            .map(|c| (c.name().to_string(), json!(counts[*c as usize])))
            .collect();
        return print_json(json!({
            "cards": args.size,
            "total": total,
            "by_category": by_category,
            "distinct_ranks": distinct,
            "seconds": seconds,
            "hands_per_second": total as f64 / seconds,
            "threads": rayon::current_num_threads(),
        }));
    }
    println!("{}-card hands", args.size);
    for category in Category::ALL.iter().rev() {
        println!(
            "  {:<16} {:>12}",
            category.label(),
            counts[*category as usize]
        );
    }
    println!("  {:<16} {:>12}", "total", total);
    println!("distinct ranks: {distinct}");
    println!(
        "{seconds:.3} s, {:.1} M hands/s on {} threads",
        total as f64 / seconds / 1e6,
        rayon::current_num_threads()
    );
    Ok(())
}

fn run_index(args: IndexArgs) -> anyhow::Result<()> {
    let indexer = if args.board_only {
        SuitIndexer::new(&[3])
    } else {
        SuitIndexer::holdem()
    };
    let round_names = ["hole", "flop", "turn", "river"];
    let (round, index, cards) = if let Some(index) = args.unindex {
        let rounds = indexer.rounds().len();
        if args.round >= rounds {
            bail!("--round must be below {rounds}, found {}", args.round);
        }
        let size = indexer.size(args.round);
        let cards = indexer
            .unindex(args.round, index)
            .with_context(|| format!("index {index} is out of range 0..{size}"))?;
        (args.round, index, cards)
    } else {
        let text = args.cards.join(" ");
        let cards = parse_cards(&text).with_context(|| format!("cards {:?}", excerpt(&text)))?;
        let round = (0..indexer.rounds().len())
            .find(|&r| indexer.cards_through(r) == cards.len())
            .with_context(|| {
                let valid: Vec<String> = (0..indexer.rounds().len())
                    .map(|r| indexer.cards_through(r).to_string())
                    .collect();
                format!("expected {} cards, found {}", valid.join(", "), cards.len())
            })?;
        let index = indexer.index(round, &cards).context("cards repeat")?;
        (round, index, cards)
    };
    let size = indexer.size(round);
    let representative = indexer.unindex(round, index).expect("index below size");
    let name = if args.board_only {
        "flop board"
    } else {
        round_names[round]
    };
    if args.json {
        return print_json(json!({
            "round": name,
            "cards": cards_text(&cards),
            "index": index,
            "classes": size,
            "representative": cards_text(&representative),
        }));
    }
    println!(
        "{}: class {index} of {size} ({name}); representative {}",
        cards_text(&cards),
        cards_text(&representative)
    );
    Ok(())
}

/// Runs `ponder range`.
pub fn run_range(args: RangeArgs) -> anyhow::Result<()> {
    let range = Range::parse(&args.range).with_context(|| format!("{:?}", excerpt(&args.range)))?;
    let board =
        parse_board(&args.board).with_context(|| format!("board {:?}", excerpt(&args.board)))?;
    let combos = range.combos_with_board(board);
    let grid = range.grid(board);
    let canonical = range.to_string();
    if args.json {
        let labels: Vec<String> = grid_labels();
        return print_json(json!({
            "range": args.range,
            "board": board.to_string(),
            "combos": combos,
            "combos_without_board": range.combos(),
            "canonical": canonical,
            "ranks": "AKQJT98765432",
            "grid": grid,
            "grid_labels": labels,
        }));
    }
    println!("canonical: {canonical}");
    if board.is_empty() {
        println!("combos:    {combos}");
    } else {
        println!(
            "combos:    {combos} on {board} ({} before blockers)",
            range.combos()
        );
    }
    println!("grid (mean weight per class; suited above the diagonal):");
    print!("     ");
    for c in "AKQJT98765432".chars() {
        print!("{c:>5}");
    }
    println!();
    for (row, r) in grid.iter().zip("AKQJT98765432".chars()) {
        print!("{r:>5}");
        for &w in row {
            if w == 0.0 {
                print!("{:>5}", ".");
            } else {
                print!(
                    "{:>5}",
                    format!("{w:.2}")
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                );
            }
        }
        println!();
    }
    Ok(())
}

fn grid_labels() -> Vec<String> {
    let ranks: Vec<char> = "AKQJT98765432".chars().collect();
    let mut labels = Vec::with_capacity(169);
    for (i, &a) in ranks.iter().enumerate() {
        for (j, &b) in ranks.iter().enumerate() {
            labels.push(match i.cmp(&j) {
                std::cmp::Ordering::Equal => format!("{a}{b}"),
                std::cmp::Ordering::Less => format!("{a}{b}s"),
                std::cmp::Ordering::Greater => format!("{b}{a}o"),
            });
        }
    }
    labels
}

/// Runs `ponder equity`.
pub fn run_equity(args: EquityArgs) -> anyhow::Result<()> {
    let hero =
        Range::parse(&args.hero).with_context(|| format!("player 1, {:?}", excerpt(&args.hero)))?;
    let villain = Range::parse(&args.villain)
        .with_context(|| format!("player 2, {:?}", excerpt(&args.villain)))?;
    let board =
        parse_board(&args.board).with_context(|| format!("board {:?}", excerpt(&args.board)))?;
    let dead: CardSet = args
        .dead
        .parse()
        .with_context(|| format!("dead {:?}", excerpt(&args.dead)))?;
    let mut options = EquityOptions {
        samples: args.samples,
        seed: args.seed,
        ..EquityOptions::default()
    };
    if args.monte_carlo {
        options.exact_limit = 0;
    }
    if options.samples == 0 {
        bail!("--samples must be positive");
    }
    let start = Instant::now();
    let result = equity(&hero, &villain, board, dead, &options)?;
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        return print_json(json!({
            "players": [args.hero, args.villain],
            "board": board.to_string(),
            "dead": dead.to_string(),
            "equity": result.equity,
            "win": result.win,
            "tie": result.tie,
            "exact": result.exact,
            "std_error": result.std_error,
            "trials": result.trials,
            "seconds": seconds,
        }));
    }
    let how = if result.exact {
        format!("exact, {} boards", result.trials)
    } else {
        format!(
            "Monte Carlo, {} samples, seed {}, std error {:.4}%",
            result.trials,
            args.seed,
            100.0 * result.std_error.unwrap_or(0.0)
        )
    };
    println!("{:<20} {:>9} {:>9} {:>9}", "player", "equity", "win", "tie");
    for (p, name) in [&args.hero, &args.villain].iter().enumerate() {
        println!(
            "{:<20} {:>8.4}% {:>8.4}% {:>8.4}%",
            name,
            100.0 * result.equity[p],
            100.0 * result.win[p],
            100.0 * result.tie
        );
    }
    println!("{how}, {:.1} ms", seconds * 1e3);
    Ok(())
}

fn run_strength(args: StrengthArgs) -> anyhow::Result<()> {
    let cards =
        parse_cards(&args.hand).with_context(|| format!("hand {:?}", excerpt(&args.hand)))?;
    let [a, b] = cards[..] else {
        bail!(
            "hand {:?}: expected 2 cards, found {}",
            excerpt(&args.hand),
            cards.len()
        );
    };
    let hand = HandIndex::from_cards(a, b).context("hand uses the same card twice")?;
    let board =
        parse_board(&args.board).with_context(|| format!("board {:?}", excerpt(&args.board)))?;
    let range = match &args.range {
        Some(text) => Range::parse(text).with_context(|| format!("{:?}", excerpt(text)))?,
        None => Range::full(),
    };
    if args.bins == 0 || args.samples == 0 {
        bail!("--bins and --samples must be positive");
    }
    let options = StrengthOptions {
        bins: args.bins,
        samples: args.samples,
        seed: args.seed,
        ..StrengthOptions::default()
    };
    let s = hand_strength(hand, board, &range, &options)?;
    if args.json {
        return print_json(json!({
            "hand": args.hand,
            "board": board.to_string(),
            "range": range.to_string(),
            "ehs": s.ehs,
            "ehs2": s.ehs2,
            "histogram": s.histogram,
            "exact": s.exact,
            "runouts": s.runouts,
        }));
    }
    let how = if s.exact { "exact" } else { "sampled" };
    println!(
        "{} on {}: EHS {:.4}, EHS² {:.4} ({how}, {} runouts)",
        args.hand,
        if board.is_empty() {
            "no board".to_string()
        } else {
            board.to_string()
        },
        s.ehs,
        s.ehs2,
        s.runouts
    );
    let bins = s.histogram.len();
    for (i, share) in s.histogram.iter().enumerate() {
        println!(
            "  HS {:.2}-{:.2} {:>6.2}% {}",
            i as f64 / bins as f64,
            (i + 1) as f64 / bins as f64,
            100.0 * share,
            "#".repeat((share * 50.0).round() as usize)
        );
    }
    Ok(())
}
