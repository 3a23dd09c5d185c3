//! `ponder acpc dealer|client`: play hold'em over the ACPC protocol 2.0.0.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ponder_acpc::{check_name, connect, read_log, run_client, run_match, GameDef, MatchOptions};
use ponder_bots::{check_table, make_bot};

/// ACPC subcommands.
#[derive(Debug, Subcommand)]
pub enum AcpcCommand {
    /// Deal a match: listen on loopback ports, one per player, and referee the hands.
    Dealer(DealerArgs),
    /// Connect to a dealer and play with a built-in bot.
    Client(ClientArgs),
    /// Convert an ACPC log (STATE lines) to PHH hand histories, one file per hand.
    ToPhh(ToPhhArgs),
}

/// Options of `ponder acpc to-phh`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  ponder acpc to-phh match.log --out hands/")]
pub struct ToPhhArgs {
    /// ACPC log file written by a dealer.
    log: PathBuf,
    /// Directory for the `.phh` files (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Game definition file of the match (default: heads-up no-limit).
    #[arg(long)]
    game: Option<PathBuf>,
}

/// Options of `ponder acpc dealer`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    ponder acpc dealer --hands 1000 --players alice,bob          # waits for two clients\n  \
    ponder acpc client 127.0.0.1 PORT --bot call                 # in another terminal, per port\n  \
    ponder acpc dealer --hands 100000 --bots random,call --log m.log   # local clients, timed")]
pub struct DealerArgs {
    /// Game definition file (default: heads-up no-limit, 20,000 stacks, blinds 50/100).
    game: Option<PathBuf>,
    /// Hands to deal.
    #[arg(long, default_value_t = 1000, value_parser = crate::limits::hands)]
    hands: u64,
    /// Seed of the cards: the same seed deals the same cards.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Player names, comma-separated, in port order (no `|`, `:`, whitespace or control characters).
    #[arg(long, value_delimiter = ',')]
    players: Vec<String>,
    /// Ports to listen on, comma-separated (0 = any free port).
    #[arg(long, value_delimiter = ',')]
    ports: Vec<u16>,
    /// Start built-in clients with these bots instead of waiting for outside ones.
    #[arg(long, value_delimiter = ',')]
    bots: Vec<String>,
    /// Deal every card set once per seat rotation.
    #[arg(long)]
    duplicate: bool,
    /// Longest a player may take for one action, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_parser = crate::limits::time_limit_ms)]
    time_limit_ms: u64,
    /// Write the ACPC log (one STATE line per hand) to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Options of `ponder acpc client`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  ponder acpc client 127.0.0.1 18791 --bot random")]
pub struct ClientArgs {
    /// Dealer host.
    host: String,
    /// Dealer port for this player.
    port: u16,
    /// Bot to play with: random, call, raise, equity or blueprint:DIR (refused if its game is not
    /// the dealer's).
    #[arg(long, default_value = "call")]
    bot: String,
    /// Game definition file (default: the ACPC's no-limit game, 20,000 stacks, blinds 50/100, for as
    /// many players as the dealer's first message shows).
    #[arg(long)]
    game: Option<PathBuf>,
    /// Seed for bots that use randomness.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Runs an ACPC subcommand.
pub fn run(command: AcpcCommand) -> anyhow::Result<()> {
    match command {
        AcpcCommand::Dealer(args) => dealer(args),
        AcpcCommand::Client(args) => client(args),
        AcpcCommand::ToPhh(args) => to_phh(args),
    }
}

/// The game definition at `path` (checked playable by the engine), or heads-up no-limit.
pub fn load_game(path: Option<&PathBuf>) -> anyhow::Result<GameDef> {
    let Some(path) = path else {
        return Ok(GameDef::heads_up_no_limit());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading game definition {}", path.display()))?;
    let def = GameDef::parse(&text).with_context(|| format!("in {}", path.display()))?;
    def.table()
        .with_context(|| format!("in {}", path.display()))?;
    Ok(def)
}

fn dealer(args: DealerArgs) -> anyhow::Result<()> {
    let def = load_game(args.game.as_ref())?;
    let n = def.num_players;
    if args.hands == 0 {
        bail!("--hands must be at least 1");
    }
    for (flag, count) in [
        ("--players", args.players.len()),
        ("--ports", args.ports.len()),
        ("--bots", args.bots.len()),
    ] {
        if count != 0 && count != n {
            bail!("{flag} lists {count} entries; the game has {n} players");
        }
    }
    let table = def.table()?;
    for name in &args.bots {
        let bot = make_bot(name, 0).context("in --bots")?;
        check_table(bot.as_ref(), &table).context("in --bots")?;
    }
    let names: Vec<String> = if !args.players.is_empty() {
        args.players.clone()
    } else if !args.bots.is_empty() {
        args.bots.clone()
    } else {
        (1..=n).map(|i| format!("p{i}")).collect()
    };
    for name in &names {
        check_name(name).context("in --players")?;
    }
    let listeners = (0..n)
        .map(|i| {
            let port = args.ports.get(i).copied().unwrap_or(0);
            TcpListener::bind(("127.0.0.1", port)).with_context(|| format!("binding port {port}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<_, _>>()?;
    let mut clients = Vec::new();
    if args.bots.is_empty() {
        let list: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
        // The reference dealer prints the ports on one line so scripts can start the players.
        println!("{}", list.join(" "));
        std::io::stdout().flush()?;
    } else {
        for (i, name) in args.bots.iter().enumerate() {
            let address = format!("127.0.0.1:{}", ports[i]);
            let def = def.clone();
            let mut bot = make_bot(name, args.seed.wrapping_add(i as u64 + 1))?;
            clients.push(std::thread::spawn(move || -> anyhow::Result<u64> {
                let stream = connect(&address, Duration::from_secs(10))?;
                Ok(run_client(Some(&def), stream, bot.as_mut())?)
            }));
        }
    }
    let streams = listeners
        .iter()
        .map(|l| l.accept().map(|(stream, _)| stream))
        .collect::<Result<Vec<_>, _>>()
        .context("waiting for players")?;
    let options = MatchOptions {
        hands: args.hands,
        seed: args.seed,
        duplicate: args.duplicate,
        time_limit: Duration::from_millis(args.time_limit_ms.max(1)),
        names: names.clone(),
    };
    let mut log: Box<dyn Write> = match &args.log {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::sink()),
    };
    let start = Instant::now();
    let outcome = run_match(&def, streams, &options, log.as_mut())?;
    let seconds = start.elapsed().as_secs_f64();
    for client in clients {
        client
            .join()
            .map_err(|_| anyhow::anyhow!("a local client panicked"))??;
    }
    let big_blind = def.table()?.config().big_blind as f64;
    let hands = outcome.hands.max(1) as f64;
    if args.json {
        let players: Vec<serde_json::Value> = names
            .iter()
            .zip(&outcome.totals)
            .map(|(name, &total)| {
                serde_json::json!({
                    "name": name,
                    "chips": crate::matches::chips_json(total),
                    "bb_per_100": total as f64 / big_blind / hands * 100.0,
                })
            })
            .collect();
        let report = serde_json::json!({
            "hands": outcome.hands,
            "seconds": seconds,
            "hands_per_second": outcome.hands as f64 / seconds,
            "invalid_actions": outcome.invalid_actions,
            "forfeited": outcome.forfeit.map(|f| names[f.player].clone()),
            "forfeit_reason": outcome.forfeit.map(|f| f.reason.to_string()),
            "players": players,
        });
        println!("{report:#}");
    } else {
        println!(
            "{} hands in {seconds:.1} s ({:.0} hands/s); {} invalid actions played as calls",
            outcome.hands,
            outcome.hands as f64 / seconds,
            outcome.invalid_actions
        );
        if let Some(forfeit) = outcome.forfeit {
            println!(
                "{} {} and forfeits the match",
                names[forfeit.player], forfeit.reason
            );
        }
        for (name, total) in names.iter().zip(&outcome.totals) {
            println!(
                "  {name:<12} {total:>+12} chips  {:>+9.1} bb/100",
                *total as f64 / big_blind / hands * 100.0
            );
        }
    }
    Ok(())
}

fn client(args: ClientArgs) -> anyhow::Result<()> {
    // Without --game the library takes the player count from the dealer's first message.
    let def = match &args.game {
        Some(path) => Some(load_game(Some(path))?),
        None => None,
    };
    let mut bot = make_bot(&args.bot, args.seed)?;
    if let Some(def) = &def {
        check_table(bot.as_ref(), &def.table()?)?;
    }
    let address = format!("{}:{}", args.host, args.port);
    let stream = connect(&address, Duration::from_secs(10))
        .with_context(|| format!("connecting to {address}"))?;
    let hands = run_client(def.as_ref(), stream, bot.as_mut())?;
    eprintln!("played {hands} hands");
    Ok(())
}

fn to_phh(args: ToPhhArgs) -> anyhow::Result<()> {
    let def = load_game(args.game.as_ref())?;
    let table = def.table()?;
    let text = std::fs::read_to_string(&args.log)
        .with_context(|| format!("reading {}", args.log.display()))?;
    // The whole log is checked before any file is written: a bad line names itself and writes nothing.
    let log = read_log(&table, &text).with_context(|| format!("in {}", args.log.display()))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for (written, hand) in log.hands.iter().enumerate() {
        let phh = ponder_holdem::phh::to_phh_named(&hand.record, &hand.names)
            .with_context(|| format!("{} line {}", args.log.display(), hand.line))?;
        let path = args.out.join(format!("hand-{written:06}.phh"));
        std::fs::write(&path, phh).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "wrote {} PHH files to {}",
        log.hands.len(),
        args.out.display()
    );
    Ok(())
}
