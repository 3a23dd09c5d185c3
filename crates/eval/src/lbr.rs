//! Local best response (LBR; Lisý and Bowling, "Equilibrium Approximation Quality of Current No-Limit
//! Poker Bots", 2017): a lower bound on how much a heads-up bot can be made to lose.
//!
//! LBR plays the bot and keeps the bot's range: every hole pair the bot could hold, weighted by the
//! probability that the bot's range policy ([`Bot::range_policy`]) gives each action the bot took
//! (Bayes' rule; hands touching LBR's cards or the board get weight 0). At each of its decisions LBR
//! assumes both players check or call to the showdown afterwards and picks the action of its set with
//! the highest expected value:
//!
//! - fold: its chips in the pot are lost;
//! - check/call: `(2e − 1) · M`, `e` its showdown equity against the range, `M` the chips each player
//!   has in once called;
//! - raise to `R`: `f · B + (1 − f) · (2e_c − 1) · M_R`, `f` the range's fold probability facing the
//!   raise (from the bot's range policy at the state after it), `B` the bot's chips in the pot now,
//!   `e_c` the equity against the part of the range that does not fold, `M_R` the chips each has in
//!   once the raise is called (capped by the bot's stack).
//!
//! Relative to folding these are the paper's `wp·pot − (1 − wp)·asked` and
//! `fp·pot + (1 − fp)(wp·(pot + |a|) − (1 − wp)(asked + |a|))`, with the equity of a called bet taken
//! against the calling range. The action sets are the paper's: `fc` (fold, call) and `fcpa` (also a
//! pot-sized raise and all-in); before [`LbrSettings::first_street`] LBR only checks or calls (the
//! paper's headline setting: `fcpa` on the turn and river, calling before).
//!
//! Every deal is played twice with the seats swapped (duplicate), each deal on its own seeded stream,
//! so the result does not depend on the number of threads.

use std::sync::atomic::{AtomicU64, Ordering};

use ponder_bots::{check_table, Bot, Observation, TableMismatch};
use ponder_cards::{Card, CardSet, HandIndex, HAND_COUNT};
use ponder_holdem::{Action, ActionError, Chips, Deal, HandState, Step, Street, Table};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use thiserror::Error;

use crate::showdown::equity_vs_ranges;

/// The actions LBR weighs where it uses its action set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbrActions {
    /// Fold or check/call (the paper's `fc`).
    FoldCall,
    /// Fold, check/call, a pot-sized raise, all-in (the paper's `fcpa`).
    FoldCallPotAllIn,
}

/// How an LBR evaluation is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbrSettings {
    /// Deals; each is played twice, LBR in each seat.
    pub deals: u64,
    /// Seed of the cards and of the bots' random streams.
    pub seed: u64,
    /// LBR's action set.
    pub actions: LbrActions,
    /// The first street where LBR uses its action set; before it LBR checks or calls.
    pub first_street: Street,
    /// One board for every deal (for checks on a small game), or `None` to deal it.
    pub board: Option<[Card; 5]>,
}

impl Default for LbrSettings {
    /// The paper's headline setting: `fcpa` on the turn and river, 1,000 deals.
    fn default() -> Self {
        LbrSettings {
            deals: 1_000,
            seed: 0,
            actions: LbrActions::FoldCallPotAllIn,
            first_street: Street::Turn,
            board: None,
        }
    }
}

/// What an LBR evaluation found.
#[derive(Debug, Clone, PartialEq)]
pub struct LbrReport {
    /// Deals played (each twice).
    pub deals: u64,
    /// Hands played.
    pub hands: u64,
    /// The table's big blind.
    pub big_blind: Chips,
    /// LBR's net chips over all hands.
    pub chips: i128,
    /// LBR's win rate in thousandths of a big blind per hand (the bot loses as much).
    pub mbb_per_game: f64,
    /// Half-width of the 95% confidence interval of `mbb_per_game` (sample unit: one deal, both seats).
    pub ci95: f64,
}

/// Why an LBR evaluation cannot run or stopped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LbrError {
    /// LBR is defined for two players.
    #[error("local best response plays heads-up; the table has {0} seats")]
    Seats(usize),
    /// No deals asked for.
    #[error("at least one deal is needed")]
    NoDeals,
    /// The fixed board repeats a card.
    #[error("the fixed board repeats card {0}")]
    Board(Card),
    /// The bot was built for another game.
    #[error(transparent)]
    Table(TableMismatch),
    /// The bot sent an action the engine refuses.
    #[error("bot `{bot}` played an illegal action ({action}) in deal {deal}: {reason}")]
    Illegal {
        /// The bot's name.
        bot: String,
        /// What it played.
        action: Action,
        /// The deal (0-based).
        deal: u64,
        /// Why the engine refused it.
        reason: ActionError,
    },
    /// The bot played an action its own range policy gives probability 0 for its hand: `act` and
    /// `range_policy` disagree, so no range can be tracked.
    #[error(
        "bot `{bot}` played {action} with {hand} in deal {deal}, which its range policy gives probability 0"
    )]
    Inconsistent {
        /// The bot's name.
        bot: String,
        /// What it played.
        action: Action,
        /// Its hole cards.
        hand: String,
        /// The deal (0-based).
        deal: u64,
    },
}

/// LBR's choice at one decision, with the expected values it compared (for reports and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The chosen action.
    pub action: Action,
    /// Every candidate action with its expected net chips for LBR.
    pub values: Vec<(Action, f64)>,
}

/// LBR's decision at `hand` (LBR to act, its cards are its seat's in the deal) against the bot's
/// `range` (weights per [`HandIndex`], not necessarily normalised): the candidate of the action set
/// with the largest expected value, earlier candidates (fold, call, smaller raises) winning ties.
pub fn decide(
    hand: &HandState,
    history: &[Step],
    range: &[f64],
    bot: &mut dyn Bot,
    settings: &LbrSettings,
    rng: &mut impl Rng,
) -> Decision {
    let legal = hand.legal().expect("LBR decides only when it is to act");
    let seat = legal.seat;
    let opponent = 1 - seat;
    if hand.street() < settings.first_street {
        return Decision {
            action: Action::CheckCall,
            values: Vec::new(),
        };
    }
    let hole = hand.deal().hole[seat];
    let board = hand.board();
    let contributed = hand.contributions();
    let (mine, theirs) = (contributed[seat] as f64, contributed[opponent] as f64);
    let stacks = hand.stacks();
    let mut raises: Vec<Chips> = Vec::new();
    if settings.actions == LbrActions::FoldCallPotAllIn {
        if let Some((min, max)) = legal.raise {
            let pot_raise = hand.current_bet() + hand.pot() + legal.call;
            raises.push(pot_raise.clamp(min, max));
            if raises[0] != max {
                raises.push(max);
            }
        }
    }
    // The range's fold probability and calling part facing each raise.
    let mut calling: Vec<Vec<f64>> = Vec::with_capacity(raises.len());
    let mut fold_probability = Vec::with_capacity(raises.len());
    let total: f64 = range.iter().sum();
    for &to in &raises {
        let mut next = *hand;
        next.apply(Action::RaiseTo(to))
            .expect("a raise inside the legal range");
        let mut path = history.to_vec();
        path.push(Step {
            street: hand.street(),
            seat,
            action: Action::RaiseTo(to),
        });
        let mut weights = range.to_vec();
        let mut folded = 0.0;
        if let Some(mut view) = Observation::of(&next, &path).filter(|o| o.seat == opponent) {
            // The bot's cards are not part of a range question; show it ours, which it cannot hold.
            view.hole = hole;
            let policy = bot.range_policy(&view);
            if let Some(fold) = policy.index_of(Action::Fold) {
                for (w, &p) in weights.iter_mut().zip(&policy.probabilities[fold]) {
                    folded += *w * p;
                    *w *= 1.0 - p;
                }
            }
        }
        fold_probability.push(if total > 0.0 { folded / total } else { 0.0 });
        calling.push(weights);
    }
    let mut ranges: Vec<&[f64]> = vec![range];
    ranges.extend(calling.iter().map(Vec::as_slice));
    let equities = equity_vs_ranges(hole, board, &ranges, rng);
    let mut values = Vec::with_capacity(2 + raises.len());
    if legal.can_fold {
        values.push((Action::Fold, -mine));
    }
    let called = theirs.min(mine + stacks[seat] as f64);
    let equity = if equities[0].is_nan() {
        0.5
    } else {
        equities[0]
    };
    values.push((Action::CheckCall, (2.0 * equity - 1.0) * called));
    for (i, &to) in raises.iter().enumerate() {
        let put_in = (to - hand.street_bets()[seat]) as f64;
        let matched = (mine + put_in).min(theirs + stacks[opponent] as f64);
        let fold = fold_probability[i];
        // A range that always folds leaves no calling part: its equity does not matter.
        let equity = if equities[i + 1].is_nan() {
            0.5
        } else {
            equities[i + 1]
        };
        let value = fold * theirs + (1.0 - fold) * (2.0 * equity - 1.0) * matched;
        values.push((Action::RaiseTo(to), value));
    }
    let mut best = 0;
    for (i, &(_, value)) in values.iter().enumerate() {
        if value > values[best].1 {
            best = i;
        }
    }
    Decision {
        action: values[best].0,
        values,
    }
}

/// Sets the weight of every hand touching `cards` to 0.
pub fn remove_blocked(range: &mut [f64], cards: CardSet) {
    for hand in HandIndex::all() {
        if hand.card_set().intersects(cards) {
            range[hand.as_usize()] = 0.0;
        }
    }
}

/// Plays one hand of LBR (in `lbr_seat`) against `bot` and returns LBR's net chips.
pub fn play_hand(
    table: &Table,
    deal: Deal,
    lbr_seat: usize,
    bot: &mut dyn Bot,
    settings: &LbrSettings,
    rng: &mut impl Rng,
    deal_number: u64,
) -> Result<i64, LbrError> {
    let mut hand = HandState::new(table, deal).map_err(|e| LbrError::Board(e.0))?;
    let mut history: Vec<Step> = Vec::new();
    let mut range = vec![1.0; HAND_COUNT];
    let lbr_hole = deal.hole[lbr_seat];
    remove_blocked(&mut range, CardSet::from_cards(&lbr_hole));
    let bot_hole = deal.hole[1 - lbr_seat];
    let bot_hand = HandIndex::from_cards(bot_hole[0], bot_hole[1]).expect("distinct cards");
    let mut seen_board = 0;
    while let Some(legal) = hand.legal() {
        if hand.board().len() != seen_board {
            seen_board = hand.board().len();
            remove_blocked(&mut range, CardSet::from_cards(hand.board()));
        }
        let street = hand.street();
        let action = if legal.seat == lbr_seat {
            decide(&hand, &history, &range, bot, settings, rng).action
        } else {
            let view = Observation::of(&hand, &history).expect("the hand is not over");
            let action = bot.act(&view);
            let mut check = hand;
            check.apply(action).map_err(|reason| LbrError::Illegal {
                bot: bot.name().to_string(),
                action,
                deal: deal_number,
                reason,
            })?;
            let policy = bot.range_policy(&view);
            let index = policy
                .index_of(action)
                .filter(|&a| policy.probabilities[a][bot_hand.as_usize()] > 0.0)
                .ok_or_else(|| LbrError::Inconsistent {
                    bot: bot.name().to_string(),
                    action,
                    hand: bot_hand.to_string(),
                    deal: deal_number,
                })?;
            for (w, &p) in range.iter_mut().zip(&policy.probabilities[index]) {
                *w *= p;
            }
            action
        };
        hand.apply(action).expect("checked legal");
        history.push(Step {
            street,
            seat: legal.seat,
            action,
        });
    }
    Ok(hand.payoffs()[lbr_seat])
}

/// The cards of deal `number`: a shuffle on the deal's own stream, or, with a fixed board, hole cards
/// shuffled from the rest of the deck.
fn deal_cards(rng: &mut ChaCha8Rng, board: Option<[Card; 5]>) -> Deal {
    let Some(board) = board else {
        return Deal::shuffled_with(2, rng);
    };
    let used = CardSet::from_cards(&board);
    let mut deck: Vec<Card> = Card::all().filter(|c| !used.contains(*c)).collect();
    let (hole, _) = deck.partial_shuffle(rng, 4);
    let mut deal = Deal::shuffled_with(2, rng);
    deal.hole[0] = [hole[0], hole[1]];
    deal.hole[1] = [hole[2], hole[3]];
    deal.board = board;
    deal
}

/// Plays `settings.deals` duplicate deals of LBR against bots made by `make_bot(seed)` (a fresh bot per
/// deal, used in both its hands and seeded from the deal's stream, so results do not depend on thread scheduling) on the rayon
/// pool the caller runs in; `progress(deals_done)` is called as deals finish.
pub fn run_lbr(
    table: &Table,
    make_bot: &(dyn Fn(u64) -> Box<dyn Bot> + Sync),
    settings: &LbrSettings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<LbrReport, LbrError> {
    if table.seats() != 2 {
        return Err(LbrError::Seats(table.seats()));
    }
    if settings.deals == 0 {
        return Err(LbrError::NoDeals);
    }
    if let Some(board) = settings.board {
        let mut seen = CardSet::EMPTY;
        for card in board {
            if seen.contains(card) {
                return Err(LbrError::Board(card));
            }
            seen.insert(card);
        }
    }
    check_table(make_bot(0).as_ref(), table).map_err(LbrError::Table)?;
    let done = AtomicU64::new(0);
    let results: Vec<i64> = (0..settings.deals)
        .into_par_iter()
        .map(|number| {
            let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
            rng.set_stream(number);
            let deal = deal_cards(&mut rng, settings.board);
            let bot_seed: u64 = rng.gen();
            // One bot for both hands of the deal: a bot that caches per board (equity) pays once.
            let mut bot = make_bot(bot_seed);
            let mut total = 0;
            for lbr_seat in 0..2 {
                total += play_hand(
                    table,
                    deal,
                    lbr_seat,
                    bot.as_mut(),
                    settings,
                    &mut rng,
                    number,
                )?;
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            Ok(total)
        })
        .collect::<Result<_, LbrError>>()?;
    let big_blind = table.config().big_blind;
    let n = results.len() as f64;
    let mean = results.iter().map(|&r| r as f64).sum::<f64>() / n;
    let variance = if results.len() > 1 {
        results
            .iter()
            .map(|&r| (r as f64 - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0)
    } else {
        0.0
    };
    // Per game: a deal is two games.
    let scale = 1000.0 / big_blind as f64 / 2.0;
    Ok(LbrReport {
        deals: settings.deals,
        hands: 2 * settings.deals,
        big_blind,
        chips: results.iter().map(|&r| i128::from(r)).sum(),
        mbb_per_game: mean * scale,
        ci95: 1.96 * (variance / n).sqrt() * scale,
    })
}
