//! The dealer and the client: ACPC protocol 2.0.0 over TCP, one line per message, `\r\n` terminated.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::TcpStream;
use std::time::Duration;

use ponder_bots::{Bot, Observation};
use ponder_holdem::{Action, Deal, HandState, TableConfig};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::matchstate::{replay, to_acpc, to_engine, write_betting, write_cards, AcpcAction};
use crate::{BettingType, GameDef, MatchState};

/// Protocol version line a client sends first.
pub const VERSION: &str = "VERSION:2.0.0";

/// Why a match or a client stopped early.
#[derive(Debug, Error)]
pub enum NetError {
    /// A socket failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// The game definition cannot be played.
    #[error(transparent)]
    Game(#[from] crate::GameDefError),
    /// The peer broke the protocol.
    #[error("protocol: {0}")]
    Protocol(String),
}

/// Settings of one match.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    /// Hands to play.
    pub hands: u64,
    /// Seed of the cards: the same seed deals the same cards.
    pub seed: u64,
    /// Play every deal once per seat rotation, so each player gets each seat's cards.
    pub duplicate: bool,
    /// Longest a player may think about one action (or take to say hello).
    pub time_limit: Duration,
    /// Player names, in connection order.
    pub names: Vec<String>,
}

/// What a match produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchOutcome {
    /// Hands completed.
    pub hands: u64,
    /// Net chips per player (connection order); they sum to zero.
    pub totals: Vec<i64>,
    /// Actions that were invalid and were played as a call instead.
    pub invalid_actions: u64,
    /// The player who timed out or disconnected, ending the match (it loses the match).
    pub forfeited: Option<usize>,
}

struct Player {
    reader: BufReader<TcpStream>,
    writer: BufWriter<TcpStream>,
    line: String,
}

/// Deals `options.hands` hands to the connected players (one stream per player, in position order
/// for hand 0), writing one ACPC `STATE` line per hand to `log` (flushed after each hand).
///
/// A player that disconnects or exceeds the time limit forfeits: the match stops there and the
/// outcome says who; an unreadable or illegal action is played as a call and counted.
pub fn run_match(
    def: &GameDef,
    streams: Vec<TcpStream>,
    options: &MatchOptions,
    log: &mut dyn Write,
) -> Result<MatchOutcome, NetError> {
    let table = def.table()?;
    let n = table.stacks.len();
    if streams.len() != n {
        return Err(NetError::Protocol(format!(
            "{} players connected for a {n}-player game",
            streams.len()
        )));
    }
    let limit = def.betting == BettingType::Limit;
    let mut players = Vec::with_capacity(n);
    let mut outcome = MatchOutcome {
        hands: 0,
        totals: vec![0; n],
        invalid_actions: 0,
        forfeited: None,
    };
    for (index, stream) in streams.into_iter().enumerate() {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(options.time_limit))?;
        let mut player = Player {
            reader: BufReader::new(stream.try_clone()?),
            writer: BufWriter::new(stream),
            line: String::new(),
        };
        match read_line(&mut player) {
            Some(line) if line.starts_with("VERSION:2.") => players.push(player),
            _ => {
                outcome.forfeited = Some(index);
                return Ok(outcome);
            }
        }
    }
    let names: Vec<String> = (0..n)
        .map(|i| {
            options
                .names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("p{}", i + 1))
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut deal = Deal::shuffled_with(n, &mut rng);
    for hand_number in 0..options.hands {
        let rotation = (hand_number % n as u64) as usize;
        if hand_number > 0 && (!options.duplicate || rotation == 0) {
            deal = Deal::shuffled_with(n, &mut rng);
        }
        // Player i sits at position (i + rotation) % n.
        let player_at = |position: usize| (position + n - rotation) % n;
        match play_hand(&table, limit, deal, hand_number, &mut players, &player_at) {
            Ok((hand, betting, invalid)) => {
                outcome.invalid_actions += invalid;
                let payoffs = hand.payoffs();
                for (position, payoff) in payoffs.iter().enumerate().take(n) {
                    outcome.totals[player_at(position)] += payoff;
                }
                outcome.hands += 1;
                let mut line = format!("STATE:{hand_number}:");
                let all = (0..n)
                    .map(|p| hand.deal().hole[p].to_vec())
                    .collect::<Vec<_>>();
                write_betting(&mut line, &betting).expect("writing to a String");
                line.push(':');
                write_cards(&mut line, &all, &board_rows(&hand, betting.len())).expect("String");
                let results: Vec<String> = payoffs[..n].iter().map(|v| v.to_string()).collect();
                let seated: Vec<&str> = (0..n).map(|p| names[player_at(p)].as_str()).collect();
                writeln!(log, "{line}:{}:{}", results.join("|"), seated.join("|"))?;
                log.flush()?;
            }
            Err(position) => {
                outcome.forfeited = Some(player_at(position));
                return Ok(outcome);
            }
        }
    }
    Ok(outcome)
}

/// Board cards per round for the first `rounds` rounds.
fn board_rows(hand: &HandState, rounds: usize) -> Vec<Vec<ponder_cards::Card>> {
    let board = &hand.deal().board;
    [&board[0..3], &board[3..4], &board[4..5]]
        .iter()
        .take(rounds.saturating_sub(1))
        .map(|cards| cards.to_vec())
        .collect()
}

/// Plays one hand; `Err(position)` when that position's player timed out or disconnected.
fn play_hand(
    table: &TableConfig,
    limit: bool,
    deal: Deal,
    hand_number: u64,
    players: &mut [Player],
    player_at: &dyn Fn(usize) -> usize,
) -> Result<(HandState, Vec<Vec<AcpcAction>>, u64), usize> {
    let n = table.stacks.len();
    let mut hand = HandState::new(table, deal).expect("the table was validated");
    let mut betting: Vec<Vec<AcpcAction>> = vec![Vec::new()];
    let mut invalid = 0;
    let mut states: Vec<String> = vec![String::new(); n];
    loop {
        let over = hand.is_over();
        let showdown = over && (0..n).filter(|&s| !hand.has_folded(s)).count() >= 2;
        if showdown {
            betting.resize(4, Vec::new());
        }
        for (position, state) in states.iter_mut().enumerate() {
            let hole = (0..n)
                .map(|q| {
                    if q == position || (showdown && !hand.has_folded(q)) {
                        hand.deal().hole[q].to_vec()
                    } else {
                        Vec::new()
                    }
                })
                .collect::<Vec<_>>();
            let view = MatchState {
                position,
                hand_number,
                betting: betting.clone(),
                hole,
                board: board_rows(&hand, betting.len()),
            };
            *state = view.to_string();
            let player = &mut players[player_at(position)];
            let sent = write!(player.writer, "{state}\r\n");
            if sent.is_err() {
                return Err(position);
            }
        }
        for position in 0..n {
            players[player_at(position)]
                .writer
                .flush()
                .map_err(|_| position)?;
        }
        if over {
            return Ok((hand, betting, invalid));
        }
        let seat = hand.to_act().expect("not over");
        let player = &mut players[player_at(seat)];
        let reply = read_line(player).ok_or(seat)?;
        let street = hand.street();
        let chosen = reply
            .strip_prefix(states[seat].as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(parse_action)
            .and_then(|action| to_engine(&hand, action))
            .filter(|&action| {
                let mut probe = hand;
                probe.apply(action).is_ok()
            });
        let action = chosen.unwrap_or_else(|| {
            invalid += 1;
            Action::CheckCall
        });
        let written = to_acpc(&hand, action, limit);
        hand.apply(action).expect("checked above or a call");
        betting.last_mut().expect("a round").push(written);
        if !hand.is_over() && hand.street() != street {
            while betting.len() <= hand.street() as usize {
                betting.push(Vec::new());
            }
        }
    }
}

fn parse_action(text: &str) -> Option<AcpcAction> {
    let text = text.trim();
    match text.as_bytes().first()? {
        b'f' if text.len() == 1 => Some(AcpcAction::Fold),
        b'c' | b'k' if text.len() == 1 => Some(AcpcAction::Call),
        b'r' if text.len() == 1 => Some(AcpcAction::Raise(None)),
        b'r' => text[1..].parse().ok().map(|n| AcpcAction::Raise(Some(n))),
        _ => None,
    }
}

fn read_line(player: &mut Player) -> Option<String> {
    player.line.clear();
    match player.reader.read_line(&mut player.line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(player.line.trim_end_matches(['\r', '\n']).to_string()),
    }
}

/// Plays as a client on `stream` until the dealer closes it: says hello, then answers every match
/// state in which it is its turn with `bot`'s action. Returns the number of hands seen.
pub fn run_client(def: &GameDef, stream: TcpStream, bot: &mut dyn Bot) -> Result<u64, NetError> {
    let table = def.table()?;
    let limit = def.betting == BettingType::Limit;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    write!(writer, "{VERSION}\r\n")?;
    writer.flush()?;
    let mut line = String::new();
    let mut hands = 0;
    let mut last_hand = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(hands);
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.starts_with('#') || text.starts_with(';') || text.is_empty() {
            continue;
        }
        let state =
            MatchState::parse(text).map_err(|e| NetError::Protocol(format!("{e} in `{text}`")))?;
        if last_hand != Some(state.hand_number) {
            last_hand = Some(state.hand_number);
            hands += 1;
        }
        let hand =
            replay(&table, &state).map_err(|e| NetError::Protocol(format!("{e} in `{text}`")))?;
        if hand.to_act() != Some(state.position) {
            continue;
        }
        let observation = Observation::of(&hand).expect("it is our turn");
        let action = bot.act(&observation);
        write!(writer, "{text}:{}\r\n", to_acpc(&hand, action, limit))?;
        writer.flush()?;
    }
}

/// Connects to a dealer with a short retry loop (the dealer may still be binding).
pub fn connect(address: &str, wait: Duration) -> Result<TcpStream, NetError> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match TcpStream::connect(address) {
            Ok(stream) => return Ok(stream),
            Err(error) if std::time::Instant::now() >= deadline => return Err(error.into()),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
