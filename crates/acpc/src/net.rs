//! The dealer and the client: ACPC protocol 2.0.0 over TCP, one line per message, `\r\n` terminated.
//!
//! The dealer trusts no client: every read has a deadline for the whole reply (not per byte), every
//! write a deadline for the whole message, and a reply may be no longer than the state it answers
//! plus an action, so a client that drips, stops reading or sends an endless line forfeits its own
//! match in bounded time and memory.

use std::fmt;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ponder_bots::{check_table, Bot, Observation};
use ponder_holdem::{Action, Deal, HandState, Table};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::matchstate::{
    replay_actions, to_acpc, to_engine, write_betting, write_cards, AcpcAction,
};
use crate::{BettingType, GameDef, MatchState};

/// Protocol version line a client sends first.
pub const VERSION: &str = "VERSION:2.0.0";

/// Longest first line (`VERSION:2.0.0`) the dealer reads from a client.
const MAX_HELLO_BYTES: usize = 64;

/// Bytes a reply may add to the state it answers: `:`, an action (`r` and at most 20 digits) and
/// some whitespace. Anything longer cannot be a valid reply, so the dealer stops reading there.
const MAX_ACTION_BYTES: usize = 64;

/// Longest line a client reads from a dealer (a match state; far more than any real hand needs).
const MAX_STATE_BYTES: usize = 1 << 20;

/// Why a match or a client stopped early.
#[derive(Debug, Error)]
pub enum NetError {
    /// A socket failed. The cause is part of the message, not a `source`, so that a printed error
    /// chain says it once.
    #[error("network: {0}")]
    Io(std::io::Error),
    /// The game definition cannot be played.
    #[error(transparent)]
    Game(#[from] crate::GameDefError),
    /// A player name the ACPC log format cannot hold.
    #[error(transparent)]
    Name(#[from] NameError),
    /// The peer broke the protocol.
    #[error("protocol: {0}")]
    Protocol(String),
    /// The bot was built for another game (a blueprint trained for other stacks, blinds or players).
    #[error(transparent)]
    Table(#[from] ponder_bots::TableMismatch),
}

impl From<std::io::Error> for NetError {
    fn from(error: std::io::Error) -> NetError {
        NetError::Io(error)
    }
}

/// A player name that would break an ACPC log line (`STATE:…:alice|bob`, `SCORE:…:alice|bob`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("player name `{}`: {reason}", name.escape_debug())]
pub struct NameError {
    /// The name as given.
    pub name: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Longest player name, in bytes.
pub const MAX_NAME_BYTES: usize = 64;

/// Checks that `name` can stand in an ACPC log: 1 to [`MAX_NAME_BYTES`] bytes, none of them `|` or
/// `:` (the log's separators), whitespace or control characters.
pub fn check_name(name: &str) -> Result<(), NameError> {
    let reason = if name.is_empty() {
        Some("is empty")
    } else if name.len() > MAX_NAME_BYTES {
        Some("is longer than 64 bytes")
    } else if name.contains(['|', ':']) {
        Some("contains `|` or `:`, which separate fields in ACPC logs")
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains whitespace or a control character")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(NameError {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
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
    /// Longest a player may take for one whole reply (or its hello), and longest the dealer waits
    /// to hand it one message.
    pub time_limit: Duration,
    /// Player names, in connection order (empty: `p1`, `p2`, ...); see [`check_name`].
    pub names: Vec<String>,
}

/// Why a player lost the match by forfeit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForfeitReason {
    /// The connection closed or failed.
    Disconnected,
    /// No complete reply (or hello) within the time limit.
    TimedOut,
    /// The player did not take a message within the time limit: it stopped reading.
    NotReading,
    /// A line longer than any valid reply.
    LineTooLong,
    /// The first line was not `VERSION:2.x.x`.
    BadVersion,
}

impl fmt::Display for ForfeitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForfeitReason::Disconnected => "disconnected",
            ForfeitReason::TimedOut => "did not reply within the time limit",
            ForfeitReason::NotReading => "stopped reading the dealer's messages",
            ForfeitReason::LineTooLong => "sent a line longer than any valid reply",
            ForfeitReason::BadVersion => "did not open with VERSION:2.0.0",
        })
    }
}

/// A player who lost the match by forfeit, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forfeit {
    /// The player (connection order).
    pub player: usize,
    /// What it did.
    pub reason: ForfeitReason,
}

/// What a match produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchOutcome {
    /// Hands completed.
    pub hands: u64,
    /// Net chips per player (connection order); they sum to zero. Wide, because a long match at
    /// the largest stacks passes `i64::MAX`.
    pub totals: Vec<i128>,
    /// Actions that were invalid and were played as a call instead.
    pub invalid_actions: u64,
    /// The player who timed out, stopped reading, sent an overlong line or disconnected, ending the
    /// match (it loses the match).
    pub forfeit: Option<Forfeit>,
}

/// One connection, as the dealer sees it.
struct Player {
    stream: TcpStream,
    /// Bytes received and not yet taken as a line (a reply may arrive in pieces or with more behind).
    received: Vec<u8>,
    /// The last line taken, without its line end.
    line: Vec<u8>,
    /// The messages of the current step, sent in one write.
    out: Vec<u8>,
}

impl Player {
    fn new(stream: TcpStream) -> Player {
        // Only a latency hint: a socket that refuses it is broken, and its first read or write
        // makes that player forfeit.
        let _ = stream.set_nodelay(true);
        Player {
            stream,
            received: Vec::new(),
            line: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Reads the next line into `self.line`; the whole line must arrive by `deadline` and hold at
    /// most `max_len` bytes (memory stays bounded by that, whatever the client sends).
    fn read_line(&mut self, deadline: Instant, max_len: usize) -> Result<(), ForfeitReason> {
        let mut scanned = 0;
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(offset) = self.received[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + offset;
                if end > max_len + 1 {
                    return Err(ForfeitReason::LineTooLong);
                }
                self.line.clear();
                self.line.extend_from_slice(&self.received[..end]);
                if self.line.last() == Some(&b'\r') {
                    self.line.pop();
                }
                self.received.drain(..=end);
                return Ok(());
            }
            scanned = self.received.len();
            if scanned > max_len + 1 {
                return Err(ForfeitReason::LineTooLong);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ForfeitReason::TimedOut);
            }
            // A deadline for the whole line, not a timeout per read: a client dripping one byte at
            // a time still runs out of time.
            self.stream
                .set_read_timeout(Some(deadline - now))
                .map_err(|_| ForfeitReason::Disconnected)?;
            let room = (max_len + 2 - scanned).min(chunk.len());
            match (&self.stream).read(&mut chunk[..room]) {
                Ok(0) => return Err(ForfeitReason::Disconnected),
                Ok(count) => self.received.extend_from_slice(&chunk[..count]),
                Err(error) => match error.kind() {
                    std::io::ErrorKind::Interrupted => {}
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                        return Err(ForfeitReason::TimedOut)
                    }
                    _ => return Err(ForfeitReason::Disconnected),
                },
            }
        }
    }

    /// Sends `self.out` whole by `deadline`; a client that does not read runs out of time here.
    fn send(&mut self, deadline: Instant) -> Result<(), ForfeitReason> {
        let mut sent = 0;
        while sent < self.out.len() {
            let now = Instant::now();
            if now >= deadline {
                return Err(ForfeitReason::NotReading);
            }
            self.stream
                .set_write_timeout(Some(deadline - now))
                .map_err(|_| ForfeitReason::Disconnected)?;
            match (&self.stream).write(&self.out[sent..]) {
                Ok(0) => return Err(ForfeitReason::Disconnected),
                Ok(count) => sent += count,
                Err(error) => match error.kind() {
                    std::io::ErrorKind::Interrupted => {}
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                        return Err(ForfeitReason::NotReading)
                    }
                    _ => return Err(ForfeitReason::Disconnected),
                },
            }
        }
        self.out.clear();
        Ok(())
    }
}

/// The instant `limit` from now; a limit past any real match (`Duration::MAX`) waits about a year
/// instead of overflowing `Instant`.
fn deadline_after(limit: Duration) -> Instant {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
    Instant::now() + limit.min(YEAR)
}

/// Deals `options.hands` hands to the connected players (one stream per player, in position order
/// for hand 0), writing one ACPC `STATE` line per hand to `log` (flushed after each hand) and, when
/// the match ends, the reference dealer's `SCORE:totals:names` line.
///
/// A player that disconnects, exceeds the time limit for a reply, stops reading or sends an overlong
/// line forfeits: the match stops there and the outcome says who and why; an unreadable or illegal
/// action (including one that is not UTF-8) is played as a call and counted.
pub fn run_match(
    def: &GameDef,
    streams: Vec<TcpStream>,
    options: &MatchOptions,
    log: &mut dyn Write,
) -> Result<MatchOutcome, NetError> {
    let table = def.table()?;
    let n = table.seats();
    for name in &options.names {
        check_name(name)?;
    }
    if !options.names.is_empty() && options.names.len() != n {
        return Err(NetError::Protocol(format!(
            "{} names for a {n}-player game",
            options.names.len()
        )));
    }
    if streams.len() != n {
        return Err(NetError::Protocol(format!(
            "{} players connected for a {n}-player game",
            streams.len()
        )));
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
    let limit = def.betting == BettingType::Limit;
    let mut outcome = MatchOutcome {
        hands: 0,
        totals: vec![0; n],
        invalid_actions: 0,
        forfeit: None,
    };
    let mut players: Vec<Player> = streams.into_iter().map(Player::new).collect();
    for (player, connection) in players.iter_mut().enumerate() {
        let deadline = deadline_after(options.time_limit);
        let hello = connection.read_line(deadline, MAX_HELLO_BYTES);
        let reason = match hello {
            Ok(()) if connection.line.starts_with(b"VERSION:2.") => continue,
            Ok(()) => ForfeitReason::BadVersion,
            Err(reason) => reason,
        };
        outcome.forfeit = Some(Forfeit { player, reason });
        break;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut deal = Deal::shuffled_with(n, &mut rng);
    let mut hand_number = 0;
    while outcome.forfeit.is_none() && hand_number < options.hands {
        let rotation = (hand_number % n as u64) as usize;
        if hand_number > 0 && (!options.duplicate || rotation == 0) {
            deal = Deal::shuffled_with(n, &mut rng);
        }
        // Player i sits at position (i + rotation) % n.
        let player_at = |position: usize| (position + n - rotation) % n;
        let played = play_hand(
            &table,
            limit,
            deal,
            hand_number,
            &mut players,
            &player_at,
            options.time_limit,
        );
        match played {
            Ok((hand, betting, invalid)) => {
                outcome.invalid_actions += invalid;
                let payoffs = hand.payoffs();
                for (position, &payoff) in payoffs.iter().enumerate().take(n) {
                    outcome.totals[player_at(position)] += i128::from(payoff);
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
            Err((position, reason)) => {
                outcome.forfeit = Some(Forfeit {
                    player: player_at(position),
                    reason,
                });
            }
        }
        hand_number += 1;
    }
    // The reference dealer ends its log with the totals by player (connection order).
    let totals: Vec<String> = outcome.totals.iter().map(|t| t.to_string()).collect();
    writeln!(log, "SCORE:{}:{}", totals.join("|"), names.join("|"))?;
    log.flush()?;
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

/// A finished hand: the engine state, the betting as the protocol wrote it, and the invalid actions.
type PlayedHand = (HandState, Vec<Vec<AcpcAction>>, u64);

/// Plays one hand; `Err((position, reason))` when that position's player forfeits.
fn play_hand(
    table: &Table,
    limit: bool,
    deal: Deal,
    hand_number: u64,
    players: &mut [Player],
    player_at: &dyn Fn(usize) -> usize,
    time_limit: Duration,
) -> Result<PlayedHand, (usize, ForfeitReason)> {
    let n = table.seats();
    let mut hand = HandState::new(table, deal).expect("a shuffled deal has distinct cards");
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
            player.out.extend_from_slice(state.as_bytes());
            player.out.extend_from_slice(b"\r\n");
        }
        for position in 0..n {
            players[player_at(position)]
                .send(deadline_after(time_limit))
                .map_err(|reason| (position, reason))?;
        }
        if over {
            return Ok((hand, betting, invalid));
        }
        let seat = hand.to_act().expect("not over");
        let player = &mut players[player_at(seat)];
        let state = states[seat].as_bytes();
        player
            .read_line(deadline_after(time_limit), state.len() + MAX_ACTION_BYTES)
            .map_err(|reason| (seat, reason))?;
        let street = hand.street();
        // Bytes, not text: a reply that is not UTF-8 is an invalid action, not a broken connection.
        let chosen = player
            .line
            .strip_prefix(state)
            .and_then(|rest| rest.strip_prefix(b":"))
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

fn parse_action(bytes: &[u8]) -> Option<AcpcAction> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    match text.as_bytes().first()? {
        b'f' if text.len() == 1 => Some(AcpcAction::Fold),
        b'c' | b'k' if text.len() == 1 => Some(AcpcAction::Call),
        b'r' if text.len() == 1 => Some(AcpcAction::Raise(None)),
        b'r' => text[1..].parse().ok().map(|n| AcpcAction::Raise(Some(n))),
        _ => None,
    }
}

/// Plays as a client on `stream` until the dealer closes it: says hello, then answers every match
/// state in which it is its turn with `bot`'s action. Returns the number of hands seen.
///
/// Without a game definition the game is taken to be the ACPC's standard no-limit game
/// ([`GameDef::no_limit`]) for as many players as the first `MATCHSTATE` line shows; an error in a
/// later line then says that the definition was guessed.
pub fn run_client(
    def: Option<&GameDef>,
    stream: TcpStream,
    bot: &mut dyn Bot,
) -> Result<u64, NetError> {
    let mut game: Option<(GameDef, Table)> = match def {
        Some(def) => Some((def.clone(), def.table()?)),
        None => None,
    };
    let guessed = def.is_none();
    // A bot built for another game is refused before it says hello, not in the middle of a hand.
    if let Some((_, table)) = &game {
        check_table(bot, table)?;
    }
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
        // Bounded: a dealer sending an endless line must not take all memory.
        let read = (&mut reader)
            .take(MAX_STATE_BYTES as u64 + 1)
            .read_line(&mut line)?;
        if read == 0 {
            return Ok(hands);
        }
        if !line.ends_with('\n') && line.len() > MAX_STATE_BYTES {
            return Err(NetError::Protocol(format!(
                "the dealer sent a line longer than {MAX_STATE_BYTES} bytes"
            )));
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.starts_with('#') || text.starts_with(';') || text.is_empty() {
            continue;
        }
        let state =
            MatchState::parse(text).map_err(|e| NetError::Protocol(format!("{e} in `{text}`")))?;
        let (def, table) = match &mut game {
            Some(game) => game,
            None => {
                let def = GameDef::no_limit(state.hole.len());
                let table = def.table().map_err(|e| {
                    NetError::Protocol(format!(
                        "the dealer shows {} positions: {e}; pass the dealer's game definition \
                         (`--game`)",
                        state.hole.len()
                    ))
                })?;
                check_table(bot, &table)?;
                game.insert((def, table))
            }
        };
        if last_hand != Some(state.hand_number) {
            last_hand = Some(state.hand_number);
            hands += 1;
        }
        let (hand, history) = replay_actions(table, &state).map_err(|e| {
            let hint = if guessed {
                format!(
                    "; the game was guessed as {}-player no-limit (stacks 20000, blinds 50/100): \
                     pass the dealer's game definition (`--game`)",
                    def.num_players
                )
            } else {
                String::new()
            };
            NetError::Protocol(format!("{e} in `{text}`{hint}"))
        })?;
        if hand.to_act() != Some(state.position) {
            continue;
        }
        let observation = Observation::of(&hand, &history).expect("it is our turn");
        let action = bot.act(&observation);
        let limit = def.betting == BettingType::Limit;
        write!(writer, "{text}:{}\r\n", to_acpc(&hand, action, limit))?;
        writer.flush()?;
    }
}

/// Connects to a dealer with a short retry loop (the dealer may still be binding).
pub fn connect(address: &str, wait: Duration) -> Result<TcpStream, NetError> {
    let deadline = deadline_after(wait);
    loop {
        match TcpStream::connect(address) {
            Ok(stream) => return Ok(stream),
            Err(error) if std::time::Instant::now() >= deadline => return Err(error.into()),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
