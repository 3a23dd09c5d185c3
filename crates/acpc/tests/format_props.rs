//! Property tests over generated ACPC inputs: game definitions and `MATCHSTATE` lines built from their
//! parts print and parse back to the same value; `STATE` log lines of randomly played hands read back
//! into the same hand; damaged lines are refused with an error, never a panic.

use ponder_acpc::{
    log_line_to_record, replay_actions, to_acpc, AcpcAction, BettingType, GameDef, MatchState,
};
use ponder_cards::Card;
use ponder_holdem::{random_action, Betting, Deal, HandState, Table};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Any game definition the grammar allows (the engine may still refuse it): lists sized to match.
fn gamedef() -> impl Strategy<Value = GameDef> {
    (1usize..10, 1usize..6, any::<bool>()).prop_flat_map(|(players, rounds, limit)| {
        // Blinds may be 0; stacks and raise sizes are at least 1 chip (the parser bounds them on their line).
        let blinds = proptest::collection::vec(0u64..1_000_000, players);
        let stacks = proptest::collection::vec(1u64..1_000_000, players);
        let raises = proptest::collection::vec(1u64..1000, rounds);
        (
            blinds,
            proptest::option::of(stacks),
            raises,
            proptest::option::of(proptest::collection::vec(1usize..10, rounds)),
            proptest::option::of(proptest::collection::vec(0u8..=255, rounds)),
            (1usize..5, 1usize..14, 0usize..4),
            proptest::collection::vec(0usize..6, rounds),
        )
            .prop_map(
                move |(blind, stack, raise, first, caps, (suits, ranks, hole), board)| GameDef {
                    betting: if limit {
                        BettingType::Limit
                    } else {
                        BettingType::NoLimit
                    },
                    num_players: players,
                    num_rounds: rounds,
                    stack: stack.unwrap_or_default(),
                    blind,
                    // A limit game must give its raise sizes; a no-limit one may.
                    raise_size: if limit || raise[0] % 2 == 0 {
                        raise
                    } else {
                        vec![]
                    },
                    first_player: first.unwrap_or_default(),
                    max_raises: caps.unwrap_or_default(),
                    num_suits: suits,
                    num_ranks: ranks,
                    num_hole_cards: hole,
                    num_board_cards: board,
                },
            )
    })
}

/// A game definition printed with random spacing, key case, comments and blank lines.
fn respelled(def: &GameDef, noise: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in def.to_string().lines().enumerate() {
        let n = noise[i % noise.len()];
        let line = match line.split_once(" = ") {
            Some((key, value)) if n % 3 == 0 => format!("{}={value}", key.to_ascii_uppercase()),
            Some((key, value)) if n % 3 == 1 => format!("  {key}   =  {value}  # note"),
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
        if n % 5 == 0 {
            out.push_str("# a comment line\n\n");
        }
    }
    out
}

proptest! {
    #[test]
    fn game_definitions_round_trip(def in gamedef(), noise in proptest::collection::vec(any::<u8>(), 1..8)) {
        let printed = def.to_string();
        let parsed = GameDef::parse(&printed);
        prop_assert_eq!(parsed.as_ref(), Ok(&def), "{}", printed);
        let spelled = respelled(&def, &noise);
        let parsed = GameDef::parse(&spelled);
        prop_assert_eq!(parsed.as_ref(), Ok(&def), "{}", spelled);
    }

    #[test]
    fn a_missing_or_short_list_is_reported_at_its_line(def in gamedef(), drop in 0usize..4) {
        // Removing the last value of a per-player or per-round list is a length error on that line.
        let printed = def.to_string();
        let key = ["blind =", "numBoardCards =", "blind =", "numBoardCards ="][drop];
        let (number, line) = printed
            .lines()
            .enumerate()
            .find(|(_, l)| l.starts_with(key))
            .expect("printed");
        let short = line.rsplit_once(' ').expect("a value").0.to_string();
        let text = printed.replacen(line, &short, 1);
        let error = GameDef::parse(&text).expect_err("a value is missing");
        prop_assert_eq!(error.line, number + 1, "{}", error);
    }
}

/// A match state: positions with two or no hole cards, betting rounds, board rows.
fn match_state() -> impl Strategy<Value = MatchState> {
    let action = prop_oneof![
        Just(AcpcAction::Fold),
        Just(AcpcAction::Call),
        Just(AcpcAction::Raise(None)),
        (0u64..u64::MAX).prop_map(|n| AcpcAction::Raise(Some(n))),
    ];
    let cards = proptest::sample::subsequence((0u8..52).collect::<Vec<_>>(), 0..=20)
        .prop_shuffle()
        .prop_map(|cards| {
            cards
                .into_iter()
                .map(|i| Card::from_index(i).expect("below 52"))
                .collect::<Vec<_>>()
        });
    (
        0usize..9,
        any::<u64>(),
        proptest::collection::vec(proptest::collection::vec(action, 0..6), 1..5),
        cards,
        proptest::collection::vec(any::<bool>(), 1..9),
        proptest::collection::vec(0usize..4, 0..4),
    )
        .prop_map(|(position, hand_number, betting, cards, shown, rows)| {
            let mut cards = cards.into_iter();
            let hole = shown
                .iter()
                .map(|&show| {
                    if show {
                        cards.by_ref().take(2).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let board = rows
                .iter()
                .map(|&n| cards.by_ref().take(n).collect())
                .collect();
            MatchState {
                position,
                hand_number,
                betting,
                hole,
                board,
            }
        })
}

proptest! {
    #[test]
    fn match_states_round_trip(state in match_state()) {
        let printed = state.to_string();
        let parsed = MatchState::parse(&printed);
        prop_assert_eq!(parsed.as_ref(), Ok(&state), "{}", printed);
        // A reply (`:action`) and a line ending are ignored by the reader.
        let reply = MatchState::parse(&format!("{printed}:r200\r\n"));
        prop_assert_eq!(reply.as_ref(), Ok(&state), "{}", printed);
    }

    #[test]
    fn damaged_match_states_point_inside_the_line(state in match_state(), at in any::<prop::sample::Index>(), junk in "[^:]{1,3}") {
        let printed = state.to_string();
        let cut = at.index(printed.len() + 1);
        if printed.is_char_boundary(cut) {
            let text = format!("{}{}{}", &printed[..cut], junk, &printed[cut..]);
            if let Err(error) = MatchState::parse(&text) {
                prop_assert!(error.column >= 1 && error.column <= text.chars().count() + 1, "{} {}", text, error);
            }
        }
    }
}

fn tables() -> [Table; 2] {
    let limit3 = "GAMEDEF\nlimit\nnumPlayers = 3\nnumRounds = 4\nblind = 5 10 0\nraiseSize = 10 10 20 20\n\
                  firstPlayer = 3 1 1 1\nmaxRaises = 3 4 4 4\nnumSuits = 4\nnumRanks = 13\nnumHoleCards = 2\n\
                  numBoardCards = 0 3 1 1\nEND GAMEDEF\n";
    [
        GameDef::heads_up_no_limit().table().unwrap(),
        GameDef::parse(limit3).unwrap().table().unwrap(),
    ]
}

/// A random hand on `table` written as a log line, with the engine's final state.
fn played_line(table: &Table, seed: u64) -> (String, HandState) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let limit = matches!(table.config().betting, Betting::FixedLimit { .. });
    let deal = Deal::shuffled_with(table.config().stacks.len(), &mut rng);
    let mut hand = HandState::new(table, deal).unwrap();
    let mut rounds: Vec<String> = vec![String::new()];
    while let Some(legal) = hand.legal() {
        let action = random_action(&legal, &mut rng);
        while rounds.len() <= hand.street() as usize {
            rounds.push(String::new());
        }
        let written = to_acpc(&hand, action, limit).to_string();
        rounds.last_mut().unwrap().push_str(&written);
        hand.apply(action).unwrap();
    }
    let seats = table.config().stacks.len();
    // A hand that reaches a showdown is logged with every round, as the dealers write it (`r20000c///`).
    if (0..seats).filter(|&s| !hand.has_folded(s)).count() > 1 {
        rounds.resize(4, String::new());
    }
    let mut cards = (0..seats)
        .map(|s| format!("{}{}", deal.hole[s][0], deal.hole[s][1]))
        .collect::<Vec<_>>()
        .join("|");
    for (round, range) in [(1, 0..3), (2, 3..4), (3, 4..5)] {
        if round < rounds.len() {
            cards.push('/');
            cards.extend(deal.board[range].iter().map(|c| c.to_string()));
        }
    }
    let results: Vec<String> = hand.payoffs()[..seats]
        .iter()
        .map(|p| p.to_string())
        .collect();
    let names: Vec<String> = (0..seats).map(|s| format!("p{s}")).collect();
    let line = format!(
        "STATE:{seed}:{}:{cards}:{}:{}",
        rounds.join("/"),
        results.join("|"),
        names.join("|")
    );
    (line, hand)
}

proptest! {
    #[test]
    fn log_lines_of_played_hands_read_back(seed in any::<u64>(), which in 0usize..2) {
        let table = &tables()[which];
        let (line, hand) = played_line(table, seed);
        let (record, names) = log_line_to_record(table, &line)
            .map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
        prop_assert_eq!(&record.final_stacks[..], hand.final_stacks(), "{}", line);
        prop_assert_eq!(names.len(), table.config().stacks.len());
        // The replay of the same betting as a match state gives the same hand.
        let fields: Vec<&str> = line.split(':').collect();
        let state = MatchState::parse(&format!("MATCHSTATE:0:0:{}:{}", fields[2], fields[3])).unwrap();
        let (replayed, steps) = replay_actions(table, &state).unwrap();
        let actions: Vec<_> = steps.iter().map(|step| step.action).collect();
        prop_assert_eq!(actions, record.actions);
        prop_assert_eq!(replayed.final_stacks(), hand.final_stacks());
    }

    #[test]
    fn wrong_results_are_refused(seed in any::<u64>(), which in 0usize..2, delta in 1i64..1000) {
        let table = &tables()[which];
        let (line, hand) = played_line(table, seed);
        let mut fields: Vec<String> = line.split(':').map(str::to_string).collect();
        let results: Vec<String> = hand.payoffs()[..table.config().stacks.len()]
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 0 { p + delta } else { *p }.to_string())
            .collect();
        fields[4] = results.join("|");
        prop_assert!(log_line_to_record(table, &fields.join(":")).is_err());
    }
}
