//! `ponder-bots`: hold'em players behind one trait ([`Bot`]), fed only what their seat may see
//! ([`Observation`]), so the same bot plays in local matches ([`matches`](mod@matches)) and over the ACPC protocol.

#![forbid(unsafe_code)]

mod blueprint;
mod equity;
pub mod matches;
mod policy;

pub use blueprint::BlueprintBot;
pub use equity::EquityBot;
pub use policy::RangePolicy;

use ponder_cards::{Card, CardSet, HandIndex};
use ponder_holdem::{Action, Chips, HandState, Legal, Step, Street, Table};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

/// What one seat knows at its decision: its own cards, the public board and betting, the legal moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The deciding seat.
    pub seat: usize,
    /// Its two hole cards.
    pub hole: [Card; 2],
    /// Board cards visible now.
    pub board: Vec<Card>,
    /// Current street.
    pub street: Street,
    /// Seat of the button.
    pub button: usize,
    /// Chips behind, per seat.
    pub stacks: Vec<Chips>,
    /// Chips put in on this street, per seat.
    pub street_bets: Vec<Chips>,
    /// Chips in the middle.
    pub pot: Chips,
    /// Which seats have folded.
    pub folded: Vec<bool>,
    /// The moves open to the seat.
    pub legal: Legal,
    /// Every action of the hand so far, in order (public: all seats see the betting).
    pub history: Vec<Step>,
}

impl Observation {
    /// The view of the seat to act, or `None` when the hand is over; `history` is the hand's actions so
    /// far (the engine state does not keep them).
    pub fn of(hand: &HandState, history: &[Step]) -> Option<Observation> {
        let legal = hand.legal()?;
        let seat = legal.seat;
        Some(Observation {
            seat,
            hole: hand.deal().hole[seat],
            board: hand.board().to_vec(),
            street: hand.street(),
            button: hand.button(),
            stacks: hand.stacks().to_vec(),
            street_bets: hand.street_bets().to_vec(),
            pot: hand.pot(),
            folded: (0..hand.seats()).map(|s| hand.has_folded(s)).collect(),
            legal,
            history: history.to_vec(),
        })
    }
}

/// A hold'em player.
///
/// Besides playing ([`Bot::act`]) every bot states its whole strategy at a decision ([`Bot::policy`],
/// [`Bot::range_policy`]), so evaluators (local best response, `ponder bot policy`) can read it.
pub trait Bot: Send {
    /// The bot's name as given on the command line.
    fn name(&self) -> &str;
    /// Chooses a legal action: a draw from [`Bot::policy`] at the same observation.
    fn act(&mut self, observation: &Observation) -> Action;
    /// The distribution `act` draws from: legal actions with positive probabilities summing to 1
    /// (a deterministic bot gives one action with probability 1). Asking must not change what the
    /// bot does next (no random draws).
    fn policy(&mut self, observation: &Observation) -> Vec<(Action, f64)>;
    /// [`Bot::policy`] for every hole pair the seat could hold, given the public part of the
    /// observation: `observation.hole` is not read. Hands touching the board get no probability.
    fn range_policy(&mut self, observation: &Observation) -> RangePolicy {
        let board = CardSet::from_cards(&observation.board);
        let mut view = observation.clone();
        let mut range = RangePolicy::default();
        for hand in HandIndex::all() {
            if hand.card_set().intersects(board) {
                continue;
            }
            let (a, b) = hand.cards();
            view.hole = [a, b];
            for (action, probability) in self.policy(&view) {
                range.add(hand, action, probability);
            }
        }
        range
    }
    /// The table the bot was built for (a blueprint's game), or `None` if it plays at any table.
    fn table(&self) -> Option<&Table> {
        None
    }
}

/// Why a bot cannot play at a table: its game differs (seats, stacks, blinds, antes or betting).
pub fn check_table(bot: &dyn Bot, table: &Table) -> Result<(), TableMismatch> {
    let Some(own) = bot.table() else {
        return Ok(());
    };
    let (a, b) = (own.config(), table.config());
    let same = a.stacks == b.stacks
        && a.small_blind == b.small_blind
        && a.big_blind == b.big_blind
        && a.ante == b.ante
        && a.straddle == b.straddle
        && a.betting == b.betting;
    if same {
        Ok(())
    } else {
        Err(TableMismatch {
            bot: bot.name().to_string(),
            expected: describe(a),
            found: describe(b),
        })
    }
}

fn describe(config: &ponder_holdem::TableConfig) -> String {
    format!(
        "{} players, stacks {:?}, blinds {}/{}{}",
        config.stacks.len(),
        config.stacks,
        config.small_blind,
        config.big_blind,
        match config.betting {
            ponder_holdem::Betting::NoLimit => ", no-limit",
            ponder_holdem::Betting::FixedLimit { .. } => ", fixed-limit",
        }
    )
}

/// A bot asked to play at a table other than the one it was built for.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("bot `{bot}` was built for {expected}, but the game is {found}")]
pub struct TableMismatch {
    /// The bot's name.
    pub bot: String,
    /// The bot's own game.
    pub expected: String,
    /// The game it was asked to play.
    pub found: String,
}

/// Always checks or calls.
#[derive(Debug, Default)]
pub struct CallBot;

impl Bot for CallBot {
    fn name(&self) -> &str {
        "call"
    }
    fn act(&mut self, _: &Observation) -> Action {
        Action::CheckCall
    }
    fn policy(&mut self, _: &Observation) -> Vec<(Action, f64)> {
        vec![(Action::CheckCall, 1.0)]
    }
}

/// Always raises the maximum (all-in in no-limit) when it may, else calls.
#[derive(Debug, Default)]
pub struct RaiseBot;

impl Bot for RaiseBot {
    fn name(&self) -> &str {
        "raise"
    }
    fn act(&mut self, observation: &Observation) -> Action {
        match observation.legal.raise {
            Some((_, max)) => Action::RaiseTo(max),
            None => Action::CheckCall,
        }
    }
    fn policy(&mut self, observation: &Observation) -> Vec<(Action, f64)> {
        vec![(self.act(observation), 1.0)]
    }
}

/// Uniformly random among fold (when facing a bet), check/call, and raising; a raise takes one of
/// [`RANDOM_RAISE_SIZES`] evenly spaced legal sizes from the minimum to the maximum, uniformly (a finite
/// set, so its policy can be written down exactly).
#[derive(Debug)]
pub struct RandomBot {
    rng: ChaCha8Rng,
}

/// How many raise sizes the random bot chooses among (fewer when the legal range is narrower).
pub const RANDOM_RAISE_SIZES: u64 = 8;

impl RandomBot {
    /// A random bot with its own seeded stream.
    pub fn new(seed: u64) -> RandomBot {
        RandomBot {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

/// The random bot's raise sizes: evenly spaced from `min` to `max`, distinct, increasing.
fn random_raise_sizes(min: Chips, max: Chips) -> Vec<Chips> {
    let span = max - min;
    let steps = RANDOM_RAISE_SIZES - 1;
    let mut sizes: Vec<Chips> = (0..=steps)
        // u128: span * k must not overflow for the deepest stacks.
        .map(|k| min + (u128::from(span) * u128::from(k) / u128::from(steps)) as Chips)
        .collect();
    sizes.dedup();
    sizes
}

impl Bot for RandomBot {
    fn name(&self) -> &str {
        "random"
    }
    fn act(&mut self, observation: &Observation) -> Action {
        let policy = self.policy(observation);
        let mut x: f64 = self.rng.gen();
        for &(action, probability) in &policy {
            if x < probability {
                return action;
            }
            x -= probability;
        }
        policy.last().expect("check/call is always there").0
    }
    fn policy(&mut self, observation: &Observation) -> Vec<(Action, f64)> {
        let legal = &observation.legal;
        let choices =
            1.0 + f64::from(u8::from(legal.can_fold)) + f64::from(u8::from(legal.raise.is_some()));
        let mut policy = Vec::new();
        if legal.can_fold {
            policy.push((Action::Fold, 1.0 / choices));
        }
        policy.push((Action::CheckCall, 1.0 / choices));
        if let Some((min, max)) = legal.raise {
            let sizes = random_raise_sizes(min, max);
            let each = 1.0 / choices / sizes.len() as f64;
            policy.extend(sizes.into_iter().map(|size| (Action::RaiseTo(size), each)));
        }
        policy
    }
}

/// A bot name that cannot be made into a bot.
#[derive(Debug, Error)]
pub enum BotError {
    /// Not a known name.
    #[error(
        "unknown bot `{0}` (known: {known}, blueprint:DIR, blueprint-average:DIR, blueprint-purified:DIR)",
        known = BOT_NAMES.join(", ")
    )]
    Unknown(String),
    /// A blueprint directory that does not load.
    #[error("bot `{name}`")]
    Blueprint {
        /// The bot name as given.
        name: String,
        /// Why loading failed.
        #[source]
        source: ponder_blueprint::BlueprintError,
    },
}

/// Names [`make_bot`] accepts besides the blueprint forms `blueprint:DIR` (the blueprint's default
/// play: rare actions thresholded away), `blueprint-average:DIR` (the average strategy as trained)
/// and `blueprint-purified:DIR` (its most likely action only).
pub const BOT_NAMES: &[&str] = &["random", "call", "raise", "equity"];

/// A bot named once (and, for a blueprint, loaded once) that makes fresh bots on demand: evaluators
/// that play many hands in parallel give every hand its own seeded bot.
#[derive(Clone)]
pub struct BotSpec {
    name: String,
    kind: BotKind,
}

impl std::fmt::Debug for BotSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSpec")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum BotKind {
    Random,
    Call,
    Raise,
    Equity,
    Blueprint(std::sync::Arc<ponder_blueprint::Blueprint>),
}

impl BotSpec {
    /// Reads a bot name (see [`BOT_NAMES`]); a blueprint is loaded here, once.
    pub fn parse(name: &str) -> Result<BotSpec, BotError> {
        let blueprint = [
            ("blueprint:", None),
            (
                "blueprint-average:",
                Some(ponder_blueprint::PlayMode::Average),
            ),
            (
                "blueprint-purified:",
                Some(ponder_blueprint::PlayMode::Purified),
            ),
        ]
        .into_iter()
        .find_map(|(prefix, mode)| name.strip_prefix(prefix).map(|dir| (dir, mode)));
        let kind = match (name, blueprint) {
            (_, Some((dir, mode))) => {
                let loaded = ponder_blueprint::Blueprint::load(std::path::Path::new(dir)).map_err(
                    |source| BotError::Blueprint {
                        name: name.to_string(),
                        source,
                    },
                )?;
                let loaded = match mode {
                    Some(mode) => loaded.with_mode(mode),
                    None => loaded,
                };
                BotKind::Blueprint(std::sync::Arc::new(loaded))
            }
            ("random", None) => BotKind::Random,
            ("call", None) => BotKind::Call,
            ("raise", None) => BotKind::Raise,
            ("equity", None) => BotKind::Equity,
            (other, None) => return Err(BotError::Unknown(other.to_string())),
        };
        Ok(BotSpec {
            name: name.to_string(),
            kind,
        })
    }

    /// The name it was made from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A fresh bot; `seed` feeds bots that use randomness.
    pub fn make(&self, seed: u64) -> Box<dyn Bot> {
        match &self.kind {
            BotKind::Random => Box::new(RandomBot::new(seed)),
            BotKind::Call => Box::new(CallBot),
            BotKind::Raise => Box::new(RaiseBot),
            BotKind::Equity => Box::new(EquityBot::new(seed, 200, 0.6)),
            BotKind::Blueprint(blueprint) => Box::new(BlueprintBot::new(
                self.name.clone(),
                blueprint.clone(),
                seed,
            )),
        }
    }
}

/// Builds a bot by name; `seed` feeds bots that use randomness.
pub fn make_bot(name: &str, seed: u64) -> Result<Box<dyn Bot>, BotError> {
    Ok(BotSpec::parse(name)?.make(seed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ponder_holdem::{Betting, Deal, TableConfig};

    #[test]
    fn every_bot_only_plays_legal_actions() {
        let config = TableConfig::new(vec![100, 40, 300, 7], 1, 1, 2, Betting::NoLimit)
            .validate()
            .unwrap();
        for name in BOT_NAMES {
            let mut bot = make_bot(name, 3).unwrap();
            for seed in 0..500 {
                let mut hand = HandState::new(&config, Deal::shuffled(4, seed)).unwrap();
                let mut history = Vec::new();
                while let Some(observation) = Observation::of(&hand, &history) {
                    let action = bot.act(&observation);
                    history.push(Step {
                        street: hand.street(),
                        seat: observation.seat,
                        action,
                    });
                    hand.apply(action).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                assert_eq!(hand.final_stacks().iter().sum::<u64>(), 447);
            }
        }
        assert!(make_bot("nit", 0).is_err());
    }

    #[test]
    fn act_draws_from_the_policy_and_the_range_policy_ignores_the_hole_cards() {
        let table = TableConfig::new(vec![400, 400], 1, 1, 2, Betting::NoLimit)
            .validate()
            .unwrap();
        for name in BOT_NAMES {
            let mut bot = make_bot(name, 5).unwrap();
            for seed in 0..40 {
                let mut hand = HandState::new(&table, Deal::shuffled(2, seed)).unwrap();
                let mut history = Vec::new();
                while let Some(observation) = Observation::of(&hand, &history) {
                    let policy = bot.policy(&observation);
                    let total: f64 = policy.iter().map(|(_, p)| p).sum();
                    assert!((total - 1.0).abs() < 1e-12, "{name}: {policy:?}");
                    let action = bot.act(&observation);
                    assert!(
                        policy.iter().any(|&(a, p)| a == action && p > 0.0),
                        "{name}"
                    );
                    let range = bot.range_policy(&observation);
                    let own = HandIndex::from_cards(observation.hole[0], observation.hole[1]);
                    assert_eq!(range.of_hand(own.unwrap()), policy, "{name}");
                    // Other hole cards in the observation: the same range answer.
                    let mut other = observation.clone();
                    let board = CardSet::from_cards(&other.board);
                    let swap = HandIndex::all()
                        .filter(|h| !h.card_set().intersects(board))
                        .last()
                        .unwrap()
                        .cards();
                    other.hole = [swap.0, swap.1];
                    assert_eq!(bot.range_policy(&other), range, "{name}");
                    history.push(Step {
                        street: hand.street(),
                        seat: observation.seat,
                        action,
                    });
                    hand.apply(action).unwrap();
                }
            }
        }
    }
}
