//! Misbehaving peers and extreme settings (issue 15): clients that drip, stop reading, send an endless
//! line or bytes that are not UTF-8; stacks at the engine's limit; names that would break a log; and
//! the dealer stress test, 64 good matches at once with one match per kind of bad client beside them.
//! Every socket has a timeout and every bad client gives up on its own, so a regression fails a test
//! instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use ponder_acpc::{
    connect, read_log, run_client, run_match, ForfeitReason, GameDef, LogErrorKind, MatchOptions,
    MatchOutcome, NetError,
};
use ponder_bots::make_bot;
use ponder_holdem::MAX_CHIPS;

/// Time limit of the matches with a bad client: short, so the tests stay fast.
const SHORT: Duration = Duration::from_millis(500);

fn options(hands: u64, seed: u64, time_limit: Duration) -> MatchOptions {
    MatchOptions {
        hands,
        seed,
        duplicate: false,
        time_limit,
        names: Vec::new(),
    }
}

/// A built-in bot playing over `address`; a silent dealer fails it instead of hanging it.
fn good_client(
    address: String,
    def: Option<GameDef>,
    bot: &'static str,
    seed: u64,
) -> thread::JoinHandle<Result<u64, NetError>> {
    thread::spawn(move || {
        let stream = connect(&address, Duration::from_secs(10))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut bot = make_bot(bot, seed).unwrap();
        run_client(def.as_ref(), stream, bot.as_mut())
    })
}

/// Listens on `n` loopback ports.
fn listen(n: usize) -> (Vec<TcpListener>, Vec<String>) {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let addresses = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().to_string())
        .collect();
    (listeners, addresses)
}

fn accept(listeners: &[TcpListener]) -> Vec<TcpStream> {
    listeners.iter().map(|l| l.accept().unwrap().0).collect()
}

/// What a bad client does after its hello; it returns a count (bytes or replies) and must end on its
/// own.
type Behaviour = fn(TcpStream) -> u64;

/// A bad client: connects, says hello, then `behave`s with the socket.
fn bad_client(address: String, behave: Behaviour) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        let stream = connect(&address, Duration::from_secs(10)).unwrap();
        (&stream).write_all(b"VERSION:2.0.0\r\n").unwrap();
        behave(stream)
    })
}

/// Sends one byte every 100 ms (each well inside the time limit, the whole reply never), for at most
/// 10 s. Returns the bytes sent.
fn dripper(stream: TcpStream) -> u64 {
    let mut sent = 0;
    for _ in 0..100 {
        if (&stream).write_all(b"M").is_err() {
            break;
        }
        sent += 1;
        thread::sleep(Duration::from_millis(100));
    }
    sent
}

/// Never reads; answers blindly with garbage lines (played as calls), so the match goes on until the
/// dealer's messages fill the socket buffers. Returns the bytes sent.
fn non_reader(stream: TcpStream) -> u64 {
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let lines = b"x\r\n".repeat(4096);
    let mut sent = 0;
    // At most 48 MiB of answers: far more than the dealer needs to fill its buffers.
    for _ in 0..4096 {
        if (&stream).write_all(&lines).is_err() {
            break;
        }
        sent += lines.len() as u64;
    }
    // Stay connected (not reading) until the dealer gives up on us.
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    thread::sleep(Duration::from_secs(3));
    sent
}

/// Streams a 300 MiB line without a newline from a 64 KiB buffer (nothing on disk). Returns the bytes
/// the dealer accepted before closing the connection.
fn long_liner(stream: TcpStream) -> u64 {
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let chunk = vec![b'M'; 64 << 10];
    let mut sent = 0;
    while sent < 300 << 20 {
        match (&stream).write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(count) => sent += count as u64,
        }
    }
    sent
}

/// Answers every turn with the state and a byte that is not UTF-8 as its action.
fn non_utf8(stream: TcpStream) -> u64 {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let table = GameDef::heads_up_no_limit().table().unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut answered = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return answered;
        }
        let text = line.trim_end();
        let state = ponder_acpc::MatchState::parse(text).unwrap();
        let hand = ponder_acpc::replay(&table, &state).unwrap();
        if hand.to_act() == Some(state.position) {
            let mut reply = format!("{text}:").into_bytes();
            reply.extend_from_slice(b"\xff\xfe\r\n");
            if writer.write_all(&reply).is_err() {
                return answered;
            }
            answered += 1;
        }
    }
}

/// A heads-up match between a calling station (player 0) and a bad client (player 1, the button of
/// hand 0, so it acts first). Returns the outcome, the log, how long the match took and what the bad
/// client returned.
fn match_against(
    behave: Behaviour,
    hands: u64,
    time_limit: Duration,
) -> (MatchOutcome, String, Duration, u64) {
    let def = GameDef::heads_up_no_limit();
    let (listeners, addresses) = listen(2);
    let good = good_client(addresses[0].clone(), Some(def.clone()), "call", 0);
    let bad = bad_client(addresses[1].clone(), behave);
    let streams = accept(&listeners);
    let mut log = Vec::new();
    let start = Instant::now();
    let outcome = run_match(&def, streams, &options(hands, 5, time_limit), &mut log).unwrap();
    let took = start.elapsed();
    // The good client sees the dealer close and ends (how, depends on when the match stopped).
    let _ = good.join().unwrap();
    let bad_result = bad.join().unwrap();
    (outcome, String::from_utf8(log).unwrap(), took, bad_result)
}

#[test]
fn a_dripping_client_forfeits_at_its_reply_deadline() {
    let (outcome, _, took, _) = match_against(dripper, 100, SHORT);
    let forfeit = outcome.forfeit.expect("the dripper forfeits");
    assert_eq!(
        (forfeit.player, forfeit.reason),
        (1, ForfeitReason::TimedOut)
    );
    // One reply deadline (plus the hello and scheduling slack), not the 10 s the drip lasts.
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_client_that_stops_reading_forfeits_at_a_write_deadline() {
    let (outcome, log, took, _) = match_against(non_reader, 1_000_000, SHORT);
    let forfeit = outcome.forfeit.expect("the non-reader forfeits");
    assert_eq!(
        (forfeit.player, forfeit.reason),
        (1, ForfeitReason::NotReading)
    );
    assert!(
        outcome.hands > 0 && outcome.invalid_actions > 0,
        "{outcome:?}"
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    // Every hand it played is in the log, then the score.
    assert_eq!(
        log.lines().filter(|l| l.starts_with("STATE:")).count() as u64,
        outcome.hands
    );
    assert!(log.lines().last().unwrap().starts_with("SCORE:"));
}

#[test]
fn an_endless_line_forfeits_without_being_buffered() {
    let (outcome, _, took, accepted) = match_against(long_liner, 100, SHORT);
    let forfeit = outcome.forfeit.expect("the long line forfeits");
    assert_eq!(
        (forfeit.player, forfeit.reason),
        (1, ForfeitReason::LineTooLong)
    );
    // The dealer stopped reading after a reply's worth of bytes: the client could not hand it the
    // 300 MiB (what it got through is the socket buffers, a few MiB at most).
    assert!(accepted < 64 << 20, "the dealer took {accepted} bytes");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_reply_that_is_not_utf8_is_an_invalid_action_not_a_forfeit() {
    let (outcome, log, _, answered) = match_against(non_utf8, 50, Duration::from_secs(10));
    assert_eq!(outcome.forfeit, None);
    assert_eq!(outcome.hands, 50);
    // Every answer of the bad client was played as a call and counted.
    assert_eq!(outcome.invalid_actions, answered);
    assert!(answered >= 50);
    assert_eq!(log.lines().count(), 51);
}

#[test]
fn a_bad_hello_forfeits() {
    let def = GameDef::heads_up_no_limit();
    let (listeners, addresses) = listen(2);
    let good = good_client(addresses[0].clone(), Some(def.clone()), "call", 0);
    let bad = thread::spawn({
        let address = addresses[1].clone();
        move || {
            let stream = connect(&address, Duration::from_secs(10)).unwrap();
            (&stream).write_all(b"HELLO\r\n").unwrap();
            let mut rest = Vec::new();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            (&stream).read_to_end(&mut rest).ok();
        }
    });
    let streams = accept(&listeners);
    let outcome = run_match(&def, streams, &options(10, 1, SHORT), &mut Vec::new()).unwrap();
    let forfeit = outcome.forfeit.unwrap();
    assert_eq!(
        (forfeit.player, forfeit.reason),
        (1, ForfeitReason::BadVersion)
    );
    good.join().unwrap().unwrap();
    bad.join().unwrap();
}

/// Plays `hands` hands between two bots over loopback at `def`; returns the outcome and the log.
fn bot_match(
    def: &GameDef,
    bots: &[&'static str],
    hands: u64,
    seed: u64,
    time_limit: Duration,
) -> (MatchOutcome, String) {
    let (listeners, addresses) = listen(bots.len());
    let clients: Vec<_> = addresses
        .into_iter()
        .zip(bots)
        .enumerate()
        .map(|(i, (address, bot))| good_client(address, Some(def.clone()), bot, i as u64))
        .collect();
    let streams = accept(&listeners);
    let mut log = Vec::new();
    let outcome = run_match(def, streams, &options(hands, seed, time_limit), &mut log).unwrap();
    for client in clients {
        client.join().unwrap().unwrap();
    }
    (outcome, String::from_utf8(log).unwrap())
}

#[test]
fn an_unbounded_time_limit_does_not_overflow_the_deadline() {
    let def = GameDef::heads_up_no_limit();
    let (outcome, log) = bot_match(&def, &["call", "random"], 20, 4, Duration::MAX);
    assert_eq!((outcome.hands, outcome.forfeit), (20, None));
    assert_eq!(log.lines().count(), 21);
}

#[test]
fn stacks_at_the_chip_limit_conserve_chips_in_every_logged_hand() {
    let text = format!(
        "GAMEDEF\nnolimit\nnumPlayers = 3\nnumRounds = 4\nstack = {MAX_CHIPS} {MAX_CHIPS} {MAX_CHIPS}\n\
         blind = 1 2 0\nfirstPlayer = 3 1 1 1\nnumSuits = 4\nnumRanks = 13\nnumHoleCards = 2\n\
         numBoardCards = 0 3 1 1\nEND GAMEDEF\n"
    );
    let def = GameDef::parse(&text).unwrap();
    // The raise bot always bets the maximum: every hand is all-in for 2^48 chips.
    let (outcome, log) = bot_match(
        &def,
        &["raise", "call", "random"],
        300,
        9,
        Duration::from_secs(10),
    );
    assert_eq!(outcome.hands, 300);
    assert_eq!(outcome.totals.iter().sum::<i128>(), 0);
    let mut all_in_pots = 0;
    for line in log.lines().filter(|l| l.starts_with("STATE:")) {
        let results: Vec<i128> = line
            .split(':')
            .nth(4)
            .unwrap()
            .split('|')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(results.iter().sum::<i128>(), 0, "{line}");
        all_in_pots += usize::from(
            results
                .iter()
                .any(|&r| r.unsigned_abs() >= u128::from(MAX_CHIPS)),
        );
    }
    assert!(
        all_in_pots > 50,
        "only {all_in_pots} hands moved a whole stack"
    );
    // The reader replays every hand against the engine and checks the closing score.
    let read = read_log(&def.table().unwrap(), &log).unwrap();
    assert_eq!(read.hands.len(), 300);
    let score = read.score.unwrap();
    let scored: i128 = score.iter().map(|(_, total)| total).sum();
    assert_eq!(scored, 0);
}

#[test]
fn the_log_ends_with_the_reference_score_line_and_the_reader_checks_it() {
    let def = GameDef::heads_up_no_limit();
    let (listeners, addresses) = listen(2);
    let clients: Vec<_> = addresses
        .into_iter()
        .zip(["random", "raise"])
        .enumerate()
        .map(|(i, (address, bot))| good_client(address, Some(def.clone()), bot, i as u64))
        .collect();
    let streams = accept(&listeners);
    let mut log = Vec::new();
    let mut options = options(40, 3, Duration::from_secs(10));
    options.names = vec!["alice".into(), "bob".into()];
    let outcome = run_match(&def, streams, &options, &mut log).unwrap();
    for client in clients {
        client.join().unwrap().unwrap();
    }
    let log = String::from_utf8(log).unwrap();
    let last = log.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "SCORE:{}|{}:alice|bob",
            outcome.totals[0], outcome.totals[1]
        )
    );
    let table = def.table().unwrap();
    let read = read_log(&table, &log).unwrap();
    assert_eq!(
        read.score.unwrap(),
        [
            ("alice".to_string(), outcome.totals[0]),
            ("bob".to_string(), outcome.totals[1])
        ]
    );
    // A score that does not add up is refused, naming its line.
    let lines = log.lines().count();
    let forged = log.replace(
        last,
        &format!(
            "SCORE:{}|{}:alice|bob",
            outcome.totals[0] + 1,
            outcome.totals[1] - 1
        ),
    );
    let error = read_log(&table, &forged).unwrap_err();
    assert_eq!(error.line, lines);
    assert!(matches!(error.kind, LogErrorKind::ScoreMismatch { ref name, .. } if name == "alice"));
    // So are garbage, a line after the score, and a log without hands.
    let error = read_log(&table, &format!("{log}garbage\n")).unwrap_err();
    assert_eq!(
        (error.line, error.kind),
        (lines + 1, LogErrorKind::AfterScore)
    );
    let error = read_log(&table, "garbage\n").unwrap_err();
    assert_eq!((error.line, error.kind), (1, LogErrorKind::UnknownLine));
    assert_eq!(
        read_log(&table, "").unwrap_err().kind,
        LogErrorKind::NoHands
    );
    // A reference log may start with comments and have no score.
    let without_score = format!("# a comment\n{}", log.replace(last, ""));
    assert_eq!(read_log(&table, &without_score).unwrap().hands.len(), 40);
}

#[test]
fn names_that_would_break_a_log_are_refused() {
    let def = GameDef::heads_up_no_limit();
    for bad in ["a|b", "c:d", "a b", "tab\there", "", "bell\u{7}"] {
        let mut options = options(1, 0, SHORT);
        options.names = vec![bad.to_string(), "fine".to_string()];
        // Refused before any connection is touched.
        let error = run_match(&def, Vec::new(), &options, &mut Vec::new()).unwrap_err();
        assert!(matches!(error, NetError::Name(_)), "{bad:?}: {error}");
    }
    assert!(ponder_acpc::check_name("alice-2_x.y\"quote").is_ok());
}

#[test]
fn a_definition_the_engine_refuses_never_reaches_a_hand() {
    // Before the fix these were accepted and the dealer panicked at its first hand.
    let mut zero_stacks = GameDef::heads_up_no_limit();
    zero_stacks.stack = vec![0, 0];
    let mut zero_sizes = GameDef::parse(
        "GAMEDEF\nlimit\nnumPlayers = 2\nnumRounds = 4\nblind = 10 5\nraiseSize = 10 10 20 20\n\
         firstPlayer = 2 1 1 1\nmaxRaises = 3 4 4 4\nnumSuits = 4\nnumRanks = 13\nnumHoleCards = 2\n\
         numBoardCards = 0 3 1 1\nEND GAMEDEF\n",
    )
    .unwrap();
    zero_sizes.raise_size = vec![0; 4];
    for def in [zero_stacks, zero_sizes] {
        assert!(def.table().is_err());
        let error = run_match(&def, Vec::new(), &options(1, 0, SHORT), &mut Vec::new());
        assert!(matches!(error, Err(NetError::Game(_))), "{error:?}");
    }
}

#[test]
fn a_client_without_a_definition_takes_the_player_count_from_the_dealer() {
    let def = GameDef::no_limit(3);
    let (listeners, addresses) = listen(3);
    let clients: Vec<_> = addresses
        .into_iter()
        .enumerate()
        .map(|(i, address)| good_client(address, None, "random", i as u64))
        .collect();
    let streams = accept(&listeners);
    let outcome = run_match(
        &def,
        streams,
        &options(60, 2, Duration::from_secs(10)),
        &mut Vec::new(),
    )
    .unwrap();
    assert_eq!(
        (outcome.hands, outcome.forfeit, outcome.invalid_actions),
        (60, None, 0)
    );
    for client in clients {
        assert_eq!(client.join().unwrap().unwrap(), 60);
    }
}

/// Checks that no error in the chain repeats its source's message, since the CLI prints the chain.
fn assert_says_each_thing_once(error: &dyn std::error::Error) {
    let mut current = error;
    while let Some(source) = current.source() {
        let (outer, inner) = (current.to_string(), source.to_string());
        assert!(
            !outer.contains(&inner),
            "`{outer}` repeats its source `{inner}`"
        );
        current = source;
    }
}

#[test]
fn errors_say_each_thing_once() {
    let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
    assert_says_each_thing_once(&NetError::from(reset));
    let table = GameDef::heads_up_no_limit().table().unwrap();
    let state = ponder_acpc::MatchState::parse("MATCHSTATE:0:1:r1:Ah4s|").unwrap();
    let illegal = ponder_acpc::replay(&table, &state).unwrap_err();
    assert_says_each_thing_once(&illegal);
    // The engine's reason is said once in the message.
    assert_eq!(illegal.to_string().matches("not 1").count(), 1, "{illegal}");
    let mut def = GameDef::heads_up_no_limit();
    def.stack = vec![0, 0];
    assert_says_each_thing_once(&NetError::from(def.table().unwrap_err()));
    let log = read_log(&table, "STATE:0:r1:Ah4s|2c2d:1|-1:a|b\n").unwrap_err();
    assert_says_each_thing_once(&log);
}

/// The stress test: 64 well-behaved matches at once, and beside them one match per kind of bad
/// client. Every good match completes with every hand logged; every bad client forfeits its own
/// match within its deadline.
#[test]
fn sixty_four_good_matches_go_on_beside_every_kind_of_bad_client() {
    const HANDS: u64 = 200;
    let bad: [(Behaviour, ForfeitReason, Duration); 3] = [
        (dripper, ForfeitReason::TimedOut, Duration::from_secs(4)),
        (
            long_liner,
            ForfeitReason::LineTooLong,
            Duration::from_secs(6),
        ),
        (
            non_reader,
            ForfeitReason::NotReading,
            Duration::from_secs(40),
        ),
    ];
    let bad_matches: Vec<_> = bad
        .into_iter()
        .map(|(behave, reason, within)| {
            thread::spawn(move || {
                let (outcome, _, took, _) = match_against(behave, 1_000_000, SHORT);
                let forfeit = outcome.forfeit.expect("the bad client forfeits");
                assert_eq!((forfeit.player, forfeit.reason), (1, reason));
                assert!(took < within, "{reason:?} after {took:?}");
            })
        })
        .collect();
    let good_matches: Vec<_> = (0..64)
        .map(|seed| {
            thread::spawn(move || {
                let def = GameDef::heads_up_no_limit();
                bot_match(
                    &def,
                    &["random", "call"],
                    HANDS,
                    seed,
                    Duration::from_secs(30),
                )
            })
        })
        .collect();
    for handle in good_matches {
        let (outcome, log) = handle.join().unwrap();
        assert_eq!((outcome.hands, outcome.forfeit), (HANDS, None));
        assert_eq!(outcome.totals.iter().sum::<i128>(), 0);
        let table = GameDef::heads_up_no_limit().table().unwrap();
        let read = read_log(&table, &log).unwrap();
        assert_eq!(read.hands.len() as u64, HANDS);
        assert!(read.score.is_some());
    }
    for handle in bad_matches {
        handle.join().unwrap();
    }
}
