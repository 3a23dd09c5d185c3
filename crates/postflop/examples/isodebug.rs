use ponder_postflop::game::{Game, NodeId};
use ponder_postflop::solve::PreparedSpot;
use ponder_postflop::solver::Solver;
use ponder_postflop::spot::SpotFile;
fn main() {
    let text = "board = \"Td9d6h\"\noop_range = \"AA,KJs,87s\"\nip_range = \"QQ,AK,J8s\"\nstarting_pot = 200\neffective_stack = 400\nadd_allin_threshold = 1.5\nforce_allin_threshold = 0.15\nmerging_threshold = 0.1\n[bet_sizes]\nbet = \"a\"\nraise = \"a\"\n";
    let prepared = PreparedSpot::new(SpotFile::from_toml(text, "t").unwrap()).unwrap();
    for iso in [true, false] {
        let game = Game::new(
            prepared.tree.clone(),
            &prepared.board,
            [&prepared.ranges[0], &prepared.ranges[1]],
            iso,
        );
        println!(
            "iso {iso} nodes {} chances {:?}",
            game.nodes.len(),
            game.chances
                .iter()
                .map(|c| c.child_cards.len())
                .collect::<Vec<_>>()[..3]
                .to_vec()
        );
        let mut s = Solver::new(game);
        for i in 0..6 {
            s.iterate();
            let st = s.average_strategy(NodeId(0));
            let n = s.game.hands[0].len();
            println!(
                " it {} expl {:.5} root oop {:?}",
                i + 1,
                s.exploitability_pct(),
                (0..n)
                    .map(|h| format!(
                        "{}{}:{:.4}",
                        ponder_postflop::cards_glue::card_name(s.game.hands[0].cards[h].0),
                        ponder_postflop::cards_glue::card_name(s.game.hands[0].cards[h].1),
                        st[h]
                    ))
                    .collect::<Vec<_>>()
            );
        }
    }
}
