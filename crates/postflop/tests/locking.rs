//! Node locking against closed-form and independent answers: a locked bettor in the polarised river toy
//! game, a lock equal to the unlocked solution, a whole player locked (the opponent's solve must be its
//! exact best response), locks below dealt cards, and located errors for bad locks.

use std::collections::BTreeMap;

use ponder_postflop::bet_size::{parse_bet_sizes, SizeKind};
use ponder_postflop::cards_glue;
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::lock::{self, LockError, LockSpec, Locks};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::tree::{ActionNodeKind, ActionTree, Player, Street, StreetSizes, TreeConfig};
use ponder_postflop::{evaluate, Play, Solver, StoredValue, Q16};
use ponder_postflop::{PreparedSpot, SolveError};

/// Values (net chips per hand pair) of both players when both follow their average strategies.
fn average_values<S: StoredValue>(solver: &Solver<S>) -> [f64; 2] {
    let game = &solver.game;
    std::array::from_fn(|player| {
        let mut out = vec![0.0f32; game.hands[player].len()];
        evaluate(
            game,
            &solver.storage,
            player,
            Play::Average,
            NodeId(0),
            &game.hands[1 - player].weights,
            &mut out,
        );
        out.iter()
            .zip(&game.hands[player].weights)
            .map(|(&v, &w)| v as f64 * w as f64)
            .sum::<f64>()
            / game.pair_weight
    })
}

fn strategy(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

// The polarised toy game of tests/toy_river.rs: OOP holds the nuts (4h4s) or air (5c5d) with equal weight,
// IP a bluff-catcher (7c7d); pot 100, one pot-sized bet for OOP, IP can only check behind or call/fold.
/// Both players' hands as (card, card, weight).
type Ranges = [Vec<(u8, u8, f32)>; 2];

fn toy_game() -> (Game, Ranges) {
    let mut sizes: [[StreetSizes; 2]; 3] = Default::default();
    sizes[2][0].bet = parse_bet_sizes("100%", SizeKind::Bet).unwrap();
    let config = TreeConfig {
        first_street: Street::River,
        starting_pot: 100,
        effective_stack: 10_000,
        sizes,
        add_allin_threshold: 0.0,
        force_allin_threshold: 0.0,
        merging_threshold: 0.0,
        raise_cap: None,
    };
    let tree = ActionTree::build(config);
    let board = [0u8, 1, 2, 3, 4];
    let ranges = [
        vec![(10u8, 11u8, 1.0f32), (12, 13, 1.0)],
        vec![(20u8, 21u8, 1.0f32)],
    ];
    let strength = |_: &[u8; 5], a: u8, _: u8| match a {
        10 => 3,
        20 => 2,
        _ => 1,
    };
    let game = Game::with_strength(tree, &board, [&ranges[0], &ranges[1]], false, &strength);
    (game, ranges)
}

/// Locks the bettor to: nuts always bet, air bets with probability `bluff`; returns the solved game
/// (storage of kind `S`).
fn locked_toy<S: StoredValue>(bluff: f64) -> Solver<S> {
    let (mut game, ranges) = toy_game();
    assert_eq!(cards_glue::card_name(10), "4h");
    let specs = vec![
        LockSpec {
            line: String::new(),
            hands: Some("4h4s".into()),
            strategy: strategy(&[("bet 100", 1.0)]),
        },
        LockSpec {
            line: String::new(),
            hands: Some("5c5d".into()),
            strategy: strategy(&[("bet 100", bluff), ("check", 1.0 - bluff)]),
        },
    ];
    let resolved = lock::resolve(
        &specs,
        &[],
        &game.tree,
        &game.board,
        [&ranges[0], &ranges[1]],
    )
    .unwrap();
    game.locks = Locks::build(&game, &resolved);
    let mut solver = Solver::<S>::zeroed(game);
    for _ in 0..3000 {
        solver.iterate();
    }
    solver
}

/// The bluff-catcher's value (per hand pair) when calling with probability `call` against a bettor who
/// always bets the nuts and bluffs air with probability `bluff` (pot 100, bet 100).
fn catcher_value(bluff: f64, call: f64) -> f64 {
    let vs_nuts = call * -150.0 + (1.0 - call) * -50.0;
    let vs_air = bluff * (call * 150.0 + (1.0 - call) * -50.0) + (1.0 - bluff) * 50.0;
    (vs_nuts + vs_air) / 2.0
}

/// The bettor's value (per hand pair) when it may deviate from its lock, best-responding to a
/// bluff-catcher who calls a bet with probability `call`: the nuts take the better of betting (called:
/// +150, folded to: +50) and checking (showdown: +50), air the better of bluffing (called: -150,
/// folded to: +50) and checking (loses the showdown: -50).
fn unlocked_bettor_value(call: f64) -> f64 {
    let nuts = (call * 150.0 + (1.0 - call) * 50.0).max(50.0);
    let air = (call * -150.0 + (1.0 - call) * 50.0).max(-50.0);
    (nuts + air) / 2.0
}

fn check_toy(bluff: f64, expected_call: f64) {
    check_toy_with::<f32>(bluff, expected_call);
    // 16-bit storage keeps the lock and reaches the same answers.
    check_toy_with::<Q16>(bluff, expected_call);
}

fn check_toy_with<S: StoredValue>(bluff: f64, expected_call: f64) {
    let solver = locked_toy::<S>(bluff);
    let root = solver.average_strategy(NodeId(0));
    // Root actions check, bet; hands nuts, air: the average strategy is exactly the lock (with 16-bit
    // storage too, whose sums alone hold it only to one step in 65,535).
    assert!((root[2] - 1.0).abs() < 1e-6, "nuts bet {}", root[2]);
    assert!((root[3] as f64 - bluff).abs() < 1e-6, "air bet {}", root[3]);
    let facing = NodeId(solver.game.nodes[0].first_child + 1);
    let call = solver.average_strategy(facing)[1] as f64;
    assert!(
        (call - expected_call).abs() < 1e-3,
        "bluff {bluff}: call {call}, best response {expected_call}"
    );
    let best = catcher_value(bluff, expected_call);
    let [oop_br, ip_br] = solver.best_response_values();
    let [oop_avg, ip_avg] = average_values(&solver);
    assert!(
        (ip_br - best).abs() < 1e-4,
        "IP best response {ip_br} vs {best}"
    );
    assert!((ip_avg - best).abs() < 0.05, "IP value {ip_avg} vs {best}");
    // OOP is locked everywhere: its best response in the locked game is its actual value.
    assert!((oop_br - oop_avg).abs() < 1e-4, "OOP {oop_br} vs {oop_avg}");
    assert!((oop_avg + ip_avg).abs() < 1e-4, "zero-sum");
    let exploitability = solver.exploitability_pct();
    assert!(
        (0.0..0.05).contains(&(exploitability + 1e-6)),
        "locked exploitability {exploitability}"
    );
    // In the full game the bettor may leave its lock: its best response against the catcher's actual
    // calling frequency is the closed form, and the exploitability is what the lock gives away.
    let [oop_free, ip_free] = solver.response_values(Play::BestUnlocked);
    let free = unlocked_bettor_value(call);
    assert!(
        (oop_free - free).abs() < 1e-3,
        "OOP unlocked {oop_free} vs {free}"
    );
    assert!(
        (ip_free - ip_br).abs() < 1e-9,
        "IP is not locked: {ip_free} vs {ip_br}"
    );
    let full = solver.full_game_exploitability_pct();
    let expected = (free + ip_br) / 2.0;
    assert!(
        (full - expected).abs() < 1e-3,
        "full game {full}% vs {expected}%"
    );
    assert!(full > exploitability + 10.0, "{full} vs {exploitability}");
}

#[test]
fn over_bluffing_bettor_is_always_called() {
    // Bluffs above b/(1+2b) = 1/3 of the betting range (air bets more than half the time): call always.
    check_toy(1.0, 1.0);
    check_toy(0.75, 1.0);
}

#[test]
fn under_bluffing_bettor_is_never_called() {
    check_toy(0.25, 0.0);
    check_toy(0.0, 0.0);
}

fn spot_text(extra: &str) -> String {
    format!(
        "board = \"QsJh2h8d3c\"\noop_range = \"AA,KK,QJs,T9s,A5s,87s,JTs\"\nip_range = \"QQ,JJ,AK,KQs,T9s,54s,A2s\"\n\
         starting_pot = 200\neffective_stack = 900\nadd_allin_threshold = 1.5\nforce_allin_threshold = 0.15\n\
         merging_threshold = 0.1\n[bet_sizes]\nbet = \"33%, 75%, a\"\nraise = \"3x\"\n{extra}"
    )
}

fn prepared(extra: &str) -> Result<PreparedSpot, SolveError> {
    let file = SpotFile::from_toml(&spot_text(extra), "spot.toml")?;
    PreparedSpot::new(file)
}

fn solve(prepared: &PreparedSpot, iterations: u32) -> Solver {
    let mut solver = Solver::new(prepared.game());
    for _ in 0..iterations {
        solver.iterate();
    }
    solver
}

/// The node at the end of an action line from the root (no dealt cards).
fn node_at(solver: &Solver, line: &[&str]) -> NodeId {
    let game = &solver.game;
    let mut id = NodeId(0);
    for step in line {
        let node = &game.nodes[id.0 as usize];
        let actions = &game.tree.node(node.action_node).actions;
        let k = actions
            .iter()
            .position(|a| a.to_string() == *step)
            .unwrap_or_else(|| panic!("no action {step}"));
        id = NodeId(node.first_child + k as u32);
    }
    id
}

#[test]
fn locking_a_node_to_the_solution_leaves_the_rest_unchanged() {
    let free = prepared("").unwrap();
    let unlocked = solve(&free, 400);
    let line = ["check", "bet 150"];
    let id = node_at(&unlocked, &line);
    let node = &unlocked.game.nodes[id.0 as usize];
    let NodeKind::Player(player) = node.kind else {
        panic!("not a decision")
    };
    assert_eq!(player, Player::Oop);
    let names: Vec<String> = unlocked
        .game
        .tree
        .node(node.action_node)
        .actions
        .iter()
        .map(|a| a.to_string())
        .collect();
    let solved = unlocked.average_strategy(id);
    let hands = &unlocked.game.hands[player.index()];
    let n = hands.len();
    let mut extra = String::new();
    for (h, &(a, b)) in hands.cards.iter().enumerate() {
        let row: Vec<f64> = (0..names.len()).map(|k| solved[k * n + h] as f64).collect();
        let total: f64 = row.iter().sum();
        let pairs: Vec<String> = names
            .iter()
            .zip(&row)
            .map(|(name, f)| format!("\"{name}\" = {:.17}", f / total))
            .collect();
        extra.push_str(&format!(
            "[[lock]]\nline = \"check, bet 150\"\nhands = \"{}{}\"\nstrategy = {{ {} }}\n",
            cards_glue::card_name(b),
            cards_glue::card_name(a),
            pairs.join(", ")
        ));
    }
    let locked_spot = prepared(&extra).unwrap();
    let locked = solve(&locked_spot, 400);
    assert_eq!(locked.game.locks.len(), 1);
    let lock_strategy = locked.average_strategy(id);
    for (x, y) in lock_strategy.iter().zip(&solved) {
        assert!((x - y).abs() < 1e-5, "lock {x} vs solved {y}");
    }
    // Same game value, same (near-zero) exploitability, same root frequencies.
    let free_values = average_values(&unlocked);
    let locked_values = average_values(&locked);
    let pot = 200.0;
    for p in 0..2 {
        assert!(
            (free_values[p] - locked_values[p]).abs() < 0.002 * pot,
            "player {p}: {} vs {}",
            free_values[p],
            locked_values[p]
        );
    }
    assert!(
        locked.exploitability_pct() < 0.2,
        "{}",
        locked.exploitability_pct()
    );
    // Nothing locked: the full game is the game.
    assert_eq!(
        unlocked.full_game_exploitability_pct(),
        unlocked.exploitability_pct()
    );
    // Locked to a near-equilibrium, the lock gives almost nothing away in the full game; lifting locks
    // only adds deviations, so the full game's exploitability is never below the locked game's.
    let (full, in_locked) = (
        locked.full_game_exploitability_pct(),
        locked.exploitability_pct(),
    );
    assert!(full >= in_locked - 1e-9, "{full} vs {in_locked}");
    assert!(full < 0.2, "full-game exploitability {full}");
    let root_frequencies = |solver: &Solver| -> Vec<f64> {
        let s = solver.average_strategy(NodeId(0));
        let w = &solver.game.hands[0].weights;
        let n = w.len();
        let total: f64 = w.iter().map(|&x| x as f64).sum();
        (0..s.len() / n)
            .map(|a| {
                (0..n)
                    .map(|h| s[a * n + h] as f64 * w[h] as f64)
                    .sum::<f64>()
                    / total
            })
            .collect()
    };
    for (x, y) in root_frequencies(&unlocked)
        .iter()
        .zip(root_frequencies(&locked))
    {
        assert!((x - y).abs() < 0.05, "root frequency {x} vs {y}");
    }
}

/// Lines (comma-separated action names) to every node of `player` in the betting tree.
fn lines_of(tree: &ActionTree, player: Player) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![(tree.root(), Vec::<String>::new())];
    while let Some((id, line)) = stack.pop() {
        let node = tree.node(id);
        if let ActionNodeKind::Player(p) = node.kind {
            let names: Vec<String> = node.actions.iter().map(|a| a.to_string()).collect();
            if p == player {
                out.push((line.join(","), names.clone()));
            }
            for (name, &child) in names.iter().zip(&node.children) {
                let mut next = line.clone();
                next.push(name.clone());
                stack.push((child, next));
            }
        }
    }
    out
}

#[test]
fn locking_every_node_of_a_player_makes_the_opponent_best_respond() {
    let free = prepared("").unwrap();
    let mut extra = String::new();
    for (line, names) in lines_of(&free.tree, Player::Oop) {
        // A fixed, lopsided strategy: half on the first action, the rest spread evenly.
        let rest = 0.5 / (names.len() - 1) as f64;
        let pairs: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(k, name)| format!("\"{name}\" = {:.17}", if k == 0 { 0.5 } else { rest }))
            .collect();
        extra.push_str(&format!(
            "[[lock]]\nline = \"{line}\"\nstrategy = {{ {} }}\n",
            pairs.join(", ")
        ));
    }
    let locked_spot = prepared(&extra).unwrap();
    let locked = solve(&locked_spot, 600);
    let oop_nodes = locked
        .game
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Player(Player::Oop))
        .count();
    assert_eq!(locked.game.locks.len(), oop_nodes);
    // Independent best response: an unlocked solver whose OOP strategy sums hold the same fixed strategy.
    let mut reference = Solver::new(free.game());
    let game = &reference.game;
    let mut storage = reference.storage.clone();
    for node in &game.nodes {
        if node.kind != NodeKind::Player(Player::Oop) {
            continue;
        }
        let actions = node.num_children as usize;
        let n = game.hands[0].len();
        let rest = 0.5 / (actions - 1) as f32;
        for a in 0..actions {
            let f = if a == 0 { 0.5 } else { rest };
            let start = node.storage_start + actions * n + a * n;
            storage[start..start + n].fill(f);
        }
    }
    reference.storage = storage;
    let exact_br = reference.best_response_values()[1];
    let [oop_br, ip_br] = locked.best_response_values();
    let [oop_avg, ip_avg] = average_values(&locked);
    assert!(
        (ip_br - exact_br).abs() < 1e-3,
        "IP best response {ip_br} vs independent {exact_br}"
    );
    assert!(
        (ip_avg - exact_br).abs() < 0.001 * 200.0,
        "IP solved value {ip_avg} vs its best response {exact_br}"
    );
    assert!((oop_br - oop_avg).abs() < 1e-3, "OOP cannot deviate");
    assert!(locked.exploitability_pct() < 0.1);
}

#[test]
fn a_lock_below_a_dealt_card_turns_isomorphism_off_and_applies_where_it_says() {
    let text = |lock: &str| {
        format!(
            "board = \"Td9d6h\"\noop_range = \"AA,KJs,87s,T9s\"\nip_range = \"QQ,KK,AK,J8s\"\nstarting_pot = 200\n\
             effective_stack = 400\n[bet_sizes]\nbet = \"a\"\nraise = \"a\"\n{lock}"
        )
    };
    let build = |lock: &str| {
        PreparedSpot::new(SpotFile::from_toml(&text(lock), "t.toml").unwrap()).unwrap()
    };
    let free = build("").game();
    let one_card = build("[[lock]]\nline = \"check,check,2c\"\nstrategy = { check = 1 }\n").game();
    let every_card = build("[[lock]]\nline = \"check,check,*\"\nstrategy = { check = 1 }\n").game();
    let above = build("[[lock]]\nline = \"check\"\nstrategy = { check = 1 }\n").game();
    // Clubs and spades are symmetric on Td9d6h: merged unless a lock sits below a dealt card.
    assert!(one_card.nodes.len() > free.nodes.len());
    assert_eq!(above.nodes.len(), free.nodes.len());
    assert_eq!(one_card.locks.len(), 1);
    assert_eq!(every_card.locks.len(), 49);
    let id = one_card.locks.iter().next().unwrap().0;
    assert_eq!(
        one_card.nodes[id.0 as usize].board[3],
        cards_glue::parse_card("2c").unwrap()
    );
    let mut solver = Solver::new(every_card);
    for _ in 0..50 {
        solver.iterate();
    }
    for (id, _) in solver.game.locks.iter() {
        let s = solver.average_strategy(id);
        let n = s.len() / 2;
        assert!(s[..n].iter().all(|&x| (x - 1.0).abs() < 1e-6));
    }
}

fn lock_error(extra: &str) -> LockError {
    match prepared(extra) {
        Err(SolveError::Lock(e)) => e,
        Err(other) => panic!("not a lock error: {other}"),
        Ok(_) => panic!("accepted: {extra}"),
    }
}

#[test]
fn bad_locks_are_located() {
    // The lock tables start on line 12 of the spot text.
    let e = lock_error("[[lock]]\nline = \"check, bet 99\"\nstrategy = { call = 1 }\n");
    assert!(matches!(e, LockError::NoSuchAction { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "spot.toml:13:16: lock line: `bet 99` is not an action here; expected one of: check, bet 66, bet 150, bet 900"
    );
    let e = lock_error("[[lock]]\nline = \"check\"\nstrategy = { check = 0.5, betx = 0.5 }\n");
    assert!(
        e.to_string()
            .starts_with("spot.toml:14:27: lock strategy: `betx` is not an action"),
        "{e}"
    );
    let e =
        lock_error("[[lock]]\nline = \"check\"\nstrategy = { check = 0.5, \"bet 66\" = 0.4999 }\n");
    assert!(matches!(e, LockError::BadSum { .. }), "{e}");
    assert!(e.to_string().starts_with("spot.toml:14:12:"), "{e}");
    let e =
        lock_error("[[lock]]\nline = \"check\"\nhands = \"QQ, 72o\"\nstrategy = { check = 1 }\n");
    assert_eq!(
        e.to_string(),
        "spot.toml:14:14: lock hands: `72o` has no hand in IP's range"
    );
    let e = lock_error("[[lock]]\nline = \"check,check\"\nstrategy = { check = 1 }\n");
    assert!(matches!(e, LockError::NotADecision { .. }), "{e}");
    let e =
        lock_error("[[lock]]\nline = \"check\"\nstrategy = { check = 1.5, \"bet 66\" = -0.5 }\n");
    assert!(matches!(e, LockError::BadFrequency { .. }), "{e}");
    // A sum off by less than 1e-6 is accepted.
    assert!(prepared(
        "[[lock]]\nline = \"check\"\nstrategy = { check = 0.5, \"bet 66\" = 0.4999995 }\n"
    )
    .is_ok());
}

#[test]
fn inline_locks_parse_with_columns() {
    let (spec, origin) =
        LockSpec::parse_inline("check, bet 150 | call=0.25, fold=0.75 | AA,KK", "--lock 1")
            .unwrap();
    assert_eq!(spec.line, "check, bet 150");
    assert_eq!(spec.hands.as_deref(), Some("AA,KK"));
    assert_eq!(spec.strategy, strategy(&[("call", 0.25), ("fold", 0.75)]));
    assert_eq!(origin.hands.column, 41);
    assert_eq!(origin.keys["fold"].column, 29);
    assert!(LockSpec::parse_inline("check", "--lock 1").is_err());
    assert!(LockSpec::parse_inline("check | call", "--lock 1").is_err());
    assert!(LockSpec::parse_inline("check | call=x", "--lock 1").is_err());
}

#[test]
fn aggregates_by_action_and_category_add_up_to_the_range() {
    let spot = prepared("").unwrap();
    let solver = solve(&spot, 200);
    for line in ["", "check", "check,bet 150", "bet 66"] {
        let view = ponder_postflop::report::follow_line(&solver, line).unwrap();
        let report = ponder_postflop::report::node_report(&solver, &view);
        let total: f64 = report.hands.iter().map(|h| h.weight as f64).sum();
        let combos: f64 = report.by_action.iter().map(|a| a.combos).sum();
        assert!(
            (combos - total).abs() < 1e-3 * total,
            "{line}: {combos} vs {total}"
        );
        // The range's EV is the EV of its actions weighted by their frequency over deals.
        let ev: f64 = report.by_action.iter().map(|a| a.frequency * a.ev).sum();
        assert!(
            (ev - report.range_ev).abs() < 1e-3 * (1.0 + ev.abs()),
            "{line}: {ev} vs {}",
            report.range_ev
        );
        let share: f64 = report.by_category.iter().map(|c| c.share).sum();
        assert!(
            (share - 1.0).abs() < 1e-6,
            "{line}: categories cover {share}"
        );
        assert!(report.by_draw.is_empty(), "no draws on the river");
        let combo_share: f64 = report.by_category.iter().map(|c| c.combo_share).sum();
        assert!((combo_share - 1.0).abs() < 1e-6, "{line}: {combo_share}");
        for (a, summary) in report.by_action.iter().enumerate() {
            // Frequencies are over deals: categories add up by their share of the deals.
            let by_category: f64 = report
                .by_category
                .iter()
                .map(|c| c.share * c.frequencies[a])
                .sum();
            assert!((by_category - summary.frequency).abs() < 1e-6);
        }
    }
}
