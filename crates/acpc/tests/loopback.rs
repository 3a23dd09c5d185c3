//! Dealer and clients over real loopback sockets: full matches, many at once, and misbehaving clients.
//! Every socket has a timeout and every loop is bounded, so a bug fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use ponder_acpc::{
    connect, run_client, run_match, ForfeitReason, GameDef, MatchOptions, MatchOutcome,
};
use ponder_bots::make_bot;

fn options(hands: u64, seed: u64) -> MatchOptions {
    MatchOptions {
        hands,
        seed,
        duplicate: false,
        time_limit: Duration::from_secs(10),
        names: vec!["a".into(), "b".into()],
    }
}

/// Runs a match between two built-in bots over loopback; returns the outcome and the log.
fn bot_match(bots: [&'static str; 2], options: &MatchOptions) -> (MatchOutcome, String) {
    let def = GameDef::heads_up_no_limit();
    let listeners: Vec<TcpListener> = (0..2)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let clients: Vec<_> = listeners
        .iter()
        .zip(bots)
        .enumerate()
        .map(|(i, (listener, name))| {
            let address = listener.local_addr().unwrap().to_string();
            let def = def.clone();
            thread::spawn(move || {
                let stream = connect(&address, Duration::from_secs(5)).unwrap();
                // A silent dealer fails the test instead of hanging it.
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                let mut bot = make_bot(name, i as u64).unwrap();
                run_client(Some(&def), stream, bot.as_mut()).unwrap()
            })
        })
        .collect();
    let streams = listeners.iter().map(|l| l.accept().unwrap().0).collect();
    let mut log = Vec::new();
    let outcome = run_match(&def, streams, options, &mut log).unwrap();
    for client in clients {
        client.join().unwrap();
    }
    (outcome, String::from_utf8(log).unwrap())
}

#[test]
fn a_match_conserves_chips_and_logs_every_hand() {
    let (outcome, log) = bot_match(["random", "raise"], &options(2_000, 7));
    assert_eq!(outcome.hands, 2_000);
    assert_eq!(outcome.forfeit, None);
    assert_eq!(outcome.invalid_actions, 0);
    assert_eq!(outcome.totals.iter().sum::<i128>(), 0);
    // One line per hand, then the score.
    assert_eq!(log.lines().count(), 2_001);
    assert!(log.lines().last().unwrap().starts_with("SCORE:"));
    let first = log.lines().next().unwrap();
    assert!(first.starts_with("STATE:0:"), "{first}");
    // Players alternate positions: the names in the log swap every hand.
    assert!(first.ends_with(":a|b"));
    assert!(log.lines().nth(1).unwrap().ends_with(":b|a"));
}

#[test]
fn logs_convert_to_hand_records_and_phh() {
    let (_, log) = bot_match(["random", "raise"], &options(300, 21));
    let table = GameDef::heads_up_no_limit().table().unwrap();
    for line in log.lines().filter(|line| line.starts_with("STATE:")) {
        let (record, names) = ponder_acpc::log_line_to_record(&table, line).unwrap();
        assert_eq!(names.len(), 2);
        let phh = ponder_holdem::phh::to_phh(&record).unwrap();
        let back = ponder_holdem::phh::from_phh(&phh).unwrap();
        assert_eq!(back.actions, record.actions);
    }
    let damaged = log
        .lines()
        .next()
        .unwrap()
        .replace(":STATE", "")
        .replacen('|', "|9", 1);
    assert!(ponder_acpc::log_line_to_record(&table, &damaged).is_err());
}

#[test]
fn same_seed_same_cards() {
    let (_, first) = bot_match(["call", "call"], &options(50, 11));
    let (_, second) = bot_match(["call", "call"], &options(50, 11));
    assert_eq!(first, second);
    let (_, other) = bot_match(["call", "call"], &options(50, 12));
    assert_ne!(first, other);
}

#[test]
fn duplicate_deals_each_hand_from_both_seats() {
    let mut options = options(40, 3);
    options.duplicate = true;
    let (outcome, log) = bot_match(["call", "call"], &options);
    assert_eq!(outcome.hands, 40);
    let cards: Vec<&str> = log
        .lines()
        .filter(|line| line.starts_with("STATE:"))
        .map(|l| l.split(':').nth(3).unwrap())
        .collect();
    for pair in cards.chunks(2) {
        assert_eq!(pair[0], pair[1], "the same cards twice in a row");
    }
    // Two calling stations with swapped seats over the same cards break exactly even.
    assert_eq!(outcome.totals, [0, 0]);
}

#[test]
fn sixty_four_matches_at_once() {
    let matches: Vec<_> = (0..64)
        .map(|i| thread::spawn(move || bot_match(["random", "call"], &options(200, i)).0))
        .collect();
    for handle in matches {
        let outcome = handle.join().unwrap();
        assert_eq!(outcome.hands, 200);
        assert_eq!(outcome.forfeit, None);
        assert_eq!(outcome.totals.iter().sum::<i128>(), 0);
    }
}

/// A client that says hello, then answers every turn with `reply(line)`, for `turns` turns.
fn rogue(address: String, turns: usize, reply: fn(&str) -> String) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let stream = connect(&address, Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        writer.write_all(b"VERSION:2.0.0\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        let mut answered = 0;
        while answered < turns {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            // Answer only states where it is plausibly our turn: reply to every state; the dealer
            // reads only the acting player's socket, so extra replies are read as garbage later.
            let text = line.trim_end();
            let state = ponder_acpc::MatchState::parse(text).unwrap();
            let table = GameDef::heads_up_no_limit().table().unwrap();
            let hand = ponder_acpc::replay(&table, &state).unwrap();
            if hand.to_act() == Some(state.position) {
                writer.write_all(reply(text).as_bytes()).unwrap();
                answered += 1;
            }
        }
    })
}

fn match_with_rogue(turns: usize, reply: fn(&str) -> String) -> MatchOutcome {
    let def = GameDef::heads_up_no_limit();
    let good = TcpListener::bind("127.0.0.1:0").unwrap();
    let bad = TcpListener::bind("127.0.0.1:0").unwrap();
    let good_address = good.local_addr().unwrap().to_string();
    let def_for_client = def.clone();
    let client = thread::spawn(move || {
        let stream = connect(&good_address, Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut bot = make_bot("call", 0).unwrap();
        run_client(Some(&def_for_client), stream, bot.as_mut())
    });
    let rogue = rogue(bad.local_addr().unwrap().to_string(), turns, reply);
    let streams = vec![good.accept().unwrap().0, bad.accept().unwrap().0];
    let mut options = options(100, 5);
    options.time_limit = Duration::from_millis(500);
    let outcome = run_match(&def, streams, &options, &mut std::io::sink()).unwrap();
    drop(client.join().unwrap());
    rogue.join().unwrap();
    outcome
}

#[test]
fn garbage_actions_are_played_as_calls() {
    let outcome = match_with_rogue(usize::MAX, |line| format!("{line}:bogus\r\n"));
    assert_eq!(outcome.hands, 100);
    assert_eq!(outcome.forfeit, None);
    assert!(outcome.invalid_actions >= 100, "{outcome:?}");
    let outcome = match_with_rogue(usize::MAX, |_| "not even a match state\r\n".to_string());
    assert_eq!(outcome.hands, 100);
    assert!(outcome.invalid_actions >= 100);
}

#[test]
fn a_client_that_leaves_forfeits_without_hurting_the_dealer() {
    let outcome = match_with_rogue(5, |line| format!("{line}:c\r\n"));
    assert_eq!(
        outcome.forfeit.map(|f| (f.player, f.reason)),
        Some((1, ForfeitReason::Disconnected))
    );
    assert!(outcome.hands < 100);
    assert_eq!(outcome.totals.iter().sum::<i128>(), 0);
}
