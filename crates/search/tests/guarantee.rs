//! Where the guarantee ends: regret-minimising self-play drives NashConv to 0 in 2-player zero-sum
//! Kuhn, but in the weighted Shapley game only the gap to a coarse correlated equilibrium goes to 0
//! while the average policy stays far from the (unique) Nash equilibrium.

use ponder_search::games::{compile_lab_game, ShapleyGame};
use ponder_search::guarantee::self_play;

#[test]
fn two_player_zero_sum_kuhn_nash_conv_goes_to_zero() {
    let tree = compile_lab_game("kuhn_poker").unwrap();
    let points = self_play(&tree, &[10, 100, 1000, 10000]);
    for pair in points.windows(2) {
        assert!(pair[1].nash_conv < pair[0].nash_conv, "{points:?}");
    }
    assert!(points[3].nash_conv < 0.01, "{points:?}");
    // In 2-player zero-sum games the CCE gap of the joint play equals the average policy's NashConv.
    for point in &points {
        assert!((point.cce_gap - point.nash_conv).abs() < 1e-9, "{point:?}");
    }
}

#[test]
fn shapley_self_play_reaches_a_cce_not_a_nash_equilibrium() {
    use ponder_games::GameDescription;
    let tree = ShapleyGame::weighted().compile().unwrap();
    let points = self_play(&tree, &[100, 1000, 10000]);
    assert!(points[2].cce_gap < 0.005, "{points:?}");
    assert!(points[2].cce_gap < points[0].cce_gap / 10.0, "{points:?}");
    for point in &points {
        assert!(point.nash_conv > 0.2, "average policy near Nash: {point:?}");
    }
    // The classic game: CFR starts at its uniform equilibrium and never leaves it.
    let classic = ShapleyGame::classic().compile().unwrap();
    let points = self_play(&classic, &[1000]);
    assert!(points[0].nash_conv.abs() < 1e-12, "{points:?}");
}

#[test]
fn three_player_leduc_has_the_documented_shape() {
    let tree = compile_lab_game("leduc_poker(players=3)").unwrap();
    assert_eq!(tree.num_players(), 3);
    // OpenSpiel 2.0.2's leduc_poker(players=3), counted by walking its tree: 1,831,601 histories
    // (1,043,952 terminal) and 25,800 information states.
    assert_eq!(tree.num_nodes(), 1_831_601);
    assert_eq!(tree.stats().terminal_nodes, 1_043_952);
    assert_eq!(tree.num_infosets(), 25_800);
    // Payoffs are zero-sum at every terminal and the root is chance.
    for node in 0..tree.num_nodes() {
        let id = ponder_games::NodeId(node as u32);
        if let ponder_games::NodeKind::Terminal = tree.kind(id) {
            assert!(tree.returns(id).iter().sum::<f64>().abs() < 1e-12);
        }
    }
    assert!(
        ponder_search::PublicTree::new(&tree).is_err(),
        "search must refuse 3 players"
    );
}
