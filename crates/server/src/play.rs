//! Play: heads-up no-limit hold'em, 200 big blinds deep, a human against a bot of `ponder_bots`.
//! Every hand is dealt from a visible seed (the session's seed plus the hand number), the button
//! alternates, and the running result is reported in bb/100 with a 95% interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use ponder_bots::{make_bot, Bot, Observation, BOT_NAMES};
use ponder_holdem::phh::to_phh_named;
use ponder_holdem::{
    Action, Betting, Chips, Deal, HandRecord, HandState, Step, Table, TableConfig,
};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Small blind, in chips.
pub const SMALL_BLIND: Chips = 1;
/// Big blind, in chips.
pub const BIG_BLIND: Chips = 2;
/// Starting stack of both seats each hand: 200 big blinds.
pub const STACK: Chips = 200 * BIG_BLIND;
/// The human's seat (the button alternates between the seats).
pub const HUMAN: usize = 0;
/// Most play sessions held at once.
pub const MAX_SESSIONS: usize = 64;
/// Most hands one session may play.
pub const MAX_HANDS: u64 = 10_000;

/// `POST /api/play`: which bot to play and, optionally, the seed of the deals.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// A bot name of `ponder_bots::make_bot` (`equity`, `call`, `raise`, `random`).
    pub bot: String,
    /// Seed of the deals and of the bot's randomness (random when absent).
    pub seed: Option<u64>,
}

/// `POST /api/play/{id}/act`: the human's move.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    /// `fold`, `check`, `call`, `bet` or `raise`.
    pub action: String,
    /// For `bet`/`raise`: this street's total bet after the move, in chips.
    pub amount: Option<Chips>,
}

struct Current {
    number: u64,
    seed: u64,
    button: usize,
    hand: HandState,
    history: Vec<Step>,
    actions: Vec<Action>,
    log: Vec<String>,
}

/// One finished hand.
#[derive(Debug, Clone, Serialize)]
pub struct FinishedHand {
    /// Hand number in the session (from 1).
    pub number: u64,
    /// Seed the cards were dealt from.
    pub seed: u64,
    /// Chips the human won (negative: lost).
    pub human_chips: i64,
    /// The hand as PHH text.
    #[serde(skip)]
    pub phh: String,
}

/// A session: one bot, one seed, the hands played.
pub struct Session {
    id: String,
    bot_name: String,
    bot: Box<dyn Bot>,
    seed: u64,
    table: [Table; 2],
    current: Option<Current>,
    finished: Vec<FinishedHand>,
}

/// The running match result of a session.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResult {
    /// Hands finished.
    pub hands: usize,
    /// Big blinds won in total.
    pub total_bb: f64,
    /// Mean result in big blinds per 100 hands.
    pub bb_per_100: f64,
    /// Half-width of the 95% interval of `bb_per_100` (normal approximation; `None` before 2 hands).
    pub ci95_bb_per_100: Option<f64>,
}

/// Mean and 95% half-width (1.96 standard errors), in bb/100, of per-hand results in big blinds.
pub fn match_result(results_bb: &[f64]) -> MatchResult {
    let n = results_bb.len();
    let total: f64 = results_bb.iter().sum();
    let mean = if n == 0 { 0.0 } else { total / n as f64 };
    let ci = (n >= 2).then(|| {
        let var = results_bb.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        1.96 * (var / n as f64).sqrt() * 100.0
    });
    MatchResult {
        hands: n,
        total_bb: total,
        bb_per_100: mean * 100.0,
        ci95_bb_per_100: ci,
    }
}

/// What the page sees of a session.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// Session id.
    pub id: String,
    /// The bot's name.
    pub bot: String,
    /// The session's seed (hand n is dealt from seed + n).
    pub seed: u64,
    /// The current or last hand, if one was dealt.
    pub hand: Option<HandView>,
    /// Running result.
    pub result: MatchResult,
    /// Finished hands.
    pub hands: Vec<FinishedHand>,
}

/// The current (or last) hand as the human may see it.
#[derive(Debug, Clone, Serialize)]
pub struct HandView {
    /// Hand number (from 1).
    pub number: u64,
    /// Seed the cards were dealt from.
    pub seed: u64,
    /// Seat of the human (0) and of the button.
    pub human_seat: usize,
    /// Button seat.
    pub button: usize,
    /// The human's cards.
    pub hole: String,
    /// The bot's cards: only once the hand is over.
    pub bot_hole: Option<String>,
    /// Board cards visible.
    pub board: String,
    /// Street name.
    pub street: String,
    /// Chips in the middle.
    pub pot: Chips,
    /// Chips behind, per seat (final stacks once the hand is over).
    pub stacks: Vec<Chips>,
    /// Chips put in on this street, per seat.
    pub street_bets: Vec<Chips>,
    /// Whether the human is to act.
    pub your_turn: bool,
    /// The human's options when it is their turn.
    pub legal: Option<LegalView>,
    /// What happened, in order.
    pub log: Vec<String>,
    /// Whether the hand is over.
    pub over: bool,
    /// The human's net chips when over.
    pub human_chips: Option<i64>,
}

/// The human's legal moves.
#[derive(Debug, Clone, Serialize)]
pub struct LegalView {
    /// Fold allowed.
    pub can_fold: bool,
    /// Chips a call costs (0 = check).
    pub call: Chips,
    /// Smallest bet/raise-to.
    pub min_raise: Option<Chips>,
    /// Largest bet/raise-to (all-in).
    pub max_raise: Option<Chips>,
}

fn cards(cards: &[ponder_cards::Card]) -> String {
    cards.iter().map(|c| c.to_string()).collect()
}

fn seat_name(seat: usize) -> &'static str {
    if seat == HUMAN {
        "you"
    } else {
        "bot"
    }
}

fn describe(step: &Step, before: &HandState) -> String {
    let what = match step.action {
        Action::Fold => "fold".to_string(),
        Action::CheckCall if before.call_amount(step.seat) == 0 => "check".to_string(),
        Action::CheckCall => format!("call {}", before.call_amount(step.seat)),
        Action::RaiseTo(amount) if before.current_bet() == 0 => format!("bet {amount}"),
        Action::RaiseTo(amount) => format!("raise to {amount}"),
    };
    format!("{:?} {}: {what}", step.street, seat_name(step.seat)).to_lowercase()
}

impl Session {
    fn new(id: String, bot_name: &str, seed: u64) -> Result<Session, ApiError> {
        let bot = make_bot(bot_name, seed).map_err(|e| ApiError::bad("bot", e.to_string()))?;
        let table = |button| {
            TableConfig::new(
                vec![STACK, STACK],
                button,
                SMALL_BLIND,
                BIG_BLIND,
                Betting::NoLimit,
            )
            .validate()
            .map_err(|e| {
                ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string())
            })
        };
        Ok(Session {
            id,
            bot_name: bot_name.to_string(),
            bot,
            seed,
            table: [table(0)?, table(1)?],
            current: None,
            finished: Vec::new(),
        })
    }

    /// Deals the next hand and lets the bot act until the human is to act or the hand is over.
    fn deal(&mut self) -> Result<(), ApiError> {
        if self.current.as_ref().is_some_and(|c| !c.hand.is_over()) {
            return Err(ApiError::with_status(
                StatusCode::CONFLICT,
                None,
                "the current hand is not over",
            ));
        }
        let number = self.finished.len() as u64 + 1;
        if number > MAX_HANDS {
            return Err(ApiError::with_status(
                StatusCode::CONFLICT,
                None,
                format!("a session plays at most {MAX_HANDS} hands; start a new one"),
            ));
        }
        let seed = self.seed.wrapping_add(number);
        let button = (number % 2) as usize;
        let hand = HandState::new(&self.table[button], Deal::shuffled(2, seed)).map_err(|e| {
            ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string())
        })?;
        self.current = Some(Current {
            number,
            seed,
            button,
            hand,
            history: Vec::new(),
            actions: Vec::new(),
            log: vec![format!(
                "hand {number} (seed {seed}): {} on the button, blinds {SMALL_BLIND}/{BIG_BLIND}, stacks {STACK}",
                seat_name(button)
            )],
        });
        self.advance()
    }

    fn apply(current: &mut Current, action: Action) -> Result<(), ponder_holdem::ActionError> {
        let before = current.hand;
        let seat = before
            .to_act()
            .ok_or(ponder_holdem::ActionError::HandOver)?;
        let step = Step {
            street: before.street(),
            seat,
            action,
        };
        current.hand.apply(action)?;
        current.log.push(describe(&step, &before));
        current.history.push(step);
        current.actions.push(action);
        if current.hand.board().len() > before.board().len() && !current.hand.is_over() {
            current
                .log
                .push(format!("board {}", cards(current.hand.board())));
        }
        Ok(())
    }

    /// Bot moves until the human is to act; records the hand when it ends.
    fn advance(&mut self) -> Result<(), ApiError> {
        let Some(current) = self.current.as_mut() else {
            return Ok(());
        };
        while let Some(observation) = Observation::of(&current.hand, &current.history) {
            if observation.seat == HUMAN {
                return Ok(());
            }
            let action = self.bot.act(&observation);
            // A bot is trusted to play legal moves (ponder_bots tests it); an illegal one is a bug, and
            // the hand goes on with a check/call rather than failing the request.
            if Self::apply(current, action).is_err() {
                Self::apply(current, Action::CheckCall).map_err(|e| {
                    ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string())
                })?;
            }
        }
        // Over: record it.
        let chips = current.hand.payoffs()[HUMAN];
        current.log.push(format!(
            "hand over: board {}, bot held {}; you {} {} chips",
            cards(&current.hand.deal().board[..current.hand.board().len()]),
            cards(&current.hand.deal().hole[1 - HUMAN]),
            if chips >= 0 { "win" } else { "lose" },
            chips.unsigned_abs()
        ));
        let record = HandRecord {
            config: self.table[current.button].config().clone(),
            deal: *current.hand.deal(),
            actions: current.actions.clone(),
            final_stacks: current.hand.final_stacks().to_vec(),
        };
        let mut names = vec![String::new(); 2];
        names[HUMAN] = "you".into();
        names[1 - HUMAN] = self.bot_name.clone();
        let phh = to_phh_named(&record, &names).unwrap_or_else(|e| format!("# not written: {e}\n"));
        self.finished.push(FinishedHand {
            number: current.number,
            seed: current.seed,
            human_chips: chips,
            phh,
        });
        Ok(())
    }

    fn act(&mut self, request: &ActRequest) -> Result<(), ApiError> {
        let Some(current) = self.current.as_mut() else {
            return Err(ApiError::with_status(
                StatusCode::CONFLICT,
                None,
                "no hand dealt yet: POST .../deal first",
            ));
        };
        let legal = match current.hand.legal() {
            Some(legal) if legal.seat == HUMAN => legal,
            _ => {
                return Err(ApiError::with_status(
                    StatusCode::CONFLICT,
                    None,
                    "it is not your turn (the hand is over: deal the next one)",
                ))
            }
        };
        let action = match (request.action.as_str(), request.amount) {
            ("fold", None) => Action::Fold,
            ("check", None) if legal.call == 0 => Action::CheckCall,
            ("check", None) => {
                return Err(ApiError::bad(
                    "action",
                    format!("cannot check: {} to call", legal.call),
                ))
            }
            ("call", None) => Action::CheckCall,
            ("bet" | "raise", Some(amount)) => Action::RaiseTo(amount),
            ("bet" | "raise", None) => {
                return Err(ApiError::bad(
                    "amount",
                    "give the total bet after the move, in chips",
                ))
            }
            ("fold" | "check" | "call", Some(_)) => {
                return Err(ApiError::bad("amount", "only bet and raise take an amount"))
            }
            (other, _) => {
                return Err(ApiError::bad(
                    "action",
                    format!(
                        "`{}` is not fold, check, call, bet or raise",
                        ponder_cards::excerpt(other)
                    ),
                ))
            }
        };
        Self::apply(current, action).map_err(|e| {
            let field = if matches!(e, ponder_holdem::ActionError::RaiseSize { .. }) {
                "amount"
            } else {
                "action"
            };
            ApiError::bad(field, e.to_string())
        })?;
        self.advance()
    }

    fn view(&self) -> SessionView {
        let results: Vec<f64> = self
            .finished
            .iter()
            .map(|h| h.human_chips as f64 / BIG_BLIND as f64)
            .collect();
        SessionView {
            id: self.id.clone(),
            bot: self.bot_name.clone(),
            seed: self.seed,
            hand: self.current.as_ref().map(|c| {
                let hand = &c.hand;
                let over = hand.is_over();
                let legal = hand.legal().filter(|l| l.seat == HUMAN);
                HandView {
                    number: c.number,
                    seed: c.seed,
                    human_seat: HUMAN,
                    button: c.button,
                    hole: cards(&hand.deal().hole[HUMAN]),
                    bot_hole: over.then(|| cards(&hand.deal().hole[1 - HUMAN])),
                    board: cards(hand.board()),
                    street: format!("{:?}", hand.street()).to_lowercase(),
                    pot: hand.pot(),
                    // Once the pots are paid, the stacks that hold the winnings.
                    stacks: if over {
                        hand.final_stacks().to_vec()
                    } else {
                        hand.stacks().to_vec()
                    },
                    street_bets: hand.street_bets().to_vec(),
                    your_turn: legal.is_some(),
                    legal: legal.map(|l| LegalView {
                        can_fold: l.can_fold,
                        call: l.call,
                        min_raise: l.raise.map(|r| r.0),
                        max_raise: l.raise.map(|r| r.1),
                    }),
                    log: c.log.clone(),
                    over,
                    human_chips: over.then(|| hand.payoffs()[HUMAN]),
                }
            }),
            result: match_result(&results),
            hands: self.finished.clone(),
        }
    }

    /// Every finished hand as one PHH collection (`.phhs`: one `[n]` table per hand).
    fn phhs(&self) -> String {
        let mut out = String::new();
        for hand in &self.finished {
            out.push_str(&format!("[{}]\n{}\n", hand.number, hand.phh.trim_end()));
            out.push('\n');
        }
        out
    }
}

/// Every play session.
#[derive(Default)]
pub struct Play {
    sessions: Mutex<HashMap<String, Arc<Mutex<Session>>>>,
}

impl Play {
    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Mutex<Session>>>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, id: &str) -> Result<Arc<Mutex<Session>>, ApiError> {
        self.sessions().get(id).cloned().ok_or_else(|| {
            ApiError::not_found(
                "id",
                format!("no play session `{}`", ponder_cards::excerpt(id)),
            )
        })
    }

    fn with<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Session) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let session = self.get(id)?;
        let mut guard = session.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Starts a session against `request.bot` (the oldest session is dropped past [`MAX_SESSIONS`]).
    pub fn create(&self, request: &NewSession) -> Result<SessionView, ApiError> {
        use rand::Rng;
        if !BOT_NAMES.contains(&request.bot.as_str()) {
            return Err(ApiError::bad(
                "bot",
                format!(
                    "unknown bot `{}` (known: {})",
                    ponder_cards::excerpt(&request.bot),
                    BOT_NAMES.join(", ")
                ),
            ));
        }
        let seed = request
            .seed
            .unwrap_or_else(|| rand::thread_rng().gen_range(0..1_000_000_000));
        let id = format!("p{:012x}", rand::thread_rng().gen::<u64>() >> 16);
        let session = Session::new(id.clone(), &request.bot, seed)?;
        let view = session.view();
        let mut sessions = self.sessions();
        if sessions.len() >= MAX_SESSIONS {
            if let Some(key) = sessions.keys().next().cloned() {
                sessions.remove(&key);
            }
        }
        sessions.insert(id, Arc::new(Mutex::new(session)));
        Ok(view)
    }

    /// The session's state.
    pub fn view(&self, id: &str) -> Result<SessionView, ApiError> {
        self.with(id, |s| Ok(s.view()))
    }

    /// Deals the next hand.
    pub fn deal(&self, id: &str) -> Result<SessionView, ApiError> {
        self.with(id, |s| {
            s.deal()?;
            Ok(s.view())
        })
    }

    /// Applies the human's move and the bot's replies.
    pub fn act(&self, id: &str, request: &ActRequest) -> Result<SessionView, ApiError> {
        self.with(id, |s| {
            s.act(request)?;
            Ok(s.view())
        })
    }

    /// The finished hands as PHH.
    pub fn phh(&self, id: &str) -> Result<String, ApiError> {
        self.with(id, |s| Ok(s.phhs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_result_is_the_mean_and_a_normal_interval() {
        // Results 1, -1, 3 bb: mean 1, sample variance 4, standard error sqrt(4/3).
        let r = match_result(&[1.0, -1.0, 3.0]);
        assert_eq!(r.hands, 3);
        assert!((r.bb_per_100 - 100.0).abs() < 1e-9);
        let expected = 1.96 * (4.0f64 / 3.0).sqrt() * 100.0;
        assert!((r.ci95_bb_per_100.unwrap() - expected).abs() < 1e-9);
        assert!(match_result(&[2.0]).ci95_bb_per_100.is_none());
    }

    #[test]
    fn against_call_a_hand_ends_with_chips_conserved() {
        let mut s = Session::new("t".into(), "call", 7).unwrap();
        s.deal().unwrap();
        // Check/call down: the call bot never raises, so the hand reaches showdown.
        while s.current.as_ref().is_some_and(|c| !c.hand.is_over()) {
            s.act(&ActRequest {
                action: "call".into(),
                amount: None,
            })
            .unwrap();
        }
        let view = s.view();
        let hand = view.hand.unwrap();
        assert!(hand.over);
        assert_eq!(hand.board.len(), 10);
        let chips = hand.human_chips.unwrap();
        // Both put in the big blind and nothing more: the human wins, loses or splits 2 chips.
        assert!([-2, 0, 2].contains(&chips), "{chips}");
        assert!(view.hands[0].phh.contains("you"));
    }
}
