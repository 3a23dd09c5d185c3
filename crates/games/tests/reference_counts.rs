//! Tree counts of every game in `crates/oracles/data/games.json`, reproduced exactly.

use ponder_games::{parse_game, TreeStats};

fn reference() -> serde_json::Value {
    serde_json::from_str(ponder_oracles::GAMES_JSON).expect("games.json is JSON")
}

#[test]
fn every_reference_game_compiles_to_the_reference_counts() {
    let reference = reference();
    let games = reference["games"].as_object().unwrap();
    assert_eq!(games.len(), 6);
    for (name, facts) in games {
        let game_string = facts["game_string"].as_str().unwrap();
        let game = parse_game(game_string).unwrap_or_else(|error| panic!("{name}: {error}"));
        let tree = game.compile().unwrap();
        let expected: TreeStats = serde_json::from_value(facts["tree"].clone()).unwrap();
        assert_eq!(tree.stats(), expected, "{name}");
    }
}

#[test]
fn leduc_fits_well_under_one_mebibyte() {
    let tree = parse_game("leduc").unwrap().compile().unwrap();
    assert!(tree.bytes() < 1 << 20, "{} bytes", tree.bytes());
}

#[test]
fn layout_invariants_hold() {
    for game_string in ["kuhn_poker(players=3)", "leduc", "goofspiel(num_cards=4)"] {
        let tree = parse_game(game_string).unwrap().compile().unwrap();
        for node in 0..tree.num_nodes() {
            let id = ponder_games::NodeId(node as u32);
            let children = tree.children(id);
            let mut chance_total = 0.0;
            for child in children.clone() {
                let child_id = ponder_games::NodeId(child as u32);
                assert_eq!(tree.parent(child_id), Some(id));
                assert_eq!(tree.depth(child_id), tree.depth(id) + 1);
                assert!(child > node);
                chance_total += tree.edge_probability(child_id);
            }
            match tree.kind(id) {
                ponder_games::NodeKind::Chance => assert!((chance_total - 1.0).abs() < 1e-12),
                ponder_games::NodeKind::Decision { player, infoset } => {
                    assert_eq!(tree.infoset_player(infoset), player);
                    assert_eq!(tree.slots(infoset).len(), children.len());
                    assert!(tree.infosets_of(player).contains(&infoset.index()));
                    assert!(tree.infoset_nodes(infoset).contains(&id));
                    for (slot, child) in tree.legal_actions(infoset).iter().zip(children) {
                        assert_eq!(tree.action(ponder_games::NodeId(child as u32)), Some(*slot));
                    }
                }
                ponder_games::NodeKind::Terminal => {
                    assert!(children.is_empty());
                    assert_eq!(tree.returns(id).len(), tree.num_players());
                }
            }
        }
    }
}

#[test]
fn keys_follow_the_documented_formats() {
    let kuhn = parse_game("kuhn").unwrap().compile().unwrap();
    for key in ["0", "1p", "0pb", "2b"] {
        assert!(kuhn.find_infoset(key).is_some(), "kuhn key {key}");
    }
    let leduc = parse_game("leduc").unwrap().compile().unwrap();
    for key in ["3-||", "31|rc|r", "5-|r|", "02|cc|"] {
        assert!(leduc.find_infoset(key).is_some(), "leduc key {key}");
    }
    let dice = parse_game("liars_dice").unwrap().compile().unwrap();
    for key in ["3 1-2 2-5", "6", "1 1-1"] {
        assert!(dice.find_infoset(key).is_some(), "liar's dice key {key}");
    }
}
