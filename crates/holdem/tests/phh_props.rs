//! Property tests over generated PHH files: hands played at generated tables (2-9 seats, antes, blinds,
//! straddles, short and deep stacks) round-trip through PHH; edits of one field or one action give an
//! error or a hand that still conserves chips, never a panic.

use ponder_holdem::phh::{from_phh, to_phh};
use ponder_holdem::{record_random_hand, Betting, HandRecord, TableConfig};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A no-limit table the engine accepts: blinds, optional ante and straddle, stacks from one chip past the
/// forced bets to deep (at most 2^40, far below where chip sums could overflow).
fn table() -> impl Strategy<Value = TableConfig> {
    (2usize..=9, 1u64..50, 0u64..20, any::<bool>(), any::<bool>()).prop_flat_map(
        |(seats, big, ante, has_ante, straddle)| {
            let small = big / 2;
            let ante = if has_ante { ante.min(big) } else { 0 };
            let straddle = if straddle && seats > 2 { 2 * big } else { 0 };
            let floor = ante + straddle.max(big) + 1;
            proptest::collection::vec(
                prop_oneof![floor..floor + 5 * big, floor..1u64 << 40],
                seats,
            )
            .prop_map(move |stacks| TableConfig {
                button: stacks.len() - 1,
                stacks,
                small_blind: small,
                big_blind: big,
                ante,
                straddle,
                betting: Betting::NoLimit,
            })
        },
    )
}

fn conserved(record: &HandRecord) -> bool {
    let before: u128 = record.config.stacks.iter().map(|&s| s as u128).sum();
    let after: u128 = record.final_stacks.iter().map(|&s| s as u128).sum();
    before == after
}

proptest! {
    #[test]
    fn played_hands_round_trip(table in table(), seed in any::<u64>()) {
        prop_assume!(table.validate().is_ok());
        let table = table.validate().unwrap();
        let record = record_random_hand(&table, &mut ChaCha8Rng::seed_from_u64(seed));
        let text = to_phh(&record).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let read = from_phh(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(conserved(&read));
        prop_assert_eq!(read.actions.len(), record.actions.len());
        let mut sorted = read.final_stacks.clone();
        let mut original = record.final_stacks.clone();
        sorted.sort_unstable();
        original.sort_unstable();
        prop_assert_eq!(sorted, original);
        prop_assert_eq!(to_phh(&read).unwrap(), text);
    }

    #[test]
    fn edited_files_are_refused_or_conserve_chips(
        table in table(),
        seed in any::<u64>(),
        line in 0usize..8,
        value in prop_oneof![Just(0u64), 1u64..1000, Just(u32::MAX as u64), Just(i64::MAX as u64)],
        action in 0usize..40,
        replacement in "(p[0-9] (f|cc|cbr [0-9]{1,4}|sm [2-9TJQKA][cdhs]{0,1})|d (dh p[0-9] [2-9TJQKA?][cdhs?]{1,3}|db [2-9TJQKA][cdhs]))",
    ) {
        prop_assume!(table.validate().is_ok());
        let table = table.validate().unwrap();
        let record = record_random_hand(&table, &mut ChaCha8Rng::seed_from_u64(seed));
        let text = to_phh(&record).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        // Either one number of a field changes, or one action is replaced.
        let index = line % lines.len();
        if let Some(at) = lines[index].find(|c: char| c.is_ascii_digit()) {
            let end = lines[index][at..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(lines[index].len(), |e| at + e);
            lines[index].replace_range(at..end, &value.to_string());
        }
        let edited = lines.join("\n");
        let mut texts = vec![edited];
        let actions: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
        if !actions.is_empty() {
            let old = actions[action % actions.len()];
            texts.push(text.replacen(&format!("\"{old}\""), &format!("\"{replacement}\""), 1));
        }
        for edited in texts {
            if let Ok(read) = from_phh(&edited) {
                prop_assert!(conserved(&read), "{}", edited);
            }
        }
    }
}
