//! One test per rule of the engine, on hands small enough to check by hand.

use ponder_cards::parse_cards;
use ponder_holdem::{
    Action, ActionError, Betting, ConfigError, Deal, HandState, Street, Table, TableConfig,
    MAX_CHIPS,
};

/// A deal from text: hole cards per seat, then the board.
fn deal(holes: &[&str], board: &str) -> Deal {
    let mut deal = Deal::shuffled(9, 0);
    // Start from a deal whose unused cards avoid the ones we place.
    let mut used = 0u64;
    for (seat, text) in holes.iter().enumerate() {
        let cards = parse_cards(text).unwrap();
        deal.hole[seat] = [cards[0], cards[1]];
        used |= cards[0].bit() | cards[1].bit();
    }
    let board = parse_cards(board).unwrap();
    for (slot, card) in deal.board.iter_mut().zip(&board) {
        *slot = *card;
        used |= card.bit();
    }
    let mut spare = ponder_cards::Card::all().filter(|c| used & c.bit() == 0);
    for seat in holes.len()..9 {
        deal.hole[seat] = [spare.next().unwrap(), spare.next().unwrap()];
    }
    deal
}

fn nl(stacks: &[u64], button: usize) -> TableConfig {
    TableConfig::new(stacks.to_vec(), button, 1, 2, Betting::NoLimit)
}

/// The checked table of a configuration the test knows to be valid.
fn table(config: &TableConfig) -> Table {
    config.validate().unwrap()
}

fn play(hand: &mut HandState, actions: &[Action]) {
    for &action in actions {
        hand.apply(action)
            .unwrap_or_else(|e| panic!("{action}: {e}"));
    }
}

use Action::{CheckCall as C, Fold as F, RaiseTo as R};

#[test]
fn heads_up_button_posts_small_blind_and_acts_first_preflop_last_after() {
    let mut hand = HandState::new(
        &table(&nl(&[100, 100], 1)),
        deal(&["AsKs", "2c7d"], "3h4h5h9cTd"),
    )
    .unwrap();
    assert_eq!(hand.street_bets(), [2, 1]);
    assert_eq!(hand.to_act(), Some(1));
    play(&mut hand, &[C, C]);
    assert_eq!(hand.street(), Street::Flop);
    assert_eq!(
        hand.to_act(),
        Some(0),
        "big blind acts first after the flop"
    );
}

#[test]
fn min_raise_is_the_last_full_raise() {
    let mut hand = HandState::new(
        &table(&nl(&[500; 4], 0)),
        deal(&["AsKs", "2c7d", "3c8d", "4c9d"], "3h4h5h9cTd"),
    )
    .unwrap();
    // Seat 3 (UTG) opens; the minimum raise-to is the big blind plus a big blind.
    assert_eq!(hand.legal().unwrap().raise, Some((4, 500)));
    play(&mut hand, &[R(10)]);
    // A raise of 8 more: the next minimum is 10 + 8.
    assert_eq!(hand.legal().unwrap().raise, Some((18, 500)));
    assert_eq!(
        hand.apply(R(17)),
        Err(ActionError::RaiseSize {
            seat: 0,
            amount: 17,
            min: 18,
            max: 500
        })
    );
}

#[test]
fn short_all_in_does_not_reopen_the_betting() {
    // Seat 3 opens to 10 (raise of 8); seat 0 goes all-in to 14 (4 more: short); the others call.
    let stacks = [14, 500, 500, 500];
    let mut hand = HandState::new(
        &table(&nl(&stacks, 0)),
        deal(&["AsKs", "2c7d", "3c8d", "4c9d"], "3h4h5h9cTd"),
    )
    .unwrap();
    play(&mut hand, &[R(10), R(14)]);
    // The blinds have not acted since the full raise: they may re-raise.
    assert!(hand.legal().unwrap().raise.is_some());
    play(&mut hand, &[C, C]);
    // Back to the opener, who faces only the short all-in: call or fold, no raise.
    assert_eq!(hand.to_act(), Some(3));
    let legal = hand.legal().unwrap();
    assert_eq!(legal.call, 4);
    assert_eq!(legal.raise, None);
    assert_eq!(hand.apply(R(30)), Err(ActionError::RaiseNotAllowed(3)));
}

#[test]
fn uncalled_bet_is_returned() {
    let mut hand = HandState::new(
        &table(&nl(&[100, 300], 0)),
        deal(&["AsKs", "2c7d"], "3h4h5h9cTd"),
    )
    .unwrap();
    // The big blind shoves 300 at a 100-chip stack that calls: 200 of it was never called.
    play(&mut hand, &[C, R(300), C]);
    assert!(hand.is_over());
    // Ace high beats ten high: the pot is 2 x 100.
    assert_eq!(hand.final_stacks(), [200, 200]);
}

#[test]
fn side_pots_go_to_the_best_hand_among_those_who_reached_them() {
    // Seat 1 (50 chips) has the best hand, seat 2 (150) the second best, seat 0 (300) the worst.
    let mut hand = HandState::new(
        &table(&nl(&[300, 50, 150], 0)),
        deal(&["7c6c", "KsKh", "AsAh"], "2c3d8hJsKd"),
    )
    .unwrap();
    play(&mut hand, &[R(300), C, C]);
    assert!(hand.is_over());
    // Main pot 3 x 50 to seat 1; side pot 2 x 100 to seat 2; seat 0's uncalled 150 comes back.
    assert_eq!(hand.final_stacks(), [150, 150, 200]);
}

#[test]
fn odd_chip_goes_to_the_first_winner_left_of_the_button() {
    let mut config = nl(&[100, 100, 100], 0);
    config.ante = 1;
    let mut hand = HandState::new(
        &table(&config),
        deal(&["2c3d", "4c5d", "6c7d"], "AsKsQsJsTs"),
    )
    .unwrap();
    play(&mut hand, &[F, C, C, C, C, C, C, C, C]);
    assert!(hand.is_over());
    // The board plays: 7 chips split 4/3, the odd one to seat 1.
    assert_eq!(hand.final_stacks(), [99, 101, 100]);
}

#[test]
fn refuses_illegal_actions_without_changing_the_state() {
    let mut hand = HandState::new(
        &table(&nl(&[100, 100], 0)),
        deal(&["AsKs", "2c7d"], "3h4h5h9cTd"),
    )
    .unwrap();
    play(&mut hand, &[C]);
    let before = hand;
    assert_eq!(hand.apply(F), Err(ActionError::NothingToFold(1)));
    assert_eq!(
        hand.apply(R(101)),
        Err(ActionError::RaiseSize {
            seat: 1,
            amount: 101,
            min: 4,
            max: 100
        })
    );
    assert_eq!(hand, before);
}

#[test]
fn fixed_limit_caps_the_raises() {
    let config = TableConfig::new(
        vec![1000, 1000],
        0,
        1,
        2,
        Betting::FixedLimit {
            small_bet: 2,
            big_bet: 4,
            max_raises: 4,
        },
    );
    let mut hand = HandState::new(&table(&config), deal(&["AsKs", "2c7d"], "3h4h5h9cTd")).unwrap();
    assert_eq!(hand.legal().unwrap().raise, Some((4, 4)));
    play(&mut hand, &[R(4), R(6), R(8)]);
    assert_eq!(
        hand.legal().unwrap().raise,
        None,
        "the blind and three raises is the cap"
    );
    play(&mut hand, &[C]);
    assert_eq!(hand.street(), Street::Flop);
    assert_eq!(hand.legal().unwrap().raise, Some((2, 2)));
    // After the flop: a bet and three raises.
    play(&mut hand, &[R(2), R(4), R(6), R(8)]);
    assert_eq!(hand.legal().unwrap().raise, None);
    play(&mut hand, &[C]);
    assert_eq!(
        hand.legal().unwrap().raise,
        Some((4, 4)),
        "big bets on the turn"
    );
}

#[test]
fn state_round_trips_through_json() {
    let mut hand = HandState::new(
        &table(&nl(&[100, 200, 300], 2)),
        deal(&["AsKs", "2c7d", "9h9d"], "3h4h5h9cTd"),
    )
    .unwrap();
    play(&mut hand, &[R(6), C]);
    let text = serde_json::to_string(&hand).unwrap();
    let back: HandState = serde_json::from_str(&text).unwrap();
    assert_eq!(back, hand);
}

#[test]
fn bad_tables_are_refused() {
    assert_eq!(nl(&[100], 0).validate(), Err(ConfigError::Seats(1)));
    assert!(matches!(
        nl(&[100, 100], 2).validate(),
        Err(ConfigError::Button { .. })
    ));
    assert_eq!(nl(&[100, 0], 0).validate(), Err(ConfigError::EmptyStack(1)));
    let mut config = nl(&[100, 100], 0);
    config.straddle = 4;
    assert!(
        matches!(config.validate(), Err(ConfigError::Straddle { .. })),
        "no straddle heads-up"
    );
    let limit = |small_bet, big_bet| {
        TableConfig::new(
            vec![100, 100],
            0,
            1,
            2,
            Betting::FixedLimit {
                small_bet,
                big_bet,
                max_raises: 4,
            },
        )
        .validate()
    };
    assert_eq!(limit(0, 0), Err(ConfigError::LimitSizes));
    assert!(limit(2, 4).is_ok());
}

#[test]
fn amounts_above_max_chips_are_refused_and_the_limit_itself_plays_exactly() {
    assert_eq!(
        nl(&[100, MAX_CHIPS + 1], 0).validate(),
        Err(ConfigError::TooManyChips {
            what: "stack",
            amount: MAX_CHIPS + 1
        })
    );
    assert_eq!(
        nl(&[100, u64::MAX], 0).validate(),
        Err(ConfigError::TooManyChips {
            what: "stack",
            amount: u64::MAX
        })
    );
    let mut config = nl(&[100, 100], 0);
    config.big_blind = u64::MAX;
    assert!(matches!(
        config.validate(),
        Err(ConfigError::TooManyChips {
            what: "big blind",
            ..
        })
    ));
    // Nine seats all in for MAX_CHIPS: the pot is 9 * 2^48 and is paid out chip for chip.
    let stacks = [MAX_CHIPS; 9];
    let holes = [
        "AsKs", "2c7d", "3c8d", "4c9d", "5cTd", "6cJd", "7cQd", "8cKd", "9cAd",
    ];
    let mut hand = HandState::new(&table(&nl(&stacks, 0)), deal(&holes, "3h4h5h9hTh")).unwrap();
    play(&mut hand, &[R(MAX_CHIPS)]);
    while !hand.is_over() {
        play(&mut hand, &[C]);
    }
    assert_eq!(hand.final_stacks().iter().sum::<u64>(), 9 * MAX_CHIPS);
    assert_eq!(hand.payoffs().iter().sum::<i64>(), 0);
}
