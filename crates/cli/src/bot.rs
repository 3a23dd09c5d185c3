//! `ponder bot policy`: a bot's whole policy at a state, for outside evaluators.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ponder_acpc::{replay_actions, to_acpc, BettingType, GameDef, MatchState};
use ponder_bots::{check_table, Bot, BotSpec, Observation};
use ponder_cards::{CardSet, HandIndex};

/// Longest `MATCHSTATE` line read (a heads-up no-limit state is a few hundred bytes).
pub const MAX_STATE_LINE: usize = 4096;

/// Bot subcommands.
#[derive(Debug, Subcommand)]
pub enum BotCommand {
    /// A bot's policy at a state for every hole pair it could hold: probabilities of each action.
    Policy(PolicyArgs),
}

/// Options of `ponder bot policy`.
#[derive(Debug, Args)]
#[command(
    after_help = "The state is an ACPC MATCHSTATE line; the seat to act there is the bot's. \
The answer lists the actions the bot plays as ACPC strings (f, c, rN with N the hand total) and, \
per hole pair that avoids the board and the cards the line shows for other positions, one \
probability per action.\n\nExamples:\n  \
ponder bot policy --bot equity --state 'MATCHSTATE:0:0:r300:AhKs|' --json\n  \
printf 'MATCHSTATE:1:0::|AhKs\\n' | ponder bot policy --bot call --stdin"
)]
pub struct PolicyArgs {
    /// The bot (random, call, raise, equity).
    #[arg(long)]
    bot: String,
    /// One MATCHSTATE line.
    #[arg(long, conflicts_with = "stdin", required_unless_present = "stdin")]
    state: Option<String>,
    /// Load the bot once, then answer one JSON line per MATCHSTATE line of standard input (blank
    /// lines are skipped; a bad line gets an `{"error": ...}` line and the run ends with code 2).
    #[arg(long)]
    stdin: bool,
    /// ACPC game definition file (default: heads-up no-limit, 20,000 stacks, blinds 50/100).
    #[arg(long)]
    game: Option<PathBuf>,
    /// Seed for bots that use randomness.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print JSON (always, with --stdin).
    #[arg(long)]
    json: bool,
}

/// Runs a bot subcommand.
pub fn run(command: BotCommand) -> anyhow::Result<()> {
    match command {
        BotCommand::Policy(args) => policy(args),
    }
}

fn policy(args: PolicyArgs) -> anyhow::Result<()> {
    let spec = BotSpec::parse(&args.bot)?;
    let def = crate::acpc::load_game(args.game.as_ref())?;
    let table = def.table()?;
    let mut bot = spec.make(args.seed);
    check_table(bot.as_ref(), &table)?;
    let limit = def.betting == BettingType::Limit;
    if let Some(state) = &args.state {
        let answer = answer(bot.as_mut(), &def, limit, state)?;
        if args.json {
            println!("{answer}");
        } else {
            print_table(&answer);
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut lines, mut refused) = (0u64, 0u64);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let read = (&mut input)
            .take(MAX_STATE_LINE as u64 + 1)
            .read_until(b'\n', &mut buffer)?;
        if read == 0 {
            break;
        }
        lines += 1;
        let result = if buffer.len() > MAX_STATE_LINE && buffer.last() != Some(&b'\n') {
            // Skip the rest of the overlong line, in bounded pieces.
            loop {
                let mut rest = Vec::new();
                let n = (&mut input)
                    .take(MAX_STATE_LINE as u64)
                    .read_until(b'\n', &mut rest)?;
                if n == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            Err(anyhow::anyhow!(
                "the line is longer than {MAX_STATE_LINE} bytes"
            ))
        } else {
            match std::str::from_utf8(&buffer) {
                Err(_) => Err(anyhow::anyhow!("the line is not UTF-8")),
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => answer(bot.as_mut(), &def, limit, text.trim()),
            }
        };
        let json = result.unwrap_or_else(|error| {
            refused += 1;
            serde_json::json!({ "line": lines, "error": format!("{error:#}") })
        });
        writeln!(out, "{json}")?;
        out.flush()?;
    }
    if refused > 0 {
        bail!("{refused} of {lines} input lines were refused (see their error lines)");
    }
    Ok(())
}

/// The policy at one MATCHSTATE line as JSON: `state`, `seat` (to act), `street`, `actions` (ACPC
/// strings) and `policy` (hole pair → one probability per action).
pub fn answer(
    bot: &mut dyn Bot,
    def: &GameDef,
    limit: bool,
    text: &str,
) -> anyhow::Result<serde_json::Value> {
    let shown = ponder_cards::excerpt(text);
    let state = MatchState::parse(text).with_context(|| format!("in `{shown}`"))?;
    let table = def.table()?;
    let (hand, history) =
        replay_actions(&table, &state).with_context(|| format!("in `{shown}`"))?;
    let Some(view) = Observation::of(&hand, &history) else {
        bail!("in `{shown}`: the hand is over, nobody is to act");
    };
    let board_cards: usize = state.board.iter().map(Vec::len).sum();
    if board_cards != hand.board().len() {
        bail!(
            "in `{shown}`: the betting has reached the {}, which needs {} board cards; the line \
             shows {board_cards}",
            format!("{:?}", hand.street()).to_lowercase(),
            hand.board().len()
        );
    }
    // Cards the seat to act cannot hold: the board and whatever the line shows of other positions.
    let mut blocked = CardSet::from_cards(hand.board());
    for (position, cards) in state.hole.iter().enumerate() {
        if position != view.seat {
            blocked = blocked.union(CardSet::from_cards(cards));
        }
    }
    let range = bot.range_policy(&view);
    let actions: Vec<String> = range
        .actions
        .iter()
        .map(|&a| to_acpc(&hand, a, limit).to_string())
        .collect();
    let mut policy = serde_json::Map::new();
    for hand_index in HandIndex::all() {
        if hand_index.card_set().intersects(blocked) || !range.covers(hand_index) {
            continue;
        }
        let row: Vec<f64> = range
            .probabilities
            .iter()
            .map(|p| p[hand_index.as_usize()])
            .collect();
        policy.insert(hand_index.to_string(), serde_json::json!(row));
    }
    Ok(serde_json::json!({
        "state": text,
        "seat": view.seat,
        "street": format!("{:?}", hand.street()).to_lowercase(),
        "actions": actions,
        "policy": policy,
    }))
}

fn print_table(answer: &serde_json::Value) {
    let actions: Vec<&str> = answer["actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    println!(
        "seat {} to act on the {}; {} hole pairs",
        answer["seat"],
        answer["street"].as_str().unwrap_or("?"),
        answer["policy"].as_object().map_or(0, |p| p.len())
    );
    print!("{:<6}", "hand");
    for action in &actions {
        print!(" {action:>8}");
    }
    println!();
    if let Some(policy) = answer["policy"].as_object() {
        for (hand, row) in policy {
            print!("{hand:<6}");
            for p in row.as_array().into_iter().flatten() {
                print!(" {:>8.3}", p.as_f64().unwrap_or(f64::NAN));
            }
            println!();
        }
    }
}
