//! Properties of built abstractions: bucket ranges, lossless preflop, suit isomorphism, EHS order
//! against the card layer's independent hand-strength code, `board_buckets` against `bucket`,
//! determinism across thread counts, and the file format's refusals.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use ponder_abstraction::{
    AbstractionConfig, AbstractionError, CardAbstraction, CardBuckets, FORMAT_VERSION, MAX_SCORE,
};
use ponder_cards::{
    hand_strength, parse_cards, Card, CardSet, HandIndex, Range, StrengthOptions, SuitIndexer,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Builds run one at a time (each holds ~0.8 GB while it runs).
static BUILD_LOCK: Mutex<()> = Mutex::new(());

fn build_in_pool(config: &AbstractionConfig, threads: usize) -> CardAbstraction {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| CardAbstraction::build(config, &|_| {}).unwrap())
}

fn ehs_config() -> AbstractionConfig {
    AbstractionConfig::ehs([169, 8, 8, 8])
}

fn potential_config() -> AbstractionConfig {
    AbstractionConfig {
        kmeans_sample: 4000,
        seed: 11,
        ..AbstractionConfig::potential([20, 10, 10, 10])
    }
}

fn ehs() -> &'static CardAbstraction {
    static BUILT: OnceLock<CardAbstraction> = OnceLock::new();
    BUILT.get_or_init(|| build_in_pool(&ehs_config(), 2))
}

fn potential() -> &'static CardAbstraction {
    static BUILT: OnceLock<CardAbstraction> = OnceLock::new();
    BUILT.get_or_init(|| build_in_pool(&potential_config(), 2))
}

fn deck_shuffled(rng: &mut ChaCha8Rng) -> Vec<Card> {
    let mut deck: Vec<Card> = Card::all().collect();
    deck.shuffle(rng);
    deck
}

fn permute(cards: &[Card], perm: &[u8; 4]) -> Vec<Card> {
    cards
        .iter()
        .map(|c| Card::from_index((c.index() & !3) | perm[(c.index() & 3) as usize]).unwrap())
        .collect()
}

#[test]
fn every_street_uses_exactly_the_configured_buckets() {
    for abstraction in [ehs(), potential()] {
        for street in 0..4 {
            let used: BTreeSet<u16> = abstraction.street_table(street).iter().copied().collect();
            let k = abstraction.buckets(street);
            assert_eq!(used.len() as u32, k, "street {street}");
            assert_eq!(*used.iter().next_back().unwrap() as u32, k - 1);
        }
    }
}

#[test]
fn table_sizes_match_the_isomorphism_counts() {
    let facts: serde_json::Value = serde_json::from_str(ponder_oracles::CARDS_JSON).unwrap();
    let classes = &facts["suit_isomorphism_classes"];
    let sizes = ehs().table_sizes();
    assert_eq!(sizes[0] as u64, classes["hole"].as_u64().unwrap());
    assert_eq!(sizes[1] as u64, classes["hole_plus_flop"].as_u64().unwrap());
    assert_eq!(sizes[3], MAX_SCORE as usize + 1);
    // The turn table indexes the hole pair and the 4-card board as a set, so it is smaller than the
    // oracle's hole + flop + turn count by about the 4 ways to pick the turn card.
    let turn_rounds = classes["hole_plus_flop_plus_turn"].as_u64().unwrap();
    assert_eq!(sizes[2] as u64, SuitIndexer::new(&[2, 4]).size(1));
    assert!(sizes[2] as u64 * 4 > turn_rounds && (sizes[2] as u64) < turn_rounds);
}

#[test]
fn lossless_preflop_has_one_bucket_per_class() {
    let abstraction = ehs();
    let mut by_class = std::collections::BTreeMap::new();
    for hand in HandIndex::all() {
        let (a, b) = hand.cards();
        let bucket = abstraction.bucket(0, [a, b], &[]);
        let previous = by_class.insert(hand.class(), bucket);
        if let Some(previous) = previous {
            assert_eq!(previous, bucket, "{hand}");
        }
    }
    let distinct: BTreeSet<u32> = by_class.values().copied().collect();
    assert_eq!(distinct.len(), 169);
    let bucket = |text: &str| {
        let cards = parse_cards(text).unwrap();
        abstraction.bucket(0, [cards[0], cards[1]], &[])
    };
    assert_ne!(bucket("AsKs"), bucket("AsKd"));
    let aces: BTreeSet<u32> = ["AsAh", "AsAd", "AsAc", "AhAd", "AhAc", "AdAc"]
        .iter()
        .map(|h| bucket(h))
        .collect();
    assert_eq!(aces.len(), 1);
}

#[test]
fn isomorphic_hands_share_buckets_on_every_street() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let perms: Vec<[u8; 4]> = {
        let mut out = Vec::new();
        for a in 0..4u8 {
            for b in 0..4u8 {
                for c in 0..4u8 {
                    let d = 6 - a - b - c;
                    if a != b && a != c && b != c && d < 4 && d != a && d != b && d != c {
                        out.push([a, b, c, d]);
                    }
                }
            }
        }
        out
    };
    assert_eq!(perms.len(), 24);
    for abstraction in [ehs(), potential()] {
        for _ in 0..300 {
            let deck = deck_shuffled(&mut rng);
            let perm = perms[rng.gen_range(0..24)];
            for street in 0..4 {
                let n = [0, 3, 4, 5][street];
                let cards = &deck[..2 + n];
                let mut board: Vec<Card> = cards[2..].to_vec();
                let moved = permute(cards, &perm);
                // The board's order does not matter either.
                board.reverse();
                let a = abstraction.bucket(street, [cards[0], cards[1]], &board);
                let b = abstraction.bucket(street, [moved[1], moved[0]], &moved[2..]);
                assert_eq!(a, b, "street {street}");
                assert!(a < abstraction.buckets(street));
            }
        }
    }
}

#[test]
fn ehs_buckets_are_ordered_by_the_card_layers_ehs() {
    // EHS from ponder-cards' own enumeration (`hand_strength` against the full range): for the EHS
    // method the buckets are intervals of EHS, so a weaker hand never gets a higher bucket.
    let abstraction = ehs();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let options = StrengthOptions {
        exact_runouts: 2000,
        ..StrengthOptions::default()
    };
    for street in 1..4 {
        let n = [0, 3, 4, 5][street];
        let mut points = Vec::new();
        for _ in 0..[0, 40, 150, 300][street] {
            let deck = deck_shuffled(&mut rng);
            let hand = HandIndex::from_cards(deck[0], deck[1]).unwrap();
            let board = CardSet::from_cards(&deck[2..2 + n]);
            let strength = hand_strength(hand, board, &Range::full(), &options).unwrap();
            assert!(strength.exact);
            let bucket = abstraction.bucket(street, [deck[0], deck[1]], &deck[2..2 + n]);
            points.push((strength.ehs, bucket));
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in points.windows(2) {
            // Flop and turn EHS are quantised to 2^-16 before clustering.
            if pair[1].0 - pair[0].0 > 1e-4 {
                assert!(pair[0].1 <= pair[1].1, "street {street}: {pair:?}");
            }
        }
        let first = points.first().unwrap().1;
        let last = points.last().unwrap().1;
        assert!(first < last, "street {street}: one bucket for all samples");
    }
}

#[test]
fn board_buckets_equal_bucket_for_every_hand() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for abstraction in [ehs(), potential()] {
        let mut out = vec![0u32; 1326];
        for _ in 0..6 {
            let deck = deck_shuffled(&mut rng);
            for street in 0..4 {
                let board = &deck[..[0, 3, 4, 5][street]];
                abstraction.board_buckets(street, board, &mut out);
                let board_set = CardSet::from_cards(board);
                for hand in HandIndex::all() {
                    let (a, b) = hand.cards();
                    let expected = if board_set.contains(a) || board_set.contains(b) {
                        u32::MAX
                    } else {
                        abstraction.bucket(street, [a, b], board)
                    };
                    assert_eq!(out[hand.as_usize()], expected, "street {street} {hand}");
                }
            }
        }
    }
}

#[test]
fn bad_lookups_give_max_not_a_panic() {
    let abstraction = ehs();
    let cards = parse_cards("AsKsQsJsTs9s8s").unwrap();
    assert_eq!(
        abstraction.bucket(1, [cards[0], cards[1]], &cards[2..4]),
        u32::MAX
    );
    assert_eq!(
        abstraction.bucket(3, [cards[0], cards[0]], &cards[2..7]),
        u32::MAX
    );
    assert_eq!(
        abstraction.bucket(2, [cards[0], cards[2]], &cards[2..6]),
        u32::MAX
    );
    assert_eq!(abstraction.bucket(4, [cards[0], cards[1]], &[]), u32::MAX);
    let mut out = vec![0u32; 1326];
    abstraction.board_buckets(3, &cards[..4], &mut out);
    assert!(out.iter().all(|&b| b == u32::MAX));
}

#[test]
fn builds_are_deterministic_across_thread_counts() {
    let config = potential_config();
    let one_thread = build_in_pool(&config, 1);
    assert_eq!(one_thread.fingerprint(), potential().fingerprint());
    for street in 0..4 {
        assert_eq!(
            one_thread.street_table(street),
            potential().street_table(street)
        );
    }
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-abstraction-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn files_round_trip_and_refuse_damage() {
    let abstraction = ehs();
    let path = temp_path("tiny.abs");
    abstraction.save(&path).unwrap();
    let loaded = CardAbstraction::load(&path).unwrap();
    assert_eq!(loaded.fingerprint(), abstraction.fingerprint());
    assert_eq!(loaded.config(), abstraction.config());
    assert_eq!(loaded.reports(), abstraction.reports());
    for street in 0..4 {
        assert_eq!(
            loaded.street_table(street),
            abstraction.street_table(street)
        );
    }
    CardAbstraction::load_matching(&path, &ehs_config()).unwrap();
    let other = AbstractionConfig::ehs([169, 8, 8, 9]);
    assert!(matches!(
        CardAbstraction::load_matching(&path, &other),
        Err(AbstractionError::ConfigMismatch { .. })
    ));

    let bytes = std::fs::read(&path).unwrap();
    let damaged_path = temp_path("damaged.abs");
    let check = |bytes: &[u8], what: &str| -> AbstractionError {
        std::fs::write(&damaged_path, bytes).unwrap();
        let error = CardAbstraction::load(&damaged_path).expect_err(what);
        assert!(error.to_string().contains("damaged.abs"), "{what}: {error}");
        error
    };
    // A flipped bit in a table, in the header and in the checksum.
    for position in [bytes.len() / 2, 40, bytes.len() - 1] {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0x10;
        let error = check(&damaged, "flipped bit");
        assert!(
            matches!(
                error,
                AbstractionError::Checksum { .. } | AbstractionError::Malformed { .. }
            ),
            "{error}"
        );
    }
    for cut in [0, 5, 12, 100, bytes.len() / 2, bytes.len() - 1] {
        let error = check(&bytes[..cut], "truncated");
        assert!(
            matches!(error, AbstractionError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    check(&longer, "trailing byte");
    let mut version = bytes.clone();
    version[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(matches!(
        check(&version, "other version"),
        AbstractionError::Version { found, .. } if found == FORMAT_VERSION + 1
    ));
    let mut magic = bytes.clone();
    magic[0] = b'X';
    assert!(matches!(
        check(&magic, "magic"),
        AbstractionError::BadMagic { .. }
    ));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn configs_are_validated_and_toml_embeddable() {
    for buckets in [
        [0, 8, 8, 8],
        [170, 8, 8, 8],
        [169, 0, 8, 8],
        [169, 8, 70_000, 8],
        [169, 8, 8, 5000],
    ] {
        assert!(matches!(
            AbstractionConfig::ehs(buckets).validate(),
            Err(AbstractionError::Config(_))
        ));
        assert!(CardAbstraction::build(&AbstractionConfig::ehs(buckets), &|_| {}).is_err());
    }
    let text = "buckets = [169, 50, 50, 50]\nflop = \"potential\"\nturn = \"ehs\"\nseed = 3\n";
    let config: AbstractionConfig = toml::from_str(text).unwrap();
    assert_eq!(config.buckets, [169, 50, 50, 50]);
    assert_eq!(config.flop, ponder_abstraction::Method::Potential);
    config.validate().unwrap();
    assert!(toml::from_str::<AbstractionConfig>("buckets = [169, 50, 50, 50]\nfoo = 1\n").is_err());
}
