use ponder_postflop::solve::{MemoryEstimate, PreparedSpot};
use ponder_postflop::spot::BenchFile;
fn main() {
    let bench = BenchFile::builtin();
    for (name, spot) in &bench.spots {
        let t = std::time::Instant::now();
        let prepared = PreparedSpot::new(spot.clone()).unwrap();
        let game = prepared.game();
        let e = MemoryEstimate::of(&game);
        println!(
            "{name}: {:?} total {} ref {:?} hands {} {} mem32 {:.1} MiB mem16 {:.1} MiB build {:?}",
            e.counts,
            e.counts.per_street.iter().sum::<u64>(),
            spot.reference_tree_nodes,
            game.hands[0].len(),
            game.hands[1].len(),
            e.bytes_32 as f64 / 1048576.0,
            e.bytes_16 as f64 / 1048576.0,
            t.elapsed()
        );
    }
}
