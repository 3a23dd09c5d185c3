//! ACPC game definitions, `MATCHSTATE` lines and logs (ponder-acpc), and PHH hand histories
//! (ponder-holdem), with the engine as the referee of whatever they describe.

use std::sync::OnceLock;

use ponder_acpc::{log_line_to_record, replay_actions, to_acpc, AcpcAction, GameDef, MatchState};
use ponder_holdem::phh::{from_phh, to_phh};
use ponder_holdem::{random_action, Betting, Deal, HandState, Table};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{assert_column, texts};
use crate::{input_hash, text, Outcome, Target};

const HUNL: &str = "GAMEDEF
nolimit
numPlayers = 2
numRounds = 4
stack = 20000 20000
blind = 100 50
firstPlayer = 2 1 1 1
numSuits = 4
numRanks = 13
numHoleCards = 2
numBoardCards = 0 3 1 1
END GAMEDEF
";

const LIMIT3: &str = "# three-player limit, as in the ACPC
GAMEDEF
limit
numPlayers = 3
numRounds = 4
blind = 5 10 0
raiseSize = 10 10 20 20
firstPlayer = 3 1 1 1
maxRaises = 3 4 4 4
numSuits = 4
numRanks = 13
numHoleCards = 2
numBoardCards = 0 3 1 1
END GAMEDEF
";

const NL6: &str = "GAMEDEF
NoLimit
numPlayers = 6
numRounds = 4
stack = 10000 10000 10000 10000 10000 10000 # deep
blind = 50 100 0 0 0 0
firstPlayer = 3 1 1 1
numSuits = 4
numRanks = 13
numHoleCards = 2
numBoardCards = 0 3 1 1
end gamedef
";

/// The tables the match-state and log targets replay against: heads-up no-limit and 3-player limit.
fn tables() -> &'static [Table; 2] {
    static TABLES: OnceLock<[Table; 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        [HUNL, LIMIT3].map(|text| {
            GameDef::parse(text)
                .and_then(|def| def.table())
                .expect("the seed game definitions are valid")
        })
    })
}

/// Game definitions: printing is a fixed point; a table the parser accepts deals and plays.
pub(crate) const GAMEDEF: Target = Target {
    name: "acpc_gamedef",
    about: "GameDef::parse + table(): parse(print(d)) == d; an accepted table starts a hand and random legal play conserves chips",
    run: run_gamedef,
    seeds: || texts(&[HUNL, LIMIT3, NL6]),
    dictionary: &[
        "GAMEDEF", "END GAMEDEF", "limit", "nolimit", "numPlayers", "numRounds", "stack", "blind",
        "raiseSize", "firstPlayer", "maxRaises", "numSuits", "numRanks", "numHoleCards",
        "numBoardCards", " = ", "=", "#", "\n", " ", "0 3 1 1", "2 1 1 1", "3 1 1 1",
    ],
    mutate: None,
};

fn run_gamedef(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let def = GameDef::parse(text).map_err(|e| e.to_string())?;
    let printed = def.to_string();
    let again = GameDef::parse(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which fails: {e}"));
    assert_eq!(again, def, "{printed}");
    let table = def.table().map_err(|e| e.to_string())?;
    // The dealer starts every hand with `expect("the table was validated")`: an accepted table must
    // start a hand and play to its end with legal actions only.
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(bytes));
    for _ in 0..3 {
        play(&table, &mut rng).unwrap_or_else(|why| panic!("accepted table {table:?}: {why}"));
    }
    Ok(())
}

fn seed_of(bytes: &[u8]) -> u64 {
    u64::from_str_radix(&input_hash(bytes), 16).expect("hex")
}

/// Plays one random hand; refuses a hand whose chips are not conserved.
fn play(table: &Table, rng: &mut ChaCha8Rng) -> Result<HandState, String> {
    let deal = Deal::shuffled_with(table.config().stacks.len(), rng);
    let mut hand = HandState::new(table, deal).map_err(|e| format!("cannot start: {e}"))?;
    let mut steps = 0;
    while let Some(legal) = hand.legal() {
        let action = random_action(&legal, rng);
        hand.apply(action)
            .map_err(|e| format!("legal() offered {action:?}, apply refused it: {e}"))?;
        steps += 1;
        if steps > 10_000 {
            return Err("more than 10,000 actions in one hand".into());
        }
    }
    conserved(table, &hand)?;
    Ok(hand)
}

/// Chips in equal chips out, summed without overflow.
fn conserved(table: &Table, hand: &HandState) -> Result<(), String> {
    let before: u128 = table.config().stacks.iter().map(|&s| s as u128).sum();
    let after: u128 = hand.final_stacks().iter().map(|&s| s as u128).sum();
    let payoffs: i128 = hand.payoffs()[..hand.seats()]
        .iter()
        .map(|&p| p as i128)
        .sum();
    if before != after || payoffs != 0 {
        return Err(format!(
            "chips not conserved: {before} in, {after} out, payoffs sum to {payoffs}"
        ));
    }
    Ok(())
}

/// `MATCHSTATE` lines: printing is a fixed point; replay on two tables never panics and conserves chips.
pub(crate) const MATCHSTATE: Target = Target {
    name: "matchstate",
    about: "MatchState::parse: print(parse(x)) reads back equal; error columns inside the text; replay on heads-up no-limit and 3-player limit",
    run: run_matchstate,
    seeds: || {
        texts(&[
            "MATCHSTATE:0:30:cr250c/r500r1250c/:Ah4s|/8c7d5s/2h",
            "MATCHSTATE:1:0::|9hQd",
            "MATCHSTATE:0:7:r300c/cc/cc/r900f:AsKs|/2c3c4c/5d/6h",
            "MATCHSTATE:2:12:rrcc/crrcc:||5s5h/TcJcQc",
            "MATCHSTATE:1:3:cc/r20000c///:KhKd|2s2h/Ad7c3s/9d/Jh",
            "MATCHSTATE:0:1:r19999r20000c:AcAd|:c",
        ])
    },
    dictionary: &[
        "MATCHSTATE:", ":", "/", "|", "r", "c", "f", "k", "r100", "r20000", "cc", "Ah", "Ks", "2c", "Td",
        "0", "1", "2",
    ],
    mutate: None,
};

fn run_matchstate(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let state = MatchState::parse(text).map_err(|e| {
        assert_column(e.column, text, "MatchState::parse");
        e.to_string()
    })?;
    let printed = state.to_string();
    let again = MatchState::parse(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which fails: {e}"));
    assert_eq!(again, state, "{text:?} printed as {printed:?}");
    let mut outcome = Err("replayed on no table".to_string());
    for table in tables() {
        match replay_actions(table, &state) {
            Ok((hand, actions)) => {
                let given: usize = state.betting.iter().map(Vec::len).sum();
                assert_eq!(actions.len(), given, "{text:?}");
                if hand.is_over() {
                    conserved(table, &hand).unwrap_or_else(|why| panic!("{text:?}: {why}"));
                }
                outcome = Ok(());
            }
            Err(error) => {
                if outcome.is_err() {
                    outcome = Err(error.to_string());
                }
            }
        }
    }
    outcome
}

/// ACPC logs (`ponder acpc to-phh`): each `STATE:` line becomes a hand record and a PHH file.
pub(crate) const ACPC_LOG: Target = Target {
    name: "acpc_log",
    about: "log_line_to_record on heads-up no-limit and 3-player limit, then to_phh / from_phh: ponder reads back the PHH it writes, the same hand, chips conserved",
    run: run_acpc_log,
    seeds: acpc_log_seeds,
    dictionary: &[
        "STATE:", ":", "/", "|", "r", "c", "f", "r100", "r20000", "Ah", "Ks", "2c", "Td", "alice", "bob",
        "-100", "100", "0", "\n", "SCORE:",
    ],
    mutate: None,
};

fn run_acpc_log(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let mut accepted = 0;
    let mut last_error = "no STATE line".to_string();
    for line in text.lines().filter(|line| line.starts_with("STATE:")) {
        for table in tables() {
            let (record, _names) = match log_line_to_record(table, line) {
                Ok(read) => read,
                Err(error) => {
                    last_error = error.to_string();
                    continue;
                }
            };
            accepted += 1;
            let after: u128 = record.final_stacks.iter().map(|&s| s as u128).sum();
            let before: u128 = table.config().stacks.iter().map(|&s| s as u128).sum();
            assert_eq!(after, before, "{line:?}: chips not conserved");
            // PHH holds no-limit hands only; a limit table is refused with an error, not a panic.
            let Ok(phh) = to_phh(&record) else { continue };
            let read = from_phh(&phh).unwrap_or_else(|e| {
                panic!("{line:?}: ponder cannot read its own PHH ({e}):\n{phh}")
            });
            assert_eq!(to_phh(&read).as_deref(), Ok(phh.as_str()), "{line:?}");
        }
    }
    if accepted == 0 {
        return Err(last_error);
    }
    Ok(())
}

/// A finished random hand on `table`, as the `STATE:` line of an ACPC log.
fn log_line(table: &Table, hand_number: u64, rng: &mut ChaCha8Rng) -> String {
    let limit = matches!(table.config().betting, Betting::FixedLimit { .. });
    let deal = Deal::shuffled_with(table.config().stacks.len(), rng);
    let mut hand = HandState::new(table, deal).expect("the seed tables are valid");
    let mut rounds: Vec<Vec<AcpcAction>> = vec![Vec::new()];
    while let Some(legal) = hand.legal() {
        let action = random_action(&legal, rng);
        while rounds.len() <= hand.street() as usize {
            rounds.push(Vec::new());
        }
        rounds
            .last_mut()
            .expect("one round")
            .push(to_acpc(&hand, action, limit));
        hand.apply(action).expect("random actions are legal");
    }
    let seats = table.config().stacks.len();
    // A hand that reaches a showdown is logged with every round, as the dealers write it (`r20000c///`).
    if (0..seats).filter(|&s| !hand.has_folded(s)).count() > 1 {
        rounds.resize(4, Vec::new());
    }
    let betting: Vec<String> = rounds
        .iter()
        .map(|round| round.iter().map(ToString::to_string).collect())
        .collect();
    let holes: Vec<String> = (0..seats)
        .map(|s| format!("{}{}", deal.hole[s][0], deal.hole[s][1]))
        .collect();
    let mut cards = holes.join("|");
    for (round, range) in [(1, 0..3), (2, 3..4), (3, 4..5)] {
        if round < rounds.len() {
            cards.push('/');
            for card in &deal.board[range] {
                cards.push_str(&card.to_string());
            }
        }
    }
    let results: Vec<String> = hand.payoffs()[..seats].iter().map(i64::to_string).collect();
    let names: Vec<String> = (0..seats).map(|s| format!("bot{s}")).collect();
    format!(
        "STATE:{hand_number}:{}:{cards}:{}:{}",
        betting.join("/"),
        results.join("|"),
        names.join("|")
    )
}

/// Logs of random hands on both tables, keeping the lines the reader accepts.
fn acpc_log_seeds() -> Vec<Vec<u8>> {
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let mut seeds = Vec::new();
    for table in tables() {
        let mut log = String::from("# name/game/hands/seed ponder fuzz seed\n");
        for hand_number in 0..6 {
            let line = log_line(table, hand_number, &mut rng);
            if log_line_to_record(table, &line).is_ok() {
                log.push_str(&line);
                log.push('\n');
                seeds.push(format!("{line}\n").into_bytes());
            }
        }
        seeds.push(log.into_bytes());
    }
    seeds
}

/// PHH hand histories: ponder reads back what it writes from what it read.
pub(crate) const PHH: Target = Target {
    name: "phh",
    about: "phh::from_phh, then to_phh / from_phh: the same hand and the same text the second time",
    run: run_phh,
    seeds: || {
        let mut seeds = texts(&[
            include_str!("../../seeds/heads-up.phh"),
            include_str!("../../seeds/side-pots.phh"),
        ]);
        let mut rng = ChaCha8Rng::seed_from_u64(14);
        for _ in 0..4 {
            let record = ponder_holdem::random_hand(&Default::default(), &mut rng);
            if let Ok(text) = to_phh(&record) {
                seeds.push(text.into_bytes());
            }
        }
        seeds
    },
    dictionary: &[
        "variant",
        "\"NT\"",
        "\"FT\"",
        "ante_trimming_status",
        "antes",
        "blinds_or_straddles",
        "min_bet",
        "starting_stacks",
        "actions",
        "finishing_stacks",
        "\"d dh p1 AhKh\"",
        "\"p1 cc\"",
        "\"p2 f\"",
        "\"p1 cbr 100\"",
        "\"d db 2c3c4c\"",
        "\"p1 sm AhKh\"",
        "????",
        "p3",
        "cbr",
        "cc",
        "f",
        "sm",
        "d dh",
        "d db",
        "[",
        "]",
        ",",
        "=",
        "\n",
        "true",
        "0",
    ],
    mutate: None,
};

fn run_phh(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let record = from_phh(text).map_err(|e| e.to_string())?;
    let before: u128 = record.config.stacks.iter().map(|&s| s as u128).sum();
    if !record.final_stacks.is_empty() {
        let after: u128 = record.final_stacks.iter().map(|&s| s as u128).sum();
        assert_eq!(after, before, "chips not conserved");
    }
    let written = match to_phh(&record) {
        Ok(written) => written,
        Err(error) => panic!("ponder cannot write a hand it read: {error}"),
    };
    let read = from_phh(&written)
        .unwrap_or_else(|e| panic!("ponder cannot read its own PHH ({e}):\n{written}"));
    assert_eq!(read, record, "{written}");
    assert_eq!(to_phh(&read).as_deref(), Ok(written.as_str()));
    Ok(())
}
