//! The bunching effect: folders' deal weights from the Möbius tables equal plain enumeration; folded
//! ranges that cannot touch the players' cards leave the solve unchanged; folded ranges that do touch them
//! move the equilibrium; and exploitability with bunching equals an independent brute-force best response
//! that enumerates every (OOP hand, IP hand, folders' hands, river card) explicitly.

use ponder_cards::{evaluate, Card};
use ponder_postflop::bunching::{brute_force_weight, BunchingError, Coverage};
use ponder_postflop::cards_glue::{parse_board, parse_range};
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::Solver;
use ponder_postflop::{PreparedSpot, SolveError};
use rand::{Rng, SeedableRng};

fn spot_text(board: &str, oop: &str, ip: &str, folded: &[&str]) -> String {
    let mut text = format!(
        "board = \"{board}\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = 100\neffective_stack = 200\n\
         [bet_sizes]\nbet = \"75%\"\nraise = \"2.5x\"\n"
    );
    if !folded.is_empty() {
        let list: Vec<String> = folded.iter().map(|f| format!("\"{f}\"")).collect();
        text += &format!("[bunching]\nfolded = [{}]\n", list.join(", "));
    }
    text
}

fn prepare(board: &str, oop: &str, ip: &str, folded: &[&str]) -> Result<PreparedSpot, SolveError> {
    let text = spot_text(board, oop, ip, folded);
    PreparedSpot::new(SpotFile::from_toml(&text, "test").unwrap())
}

fn solve(game: Game, iterations: u32) -> Solver {
    let mut solver = Solver::new(game);
    for _ in 0..iterations {
        solver.iterate();
    }
    solver
}

#[test]
fn tabulated_weights_equal_enumeration() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    // Folded ranges that share many cards (so the folders' hands collide often), weighted combos, and
    // one to four folders on river and turn boards.
    let cases: [(&str, &[&str]); 8] = [
        ("Ks7h4d3c2s", &["AA,KQs,T9s,65o"]),
        ("Ks7h4d3c2s", &["AA,AKs,QJ", "AKo,KK,QQ,Q9s"]),
        ("Td9d6hQc", &["AJs,ATo,99,22", "A9s,KTo,JJ,T9o"]),
        ("Td9d6hQc", &["AK,99", "AQs,Q9s", "KK,JTs"]),
        (
            "Td9d6hQc",
            &[
                "AK,AQ:0.5,KQ",
                "AA,KK:0.25,AK",
                "AQ,QQ,KQs",
                "AK:0.75,KQ,A9s",
            ],
        ),
        (
            "Ks7h4d3c2s",
            &[
                "AA,QQ,AQ",
                "AQ:0.5,A5s,JJ",
                "QQ,JJ,AJo:0.3",
                "A5s,A6s,QJs,AA",
            ],
        ),
        (
            "Td9d6hQc",
            &["22-55,A2s-A5s", "33-66:0.5,A4s", "K2s-K5s,22", "A2o-A4o,44"],
        ),
        ("AcAd7h", &["AK,KK"]),
    ];
    for (board, folded) in cases {
        let board = parse_board(board).unwrap();
        let folders: Vec<_> = folded.iter().map(|f| parse_range(f).unwrap()).collect();
        let max = 4 + (5 - board.len());
        let coverage = Coverage::new(&board, &folders, max).unwrap();
        let base: u64 = board.iter().fold(0, |m, &c| m | 1 << c);
        let plain = brute_force_weight(base, &folders);
        assert!((coverage.base_weight() - plain).abs() <= 1e-9 * plain);
        let free: Vec<u8> = (0..52u8).filter(|c| base & 1 << c == 0).collect();
        for _ in 0..400 {
            let size = rng.gen_range(0..=max);
            let mut dead = 0u64;
            while (dead.count_ones() as usize) < size {
                dead |= 1 << free[rng.gen_range(0..free.len())];
            }
            let fast = coverage.weight(base | dead);
            let slow = brute_force_weight(base | dead, &folders);
            assert!(
                (fast - slow).abs() <= 1e-9 * plain,
                "{folded:?} dead {dead:x}: {fast} vs {slow}"
            );
        }
    }
}

/// The range of README's example: what a player folds before the flop (about 700 combos).
const WIDE_FOLD: &str = concat!(
    "22-55,A2s-A9s,K2s-K9s,Q2s-Q9s,J2s-J8s,T2s-T8s,92s+,82s+,72s+,62s+,52s+,42s+,32s,",
    "A2o-ATo,K2o-KJo,Q2o+,J2o+,T2o+,92o+,82o+,72o+,62o+,52o+,42o+,32o"
);

#[test]
fn four_wide_folded_ranges_deal_the_remaining_cards_uniformly() {
    // Too many deals to enumerate (about 10^11), so check what exactness implies instead: once the
    // folders hold 8 cards, every card nobody holds is equally likely to come next, so for any dead set
    // S, Σ_t W(S ∪ t) over the cards t outside S = (cards left − 8) · W(S).
    let board = parse_board("Td9d6hQc").unwrap();
    let folders: Vec<_> = (0..4).map(|_| parse_range(WIDE_FOLD).unwrap()).collect();
    let start = std::time::Instant::now();
    let coverage = Coverage::new(&board, &folders, 5).unwrap();
    eprintln!(
        "four wide folded ranges tabulated in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let base: u64 = board.iter().fold(0, |m, &c| m | 1 << c);
    let free: Vec<u8> = (0..52u8).filter(|c| base & 1 << c == 0).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for _ in 0..200 {
        let size = rng.gen_range(0..=4);
        let mut dead = 0u64;
        while (dead.count_ones() as usize) < size {
            dead |= 1 << free[rng.gen_range(0..free.len())];
        }
        let w = coverage.weight(base | dead);
        let next: f64 = free
            .iter()
            .filter(|&&t| dead & 1 << t == 0)
            .map(|&t| coverage.weight(base | dead | 1 << t))
            .sum();
        let left = (free.len() - size - 8) as f64;
        assert!(w > 0.0);
        assert!(
            (next - left * w).abs() <= 1e-9 * left * w,
            "dead {dead:x}: {next} vs {}",
            left * w
        );
    }
    // One folder fewer is exact by enumeration of the last folder: W_4(S) = Σ_h w_4(h) W_3(S ∪ h).
    let three = Coverage::new(&board, &folders[..3], 7).unwrap();
    for _ in 0..5 {
        let size = rng.gen_range(0..=3);
        let mut dead = 0u64;
        while (dead.count_ones() as usize) < size {
            dead |= 1 << free[rng.gen_range(0..free.len())];
        }
        let by_last: f64 = folders[3]
            .iter()
            .filter(|&&(a, b, w)| w > 0.0 && (base | dead) & (1 << a | 1 << b) == 0)
            .map(|&(a, b, w)| w as f64 * three.weight(base | dead | 1 << a | 1 << b))
            .sum();
        let w = coverage.weight(base | dead);
        assert!(
            (by_last - w).abs() <= 1e-9 * w,
            "dead {dead:x}: {by_last} vs {w}"
        );
    }
}

#[test]
fn folders_that_cannot_interact_leave_the_solve_unchanged() {
    // No 2 or 5 in the players' ranges or on the board: the folder's hand never meets theirs.
    let (board, oop, ip) = (
        "Ks7h4d3cJs",
        "AA,KK,QQ,AK,AQ,KQ,T9s",
        "AA,QQ,JJ,AK,KQ,JT,98s",
    );
    let plain = prepare(board, oop, ip, &[]).unwrap();
    let bunched = prepare(board, oop, ip, &["22,55,52o"]).unwrap();
    // The same strategy is worth the same in both games (exactly, up to f32 rounding).
    let solved = solve(plain.game(), 150);
    let same = Solver::with_storage(bunched.game(), solved.storage.clone());
    assert!(same.game.bunching.is_some() && solved.game.bunching.is_none());
    let (a, b) = (solved.exploitability_pct(), same.exploitability_pct());
    assert!(a > 0.0 && (a - b).abs() < 1e-5, "{a} vs {b}");
    let [pa, pb] = solved.best_response_values();
    let [ba, bb] = same.best_response_values();
    assert!((pa - ba).abs() < 1e-4 && (pb - bb).abs() < 1e-4);
    // And the iterates agree while rounding differences (different summation orders) are still small;
    // DCFR amplifies them over hundreds of iterations, so later iterates drift apart by ~1e-2 % pot.
    let plain = solve(plain.game(), 5);
    let bunched = solve(bunched.game(), 5);
    for id in 0..plain.game.nodes.len() {
        let (x, y) = (
            plain.average_strategy(NodeId(id as u32)),
            bunched.average_strategy(NodeId(id as u32)),
        );
        for (p, q) in x.iter().zip(&y) {
            assert!((p - q).abs() < 1e-4, "node {id}: {p} vs {q}");
        }
    }
}

/// Range-weighted mean of the average strategy's first action (check) at the root.
fn root_check_frequency(solver: &Solver) -> f64 {
    let strategy = solver.average_strategy(NodeId(0));
    let weights = &solver.game.hands[0].weights;
    let total: f64 = weights.iter().map(|&w| w as f64).sum();
    strategy[..weights.len()]
        .iter()
        .zip(weights)
        .map(|(&s, &w)| s as f64 * w as f64)
        .sum::<f64>()
        / total
}

#[test]
fn folders_holding_aces_move_the_equilibrium() {
    // The folders hold most of the aces: IP's ace-high bluff-catchers are rarer than a plain deck says.
    let (board, oop, ip) = ("Ks8h4d3c2s", "KK,88,QJs,T9s,76s", "AK,A8s,A4s,K9s,QQ,JJ");
    let folded = ["AA,AQ,AJ,AT,A9,A7,A6,A5", "AA,AQs,AJs,ATs"];
    let plain = solve(prepare(board, oop, ip, &[]).unwrap().game(), 400);
    let bunched = solve(prepare(board, oop, ip, &folded).unwrap().game(), 400);
    assert!(plain.exploitability_pct() < 0.2 && bunched.exploitability_pct() < 0.2);
    let [a0, a1] = plain.best_response_values();
    let [b0, b1] = bunched.best_response_values();
    let (value_plain, value_bunched) = ((a0 - a1) / 2.0, (b0 - b1) / 2.0);
    let (check_plain, check_bunched) =
        (root_check_frequency(&plain), root_check_frequency(&bunched));
    eprintln!(
        "OOP value {value_plain:.3} -> {value_bunched:.3} chips; check {check_plain:.3} -> {check_bunched:.3}"
    );
    assert!(
        (value_plain - value_bunched).abs() > 0.5,
        "{value_plain} vs {value_bunched}"
    );
}

fn strength(board: &[u8], a: u8, b: u8) -> u16 {
    let mut cards: Vec<Card> = board
        .iter()
        .map(|&c| Card::from_index(c).unwrap())
        .collect();
    cards.extend([a, b].map(|c| Card::from_index(c).unwrap()));
    evaluate(&cards).0
}

/// Every way to give the folders disjoint hands avoiding `dead`, with its weight.
fn folder_deals(folders: &[Vec<(u8, u8, f32)>], dead: u64) -> Vec<(u64, f64)> {
    let mut deals = vec![(dead, 1.0)];
    for range in folders {
        let mut next = Vec::new();
        for &(used, w) in &deals {
            for &(a, b, f) in range {
                let hand = 1u64 << a | 1u64 << b;
                if used & hand == 0 {
                    next.push((used | hand, w * f as f64));
                }
            }
        }
        deals = next;
    }
    deals
}

struct Brute<'a> {
    solver: &'a Solver,
    folders: Vec<Vec<(u8, u8, f32)>>,
    /// Cards the turn-to-river chance can deal for a fixed deal of all hands.
    left: f64,
}

impl Brute<'_> {
    /// Best-response value of `player` holding hand `h` at `id` (unnormalised), by explicit enumeration.
    fn value(&self, player: usize, id: NodeId, h: usize, opp_reach: &[f64]) -> f64 {
        let game = &self.solver.game;
        let node = &game.nodes[id.0 as usize];
        let own = game.hands[player].cards[h];
        let own_mask = 1u64 << own.0 | 1u64 << own.1;
        let board = &node.board[..node.board_len as usize];
        let board_mask = board.iter().fold(0u64, |m, &c| m | 1 << c);
        match node.kind {
            NodeKind::Fold(_) | NodeKind::Showdown(_) => {
                let action = game.tree.node(node.action_node);
                let mut total = 0.0;
                for (o, &(a, b)) in game.hands[1 - player].cards.iter().enumerate() {
                    let opp_mask = 1u64 << a | 1u64 << b;
                    if opp_reach[o] == 0.0 || opp_mask & (own_mask | board_mask) != 0 {
                        continue;
                    }
                    let payoff = match node.kind {
                        NodeKind::Fold(folder) => {
                            let stake = game.tree.config.starting_pot as f64 / 2.0
                                + action.committed[folder.index()] as f64;
                            if folder.index() == player {
                                -stake
                            } else {
                                stake
                            }
                        }
                        _ => {
                            let stake = game.tree.config.starting_pot as f64 / 2.0
                                + action.committed[0] as f64;
                            let mine = strength(board, own.0, own.1);
                            let theirs = strength(board, a, b);
                            stake * (mine.cmp(&theirs) as i32) as f64
                        }
                    };
                    let deals: f64 = folder_deals(&self.folders, own_mask | opp_mask | board_mask)
                        .iter()
                        .map(|d| d.1)
                        .sum();
                    total += opp_reach[o] * deals * payoff;
                }
                total
            }
            NodeKind::Chance => {
                let data = &game.chances[node.chance as usize];
                let mut total = 0.0;
                for (k, &card) in data.child_cards.iter().enumerate() {
                    if own_mask & 1 << card != 0 {
                        continue;
                    }
                    let child = NodeId(node.first_child + k as u32);
                    total += self.value(player, child, h, opp_reach) / self.left;
                }
                total
            }
            NodeKind::Player(actor) => {
                let children = game.children(id);
                if actor.index() == player {
                    children
                        .map(|c| self.value(player, NodeId(c), h, opp_reach))
                        .fold(f64::NEG_INFINITY, f64::max)
                } else {
                    let strategy = self.solver.average_strategy(id);
                    let hands = opp_reach.len();
                    children
                        .enumerate()
                        .map(|(a, c)| {
                            let reach: Vec<f64> = (0..hands)
                                .map(|o| opp_reach[o] * strategy[a * hands + o] as f64)
                                .collect();
                            self.value(player, NodeId(c), h, &reach)
                        })
                        .sum()
                }
            }
        }
    }
}

#[test]
fn exploitability_with_bunching_equals_brute_force_best_response() {
    let (board, oop, ip) = ("Td9d6hQc", "AA,KJs,87s,T9o", "KK,QJs,J8s,99");
    let folded = ["AK,QQ,J7s,98s", "A9s,KQ"];
    let prepared = prepare(board, oop, ip, &folded).unwrap();
    let coverage = prepared.bunching.as_ref().unwrap();
    // No suit isomorphism: every river card has its own subtree, as the brute force walks it.
    let game = Game::with_bunching(
        prepared.tree.clone(),
        &prepared.board,
        [&prepared.ranges[0], &prepared.ranges[1]],
        false,
        coverage,
    );
    let solver = solve(game, 30);
    let folders: Vec<_> = folded.iter().map(|f| parse_range(f).unwrap()).collect();
    let base: u64 = prepared.board.iter().fold(0, |m, &c| m | 1 << c);
    let brute = Brute {
        solver: &solver,
        folders: folders.clone(),
        left: (52 - 4 - 4 - 2 * folders.len()) as f64,
    };
    let game = &solver.game;
    // Normaliser: total weight of every deal of both players' and the folders' hands.
    let mut total = 0.0;
    for (i, &(a, b)) in game.hands[0].cards.iter().enumerate() {
        for (j, &(c, d)) in game.hands[1].cards.iter().enumerate() {
            let (m0, m1) = (1u64 << a | 1u64 << b, 1u64 << c | 1u64 << d);
            if m0 & m1 == 0 {
                let deals: f64 = folder_deals(&folders, base | m0 | m1)
                    .iter()
                    .map(|d| d.1)
                    .sum();
                total += game.hands[0].weights[i] as f64 * game.hands[1].weights[j] as f64 * deals;
            }
        }
    }
    let fast = solver.best_response_values();
    for (player, &value) in fast.iter().enumerate() {
        let opp: Vec<f64> = game.hands[1 - player]
            .weights
            .iter()
            .map(|&w| w as f64)
            .collect();
        let sum: f64 = (0..game.hands[player].len())
            .map(|h| game.hands[player].weights[h] as f64 * brute.value(player, NodeId(0), h, &opp))
            .sum();
        let slow = sum / total;
        eprintln!("player {player}: best response {value:.6} vs brute force {slow:.6}");
        assert!(
            (value - slow).abs() < 1e-4,
            "player {player}: {value} vs {slow}"
        );
    }
}

#[test]
fn bad_bunching_input_is_a_typed_error() {
    let (board, oop, ip) = ("Ks7h4d3c2s", "AA,KK", "QQ,JJ");
    let five = ["AA"; 5];
    match prepare(board, oop, ip, &five) {
        Err(SolveError::Bunching {
            error: BunchingError::TooManyFolders(5),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    match prepare(board, oop, ip, &["AA,KX"]) {
        Err(SolveError::Cards { field, .. }) => assert_eq!(field, "bunching.folded[0]"),
        other => panic!("{other:?}"),
    }
    match prepare("Ks7h4d", oop, ip, &["AA"]) {
        Err(SolveError::Bunching {
            error: BunchingError::Flop,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // Two folders that both need the only two aces left.
    match prepare("AsAh4d3c2s", oop, ip, &["AA", "AA"]) {
        Err(SolveError::Bunching { error, .. }) => {
            assert!(matches!(
                error,
                BunchingError::EmptyRange(_) | BunchingError::Impossible
            ))
        }
        other => panic!("{other:?}"),
    }
    // Located in the file: the error points at the folded array's line.
    let text = spot_text(board, oop, ip, &["AA", "QQ+,K"]);
    let located = PreparedSpot::new(SpotFile::from_toml(&text, "spot.toml").unwrap())
        .map_err(|e| e.located(&text, "spot.toml"))
        .unwrap_err()
        .to_string();
    let line = text.lines().position(|l| l.starts_with("folded")).unwrap() + 1;
    assert!(
        located.starts_with(&format!("spot.toml:{line}:")),
        "{located}"
    );
}

/// Brute-force equity of OOP hand `h` at a node on `board`: every runout and every IP hand, each
/// weighted by IP's reach and by the folders' deals beside all of them (plain enumeration).
fn brute_force_equity(
    board: &[u8],
    hand: (u8, u8),
    ip: &[(u8, u8)],
    ip_reach: &[f32],
    folders: &[Vec<(u8, u8, f32)>],
) -> f64 {
    let board_mask = board.iter().fold(0u64, |m, &c| m | 1 << c);
    let own = 1u64 << hand.0 | 1u64 << hand.1;
    let runouts: Vec<Vec<u8>> = if board.len() == 5 {
        vec![Vec::new()]
    } else {
        (0..52u8)
            .filter(|&c| (board_mask | own) & 1 << c == 0)
            .map(|c| vec![c])
            .collect()
    };
    let (mut won, mut mass) = (0.0f64, 0.0f64);
    for runout in runouts {
        let full: Vec<u8> = board.iter().chain(&runout).copied().collect();
        let full_mask = full.iter().fold(0u64, |m, &c| m | 1 << c);
        let mine = strength(&full, hand.0, hand.1);
        for (&(c, d), &r) in ip.iter().zip(ip_reach) {
            let theirs = 1u64 << c | 1u64 << d;
            if r <= 0.0 || theirs & (full_mask | own) != 0 {
                continue;
            }
            let w = r as f64 * brute_force_weight(full_mask | own | theirs, folders);
            mass += w;
            won += w * match mine.cmp(&strength(&full, c, d)) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    won / mass
}

#[test]
fn reports_weight_ev_and_equity_by_the_folders_deals() {
    use ponder_postflop::report::{follow_line, node_report};
    let folded = ["AK,99,QJs", "AQs,Q9s,KK"];
    let folders: Vec<_> = folded.iter().map(|f| parse_range(f).unwrap()).collect();
    for (board, line) in [("Td9d6hQc", ""), ("Td9d6hQc2s", "check,check")] {
        let prepared = prepare(board, "AA,KQ,JTs,98s", "KK,QJ,AT,T9s,77", &folded).unwrap();
        let solver = solve(prepared.game(), 60);
        let view = follow_line(&solver, line).unwrap();
        let report = node_report(&solver, &view);
        let game = &solver.game;
        let mut checked = 0;
        for (h, &(a, b)) in game.hands[0].cards.iter().enumerate() {
            if view.reach[0][h] <= 0.0 {
                continue;
            }
            let name = format!(
                "{}{}",
                ponder_postflop::cards_glue::card_name(b),
                ponder_postflop::cards_glue::card_name(a)
            );
            let row = report.hands.iter().find(|r| r.hand == name).unwrap();
            let expected = brute_force_equity(
                &view.board,
                (a, b),
                &game.hands[1].cards,
                &view.reach[1],
                &folders,
            );
            assert!(
                (row.equity as f64 - expected).abs() < 1e-5,
                "{board} {name}: equity {} vs brute force {expected}",
                row.equity
            );
            if line == "check,check" {
                // At a showdown after checks (pot 100, 50 each) the EV is the equity's share of the
                // pot less the stake; it only holds if EV and equity weight pairs alike.
                let ev = 100.0 * row.equity as f64 - 50.0;
                assert!(
                    (row.ev as f64 - ev).abs() < 1e-3,
                    "{name}: EV {} vs {ev}",
                    row.ev
                );
            }
            checked += 1;
        }
        assert!(checked > 10, "{checked} hands");
    }
}
