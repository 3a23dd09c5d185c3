use ponder_postflop::game::Game;
use ponder_postflop::solver::Solver;
use ponder_postflop::spot::BenchFile;
use ponder_postflop::tree::ActionTree;
use std::time::Instant;
fn main() {
    let name = std::env::args().nth(1).unwrap_or("turn_td9d6hqc".into());
    let bench = BenchFile::builtin();
    let spot = bench.spot(&name).unwrap();
    let tree = ActionTree::build(spot.tree_config().unwrap());
    let board_len = spot.board.len() / 2;
    let board: Vec<u8> = vec![48, 33, 18, 7, 22][..board_len].to_vec();
    let mut ranges = [Vec::new(), Vec::new()];
    let mut x: u64 = 12345;
    for a in 0..52u8 {
        for b in a + 1..52u8 {
            if board.contains(&a) || board.contains(&b) {
                continue;
            }
            for p in 0..2 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (x >> 33) % 100 < [15, 22][p] {
                    ranges[p].push((a, b, 1.0f32));
                }
            }
        }
    }
    println!("hands {} {}", ranges[0].len(), ranges[1].len());
    let strength = |board: &[u8; 5], a: u8, b: u8| {
        let mut c = [board[0], board[1], board[2], board[3], board[4], a, b];
        c.sort();
        let mut h: u64 = 1469598103934665603;
        for v in c {
            h = (h ^ v as u64).wrapping_mul(1099511628211);
        }
        (h >> 40) as u32
    };
    let t = Instant::now();
    let game = Game::with_strength(tree, &board, [&ranges[0], &ranges[1]], true, &strength);
    println!(
        "build {:?} nodes {} storage {} MiB counts {:?}",
        t.elapsed(),
        game.nodes.len(),
        game.storage_len * 4 / (1 << 20),
        game.counts()
    );
    let mut solver = Solver::new(game);
    let t = Instant::now();
    for i in 0..100 {
        solver.iterate();
        if i % 20 == 19 {
            println!(
                "{} {:?} expl {}",
                i + 1,
                t.elapsed(),
                solver.exploitability_pct()
            );
        }
    }
    let t2 = Instant::now();
    for _ in 0..10 {
        solver.exploitability_pct();
    }
    println!("100 it {:?}; 10 expl {:?}", t.elapsed(), t2.elapsed());
}
