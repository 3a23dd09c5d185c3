//! Where the guarantee ends: regret-minimising self-play drives NashConv to 0 in 2-player zero-sum
//! Kuhn, but in the weighted Shapley game only the gap to a coarse correlated equilibrium goes to 0
//! while the average policy stays far from the (unique) Nash equilibrium.

use ponder_games::CompiledTree;
use ponder_search::guarantee::self_play;

fn compile(game: &str) -> CompiledTree {
    ponder_games::parse_game(game).unwrap().compile().unwrap()
}

#[test]
fn two_player_zero_sum_kuhn_nash_conv_goes_to_zero() {
    let tree = compile("kuhn_poker");
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
    let tree = compile("shapley_3x3(weighted=true)");
    let points = self_play(&tree, &[100, 1000, 10000]);
    assert!(points[2].cce_gap < 0.005, "{points:?}");
    assert!(points[2].cce_gap < points[0].cce_gap / 10.0, "{points:?}");
    for point in &points {
        assert!(point.nash_conv > 0.2, "average policy near Nash: {point:?}");
    }
    // The classic game: CFR starts at its uniform equilibrium and never leaves it.
    let classic = compile("shapley_3x3");
    let points = self_play(&classic, &[1000]);
    assert!(points[0].nash_conv.abs() < 1e-12, "{points:?}");
}

#[test]
fn three_player_leduc_runs_self_play_but_not_search() {
    // Its counts are checked against OpenSpiel in ponder-games (`three_player_leduc_matches_openspiel`).
    let tree = compile("leduc_poker(players=3)");
    let points = self_play(&tree, &[1]);
    // One iteration of uniform play: NashConv and CCE gap coincide (the joint play is one profile).
    assert!(
        (points[0].nash_conv - points[0].cce_gap).abs() < 1e-9,
        "{points:?}"
    );
    // docs/scaling/selfplay-leduc3.csv
    assert!(
        (points[0].nash_conv - 12.611221340).abs() < 1e-8,
        "{points:?}"
    );
    assert!(
        ponder_search::PublicTree::new(&tree).is_err(),
        "search must refuse 3 players"
    );
}
