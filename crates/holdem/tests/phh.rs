//! PHH hand histories: round trips, the fixed corpus, and PokerKit reading what ponder writes.

use ponder_holdem::phh::{from_phh, to_phh, to_phh_named, PhhError};
use ponder_holdem::{random_hand, HandState, RandomHandOptions};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn corpus() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/phh");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "phh"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn random_hands_round_trip() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..2_000 {
        let record = random_hand(&RandomHandOptions::default(), &mut rng);
        let text = to_phh(&record).unwrap();
        let read = from_phh(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        // Same hand, with seats renumbered from the left of the button.
        let mut sorted = read.final_stacks.clone();
        let mut original = record.final_stacks.clone();
        sorted.sort_unstable();
        original.sort_unstable();
        assert_eq!(sorted, original);
        assert_eq!(to_phh(&read).unwrap(), text);
    }
}

#[test]
fn the_corpus_reads_and_pays_its_finishing_stacks() {
    let corpus = corpus();
    assert!(corpus.len() >= 5);
    for (path, text) in &corpus {
        let record = from_phh(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut hand = HandState::new(&record.config.validate().unwrap(), record.deal).unwrap();
        for &action in &record.actions {
            hand.apply(action).unwrap();
        }
        assert_eq!(
            hand.final_stacks(),
            record.final_stacks.as_slice(),
            "{path}"
        );
    }
}

#[test]
fn bad_files_say_what_is_wrong() {
    let (_, good) = &corpus()[0];
    assert!(matches!(
        from_phh("variant = 'NT'\nantes = ["),
        Err(PhhError::Toml(_))
    ));
    assert!(matches!(
        from_phh(&good.replace("variant = \"NT\"", "variant = \"FB\"")),
        Err(PhhError::Variant(v)) if v == "FB"
    ));
    let wrong_turn = good.replacen("\"p3 ", "\"p9 ", 1);
    assert!(matches!(
        from_phh(&wrong_turn),
        Err(PhhError::Action { .. })
    ));
}

#[test]
fn pokerkit_reads_what_ponder_writes() {
    let Some(python) = ponder_oracles::python() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("ponder-phh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    for i in 0..300 {
        let record = random_hand(&RandomHandOptions::default(), &mut rng);
        let path = dir.join(format!("{i}.phh"));
        std::fs::write(&path, to_phh(&record).unwrap()).unwrap();
        paths.push(path.display().to_string());
    }
    for (path, _) in corpus() {
        paths.push(path);
    }
    let script = include_str!("../../../tools/pokerkit_phh.py");
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let output = ponder_oracles::run_python(&python, script, &args);
    std::fs::remove_dir_all(&dir).ok();
    let report: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
    assert_eq!(report["hands"], paths.len());
    assert_eq!(report["mismatches"], 0, "{:#}", report["examples"]);
}

/// Names that need escaping in TOML, or are awkward anywhere.
fn hostile_names() -> Vec<String> {
    [
        "a\"b",
        "back\\slash",
        "new\nline",
        "tab\there",
        "\u{e9}t\u{e9}",
        "]",
        "x = 1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn player_names_are_escaped_whatever_they_hold() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let names = hostile_names();
    for seats in 2..=7 {
        let options = RandomHandOptions {
            seats: (seats, seats),
            ..RandomHandOptions::default()
        };
        let record = random_hand(&options, &mut rng);
        let text = to_phh_named(&record, &names[..seats]).unwrap();
        // Valid TOML whose `players` are the names, p1 (left of the button) first.
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let players: Vec<&str> = value["players"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let expected: Vec<&str> = (0..seats)
            .map(|p| names[(record.config.button + 1 + p) % seats].as_str())
            .collect();
        assert_eq!(players, expected);
        assert_eq!(from_phh(&text).unwrap().actions, record.actions);
    }
    let record = random_hand(&RandomHandOptions::default(), &mut rng);
    assert!(to_phh_named(&record, &names[..1]).is_err());
}

#[test]
fn pokerkit_reads_escaped_player_names() {
    let Some(python) = ponder_oracles::python() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("ponder-phh-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let names = hostile_names();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let options = RandomHandOptions {
        seats: (7, 7),
        ..RandomHandOptions::default()
    };
    let record = random_hand(&options, &mut rng);
    let path = dir.join("names.phh");
    std::fs::write(&path, to_phh_named(&record, &names).unwrap()).unwrap();
    let script = include_str!("../../../tools/pokerkit_phh.py");
    let output = ponder_oracles::run_python(&python, script, &[path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    let report: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
    assert_eq!(report["mismatches"], 0, "{:#}", report["examples"]);
    let expected: Vec<&str> = (0..7)
        .map(|p| names[(record.config.button + 1 + p) % 7].as_str())
        .collect();
    assert_eq!(report["players"][0], serde_json::json!(expected));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn reading_never_panics(text in "\\PC{0,200}") {
            let _ = from_phh(&text);
        }

        #[test]
        fn damaged_corpus_never_panics(cut in 0usize..400, junk in "[ a-z0-9\\[\\]\"=,?]{0,12}") {
            let (_, good) = &corpus()[cut % 6];
            let at = cut.min(good.len());
            if good.is_char_boundary(at) {
                let text = format!("{}{}{}", &good[..at], junk, &good[at..]);
                let _ = from_phh(&text);
            }
        }
    }
}
