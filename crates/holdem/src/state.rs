//! The hand state machine: configuration, legal actions, applying actions, pots and showdown.

use std::fmt;

use ponder_cards::{Card, Hand, HandRank};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Chip amounts (integers: poker never splits a chip).
pub type Chips = u64;

/// Most seats at a table.
pub const MAX_SEATS: usize = 9;

/// Largest chip amount a table accepts (every stack, blind, ante, straddle and bet size): 2^48. The
/// chips of nine seats then stay below 2^52, so the engine's sums never overflow a `u64` (or an `i64`
/// payoff) and stay exact when a report turns them into `f64`.
pub const MAX_CHIPS: Chips = 1 << 48;

/// Betting structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Betting {
    /// No-limit: any raise from the minimum up to all-in.
    NoLimit,
    /// Fixed-limit: bets and raises of `small_bet` preflop and on the flop, `big_bet` on the turn and
    /// river, at most `max_raises` bets plus raises per street (preflop the big blind is the first bet).
    FixedLimit {
        /// Bet size preflop and on the flop.
        small_bet: Chips,
        /// Bet size on the turn and river.
        big_bet: Chips,
        /// Cap on bets plus raises per street.
        max_raises: u8,
    },
}

/// Table settings for one hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableConfig {
    /// Starting stack of each seat (its length is the number of seats, 2..=9).
    pub stacks: Vec<Chips>,
    /// Seat of the button.
    pub button: usize,
    /// Small blind (posted left of the button; by the button heads-up).
    pub small_blind: Chips,
    /// Big blind; also the minimum bet in no-limit.
    pub big_blind: Chips,
    /// Ante posted by every seat before the blinds (0 for none).
    #[serde(default)]
    pub ante: Chips,
    /// Straddle posted by the seat left of the big blind (0 for none; needs 3 or more seats).
    #[serde(default)]
    pub straddle: Chips,
    /// Betting structure.
    pub betting: Betting,
}

impl TableConfig {
    /// A table without ante or straddle.
    pub fn new(
        stacks: Vec<Chips>,
        button: usize,
        small_blind: Chips,
        big_blind: Chips,
        betting: Betting,
    ) -> TableConfig {
        TableConfig {
            stacks,
            button,
            small_blind,
            big_blind,
            ante: 0,
            straddle: 0,
            betting,
        }
    }

    /// Checks the settings and returns the [`Table`] that hands are dealt at.
    pub fn validate(&self) -> Result<Table, ConfigError> {
        Table::new(self.clone())
    }
}

/// A [`TableConfig`] that has been checked: the only way to start a [`HandState`], so a table that
/// was accepted can always deal, and every amount is at most [`MAX_CHIPS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    config: TableConfig,
}

impl Table {
    /// Checks `config`, so that a hand can never start in an impossible state.
    pub fn new(config: TableConfig) -> Result<Table, ConfigError> {
        let seats = config.stacks.len();
        if !(2..=MAX_SEATS).contains(&seats) {
            return Err(ConfigError::Seats(seats));
        }
        if config.button >= seats {
            return Err(ConfigError::Button {
                button: config.button,
                seats,
            });
        }
        let mut amounts = vec![
            ("small blind", config.small_blind),
            ("big blind", config.big_blind),
            ("ante", config.ante),
            ("straddle", config.straddle),
        ];
        if let Betting::FixedLimit {
            small_bet, big_bet, ..
        } = config.betting
        {
            amounts.extend([("small bet", small_bet), ("big bet", big_bet)]);
        }
        amounts.extend(config.stacks.iter().map(|&stack| ("stack", stack)));
        if let Some(&(what, amount)) = amounts.iter().find(|(_, amount)| *amount > MAX_CHIPS) {
            return Err(ConfigError::TooManyChips { what, amount });
        }
        if config.big_blind == 0 || config.small_blind > config.big_blind {
            return Err(ConfigError::Blinds {
                small: config.small_blind,
                big: config.big_blind,
            });
        }
        if config.straddle != 0 && (seats < 3 || config.straddle <= config.big_blind) {
            return Err(ConfigError::Straddle {
                straddle: config.straddle,
                big: config.big_blind,
                seats,
            });
        }
        if let Some(seat) = config.stacks.iter().position(|&stack| stack == 0) {
            return Err(ConfigError::EmptyStack(seat));
        }
        if let Betting::FixedLimit {
            small_bet, big_bet, ..
        } = config.betting
        {
            if small_bet == 0 || big_bet == 0 {
                return Err(ConfigError::LimitSizes);
            }
        }
        Ok(Table { config })
    }

    /// The settings this table was built from.
    pub fn config(&self) -> &TableConfig {
        &self.config
    }

    /// Number of seats.
    pub fn seats(&self) -> usize {
        self.config.stacks.len()
    }

    /// The same table with the button at `button` (seats rotate between hands).
    pub fn with_button(&self, button: usize) -> Result<Table, ConfigError> {
        let mut config = self.config.clone();
        config.button = button;
        Table::new(config)
    }
}

/// Why a [`TableConfig`] cannot start a hand.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// Seat count outside 2..=9.
    #[error("a table has 2 to 9 seats, not {0}")]
    Seats(usize),
    /// Button seat out of range.
    #[error("button seat {button} does not exist at a {seats}-seat table")]
    Button {
        /// The button given.
        button: usize,
        /// Seats at the table.
        seats: usize,
    },
    /// Blinds are zero or inverted.
    #[error("blinds {small}/{big}: the big blind must be positive and at least the small blind")]
    Blinds {
        /// Small blind given.
        small: Chips,
        /// Big blind given.
        big: Chips,
    },
    /// A straddle that is not larger than the big blind, or heads-up.
    #[error("straddle {straddle} needs 3 or more seats (have {seats}) and must exceed the big blind {big}")]
    Straddle {
        /// Straddle given.
        straddle: Chips,
        /// Big blind given.
        big: Chips,
        /// Seats at the table.
        seats: usize,
    },
    /// A seat without chips.
    #[error("seat {0} has an empty stack")]
    EmptyStack(usize),
    /// Fixed-limit bet sizes of zero.
    #[error("fixed-limit bet sizes must be positive")]
    LimitSizes,
    /// An amount above [`MAX_CHIPS`].
    #[error("{what} {amount} is above the engine's limit of {MAX_CHIPS} chips (2^48)")]
    TooManyChips {
        /// Which setting.
        what: &'static str,
        /// The amount given.
        amount: Chips,
    },
}

/// A deal that cannot be played: it repeats a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the deal is not valid: card {0} is dealt twice")]
pub struct DealError(pub Card);

/// A betting round, or the end of the hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Street {
    /// Hole cards only.
    Preflop,
    /// Three board cards.
    Flop,
    /// Four board cards.
    Turn,
    /// Five board cards.
    River,
    /// The hand is over and the pots are paid.
    Over,
}

impl Street {
    /// Board cards visible on this street.
    pub const fn board_len(self) -> usize {
        match self {
            Street::Preflop => 0,
            Street::Flop => 3,
            Street::Turn => 4,
            Street::River | Street::Over => 5,
        }
    }

    fn next(self) -> Street {
        match self {
            Street::Preflop => Street::Flop,
            Street::Flop => Street::Turn,
            Street::Turn => Street::River,
            Street::River | Street::Over => Street::Over,
        }
    }
}

/// A player's move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Give up the hand (only when facing a bet).
    Fold,
    /// Check, or call the current bet (all-in for less when short).
    CheckCall,
    /// Bet or raise so that this street's total bet becomes the amount.
    RaiseTo(Chips),
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Fold => write!(f, "fold"),
            Action::CheckCall => write!(f, "check/call"),
            Action::RaiseTo(amount) => write!(f, "raise to {amount}"),
        }
    }
}

/// One action of a hand as it was played: who acted, on which street, and what. A bot that plays from
/// a strategy over betting sequences (the blueprint) reads the hand's history as a list of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The street the action was taken on.
    pub street: Street,
    /// The acting seat.
    pub seat: usize,
    /// The action as the engine applied it.
    pub action: Action,
}

/// Why an action was refused; the state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActionError {
    /// The hand is over.
    #[error("the hand is over")]
    HandOver,
    /// Folding when checking is free.
    #[error("seat {0} cannot fold: there is no bet to call")]
    NothingToFold(usize),
    /// No raise is allowed here (capped, not reopened, covered, or nobody left to raise against).
    #[error("seat {0} may not bet or raise now")]
    RaiseNotAllowed(usize),
    /// The raise-to amount is outside the legal range.
    #[error("seat {seat} may raise to {min}..={max}, not {amount}")]
    RaiseSize {
        /// Acting seat.
        seat: usize,
        /// Amount asked for.
        amount: Chips,
        /// Smallest legal raise-to.
        min: Chips,
        /// Largest legal raise-to.
        max: Chips,
    },
}

/// The moves open to the seat to act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Legal {
    /// Seat to act.
    pub seat: usize,
    /// Whether folding is allowed (only when facing a bet).
    pub can_fold: bool,
    /// Chips a call costs (0 = check).
    pub call: Chips,
    /// Smallest and largest bet/raise-to amounts, if raising is allowed.
    pub raise: Option<(Chips, Chips)>,
}

impl Legal {
    /// Whether checking is possible.
    pub fn can_check(&self) -> bool {
        self.call == 0
    }
}

/// The cards of one hand, dealt before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// Two hole cards per seat (seats beyond the table are ignored).
    pub hole: [[Card; 2]; MAX_SEATS],
    /// The five board cards in dealing order.
    pub board: [Card; 5],
}

impl Deal {
    /// A uniformly random deal for `seats` seats from a seeded shuffle (same seed, same cards).
    pub fn shuffled(seats: usize, seed: u64) -> Deal {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Deal::shuffled_with(seats, &mut rng)
    }

    /// A uniformly random deal drawn with `rng`.
    pub fn shuffled_with<R: rand::Rng>(seats: usize, rng: &mut R) -> Deal {
        let mut deck: [u8; 52] = std::array::from_fn(|i| i as u8);
        let needed = 2 * seats.min(MAX_SEATS) + 5;
        let (chosen, _) = deck.partial_shuffle(rng, needed);
        let card = |i: usize| Card::from_index(chosen[i]).expect("index below 52");
        let filler = card(0);
        let mut hole = [[filler; 2]; MAX_SEATS];
        for (seat, slot) in hole.iter_mut().enumerate().take(seats.min(MAX_SEATS)) {
            *slot = [card(2 * seat), card(2 * seat + 1)];
        }
        let base = 2 * seats.min(MAX_SEATS);
        Deal {
            hole,
            board: std::array::from_fn(|i| card(base + i)),
        }
    }

    fn validate(&self, seats: usize) -> Result<(), DealError> {
        let mut seen = 0u64;
        let cards = self.hole[..seats].iter().flatten().chain(&self.board);
        for &card in cards {
            if seen & card.bit() != 0 {
                return Err(DealError(card));
            }
            seen |= card.bit();
        }
        Ok(())
    }
}

/// One hand in progress (or finished). Cheap to copy; serialises with serde.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandState {
    seats: u8,
    button: u8,
    betting: Betting,
    big_blind: Chips,
    /// Minimum bet increment on this street (the big blind, or the straddle preflop).
    street_min: Chips,
    deal: Deal,
    starting: [Chips; MAX_SEATS],
    /// Chips behind (not yet put in).
    stack: [Chips; MAX_SEATS],
    /// Chips put in on this street.
    bet: [Chips; MAX_SEATS],
    /// Chips put in this hand, antes included (after uncalled bets are returned).
    contributed: [Chips; MAX_SEATS],
    folded: u16,
    /// Seats that acted since the last full raise (they may not re-raise a short all-in).
    acted: u16,
    /// Seats that still have to act in this betting round.
    pending: u16,
    street: Street,
    to_act: u8,
    current_bet: Chips,
    /// Largest bet/raise increment on this street (0 before the first bet).
    full_raise: Chips,
    /// Sum of short all-in raise increments since the last full raise.
    short_all_ins: Chips,
    raises: u8,
    /// Final stacks, filled when the hand ends.
    result: [Chips; MAX_SEATS],
}

impl HandState {
    /// Posts antes and blinds and returns the hand with the first player to act; the table was checked
    /// when it was built, so only a deal that repeats a card is refused.
    pub fn new(table: &Table, deal: Deal) -> Result<HandState, DealError> {
        let config = &table.config;
        let seats = config.stacks.len();
        deal.validate(seats)?;
        let mut starting = [0; MAX_SEATS];
        starting[..seats].copy_from_slice(&config.stacks);
        let mut state = HandState {
            seats: seats as u8,
            button: config.button as u8,
            betting: config.betting,
            big_blind: config.big_blind,
            street_min: 0,
            deal,
            starting,
            stack: starting,
            bet: [0; MAX_SEATS],
            contributed: [0; MAX_SEATS],
            folded: 0,
            acted: 0,
            pending: 0,
            street: Street::Preflop,
            to_act: 0,
            current_bet: 0,
            full_raise: 0,
            short_all_ins: 0,
            raises: 0,
            result: [0; MAX_SEATS],
        };
        if config.ante > 0 {
            for seat in 0..seats {
                let ante = config.ante.min(state.stack[seat]);
                state.stack[seat] -= ante;
                state.contributed[seat] += ante;
            }
        }
        let (small_seat, big_seat) = if seats == 2 {
            (config.button, (config.button + 1) % 2)
        } else {
            ((config.button + 1) % seats, (config.button + 2) % seats)
        };
        state.post(small_seat, config.small_blind);
        state.post(big_seat, config.big_blind);
        let mut last_poster = big_seat;
        state.street_min = state.limit_size().unwrap_or(config.big_blind);
        if config.straddle > 0 {
            last_poster = (big_seat + 1) % seats;
            state.post(last_poster, config.straddle);
            if state.limit_size().is_none() {
                state.street_min = config.straddle;
            }
        }
        state.current_bet = state.bet.iter().copied().max().unwrap_or(0);
        if state.limit_size().is_some() {
            // In fixed-limit the big blind is the first bet of the preflop cap ("a bet and three raises").
            state.raises = 1;
        }
        state.start_round((last_poster + 1) % seats);
        Ok(state)
    }

    fn post(&mut self, seat: usize, amount: Chips) {
        let amount = amount.min(self.stack[seat]);
        self.stack[seat] -= amount;
        self.bet[seat] += amount;
        self.contributed[seat] += amount;
    }

    fn limit_size(&self) -> Option<Chips> {
        match self.betting {
            Betting::NoLimit => None,
            Betting::FixedLimit {
                small_bet, big_bet, ..
            } => Some(if self.street <= Street::Flop {
                small_bet
            } else {
                big_bet
            }),
        }
    }

    /// Number of seats at the table.
    pub fn seats(&self) -> usize {
        self.seats as usize
    }

    /// Seat of the button.
    pub fn button(&self) -> usize {
        self.button as usize
    }

    /// The current street ([`Street::Over`] once the hand is finished).
    pub fn street(&self) -> Street {
        self.street
    }

    /// Whether the hand is finished.
    pub fn is_over(&self) -> bool {
        self.street == Street::Over
    }

    /// The seat to act, or `None` when the hand is over.
    pub fn to_act(&self) -> Option<usize> {
        (!self.is_over()).then_some(self.to_act as usize)
    }

    /// The cards dealt for this hand.
    pub fn deal(&self) -> &Deal {
        &self.deal
    }

    /// The board cards visible now.
    pub fn board(&self) -> &[Card] {
        &self.deal.board[..self.street.board_len()]
    }

    /// Chips behind for each seat.
    pub fn stacks(&self) -> &[Chips] {
        &self.stack[..self.seats()]
    }

    /// Chips each seat has put in on this street.
    pub fn street_bets(&self) -> &[Chips] {
        &self.bet[..self.seats()]
    }

    /// Chips each seat has put in this hand.
    pub fn contributions(&self) -> &[Chips] {
        &self.contributed[..self.seats()]
    }

    /// Total in the middle (all contributions).
    pub fn pot(&self) -> Chips {
        self.contributions().iter().sum()
    }

    /// The largest bet on this street.
    pub fn current_bet(&self) -> Chips {
        self.current_bet
    }

    /// Whether the seat has folded.
    pub fn has_folded(&self, seat: usize) -> bool {
        self.folded & (1 << seat) != 0
    }

    /// Final stacks (only meaningful once [`HandState::is_over`]).
    pub fn final_stacks(&self) -> &[Chips] {
        &self.result[..self.seats()]
    }

    /// Net result per seat: final minus starting stack.
    pub fn payoffs(&self) -> [i64; MAX_SEATS] {
        std::array::from_fn(|seat| self.result[seat] as i64 - self.starting[seat] as i64)
    }

    /// Chips a call costs the seat (all-in for less when short).
    pub fn call_amount(&self, seat: usize) -> Chips {
        (self.current_bet - self.bet[seat]).min(self.stack[seat])
    }

    fn live(&self, seat: usize) -> bool {
        self.folded & (1 << seat) == 0
    }

    fn can_act(&self, seat: usize) -> bool {
        self.live(seat) && self.stack[seat] > 0
    }

    /// The moves open to the seat to act, or `None` when the hand is over.
    pub fn legal(&self) -> Option<Legal> {
        let seat = self.to_act()?;
        let call = self.call_amount(seat);
        Some(Legal {
            seat,
            can_fold: self.bet[seat] < self.current_bet,
            call,
            raise: self.raise_range(seat),
        })
    }

    /// Whether the seat to act may check.
    pub fn can_check(&self) -> bool {
        self.to_act()
            .is_some_and(|seat| self.bet[seat] >= self.current_bet)
    }

    /// The legal raise-to range of `seat`, if it may raise.
    fn raise_range(&self, seat: usize) -> Option<(Chips, Chips)> {
        if let Betting::FixedLimit { max_raises, .. } = self.betting {
            if self.raises >= max_raises {
                return None;
            }
        }
        let owed = self.current_bet - self.bet[seat];
        // Facing less than a full raise (a short all-in) does not reopen the betting.
        if owed.min(self.stack[seat]) < self.full_raise {
            return None;
        }
        if self.short_all_ins > 0
            && self.short_all_ins < self.full_raise
            && self.acted & (1 << seat) != 0
        {
            return None;
        }
        if self.stack[seat] <= owed {
            return None;
        }
        let someone_can_respond = (0..self.seats()).any(|other| {
            other != seat
                && self.live(other)
                && self.stack[other] + self.bet[other] > self.current_bet
        });
        if !someone_can_respond {
            return None;
        }
        let all_in = self.stack[seat] + self.bet[seat];
        let increment = self.full_raise.max(self.street_min);
        let min = (self.current_bet + increment).min(all_in);
        let max = match self.betting {
            Betting::NoLimit => all_in,
            Betting::FixedLimit { .. } => min,
        };
        Some((min, max))
    }

    /// Applies the action of the seat to act; on error the state is unchanged.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        let seat = self.to_act().ok_or(ActionError::HandOver)?;
        let bit = 1u16 << seat;
        match action {
            Action::Fold => {
                if self.bet[seat] >= self.current_bet {
                    return Err(ActionError::NothingToFold(seat));
                }
                self.folded |= bit;
                self.pending &= !bit;
            }
            Action::CheckCall => {
                let call = self.call_amount(seat);
                self.stack[seat] -= call;
                self.bet[seat] += call;
                self.contributed[seat] += call;
                self.pending &= !bit;
                self.acted |= bit;
            }
            Action::RaiseTo(amount) => {
                let (min, max) = self
                    .raise_range(seat)
                    .ok_or(ActionError::RaiseNotAllowed(seat))?;
                if amount < min || amount > max {
                    return Err(ActionError::RaiseSize {
                        seat,
                        amount,
                        min,
                        max,
                    });
                }
                let increment = amount - self.current_bet;
                let put_in = amount - self.bet[seat];
                self.stack[seat] -= put_in;
                self.bet[seat] = amount;
                self.contributed[seat] += put_in;
                self.current_bet = amount;
                self.raises = self.raises.saturating_add(1);
                if increment >= self.full_raise {
                    self.acted = 0;
                }
                self.acted |= bit;
                self.full_raise = self.full_raise.max(increment);
                if self.stack[seat] > 0 {
                    self.short_all_ins = 0;
                } else {
                    self.short_all_ins += increment;
                }
                if self.short_all_ins >= self.full_raise {
                    self.short_all_ins = 0;
                }
                self.pending = 0;
                for other in 0..self.seats() {
                    if other != seat && self.can_act(other) {
                        self.pending |= 1 << other;
                    }
                }
            }
        }
        self.advance(seat);
        Ok(())
    }

    /// Moves to the next seat to act, the next street, or the end of the hand.
    fn advance(&mut self, from: usize) {
        let live = (0..self.seats()).filter(|&s| self.live(s)).count();
        if live == 1 {
            self.finish();
            return;
        }
        if self.pending != 0 {
            let seats = self.seats();
            for step in 1..=seats {
                let seat = (from + step) % seats;
                if self.pending & (1 << seat) != 0 {
                    self.to_act = seat as u8;
                    return;
                }
            }
        }
        self.end_street();
    }

    /// Returns the part of the largest street bet nobody called.
    fn return_uncalled(&mut self) {
        let seats = self.seats();
        let top = (0..seats).max_by_key(|&s| (self.bet[s], s)).unwrap_or(0);
        let second = (0..seats)
            .filter(|&s| s != top)
            .map(|s| self.bet[s])
            .max()
            .unwrap_or(0);
        let excess = self.bet[top].saturating_sub(second);
        self.bet[top] -= excess;
        self.stack[top] += excess;
        self.contributed[top] -= excess;
    }

    fn end_street(&mut self) {
        self.return_uncalled();
        self.bet = [0; MAX_SEATS];
        self.street = self.street.next();
        if self.street == Street::Over {
            self.finish();
            return;
        }
        self.current_bet = 0;
        self.full_raise = 0;
        self.short_all_ins = 0;
        self.raises = 0;
        self.acted = 0;
        self.street_min = self.limit_size().unwrap_or(self.big_blind);
        self.start_round((self.button() + 1) % self.seats());
    }

    /// Opens a betting round with `first` to act, skipping seats that cannot bet; with fewer than two
    /// seats able to bet and nothing to call, the round is skipped.
    fn start_round(&mut self, first: usize) {
        let seats = self.seats();
        self.pending = 0;
        for seat in 0..seats {
            if self.can_act(seat) && self.effective_stack(seat) > 0 {
                self.pending |= 1 << seat;
            }
        }
        if self.pending == 0 {
            self.end_street();
            return;
        }
        for step in 0..seats {
            let seat = (first + step) % seats;
            if self.pending & (1 << seat) != 0 {
                self.to_act = seat as u8;
                return;
            }
        }
    }

    /// What the seat can still lose: its stack, capped by the deepest opponent's remaining total.
    fn effective_stack(&self, seat: usize) -> Chips {
        let deepest_other = (0..self.seats())
            .filter(|&s| s != seat && self.live(s))
            .map(|s| self.stack[s] + self.bet[s])
            .max()
            .unwrap_or(0);
        let own = self.stack[seat] + self.bet[seat];
        self.stack[seat].min(deepest_other.min(own).saturating_sub(self.bet[seat]))
    }

    /// Pays the pots: to the last player standing, or by showdown with side pots.
    fn finish(&mut self) {
        self.return_uncalled();
        self.street = Street::Over;
        self.pending = 0;
        let seats = self.seats();
        self.result = self.stack;
        // A mask, not a Vec: this runs inside the hand's last `apply`, which must not allocate.
        let live_mask = (0..seats)
            .filter(|&s| self.live(s))
            .fold(0u16, |mask, s| mask | 1 << s);
        if live_mask.count_ones() == 1 {
            self.result[live_mask.trailing_zeros() as usize] += self.pot();
            return;
        }
        let mut ranks = [HandRank::default(); MAX_SEATS];
        let board = Hand::from_cards(&self.deal.board);
        for seat in (0..seats).filter(|&s| live_mask & (1 << s) != 0) {
            let [a, b] = self.deal.hole[seat];
            ranks[seat] = board.add(a).add(b).rank();
        }
        // Pot levels: the distinct contributions, smallest first.
        let mut levels = [0 as Chips; MAX_SEATS];
        levels[..seats].copy_from_slice(&self.contributed[..seats]);
        let levels = &mut levels[..seats];
        levels.sort_unstable();
        // Hands that win no pot are killed first; pots that are then contested by the same players
        // are pushed together (as PokerKit does), so odd chips are split over the merged pot.
        let mut survivors = 0u16;
        self.for_each_pot(levels, live_mask, |_, eligible| {
            survivors |= self.best_of(eligible, &ranks);
        });
        let mut result = self.result;
        self.for_each_pot(levels, survivors, |amount, eligible| {
            let winners = self.best_of(eligible, &ranks);
            let count = winners.count_ones() as Chips;
            let (share, mut odd) = (amount / count, amount % count);
            // The odd chips go to the first winner left of the button.
            for step in 1..=seats {
                let seat = (self.button() + step) % seats;
                if winners & (1 << seat) != 0 {
                    result[seat] += share + odd;
                    odd = 0;
                }
            }
        });
        self.result = result;
    }

    /// Calls `push(amount, eligible)` for each pot in turn: the chips between two distinct contribution
    /// levels, contested by the seats in `contenders` that reached the upper level; neighbouring pots
    /// with the same contenders are merged, and chips nobody in `contenders` reached join the last pot.
    fn for_each_pot(&self, levels: &[Chips], contenders: u16, mut push: impl FnMut(Chips, u16)) {
        let seats = self.seats();
        let (mut previous, mut pending, mut pending_mask) = (0, 0, 0u16);
        for &level in levels.iter() {
            if level == previous {
                continue;
            }
            let amount: Chips = (0..seats)
                .map(|s| self.contributed[s].clamp(previous, level) - previous)
                .sum();
            previous = level;
            let eligible = (0..seats)
                .filter(|&s| contenders & (1 << s) != 0 && self.contributed[s] >= level)
                .fold(0u16, |mask, s| mask | 1 << s);
            if eligible == 0 {
                pending += amount;
                continue;
            }
            if pending_mask != 0 && pending_mask != eligible {
                push(pending, pending_mask);
                pending = 0;
            }
            pending += amount;
            pending_mask = eligible;
        }
        if pending_mask != 0 {
            push(pending, pending_mask);
        }
    }

    /// The seats in `eligible` holding the best hand.
    fn best_of(&self, eligible: u16, ranks: &[HandRank; MAX_SEATS]) -> u16 {
        let best = (0..self.seats())
            .filter(|&s| eligible & (1 << s) != 0)
            .map(|s| ranks[s])
            .max();
        (0..self.seats())
            .filter(|&s| eligible & (1 << s) != 0 && Some(ranks[s]) == best)
            .fold(0u16, |mask, s| mask | 1 << s)
    }
}
