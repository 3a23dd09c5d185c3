//! `ponder-acpc`: the Annual Computer Poker Competition protocol, version 2.0.0. Game definition files
//! ([`GameDef`]), `MATCHSTATE` lines ([`MatchState`]), and a dealer ([`run_match`]) and a client
//! ([`run_client`]) that speak them over TCP, with the hold'em engine as the referee, and match logs
//! ([`read_log`]).
//!
//! Positions map to engine seats one to one, with the button at the last position (heads-up: the small
//! blind), which is how the standard ACPC game definitions lay out blinds and first players. In no-limit,
//! `rN` raises so that the player's total in the hand (not the street) is N.

#![forbid(unsafe_code)]

mod gamedef;
mod log;
mod matchstate;
mod net;

pub use gamedef::{BettingType, GameDef, GameDefError, GameDefErrorKind};
pub use log::{read_log, LogError, LogErrorKind, LoggedHand, MatchLog};
pub use matchstate::{
    log_line_to_record, replay, replay_actions, to_acpc, to_engine, AcpcAction, MatchState,
    MatchStateError, MatchStateErrorKind, ReplayError,
};
pub use net::{
    check_name, connect, run_client, run_match, Forfeit, ForfeitReason, MatchOptions, MatchOutcome,
    NameError, NetError, MAX_NAME_BYTES, VERSION,
};
