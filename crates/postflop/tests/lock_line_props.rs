//! Property tests over generated inline locks (`--lock LINE | STRATEGY [| HANDS]`): a lock written from a
//! walk of the betting tree (actions by name in any case and spacing, dealt cards or `*`, frequencies
//! that sum to 1, hands from the actor's range) parses to its parts and resolves to the node walked to;
//! a lock damaged at one character is an error whose column points inside the text, or still resolves.

use std::sync::OnceLock;

use ponder_postflop::lock::{self, LockSpec};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::tree::ActionNodeKind;
use ponder_postflop::PreparedSpot;
use proptest::prelude::*;

fn spot() -> &'static PreparedSpot {
    static SPOT: OnceLock<PreparedSpot> = OnceLock::new();
    SPOT.get_or_init(|| {
        let text = "board = \"Td9d6hQc\"\noop_range = \"AA,KJs,87s\"\nip_range = \"QQ,AK,J8s\"\n\
                    starting_pot = 100\neffective_stack = 300\n[bet_sizes]\nbet = \"50%, a\"\nraise = \"3x\"\n";
        PreparedSpot::new(SpotFile::from_toml(text, "turn.toml").unwrap()).unwrap()
    })
}

/// Hands per player, as range text, that the spot's ranges hold.
const HANDS: [&[&str]; 2] = [
    &["AA", "KJs", "87s", "AA,KJs"],
    &["QQ", "AK", "J8s", "QQ,AKs"],
];

/// An inline lock's text, its line, and its strategy (action name, frequency).
type WrittenLock = (String, String, Vec<(String, f64)>);

/// Walks the tree by `choices` and writes a lock for the player node reached.
fn write_lock(choices: &[(usize, u8)], weights: &[u8], hands: usize) -> Option<WrittenLock> {
    let tree = &spot().tree;
    let mut node = tree.node(tree.root());
    let mut steps = Vec::new();
    for &(choice, style) in choices {
        match node.kind {
            ActionNodeKind::Player(_) => {
                let k = choice % node.actions.len();
                let name = node.actions[k].to_string();
                // Action names are matched ignoring case and repeated spaces.
                steps.push(match style % 3 {
                    0 => name,
                    1 => name.to_ascii_uppercase(),
                    _ => format!(" {} ", name.replace(' ', "   ")),
                });
                node = tree.node(node.children[k]);
            }
            ActionNodeKind::Chance(_) => {
                // A river card not on the board (the board is Td9d6hQc), or every card.
                steps.push(["*", "2c", "As", "Kh"][choice % 4].to_string());
                node = tree.node(node.children[0]);
            }
            _ => break,
        }
    }
    let ActionNodeKind::Player(player) = node.kind else {
        return None;
    };
    let total: u32 = weights
        .iter()
        .take(node.actions.len())
        .map(|&w| w as u32)
        .sum();
    let strategy: Vec<(String, f64)> = if total == 0 {
        vec![(node.actions[0].to_string(), 1.0)]
    } else {
        // Quarters: sums of exact binary fractions are exactly 1.
        let mut quarters: Vec<u32> = weights
            .iter()
            .take(node.actions.len())
            .map(|&w| w as u32 % 5)
            .collect();
        let sum: u32 = quarters.iter().sum();
        if sum == 0 {
            quarters[0] = 4;
        } else if sum != 4 {
            // Rescale to 4 quarters: put the remainder on the first action.
            let mut scaled: Vec<u32> = quarters.iter().map(|&q| q * 4 / sum).collect();
            let s: u32 = scaled.iter().sum();
            scaled[0] += 4 - s;
            quarters = scaled;
        }
        node.actions
            .iter()
            .zip(quarters)
            .filter(|&(_, q)| q > 0)
            .map(|(a, q)| (a.to_string(), q as f64 / 4.0))
            .collect()
    };
    let line = steps.join(",");
    let strategy_text: Vec<String> = strategy.iter().map(|(n, f)| format!("{n}={f}")).collect();
    let mut text = format!("{line} | {}", strategy_text.join(", "));
    if hands < 4 {
        text.push_str(&format!(" | {}", HANDS[player.index()][hands]));
    }
    Some((text, line, strategy))
}

proptest! {
    #[test]
    fn written_locks_parse_and_resolve(
        choices in proptest::collection::vec((0usize..8, any::<u8>()), 0..7),
        weights in proptest::collection::vec(any::<u8>(), 6),
        hands in 0usize..6,
    ) {
        let Some((text, line, strategy)) = write_lock(&choices, &weights, hands) else {
            return Ok(());
        };
        let (spec, origin) = LockSpec::parse_inline(&text, "--lock 1")
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(spec.line.as_str(), line.trim());
        prop_assert_eq!(spec.strategy.len(), strategy.len());
        for (name, value) in &strategy {
            prop_assert_eq!(spec.strategy.get(name), Some(value), "{}", text);
        }
        prop_assert_eq!(spec.hands.is_some(), hands < 4);
        let spot = spot();
        let resolved = lock::resolve(&[spec], &[origin], &spot.tree, &spot.board, [&spot.ranges[0], &spot.ranges[1]])
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(resolved.len(), 1);
    }

    #[test]
    fn damaged_locks_point_inside(
        choices in proptest::collection::vec((0usize..8, any::<u8>()), 0..7),
        weights in proptest::collection::vec(any::<u8>(), 6),
        hands in 0usize..6,
        at in any::<prop::sample::Index>(),
        junk in "[|,=a-z0-9 .*é-]{1,2}",
    ) {
        let Some((text, _, _)) = write_lock(&choices, &weights, hands) else {
            return Ok(());
        };
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let damaged: String = chars[..at].iter().chain(junk.chars().collect::<Vec<_>>().iter()).chain(chars[at..].iter()).collect();
        let spot = spot();
        let error = LockSpec::parse_inline(&damaged, "--lock 1").and_then(|(spec, origin)| {
            lock::resolve(&[spec], &[origin], &spot.tree, &spot.board, [&spot.ranges[0], &spot.ranges[1]]).map(|_| ())
        });
        if let Err(error) = error {
            let message = error.to_string();
            let column: usize = message
                .strip_prefix("--lock 1, column ")
                .and_then(|rest| rest.split(':').next())
                .and_then(|digits| digits.parse().ok())
                .ok_or_else(|| TestCaseError::fail(format!("no column: {message}")))?;
            prop_assert!(column >= 1 && column <= damaged.chars().count() + 1, "{} -> {}", damaged, message);
        }
    }
}
