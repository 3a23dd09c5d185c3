//! Parsing and printing of game definitions and match states, including malformed input.

use ponder_acpc::{
    replay, AcpcAction, BettingType, GameDef, GameDefErrorKind, MatchState, MatchStateErrorKind,
};
use proptest::prelude::*;

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

#[test]
fn game_definitions_parse_print_and_map_to_the_engine() {
    let def = GameDef::parse(HUNL).unwrap();
    assert_eq!(def, GameDef::heads_up_no_limit());
    assert_eq!(def.to_string(), HUNL);
    assert_eq!(GameDef::parse(&def.to_string()).unwrap(), def);
    let table = def.table().unwrap();
    let table = table.config();
    assert_eq!(
        (table.small_blind, table.big_blind, table.button),
        (50, 100, 1)
    );

    let limit = GameDef::parse(LIMIT3).unwrap();
    assert_eq!(limit.betting, BettingType::Limit);
    assert_eq!(GameDef::parse(&limit.to_string()).unwrap(), limit);
    let table = limit.table().unwrap();
    let table = table.config();
    assert_eq!(
        (table.small_blind, table.big_blind, table.button),
        (5, 10, 2)
    );
}

#[test]
fn bad_game_definitions_say_what_and_where() {
    let error = GameDef::parse(&HUNL.replace("numRounds = 4", "numRounds = four")).unwrap_err();
    assert_eq!(error.line, 4);
    assert!(matches!(error.kind, GameDefErrorKind::BadNumber { ref token, .. } if token == "four"));
    let error = GameDef::parse(&HUNL.replace("blind = 100 50", "blind = 100")).unwrap_err();
    assert_eq!(error.line, 6);
    assert!(matches!(
        error.kind,
        GameDefErrorKind::Length {
            key: "blind",
            found: 1,
            expected: 2
        }
    ));
    let error = GameDef::parse(&HUNL.replace("numSuits", "numColours")).unwrap_err();
    assert!(matches!(error.kind, GameDefErrorKind::UnknownKey(ref k) if k == "numColours"));
    let error = GameDef::parse(&HUNL.replace("END GAMEDEF", "")).unwrap_err();
    assert_eq!(error.kind, GameDefErrorKind::MissingEnd);
    let short_deck = GameDef::parse(&HUNL.replace("numRanks = 13", "numRanks = 9")).unwrap();
    assert!(matches!(
        short_deck.table().unwrap_err().kind,
        GameDefErrorKind::Unsupported(_)
    ));
}

#[test]
fn match_states_round_trip_and_replay() {
    let line = "MATCHSTATE:0:30:cr250c/r500r1250c/:Ah4s|/8c7d5s/2h";
    let state = MatchState::parse(line).unwrap();
    assert_eq!(state.position, 0);
    assert_eq!(state.hand_number, 30);
    assert_eq!(state.betting.len(), 3);
    assert_eq!(
        state.betting[1],
        [
            AcpcAction::Raise(Some(500)),
            AcpcAction::Raise(Some(1250)),
            AcpcAction::Call
        ]
    );
    assert_eq!(state.to_string(), line);
    let table = GameDef::heads_up_no_limit().table().unwrap();
    let hand = replay(&table, &state).unwrap();
    // Both put 1,250 in; on the turn position 0 (big blind) acts first.
    assert_eq!(hand.contributions(), [1250, 1250]);
    assert_eq!(hand.to_act(), Some(0));
    assert_eq!(hand.board().len(), 4);
}

#[test]
fn bad_match_states_say_what_and_where() {
    let error = MatchState::parse("MATCHSTATE:0:30:cx:Ah4s|").unwrap_err();
    assert_eq!(error.column, 18);
    assert_eq!(error.kind, MatchStateErrorKind::Action("x".into()));
    let error = MatchState::parse("MATCHSTATE:0:30:cc:Ah4z|").unwrap_err();
    assert_eq!(error.column, 22);
    assert_eq!(error.kind, MatchStateErrorKind::Card("4z".into()));
    assert_eq!(
        MatchState::parse("MATCH:0").unwrap_err().kind,
        MatchStateErrorKind::Prefix
    );
    let error = MatchState::parse("MATCHSTATE:a:30:cc:Ah4s|").unwrap_err();
    assert_eq!(error.kind, MatchStateErrorKind::Number("a".into()));
    // Parses, but the betting is impossible: a raise below the minimum.
    let table = GameDef::heads_up_no_limit().table().unwrap();
    let state = MatchState::parse("MATCHSTATE:0:1:r150:Ah4s|").unwrap();
    assert!(replay(&table, &state).is_err());
}

proptest! {
    #[test]
    fn parsers_never_panic(text in "\\PC{0,80}") {
        let _ = GameDef::parse(&text);
        let _ = MatchState::parse(&text);
        let _ = MatchState::parse(&format!("MATCHSTATE:{text}"));
    }

    #[test]
    fn replay_never_panics(betting in "[fcr0-9/]{0,30}", cards in "[2-9TJQKAcdhs|/]{0,24}") {
        let table = GameDef::heads_up_no_limit().table().unwrap();
        if let Ok(state) = MatchState::parse(&format!("MATCHSTATE:1:7:{betting}:{cards}")) {
            let _ = replay(&table, &state);
        }
    }
}

#[test]
fn amounts_are_bounded_on_the_line_that_gives_them() {
    let out_of_range = |text: &str| {
        let error = GameDef::parse(text).unwrap_err();
        match error.kind {
            GameDefErrorKind::OutOfRange { key, value, .. } => (error.line, key, value),
            other => panic!("{other}"),
        }
    };
    // Zero stacks and zero limit sizes used to pass and then panic at the first hand.
    assert_eq!(
        out_of_range(&HUNL.replace("stack = 20000 20000", "stack = 0 0")),
        (5, "stack", 0)
    );
    assert_eq!(
        out_of_range(&LIMIT3.replace("raiseSize = 10 10 20 20", "raiseSize = 0 0 0 0")),
        (7, "raiseSize", 0)
    );
    // Stacks near u64::MAX used to give hands that were not zero-sum.
    let huge = u64::MAX.to_string();
    assert_eq!(
        out_of_range(&HUNL.replace("stack = 20000 20000", &format!("stack = 20000 {huge}"))),
        (5, "stack", u64::MAX)
    );
    let limit = ponder_holdem::MAX_CHIPS;
    assert_eq!(
        out_of_range(&HUNL.replace("blind = 100 50", &format!("blind = {} 50", limit + 1))),
        (6, "blind", limit + 1)
    );
    let at_limit = HUNL.replace("stack = 20000 20000", &format!("stack = {limit} {limit}"));
    assert!(GameDef::parse(&at_limit).unwrap().table().is_ok());
    // maxRaises is a count below 256; a preflop cap of 255 used to wrap the engine's cap to 0.
    assert_eq!(
        out_of_range(&LIMIT3.replace("maxRaises = 3 4 4 4", "maxRaises = 256 4 4 4")),
        (9, "maxRaises", 256)
    );
    let wrapped = GameDef::parse(&LIMIT3.replace("maxRaises = 3 4 4 4", "maxRaises = 255 0 0 0"));
    assert!(matches!(
        wrapped.unwrap().table().unwrap_err().kind,
        GameDefErrorKind::Unsupported(_)
    ));
    let widest =
        GameDef::parse(&LIMIT3.replace("maxRaises = 3 4 4 4", "maxRaises = 254 255 255 255"));
    let table = widest.unwrap().table().unwrap();
    assert!(matches!(
        table.config().betting,
        ponder_holdem::Betting::FixedLimit {
            max_raises: 255,
            ..
        }
    ));
}

#[test]
fn a_definition_built_in_code_is_checked_not_indexed() {
    use ponder_holdem::ConfigError;
    let mut def = GameDef::heads_up_no_limit();
    def.stack = vec![0, 0];
    assert_eq!(
        def.table().unwrap_err().kind,
        GameDefErrorKind::Table(ConfigError::EmptyStack(0))
    );
    def.stack = vec![u64::MAX; 2];
    assert!(matches!(
        def.table().unwrap_err().kind,
        GameDefErrorKind::Table(ConfigError::TooManyChips { what: "stack", .. })
    ));
    // Lists of the wrong length are refused, not indexed out of bounds.
    let mut def = GameDef::heads_up_no_limit();
    def.blind = vec![100];
    assert!(matches!(
        def.table().unwrap_err().kind,
        GameDefErrorKind::Length { key: "blind", .. }
    ));
    let mut limit = GameDef::parse(LIMIT3).unwrap();
    limit.raise_size.clear();
    assert!(matches!(
        limit.table().unwrap_err().kind,
        GameDefErrorKind::Length {
            key: "raiseSize",
            ..
        }
    ));
    limit.raise_size = vec![0; 4];
    assert_eq!(
        limit.table().unwrap_err().kind,
        GameDefErrorKind::Table(ConfigError::LimitSizes)
    );
}
