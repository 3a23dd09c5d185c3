//! Cross-check against the foundation's generic machinery: a small spot is written a second time as a
//! `ponder_games::Game` (chance deals a pair of hands with probability ∝ w_oop · w_ip over the pairs that
//! share no card, then the public betting tree, then any river card uniformly among the cards left), compiled
//! to a `CompiledTree` and solved by `ponder-solver`'s scalar CFR with its exact best response.
//!
//! Checked: the postflop solver's average strategy, exported as a policy over the generic tree's
//! information states, has the same best-response values, on-policy value and exploitability under
//! ponder-solver's evaluator as the postflop solver reports itself; the generic solver's policy imported
//! into the postflop solver has the same exploitability both ways; and the two solvers, each run to a small
//! exploitability, agree on the game value within the sum of their exploitabilities (the equilibrium value
//! lies in [−BR_ip, BR_oop] for every strategy profile, so both intervals contain it).
//!
//! Payoffs are written independently of the postflop crate: money at the end minus money at the start,
//! each player having put half of the starting pot in, showdowns by `ponder_cards::evaluate`.

use std::collections::HashMap;

use ponder_cards::{evaluate as evaluate_hand, Card as CardsCard};
use ponder_games::{Action as GenericAction, CompiledTree, Game as GenericGame, GameDescription};
use ponder_games::{InfoSetId, Turn};
use ponder_postflop::cards_glue::{card_name, Card};
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::tree::{ActionNodeId, ActionNodeKind, ActionTree};
use ponder_postflop::PreparedSpot;
use ponder_postflop::{evaluate, Play, Solver};
use ponder_solver::{Algorithm, Policy, SolverOptions};

fn prepare(board: &str, oop: &str, ip: &str, bet: &str, raise: &str, stack: u32) -> PreparedSpot {
    let text = format!(
        "board = \"{board}\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = 100\n\
         effective_stack = {stack}\n\
         add_allin_threshold = 1.5\nforce_allin_threshold = 0.15\nmerging_threshold = 0.1\n\
         [bet_sizes]\nbet = \"{bet}\"\nraise = \"{raise}\"\n"
    );
    PreparedSpot::new(SpotFile::from_toml(&text, "test").unwrap()).unwrap()
}

/// The postflop game without suit isomorphism, so every dealt card has its own subtree (the generic tree
/// has no isomorphism either; `brute_force.rs` checks that isomorphism changes nothing).
fn postflop_game(prepared: &PreparedSpot) -> Game {
    Game::new(
        prepared.tree.clone(),
        &prepared.board,
        [&prepared.ranges[0], &prepared.ranges[1]],
        false,
    )
}

/// The spot as a generic game.
struct GenericSpot {
    tree: ActionTree,
    board: Vec<Card>,
    /// Hole cards of OOP's and IP's hands.
    hands: [Vec<(Card, Card)>; 2],
    /// Compatible pairs (OOP hand, IP hand) with their probability.
    pairs: Vec<(usize, usize, f64)>,
}

#[derive(Clone)]
struct State {
    pair: Option<usize>,
    node: ActionNodeId,
    board: Vec<Card>,
    history: String,
}

fn disjoint(a: (Card, Card), b: (Card, Card)) -> bool {
    a.0 != b.0 && a.0 != b.1 && a.1 != b.0 && a.1 != b.1
}

impl GenericSpot {
    fn new(prepared: &PreparedSpot) -> GenericSpot {
        let hands: [Vec<(Card, Card)>; 2] = std::array::from_fn(|p| {
            prepared.ranges[p]
                .iter()
                .map(|&(a, b, _)| (a.min(b), a.max(b)))
                .collect()
        });
        let mut pairs = Vec::new();
        for (i, &(a, b, wa)) in prepared.ranges[0].iter().enumerate() {
            for (j, &(c, d, wb)) in prepared.ranges[1].iter().enumerate() {
                if disjoint((a, b), (c, d)) {
                    pairs.push((i, j, wa as f64 * wb as f64));
                }
            }
        }
        let total: f64 = pairs.iter().map(|p| p.2).sum();
        for pair in &mut pairs {
            pair.2 /= total;
        }
        GenericSpot {
            tree: prepared.tree.clone(),
            board: prepared.board.clone(),
            hands,
            pairs,
        }
    }

    fn hand_of(&self, state: &State, player: usize) -> (Card, Card) {
        let (i, j, _) = self.pairs[state.pair.expect("hands are dealt")];
        self.hands[player][if player == 0 { i } else { j }]
    }

    fn dealable(&self, state: &State) -> Vec<Card> {
        let (a, b) = self.hand_of(state, 0);
        let (c, d) = self.hand_of(state, 1);
        (0..52u8)
            .filter(|x| !state.board.contains(x) && ![a, b, c, d].contains(x))
            .collect()
    }

    fn rank(&self, board: &[Card], hand: (Card, Card)) -> u16 {
        let mut cards: Vec<CardsCard> = board
            .iter()
            .map(|&c| CardsCard::from_index(c).unwrap())
            .collect();
        cards.push(CardsCard::from_index(hand.0).unwrap());
        cards.push(CardsCard::from_index(hand.1).unwrap());
        evaluate_hand(&cards).0
    }
}

impl GenericGame for GenericSpot {
    type State = State;

    fn game_string(&self) -> String {
        "postflop_crosscheck()".into()
    }

    fn num_players(&self) -> usize {
        2
    }

    fn initial_state(&self) -> State {
        State {
            pair: None,
            node: self.tree.root(),
            board: self.board.clone(),
            history: String::new(),
        }
    }

    fn turn(&self, state: &State) -> Turn {
        if state.pair.is_none() {
            return Turn::Chance;
        }
        match self.tree.node(state.node).kind {
            ActionNodeKind::Player(p) => Turn::Player(p.index()),
            ActionNodeKind::Chance(_) => Turn::Chance,
            ActionNodeKind::Fold(_) | ActionNodeKind::Showdown => Turn::Terminal,
        }
    }

    fn chance_outcomes(&self, state: &State) -> Vec<(GenericAction, f64)> {
        if state.pair.is_none() {
            return (0..self.pairs.len())
                .map(|k| (k as GenericAction, self.pairs[k].2))
                .collect();
        }
        let cards = self.dealable(state);
        let probability = 1.0 / cards.len() as f64;
        cards
            .into_iter()
            .map(|c| (c as GenericAction, probability))
            .collect()
    }

    fn legal_actions(&self, state: &State) -> Vec<GenericAction> {
        (0..self.tree.node(state.node).actions.len() as GenericAction).collect()
    }

    fn apply(&self, state: &mut State, action: GenericAction) {
        if state.pair.is_none() {
            state.pair = Some(action as usize);
            return;
        }
        let node = self.tree.node(state.node);
        match node.kind {
            ActionNodeKind::Chance(_) => {
                let card = action as Card;
                state.board.push(card);
                state.history.push_str(&format!("/{}", card_name(card)));
                state.node = node.children[0];
            }
            _ => {
                state
                    .history
                    .push_str(&format!("/{}", node.actions[action as usize]));
                state.node = node.children[action as usize];
            }
        }
    }

    fn info_state_key(&self, state: &State, player: usize) -> String {
        let (a, b) = self.hand_of(state, player);
        format!(
            "p{player} {}{}{}",
            card_name(a),
            card_name(b),
            state.history
        )
    }

    fn public_state_key(&self, state: &State) -> String {
        state.history.clone()
    }

    fn returns(&self, state: &State) -> Vec<f64> {
        let node = self.tree.node(state.node);
        let half = self.tree.config.starting_pot as f64 / 2.0;
        let paid = [
            half + node.committed[0] as f64,
            half + node.committed[1] as f64,
        ];
        let pot = paid[0] + paid[1];
        let share = match node.kind {
            ActionNodeKind::Fold(folder) => {
                let mut share = [pot, pot];
                share[folder.index()] = 0.0;
                share
            }
            ActionNodeKind::Showdown => {
                let r0 = self.rank(&state.board, self.hand_of(state, 0));
                let r1 = self.rank(&state.board, self.hand_of(state, 1));
                match r0.cmp(&r1) {
                    std::cmp::Ordering::Greater => [pot, 0.0],
                    std::cmp::Ordering::Less => [0.0, pot],
                    std::cmp::Ordering::Equal => [pot / 2.0, pot / 2.0],
                }
            }
            _ => unreachable!("returns at a non-terminal"),
        };
        vec![share[0] - paid[0], share[1] - paid[1]]
    }

    fn action_name(&self, action: GenericAction) -> String {
        action.to_string()
    }
}

/// Where each generic information state sits in the postflop game: (node, acting player's hand index).
fn locate(spot: &GenericSpot, game: &Game) -> HashMap<String, (NodeId, usize)> {
    let index: [HashMap<(Card, Card), usize>; 2] = std::array::from_fn(|p| {
        game.hands[p]
            .cards
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i))
            .collect()
    });
    let mut map = HashMap::new();
    let root = spot.initial_state();
    for (pair, _) in spot.chance_outcomes(&root) {
        let mut state = root.clone();
        spot.apply(&mut state, pair);
        walk(spot, game, &index, state, NodeId(0), &mut map);
    }
    map
}

fn walk(
    spot: &GenericSpot,
    game: &Game,
    index: &[HashMap<(Card, Card), usize>; 2],
    state: State,
    id: NodeId,
    map: &mut HashMap<String, (NodeId, usize)>,
) {
    let node = &game.nodes[id.0 as usize];
    match spot.turn(&state) {
        Turn::Terminal => {
            let expected = spot.tree.node(state.node).kind;
            match (node.kind, expected) {
                (NodeKind::Fold(a), ActionNodeKind::Fold(b)) => assert_eq!(a, b),
                (NodeKind::Showdown(_), ActionNodeKind::Showdown) => {}
                other => panic!("terminal mismatch {other:?}"),
            }
        }
        Turn::Chance => {
            assert_eq!(node.kind, NodeKind::Chance);
            let data = &game.chances[node.chance as usize];
            for (card, _) in spot.chance_outcomes(&state) {
                let k = data
                    .child_cards
                    .iter()
                    .position(|&c| c as GenericAction == card)
                    .expect("every card has its own child without isomorphism");
                let mut next = state.clone();
                spot.apply(&mut next, card);
                walk(
                    spot,
                    game,
                    index,
                    next,
                    NodeId(node.first_child + k as u32),
                    map,
                );
            }
        }
        Turn::Player(player) => {
            assert_eq!(node.kind, NodeKind::Player(player_of(player)));
            let hand = index[player][&spot.hand_of(&state, player)];
            map.insert(spot.info_state_key(&state, player), (id, hand));
            for action in spot.legal_actions(&state) {
                let mut next = state.clone();
                spot.apply(&mut next, action);
                walk(
                    spot,
                    game,
                    index,
                    next,
                    NodeId(node.first_child + action),
                    map,
                );
            }
        }
    }
}

fn player_of(index: usize) -> ponder_postflop::tree::Player {
    ponder_postflop::tree::Player::from_index(index)
}

/// The postflop solver's average strategy as a policy on the generic tree.
fn export(solver: &Solver, tree: &CompiledTree, map: &HashMap<String, (NodeId, usize)>) -> Policy {
    let mut probabilities = vec![0.0; tree.num_slots()];
    let mut cache: HashMap<u32, Vec<f32>> = HashMap::new();
    for infoset in 0..tree.num_infosets() {
        let id = InfoSetId(infoset as u32);
        let &(node, hand) = &map[tree.infoset_key(id)];
        let strategy = cache
            .entry(node.0)
            .or_insert_with(|| solver.average_strategy(node));
        let player = tree.infoset_player(id);
        let hands = solver.game.hands[player].len();
        let slots = tree.slots(id);
        for (a, slot) in slots.enumerate() {
            probabilities[slot] = strategy[a * hands + hand] as f64;
        }
    }
    Policy::from_probabilities(probabilities)
}

/// A postflop solver whose average strategy is `policy` (strategy sums set to the probabilities).
fn import(
    game: Game,
    tree: &CompiledTree,
    policy: &Policy,
    map: &HashMap<String, (NodeId, usize)>,
) -> Solver {
    let mut solver = Solver::new(game);
    for infoset in 0..tree.num_infosets() {
        let id = InfoSetId(infoset as u32);
        let &(node, hand) = &map[tree.infoset_key(id)];
        let player = tree.infoset_player(id);
        let hands = solver.game.hands[player].len();
        let start = solver.game.nodes[node.0 as usize].storage_start;
        let actions = tree.slots(id).len();
        for (a, &p) in policy.at(tree, id).iter().enumerate() {
            solver.storage[start + actions * hands + a * hands + hand] = p as f32;
        }
    }
    solver
}

/// OOP's value (chips per hand pair) when both follow the postflop solver's average strategy.
fn on_policy_value(solver: &Solver) -> f64 {
    let game = &solver.game;
    let mut out = vec![0.0f32; game.hands[0].len()];
    evaluate(
        game,
        &solver.storage,
        0,
        Play::Average,
        NodeId(0),
        &game.hands[1].weights,
        &mut out,
    );
    out.iter()
        .zip(&game.hands[0].weights)
        .map(|(&v, &w)| v as f64 * w as f64)
        .sum::<f64>()
        / game.pair_weight
}

/// Agreement required between the two evaluations, as a fraction of the starting pot: the postflop solver
/// stores and sums in f32, which costs about 1e-7 of the pot on these spots (measured: at most 1.1e-5 chips
/// with a pot of 100 and 200), ponder-solver works in f64.
const TOLERANCE: f64 = 1e-6;

struct CrossCheck {
    prepared: PreparedSpot,
    spot: GenericSpot,
    tree: CompiledTree,
    map: HashMap<String, (NodeId, usize)>,
}

impl CrossCheck {
    fn new(prepared: PreparedSpot) -> CrossCheck {
        let spot = GenericSpot::new(&prepared);
        let tree = spot.compile().unwrap();
        let map = locate(&spot, &postflop_game(&prepared));
        assert_eq!(map.len(), tree.num_infosets());
        CrossCheck {
            prepared,
            spot,
            tree,
            map,
        }
    }

    fn pot(&self) -> f64 {
        self.spot.tree.config.starting_pot as f64
    }

    /// The postflop solver's own figures equal ponder-solver's exact evaluation of its strategy.
    fn check_export(&self, solver: &Solver) {
        let policy = export(solver, &self.tree, &self.map);
        let generic = ponder_solver::evaluate(&self.tree, &policy);
        let own = solver.best_response_values();
        let scale = self.pot();
        for (p, (&mine, &theirs)) in own.iter().zip(&generic.best_response_value).enumerate() {
            assert!(
                (mine - theirs).abs() < TOLERANCE * scale,
                "iteration {}: best response of player {p}: postflop {mine} generic {theirs}",
                solver.iteration
            );
        }
        let value = on_policy_value(solver);
        assert!(
            (value - generic.on_policy_value[0]).abs() < TOLERANCE * scale,
            "on-policy value: postflop {value} generic {}",
            generic.on_policy_value[0]
        );
        let generic_pct = generic.exploitability / scale * 100.0;
        let own_pct = solver.exploitability_pct();
        assert!(
            (own_pct - generic_pct).abs() < TOLERANCE * 100.0,
            "iteration {}: exploitability postflop {own_pct}% generic {generic_pct}%",
            solver.iteration
        );
    }

    /// ponder-solver's own figures equal the postflop solver's evaluation of its policy.
    fn check_import(&self, policy: &Policy) -> (f64, f64) {
        let generic = ponder_solver::evaluate(&self.tree, policy);
        let solver = import(postflop_game(&self.prepared), &self.tree, policy, &self.map);
        let own = solver.best_response_values();
        for (p, (&mine, &theirs)) in own.iter().zip(&generic.best_response_value).enumerate() {
            assert!(
                (mine - theirs).abs() < TOLERANCE * self.pot(),
                "imported policy, player {p}: postflop {mine} generic {theirs}"
            );
        }
        let generic_pct = generic.exploitability / self.pot() * 100.0;
        let own_pct = solver.exploitability_pct();
        assert!(
            (own_pct - generic_pct).abs() < TOLERANCE * 100.0,
            "imported policy: exploitability postflop {own_pct}% generic {generic_pct}%"
        );
        (generic.on_policy_value[0], generic.exploitability)
    }
}

fn river() -> PreparedSpot {
    // Weighted ranges sharing cards (AhKh vs Ah.., QsQd vs Qs on board excluded by the spot), two bet
    // sizes and a raise: every kind of terminal, card removal and tie (both can hold AK).
    prepare(
        "Qs9h5c2d2s",
        "AA:0.5,KK,QJs,AK,T8s:0.7,76s",
        "QQ,99:0.4,AQs,AK,KJs,T8s,43s:0.6",
        "50%, a",
        "3x",
        150,
    )
}

#[test]
fn river_strategy_evaluates_identically() {
    let check = CrossCheck::new(river());
    let mut solver = Solver::new(postflop_game(&check.prepared));
    check.check_export(&solver);
    for target in [1, 5, 40] {
        while solver.iteration < target {
            solver.iterate();
        }
        check.check_export(&solver);
    }
}

#[test]
fn river_game_value_and_exploitability_agree() {
    let check = CrossCheck::new(river());
    let pot = check.pot();

    let mut postflop = Solver::new(postflop_game(&check.prepared));
    while postflop.exploitability_pct() > 1e-3 && postflop.iteration < 5000 {
        for _ in 0..20 {
            postflop.iterate();
        }
    }
    check.check_export(&postflop);
    let postflop_value = on_policy_value(&postflop);
    let postflop_nash_conv = postflop.exploitability_pct() * pot / 100.0 * 2.0;

    let mut generic = ponder_solver::new_solver(
        &check.tree,
        Algorithm::DiscountedCfr {
            alpha: 1.5,
            beta: 0.0,
            gamma: 2.0,
        },
        &SolverOptions::default(),
    );
    let mut policy = generic.average_policy();
    while ponder_solver::evaluate(&check.tree, &policy).exploitability / pot * 100.0 > 1e-3 {
        assert!(generic.iterations() < 5000, "generic CFR did not converge");
        for _ in 0..20 {
            generic.iterate();
        }
        policy = generic.average_policy();
    }
    let (generic_value, generic_exploitability) = check.check_import(&policy);
    let generic_nash_conv = 2.0 * generic_exploitability;

    // Both solves are within 1e-3 % of the pot of equilibrium, so their values can differ by at most the
    // sum of their NashConvs (each interval [−BR_ip, BR_oop] holds the equilibrium value).
    assert!(postflop_nash_conv < 2e-5 * pot && generic_nash_conv < 2e-5 * pot);
    assert!(
        (postflop_value - generic_value).abs() <= postflop_nash_conv + generic_nash_conv + 1e-6 * pot,
        "game value: postflop {postflop_value} generic {generic_value} (NashConv {postflop_nash_conv}, {generic_nash_conv})"
    );
    // Not a trivial game: OOP's value differs from zero by far more than the tolerance.
    assert!(postflop_value.abs() > 100.0 * (postflop_nash_conv + generic_nash_conv));
}

#[test]
fn turn_strategy_evaluates_identically_both_ways() {
    let prepared = prepare(
        "Td9d6hQc",
        "AA,KJs:0.5,87s",
        "QQ,AK:0.8,J8s",
        "60%, a",
        "a",
        200,
    );
    let check = CrossCheck::new(prepared);
    let mut solver = Solver::new(postflop_game(&check.prepared));
    for target in [0, 3, 30] {
        while solver.iteration < target {
            solver.iterate();
        }
        check.check_export(&solver);
    }
    let mut generic =
        ponder_solver::new_solver(&check.tree, Algorithm::CfrPlus, &SolverOptions::default());
    for _ in 0..10 {
        generic.iterate();
    }
    check.check_import(&generic.average_policy());
}
