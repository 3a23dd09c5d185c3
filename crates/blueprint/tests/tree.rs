//! Tree counts on configurations small enough to count by hand.

mod common;

use ponder_blueprint::tree::{AbstractAction, TERMINAL};
use ponder_blueprint::Tree;

/// Heads-up, 3 big blinds deep, preflop open all-in only, no postflop raises:
/// preflop decisions: SB (fold/limp/shove), BB after a limp (check/shove), SB facing the BB's shove
/// (fold/call), BB facing the SB's shove (fold/call) = 4; after limp-check, every street has two
/// checks (2 decisions x 3 streets); terminals: SB folds, showdown after checks, BB's shove folded or
/// called, SB's shove folded or called = 6.
#[test]
fn push_fold_tree_counts() {
    let config = common::config(
        "stack = 300\n[betting]\npreflop = [[\"all-in\"]]\nflop = []\nturn = []\nriver = []",
        [169, 2, 3, 4],
    );
    let tree = Tree::build(&config, [169, 2, 3, 4]).unwrap();
    let stats = tree.stats();
    assert_eq!(stats.decisions, [4, 2, 2, 2]);
    assert_eq!(stats.terminals, 6);
    assert_eq!(tree.nodes.len(), 16);
    assert_eq!(stats.infosets, 4 * 169 + 2 * 2 + 2 * 3 + 2 * 4);
    // Slots: preflop 3 + 2 + 2 + 2 actions x 169; one action (check) at each postflop node.
    assert_eq!(stats.slots, 9 * 169 + 2 * 2 + 2 * 3 + 2 * 4);
    let root = tree.nodes[0];
    assert_eq!(
        (root.player, root.street, root.actions),
        (1, 0, 3),
        "the button (seat 1) opens"
    );
    let actions: Vec<_> = tree.edges_of(&root).iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AbstractAction::Fold,
            AbstractAction::CheckCall,
            AbstractAction::Raise {
                to: 300,
                size: 0,
                all_in: true
            }
        ]
    );
    // Every decision's slots are laid out after the previous ones, without gaps.
    let mut expected = 0;
    for node in tree.nodes.iter().filter(|n| n.street != TERMINAL) {
        assert_eq!(node.offset, expected);
        expected += u64::from(node.actions) * u64::from(tree.buckets[node.street as usize]);
    }
    assert_eq!(expected, tree.slots);
}

/// Sizes become chips through the engine: 2.5bb is 250; a size at or above the stack is the all-in,
/// and two sizes naming the same amount are one action.
#[test]
fn sizes_rounded_clamped_and_deduplicated() {
    let config = common::config(
        "stack = 20000\n[betting]\npreflop = [[\"2.5bb\", \"1.5bb\", \"250bb\", \"all-in\"]]\nflop = []\nturn = []\nriver = []",
        [169, 1, 1, 1],
    );
    let tree = Tree::build(&config, [169, 1, 1, 1]).unwrap();
    let root = tree.nodes[0];
    let actions: Vec<_> = tree.edges_of(&root).iter().map(|e| e.action).collect();
    // 1.5bb is below the minimum raise to 200, so it is clamped up to 200.
    assert_eq!(
        actions,
        [
            AbstractAction::Fold,
            AbstractAction::CheckCall,
            AbstractAction::Raise {
                to: 200,
                size: 1,
                all_in: false
            },
            AbstractAction::Raise {
                to: 250,
                size: 0,
                all_in: false
            },
            AbstractAction::Raise {
                to: 20000,
                size: 2,
                all_in: true
            },
        ]
    );
}

/// Pot-fraction sizes on the flop after a limped pot of 200: pot = 200, half pot = 100, pot = 200;
/// the raise over a pot bet of 200 is to 200 + (600 after calling) = 800.
#[test]
fn postflop_pot_sizes() {
    let config = common::config(
        "stack = 20000\n[betting]\npreflop = []\nflop = [[\"50%\", \"pot\"], [\"pot\"]]\nturn = []\nriver = []",
        [169, 1, 1, 1],
    );
    let tree = Tree::build(&config, [169, 1, 1, 1]).unwrap();
    // Root: SB fold / limp; limp -> BB check (no preflop raises) -> flop, BB first.
    let limp = tree.edges_of(&tree.nodes[0])[1].child;
    let check = tree.edges_of(&tree.nodes[limp as usize])[0].child;
    let flop = tree.nodes[check as usize];
    assert_eq!((flop.street, flop.player), (1, 0));
    let amounts: Vec<_> = tree.edges_of(&flop).iter().map(|e| e.action).collect();
    assert_eq!(
        amounts,
        [
            AbstractAction::CheckCall,
            AbstractAction::Raise {
                to: 100,
                size: 0,
                all_in: false
            },
            AbstractAction::Raise {
                to: 200,
                size: 1,
                all_in: false
            },
        ]
    );
    let pot_bet = tree.edges_of(&flop)[2].child;
    let facing = tree.nodes[pot_bet as usize];
    let raises: Vec<_> = tree.edges_of(&facing).iter().map(|e| e.action).collect();
    assert_eq!(
        raises,
        [
            AbstractAction::Fold,
            AbstractAction::CheckCall,
            AbstractAction::Raise {
                to: 800,
                size: 0,
                all_in: false
            },
        ]
    );
}

#[test]
fn six_players_build() {
    let config = common::config(
        "players = 6\n[betting]\npreflop = [[\"all-in\"]]\nflop = []\nturn = []\nriver = []",
        [169, 1, 1, 1],
    );
    assert_eq!(config.text.stack, 10_000, "6-max defaults to 10,000 chips");
    let tree = Tree::build(&config, [169, 1, 1, 1]).unwrap();
    // UTG (seat 2: button 5, blinds 0 and 1) acts first.
    assert_eq!(tree.nodes[0].player, 2);
    assert!(tree.stats().decisions[0] > 6);
}
