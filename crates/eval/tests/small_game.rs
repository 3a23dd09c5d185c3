//! LBR checked where the truth is computable: a one-street river game (fixed board, both players check
//! or call before the river, stacks of 3 big blinds behind), where the best response against the bot
//! can be computed exactly by walking every legal bet size. LBR's exact value there must never exceed
//! the best response's, hand by hand; the sampled `run_lbr` must agree with LBR's exact value; and
//! two cases are checked against values worked out by hand.

use std::collections::HashMap;

use ponder_bots::{Bot, Observation, RangePolicy};
use ponder_cards::{parse_cards, Card, CardSet, Category, Hand, HandIndex, HAND_COUNT};
use ponder_eval::lbr::{decide, run_lbr, LbrActions, LbrSettings};
use ponder_holdem::{Action, Betting, Deal, HandState, Step, Street, Table, TableConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn table() -> Table {
    // Blinds 1/2, 8 chips each: after a called preflop 6 chips (3 big blinds) are left behind.
    TableConfig::new(vec![8, 8], 1, 1, 2, Betting::NoLimit)
        .validate()
        .unwrap()
}

fn cards(text: &str) -> Vec<Card> {
    parse_cards(text).unwrap()
}

const BOARD: &str = "Ks9h5d2c7s";

/// Checks or calls before the river; on the river mixes by hand category (two pair or better
/// strong, one pair medium, else weak), bluffing and folding sometimes.
struct RiverBot(ChaCha8Rng);

impl Bot for RiverBot {
    fn name(&self) -> &str {
        "river-mixer"
    }
    fn act(&mut self, observation: &Observation) -> Action {
        let policy = self.policy(observation);
        let mut x: f64 = self.0.gen();
        for &(action, p) in &policy {
            if x < p {
                return action;
            }
            x -= p;
        }
        policy.last().unwrap().0
    }
    fn policy(&mut self, o: &Observation) -> Vec<(Action, f64)> {
        if o.street != Street::River {
            return vec![(Action::CheckCall, 1.0)];
        }
        let mut all = o.board.clone();
        all.extend(o.hole);
        let category = Hand::from_cards(&all).rank().category();
        let facing = o.legal.call > 0;
        let raise = o.legal.raise;
        match (
            category >= Category::TwoPair,
            category == Category::OnePair,
            facing,
            raise,
        ) {
            (true, _, false, Some((min, _))) => {
                vec![(Action::RaiseTo(min), 0.6), (Action::CheckCall, 0.4)]
            }
            (true, _, true, Some((_, max))) => {
                vec![(Action::RaiseTo(max), 0.5), (Action::CheckCall, 0.5)]
            }
            (true, _, _, None) | (false, true, false, _) => vec![(Action::CheckCall, 1.0)],
            (false, true, true, _) => vec![(Action::CheckCall, 0.6), (Action::Fold, 0.4)],
            (false, false, false, Some((_, max))) => {
                vec![(Action::RaiseTo(max), 0.3), (Action::CheckCall, 0.7)]
            }
            (false, false, false, None) => vec![(Action::CheckCall, 1.0)],
            (false, false, true, _) => vec![(Action::Fold, 0.9), (Action::CheckCall, 0.1)],
        }
    }
}

/// Folds whenever it faces a bet, else checks.
struct FoldBot;

impl Bot for FoldBot {
    fn name(&self) -> &str {
        "fold"
    }
    fn act(&mut self, o: &Observation) -> Action {
        if o.legal.can_fold {
            Action::Fold
        } else {
            Action::CheckCall
        }
    }
    fn policy(&mut self, o: &Observation) -> Vec<(Action, f64)> {
        vec![(self.act(o), 1.0)]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Best,
    Lbr,
}

struct Walker<'a> {
    bot: &'a mut dyn Bot,
    settings: LbrSettings,
    /// The bot's range policy per betting history (it does not depend on LBR's cards).
    policies: HashMap<String, RangePolicy>,
    /// Every hand's rank on the board (hands touching it: 0, never used).
    ranks: Vec<u16>,
    lbr: usize,
    hole: HandIndex,
}

impl Walker<'_> {
    fn child(
        &mut self,
        hand: &HandState,
        history: &mut Vec<Step>,
        mode: Mode,
        action: Action,
        weights: &[f64],
    ) -> f64 {
        let mut next = *hand;
        next.apply(action).unwrap();
        history.push(Step {
            street: hand.street(),
            seat: hand.to_act().unwrap(),
            action,
        });
        let v = self.value(&next, history, weights, mode);
        history.pop();
        v
    }

    /// Sum over the bot's hands of weight × LBR's (or the best response's) net chips.
    fn value(
        &mut self,
        hand: &HandState,
        history: &mut Vec<Step>,
        weights: &[f64],
        mode: Mode,
    ) -> f64 {
        let mass: f64 = weights.iter().sum();
        if mass == 0.0 {
            return 0.0;
        }
        let Some(legal) = hand.legal() else {
            if (0..2).any(|s| hand.has_folded(s)) {
                return hand.payoffs()[self.lbr] as f64 * mass;
            }
            let stake = hand.contributions()[self.lbr] as f64;
            let mine = self.ranks[self.hole.as_usize()];
            return weights
                .iter()
                .zip(&self.ranks)
                .map(|(&w, &theirs)| w * stake * (mine.cmp(&theirs) as i32) as f64)
                .sum();
        };
        let street = hand.street();
        if legal.seat == self.lbr {
            if street < Street::River {
                return self.child(hand, history, mode, Action::CheckCall, weights);
            }
            if mode == Mode::Lbr {
                let mut rng = ChaCha8Rng::seed_from_u64(0);
                let action =
                    decide(hand, history, weights, self.bot, &self.settings, &mut rng).action;
                return self.child(hand, history, mode, action, weights);
            }
            let mut actions = Vec::new();
            if legal.can_fold {
                actions.push(Action::Fold);
            }
            actions.push(Action::CheckCall);
            if let Some((min, max)) = legal.raise {
                actions.extend((min..=max).map(Action::RaiseTo));
            }
            return actions
                .into_iter()
                .map(|a| self.child(hand, history, mode, a, weights))
                .fold(f64::NEG_INFINITY, f64::max);
        }
        let key = format!("{history:?}");
        if !self.policies.contains_key(&key) {
            let view = Observation::of(hand, history).unwrap();
            let policy = self.bot.range_policy(&view);
            self.policies.insert(key.clone(), policy);
        }
        let policy = self.policies[&key].clone();
        let mut total = 0.0;
        for (a, &action) in policy.actions.iter().enumerate() {
            let next: Vec<f64> = weights
                .iter()
                .zip(&policy.probabilities[a])
                .map(|(w, p)| w * p)
                .collect();
            total += self.child(hand, history, mode, action, &next);
        }
        total
    }
}

/// Exact expected chips per (hand, seat) of the best response and of LBR, and the sum of weights.
fn exact_values(bot: &mut dyn Bot, settings: &LbrSettings) -> (Vec<(f64, f64)>, f64) {
    let board = cards(BOARD);
    let board_set = CardSet::from_cards(&board);
    let ranks: Vec<u16> = HandIndex::all()
        .map(|h| {
            if h.card_set().intersects(board_set) {
                0
            } else {
                let (a, b) = h.cards();
                Hand::from_cards(&board).add(a).add(b).rank().value()
            }
        })
        .collect();
    let mut walker = Walker {
        bot,
        settings: settings.clone(),
        policies: HashMap::new(),
        ranks,
        lbr: 0,
        hole: HandIndex(0),
    };
    let mut out = Vec::new();
    let mut pairs = 0.0;
    for lbr in 0..2 {
        walker.lbr = lbr;
        walker.policies.clear();
        for hole in HandIndex::all().filter(|h| !h.card_set().intersects(board_set)) {
            walker.hole = hole;
            let blocked = board_set.union(hole.card_set());
            let weights: Vec<f64> = HandIndex::all()
                .map(|h| f64::from(u8::from(!h.card_set().intersects(blocked))))
                .collect();
            // Any opponent cards do for the engine: showdowns are valued from `ranks`.
            let other = HandIndex::all()
                .find(|h| !h.card_set().intersects(blocked))
                .unwrap();
            let mut deal = Deal::shuffled(2, 0);
            let (a, b) = hole.cards();
            let (c, d) = other.cards();
            deal.hole[lbr] = [a, b];
            deal.hole[1 - lbr] = [c, d];
            deal.board = board.clone().try_into().unwrap();
            let start = HandState::new(&table(), deal).unwrap();
            let best = walker.value(&start, &mut Vec::new(), &weights, Mode::Best);
            let local = walker.value(&start, &mut Vec::new(), &weights, Mode::Lbr);
            pairs += weights.iter().sum::<f64>();
            out.push((best, local));
        }
    }
    (out, pairs)
}

fn river_settings(deals: u64) -> LbrSettings {
    LbrSettings {
        deals,
        seed: 5,
        actions: LbrActions::FoldCallPotAllIn,
        first_street: Street::River,
        board: Some(cards(BOARD).try_into().unwrap()),
    }
}

#[test]
fn lbr_never_beats_the_true_best_response_and_sampling_matches_its_exact_value() {
    let settings = river_settings(4_000);
    let (values, pairs) = exact_values(&mut RiverBot(ChaCha8Rng::seed_from_u64(0)), &settings);
    assert_eq!(values.len(), 2 * 1081);
    let mut best = 0.0;
    let mut local = 0.0;
    for &(b, l) in &values {
        assert!(
            l <= b + 1e-9 * b.abs().max(1.0),
            "LBR {l} above best response {b}"
        );
        best += b;
        local += l;
    }
    // Chips per game, both seats equally often.
    let (best, local) = (best / pairs, local / pairs);
    assert!(local < best, "LBR {local} vs best response {best}");
    // This bot bluffs and folds too much: the exact best response wins, and so does LBR.
    assert!(local > 0.0, "{local}");
    let mbb = |chips: f64| chips / 2.0 * 1000.0;
    let report = run_lbr(
        &table(),
        &|seed| Box::new(RiverBot(ChaCha8Rng::seed_from_u64(seed))),
        &settings,
        &|_| {},
    )
    .unwrap();
    assert!(
        (report.mbb_per_game - mbb(local)).abs() < 2.0 * report.ci95,
        "sampled {} ± {} vs exact {}",
        report.mbb_per_game,
        report.ci95,
        mbb(local)
    );
    eprintln!(
        "best response {:.1} mbb/g, LBR exact {:.1}, LBR sampled {:.1} ± {:.1}",
        mbb(best),
        mbb(local),
        report.mbb_per_game,
        report.ci95
    );
}

#[test]
fn lbr_against_a_bot_that_always_folds_to_a_bet_wins_three_quarters_of_a_big_blind() {
    // Worked by hand. LBR in the big blind: the bot (small blind) faces the big blind and folds: LBR
    // wins 1 chip. LBR on the button: it completes, the bot checks; LBR calls on the flop and bets the
    // pot on the turn (its value: the bot's 2 chips, which it folds, against (2e - 1) x 2 for
    // checking); with the nuts checking ties with betting and LBR checks, the bot checks behind and
    // LBR wins the same 2 chips at showdown. Every deal: 1 + 2 = 3 chips, 0.75 big blinds a game.
    let settings = LbrSettings {
        deals: 300,
        ..LbrSettings::default()
    };
    let report = run_lbr(&table(), &|_| Box::new(FoldBot), &settings, &|_| {}).unwrap();
    assert_eq!(report.mbb_per_game, 750.0);
    assert_eq!(report.ci95, 0.0);
    assert_eq!(report.chips, 3 * 300);
}

#[test]
fn decision_values_against_a_calling_station_with_the_nuts() {
    // River, pot 4 (2 each), 6 behind; LBR (seat 0, first to act) holds a royal flush. Against a bot
    // that always calls: check = (2 x 1 - 1) x 2 = 2, pot (raise to 4) = 6, all-in (to 6) = 8.
    let mut deal = Deal::shuffled(2, 0);
    let hole = cards("Ts9c");
    deal.hole[0] = [hole[0], hole[1]];
    deal.hole[1] = [cards("3c")[0], cards("3d")[0]];
    deal.board = cards("AsKsQsJs2d").try_into().unwrap();
    let mut hand = HandState::new(&table(), deal).unwrap();
    let mut history = Vec::new();
    while hand.street() < Street::River {
        let seat = hand.to_act().unwrap();
        history.push(Step {
            street: hand.street(),
            seat,
            action: Action::CheckCall,
        });
        hand.apply(Action::CheckCall).unwrap();
    }
    assert_eq!(hand.to_act(), Some(0));
    let mut range = vec![1.0; HAND_COUNT];
    ponder_eval::lbr::remove_blocked(&mut range, CardSet::from_cards(&cards("Ts9cAsKsQsJs2d")));
    let mut bot = ponder_bots::CallBot;
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let decision = decide(
        &hand,
        &history,
        &range,
        &mut bot,
        &LbrSettings::default(),
        &mut rng,
    );
    assert_eq!(
        decision.values,
        vec![
            (Action::CheckCall, 2.0),
            (Action::RaiseTo(4), 6.0),
            (Action::RaiseTo(6), 8.0)
        ]
    );
    assert_eq!(decision.action, Action::RaiseTo(6));
}
