//! `ponder-eval`: evaluating hold'em bots by what they can be made to lose. [`lbr`] is local best
//! response (Lisý and Bowling 2017): a greedy exploiter that reads the bot's whole-range policy
//! ([`ponder_bots::Bot::range_policy`]) and gives a lower bound on the bot's exploitability;
//! [`showdown`] is the equity of one hand against weighted ranges it needs.
//!
//! It is its own crate rather than a module of `ponder-bots` because it is a consumer of the bot
//! interface, not a bot: it brings rayon and the evaluation settings, and the bots stay a small crate
//! that the ACPC client and the blueprint bot depend on.

#![forbid(unsafe_code)]

pub mod lbr;
pub mod showdown;
