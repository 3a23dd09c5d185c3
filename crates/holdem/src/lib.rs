//! `ponder-holdem`: the hold'em rules engine. One hand of 2 to 9 seats, no-limit or fixed-limit, as a
//! state machine ([`HandState`]): antes, blinds, an optional straddle, the min-raise rule, short all-ins
//! that do not reopen the betting, uncalled bets returned, side pots, split pots with the odd chip to the
//! first winner left of the button, and showdown.
//!
//! The state is `Copy` (fixed arrays, no heap), so search and random play clone it instead of undoing
//! moves, and it serialises with serde. The cards are dealt up front ([`Deal`]); the engine reveals the
//! board street by street.
//!
//! ```
//! use ponder_holdem::{Action, Betting, Deal, HandState, TableConfig};
//! let table = TableConfig::new(vec![200, 200], 0, 1, 2, Betting::NoLimit).validate().unwrap();
//! let mut hand = HandState::new(&table, Deal::shuffled(2, 7)).unwrap();
//! hand.apply(Action::Fold).unwrap(); // the button (small blind) folds
//! assert!(hand.is_over());
//! assert_eq!(hand.final_stacks()[..2], [199, 201]);
//! ```

#![forbid(unsafe_code)]

pub mod phh;
mod random;
mod state;

pub use random::{
    play_random_hand, random_action, random_hand, record_random_hand, HandRecord, RandomHandOptions,
};
pub use state::{
    Action, ActionError, Betting, Chips, ConfigError, Deal, DealError, HandState, Legal, Step,
    Street, Table, TableConfig, MAX_CHIPS, MAX_SEATS,
};
