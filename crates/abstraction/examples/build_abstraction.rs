//! Builds an abstraction from `buckets` and `method` arguments and prints its reports (for timing).

use ponder_abstraction::{AbstractionConfig, CardAbstraction};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let buckets: Vec<u32> = args
        .get(1)
        .map_or("169,8,8,8", |s| s.as_str())
        .split(',')
        .map(|s| s.parse().expect("bucket count"))
        .collect();
    let buckets = [buckets[0], buckets[1], buckets[2], buckets[3]];
    let config = match args.get(2).map(|s| s.as_str()) {
        Some("potential") => AbstractionConfig::potential(buckets),
        _ => AbstractionConfig::ehs(buckets),
    };
    let started = std::time::Instant::now();
    let abstraction = CardAbstraction::build(&config, &|_| {}).expect("build");
    println!("built in {:.1} s", started.elapsed().as_secs_f64());
    for report in abstraction.reports() {
        println!("{report:?}");
    }
}
