//! Local matches between bots: seat rotation, duplicate deals, and win rates with confidence intervals.

use ponder_holdem::{Betting, Chips, ConfigError, Deal, HandState, Table, TableConfig, MAX_CHIPS};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::{check_table, Bot, Observation, TableMismatch};

/// How a match is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchSettings {
    /// Hands to play (with `duplicate`, rounded up to a multiple of the number of bots).
    pub hands: u64,
    /// Replay every deal once per seat rotation, so each bot holds each seat's cards once: luck of
    /// the cards cancels out of the comparison.
    pub duplicate: bool,
    /// Seed of the cards.
    pub seed: u64,
    /// Starting stack in big blinds, restored every hand.
    pub stack_bb: Chips,
}

/// One bot's result.
#[derive(Debug, Clone, PartialEq)]
pub struct BotResult {
    /// The bot's name.
    pub name: String,
    /// Net chips won (wide: a long match of all-ins at the largest stacks passes `i64::MAX`).
    pub chips: i128,
    /// Win rate in big blinds per 100 hands.
    pub bb_per_100: f64,
    /// Half-width of the 95% confidence interval of `bb_per_100`.
    pub ci95: f64,
}

/// A finished match.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchReport {
    /// Hands played.
    pub hands: u64,
    /// Results in bot order.
    pub bots: Vec<BotResult>,
}

/// Big blind of match tables (small blind 1).
pub const BIG_BLIND: Chips = 2;

/// Deepest starting stack of a match, in big blinds: the engine's [`MAX_CHIPS`].
pub const MAX_STACK_BB: Chips = MAX_CHIPS / BIG_BLIND;

/// Why a match cannot be played.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MatchError {
    /// Fewer than 2 or more than 9 bots.
    #[error("a match seats 2 to 9 bots, not {0}")]
    Bots(usize),
    /// A starting stack of zero or deeper than [`MAX_STACK_BB`].
    #[error("a stack of {0} big blinds is outside 1..={MAX_STACK_BB}")]
    Stack(Chips),
    /// The table the settings describe is refused by the engine.
    #[error("match table")]
    Table(#[source] ConfigError),
    /// A bot built for another game than the match table.
    #[error(transparent)]
    Game(TableMismatch),
}

/// Plays a match at the match table (blinds 1/2, `settings.stack_bb` big blinds each); `progress(hands_done)`
/// is called every 1,024 hands.
///
/// Bot `i` sits at seat `(i + rotation) % n`, the rotation advancing every hand, so every bot plays
/// every position equally often. The sample unit of the confidence interval is one hand, or with
/// `duplicate` one deal played in all rotations (whose luck cancels).
pub fn play_match(
    bots: &mut [Box<dyn Bot>],
    settings: &MatchSettings,
    progress: impl FnMut(u64),
) -> Result<MatchReport, MatchError> {
    let n = bots.len();
    if !(2..=ponder_holdem::MAX_SEATS).contains(&n) {
        return Err(MatchError::Bots(n));
    }
    if !(1..=MAX_STACK_BB).contains(&settings.stack_bb) {
        return Err(MatchError::Stack(settings.stack_bb));
    }
    let table = TableConfig::new(
        vec![settings.stack_bb * BIG_BLIND; n],
        n - 1,
        BIG_BLIND / 2,
        BIG_BLIND,
        Betting::NoLimit,
    )
    .validate()
    .map_err(MatchError::Table)?;
    play_match_at(bots, &table, settings, progress)
}

/// [`play_match`] at a given table (a blueprint's game: `settings.stack_bb` is not used); win rates
/// are in the table's big blinds. Every bot built for a particular game must fit the table.
pub fn play_match_at(
    bots: &mut [Box<dyn Bot>],
    table: &Table,
    settings: &MatchSettings,
    mut progress: impl FnMut(u64),
) -> Result<MatchReport, MatchError> {
    let n = bots.len();
    if n != table.seats() {
        return Err(MatchError::Bots(n));
    }
    for bot in bots.iter() {
        check_table(bot.as_ref(), table).map_err(MatchError::Game)?;
    }
    let big_blind = table.config().big_blind;
    let per_unit = if settings.duplicate { n as u64 } else { 1 };
    let units = settings.hands.div_ceil(per_unit);
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut totals = vec![0i128; n];
    // Welford sums of each bot's per-unit result, for the variance.
    let mut means = vec![0f64; n];
    let mut squares = vec![0f64; n];
    let mut unit_result = vec![0i64; n];
    let mut hands = 0u64;
    let mut history = Vec::new();
    for unit in 0..units {
        // One deal per unit: a single hand, or all rotations of a duplicate set.
        let deal = Deal::shuffled_with(n, &mut rng);
        unit_result.iter_mut().for_each(|r| *r = 0);
        for repeat in 0..per_unit {
            let rotation = ((unit * per_unit + repeat) % n as u64) as usize;
            let mut hand = HandState::new(table, deal).expect("a shuffled deal has distinct cards");
            history.clear();
            while let Some(observation) = Observation::of(&hand, &history) {
                let bot = (observation.seat + n - rotation) % n;
                let street = hand.street();
                let mut action = bots[bot].act(&observation);
                if hand.apply(action).is_err() {
                    // A bot that answers illegally is played as check/call, as the ACPC dealer does.
                    action = ponder_holdem::Action::CheckCall;
                    hand.apply(action).expect("check/call is always legal");
                }
                history.push(ponder_holdem::Step {
                    street,
                    seat: observation.seat,
                    action,
                });
            }
            let payoffs = hand.payoffs();
            for (bot, result) in unit_result.iter_mut().enumerate() {
                *result += payoffs[(bot + rotation) % n];
            }
            hands += 1;
            if hands % 1024 == 0 {
                progress(hands);
            }
        }
        for bot in 0..n {
            totals[bot] += i128::from(unit_result[bot]);
            let x = unit_result[bot] as f64;
            let delta = x - means[bot];
            means[bot] += delta / (unit + 1) as f64;
            squares[bot] += delta * (x - means[bot]);
        }
    }
    progress(hands);
    let bb_per_100_per_unit = 100.0 / (big_blind as f64 * per_unit as f64);
    let results = bots
        .iter()
        .enumerate()
        .map(|(bot, b)| {
            let variance = if units > 1 {
                squares[bot] / (units - 1) as f64
            } else {
                0.0
            };
            BotResult {
                name: b.name().to_string(),
                chips: totals[bot],
                bb_per_100: means[bot] * bb_per_100_per_unit,
                ci95: 1.96 * (variance / units as f64).sqrt() * bb_per_100_per_unit,
            }
        })
        .collect();
    Ok(MatchReport {
        hands,
        bots: results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make_bot;

    fn run(names: &[&str], duplicate: bool, hands: u64) -> MatchReport {
        let mut bots: Vec<Box<dyn Bot>> = names
            .iter()
            .enumerate()
            .map(|(i, name)| make_bot(name, i as u64).unwrap())
            .collect();
        let settings = MatchSettings {
            hands,
            duplicate,
            seed: 9,
            stack_bb: 100,
        };
        play_match(&mut bots, &settings, |_| {}).unwrap()
    }

    #[test]
    fn chips_are_conserved() {
        for names in [
            &["random", "call"][..],
            &["raise", "call", "random", "equity"][..],
        ] {
            for duplicate in [false, true] {
                let report = run(names, duplicate, 2_000);
                assert_eq!(report.bots.iter().map(|b| b.chips).sum::<i128>(), 0);
                let rates: f64 = report.bots.iter().map(|b| b.bb_per_100).sum();
                assert!(rates.abs() < 1e-6, "{rates}");
            }
        }
    }

    #[test]
    fn stacks_are_bounded_and_the_largest_totals_stay_exact() {
        let mut bots: Vec<Box<dyn Bot>> = vec![
            make_bot("raise", 0).unwrap(),
            make_bot("random", 1).unwrap(),
        ];
        let mut settings = MatchSettings {
            hands: 10,
            duplicate: false,
            seed: 3,
            stack_bb: u64::MAX,
        };
        // u64::MAX big blinds used to wrap to a stack near u64::MAX and report chips and bb/100 of
        // opposite signs.
        assert_eq!(
            play_match(&mut bots, &settings, |_| {}),
            Err(MatchError::Stack(u64::MAX))
        );
        settings.stack_bb = MAX_STACK_BB + 1;
        assert!(play_match(&mut bots, &settings, |_| {}).is_err());
        // At the largest stack every all-in moves 2^48 chips (about a million such hands would pass
        // i64::MAX, which is why the totals are i128).
        settings.stack_bb = MAX_STACK_BB;
        settings.hands = 4_000;
        let report = play_match(&mut bots, &settings, |_| {}).unwrap();
        let chips: Vec<i128> = report.bots.iter().map(|b| b.chips).collect();
        assert_eq!(chips.iter().sum::<i128>(), 0);
        assert!(chips[0].unsigned_abs() > 1 << 52, "{chips:?}");
        for bot in &report.bots {
            // bb/100 is the same figure as the chips, computed in f64: same sign, same size.
            let from_chips = bot.chips as f64 / BIG_BLIND as f64 / report.hands as f64 * 100.0;
            assert!(
                (bot.bb_per_100 - from_chips).abs() <= 1e-9 * from_chips.abs(),
                "{bot:?}"
            );
        }
    }

    #[test]
    fn duplicate_cancels_luck_between_identical_bots() {
        // Two calling stations over the same cards in both seats break exactly even.
        let report = run(&["call", "call"], true, 1_000);
        assert_eq!(report.bots[0].chips, 0);
        assert_eq!(report.bots[0].ci95, 0.0);
        // Without duplicate, luck shows up as a nonzero result with a wide interval.
        let report = run(&["call", "call"], false, 1_000);
        // Each hand wins or loses one big blind: the interval is about 1.96 x 100 / sqrt(1000) = 6.2.
        assert!(
            report.bots[0].ci95 > 5.0 && report.bots[0].ci95 < 7.0,
            "{:?}",
            report.bots[0]
        );
    }

    #[test]
    fn the_equity_bot_beats_the_random_bot() {
        let report = run(&["equity", "random"], true, 4_000);
        let equity = &report.bots[0];
        assert!(
            equity.bb_per_100 - equity.ci95 > 0.0,
            "equity bot: {:.1} ± {:.1} bb/100",
            equity.bb_per_100,
            equity.ci95
        );
    }
}
