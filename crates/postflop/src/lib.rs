//! `ponder-postflop`: the range-vs-range postflop solver. A spot (board, two ranges, pot, stacks, bet sizes)
//! becomes a public betting tree; cards are dealt into a flat game tree whose nodes hold one value per hand;
//! discounted CFR in vector form solves it, and an exact best response measures exploitability.

#![forbid(unsafe_code)]

pub mod bet_size;
pub mod bunching;
pub mod cards_glue;
pub mod game;
pub mod lock;
pub mod report;
pub mod solve;
pub mod solver;
pub mod spot;
pub mod tree;
