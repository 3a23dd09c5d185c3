//! Games added to the registry for the scaling lab (3-player Leduc, Shapley 3×3) and the tree sizes
//! games count before compiling, which is how huge parameter choices are refused at once.

use std::time::{Duration, Instant};

use ponder_games::{parse_game, CompileError, GameError, NodeId, NodeKind, MAX_NODES};

#[test]
fn three_player_leduc_matches_openspiel() {
    let game = parse_game("leduc_poker(players=3)").unwrap();
    assert_eq!(game.game_string(), "leduc_poker(players=3)");
    let tree = game.compile().unwrap();
    assert_eq!(tree.num_players(), 3);
    // OpenSpiel 2.0.2's leduc_poker(players=3), counted by walking its tree: 1,831,601 histories
    // (1,043,952 terminal) and 25,800 information states.
    assert_eq!(tree.num_nodes(), 1_831_601);
    assert_eq!(tree.stats().terminal_nodes, 1_043_952);
    assert_eq!(tree.num_infosets(), 25_800);
    for node in 0..tree.num_nodes() {
        let id = NodeId(node as u32);
        if let NodeKind::Terminal = tree.kind(id) {
            assert!(
                tree.returns(id).iter().sum::<f64>().abs() < 1e-12,
                "node {node}"
            );
        }
    }
    // A fold the hand goes on after is part of the public history: player 1 folded to player 0's
    // raise and player 2 (holding card 0) acts.
    assert!(tree.find_infoset("0-|rf|").is_some());
    assert!(tree.find_infoset("36|rcc|c").is_some());
}

#[test]
fn leduc_beyond_three_players_is_refused_with_the_tree_size() {
    for players in [4, 7] {
        let error = parse_game(&format!("leduc_poker(players={players})"))
            .err()
            .unwrap();
        let GameError::TooLarge { game, why } = &error else {
            panic!("players={players}: {error:?}");
        };
        assert_eq!(game, &format!("leduc_poker(players={players})"));
        assert!(why.contains(&MAX_NODES.to_string()), "{why}");
    }
    let message = parse_game("leduc_poker(players=4)")
        .err()
        .unwrap()
        .to_string();
    let counted: u64 = message
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap();
    assert!(counted > MAX_NODES as u64, "{message}");
    assert!(matches!(
        parse_game("leduc_poker(players=1)").err().unwrap(),
        GameError::BadValue { .. }
    ));
}

#[test]
fn shapley_is_registered_under_its_own_name() {
    let classic = parse_game("shapley_3x3").unwrap();
    assert_eq!(classic.game_string(), "shapley_3x3()");
    let weighted = parse_game("shapley_3x3(weighted=true)").unwrap();
    assert_eq!(weighted.game_string(), "shapley_3x3(weighted=true)");
    assert_eq!(
        parse_game("shapley(weighted=False)").unwrap().game_string(),
        "shapley_3x3()"
    );
    assert!(matches!(
        parse_game("shapley_3x3(weighted=2)").err().unwrap(),
        GameError::BadValue { .. }
    ));
    let tree = weighted.compile().unwrap();
    assert_eq!(tree.num_nodes(), 13);
    // Row then column, each with one information set (the column does not see the row's move).
    assert_eq!(tree.num_infosets(), 2);
    // Row payoff on the diagonal (weights 1, 2, 3), column payoff 1 one step to the right of it.
    let mut cells = Vec::new();
    for node in 0..tree.num_nodes() {
        let id = NodeId(node as u32);
        if let NodeKind::Terminal = tree.kind(id) {
            let column = tree.action(id).unwrap();
            let row = tree.action(tree.parent(id).unwrap()).unwrap();
            cells.push((row, column, tree.returns(id).to_vec()));
        }
    }
    assert_eq!(cells.len(), 9);
    for (row, column, returns) in cells {
        let expected_row = if row == column {
            f64::from(row + 1)
        } else {
            0.0
        };
        let expected_column = if column == (row + 1) % 3 { 1.0 } else { 0.0 };
        assert_eq!(
            returns,
            vec![expected_row, expected_column],
            "({row}, {column})"
        );
    }
}

#[test]
fn counted_tree_sizes_equal_the_compiled_ones() {
    let games = [
        "kuhn_poker",
        "kuhn_poker(players=3)",
        "kuhn_poker(players=4)",
        "kuhn_poker(players=5)",
        "leduc_poker",
        "liars_dice(dice_sides=2)",
        "liars_dice",
        "liars_dice(numdice=2,dice_sides=2)",
        "liars_dice(numdice=2,dice_sides=3)",
        "goofspiel(num_cards=2)",
        "goofspiel(num_cards=4)",
        "goofspiel(num_cards=5)",
        "shapley_3x3",
    ];
    for game_string in games {
        let game = parse_game(game_string).unwrap();
        let counted = game.tree_size().unwrap();
        let tree = game.compile().unwrap();
        assert_eq!(counted, tree.num_nodes() as u64, "{game_string}");
    }
}

#[test]
fn liars_dice_with_two_dice_is_refused_before_anything_is_built() {
    // Today's figure: 6.8 GB and 36 s of building before the running node cap stopped it.
    let started = Instant::now();
    let error = parse_game("liars_dice(numdice=2)")
        .unwrap()
        .compile()
        .unwrap_err();
    // 1 + 6 + 36 + 216 chance nodes, 6^4 rolls, each below a betting tree of 2^25 − 1 nodes.
    assert_eq!(
        error,
        CompileError::Oversized {
            game: "liars_dice(dice=2)".into(),
            nodes: 259 + 1296 * ((1 << 25) - 1),
            limit: MAX_NODES,
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(error.to_string().contains("43486542835 nodes"), "{error}");
}
