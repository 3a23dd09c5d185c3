//! [`HandIndex`]: the index of a two-card hole hand among the 1,326, and the 169 preflop classes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::card::{Card, CardSet, Rank};

/// Number of distinct two-card hole hands, `C(52, 2)`.
pub const HAND_COUNT: usize = 1326;

/// Index of a hole-card pair in `0..1326`: for cards `low < high` (by [`Card::index`]) it is
/// `high * (high - 1) / 2 + low`. So `2d2c = 0`, `2h2c = 1`, `2h2d = 2`, ..., `AsAh = 1325`; all
/// hands containing only cards below `n` come before any hand with card `n`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct HandIndex(pub u16);

/// The two card indices (low, high) of each hole pair, by `HandIndex`: the table behind
/// [`HandIndex::cards`], for loops over all pairs that want raw card bytes.
pub const HAND_CARDS: [(u8, u8); HAND_COUNT] = {
    let mut cards = [(0u8, 0u8); HAND_COUNT];
    let mut high = 1;
    let mut index = 0;
    while high < 52 {
        let mut low = 0;
        while low < high {
            cards[index] = (low as u8, high as u8);
            index += 1;
            low += 1;
        }
        high += 1;
    }
    cards
};

impl HandIndex {
    /// The index of two distinct cards, in either order. `None` if the cards are equal.
    #[inline]
    pub const fn from_cards(a: Card, b: Card) -> Option<HandIndex> {
        let (a, b) = (a.index() as u16, b.index() as u16);
        if a == b {
            return None;
        }
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        Some(HandIndex(high * (high - 1) / 2 + low))
    }

    /// The two cards, lower index first.
    #[inline]
    pub const fn cards(self) -> (Card, Card) {
        let (low, high) = HAND_CARDS[self.0 as usize];
        (Card::from_u8(low), Card::from_u8(high))
    }

    /// The two cards as a [`CardSet`].
    #[inline]
    pub const fn card_set(self) -> CardSet {
        let (low, high) = HAND_CARDS[self.0 as usize];
        CardSet((1u64 << low) | (1u64 << high))
    }

    /// The index as `usize`, for indexing per-hand arrays.
    #[inline]
    pub const fn as_usize(self) -> usize {
        self.0 as usize
    }

    /// All 1,326 hands in index order.
    pub fn all() -> impl Iterator<Item = HandIndex> {
        (0..HAND_COUNT as u16).map(HandIndex)
    }

    /// The preflop class (`AKs`, `QQ`, `T9o`) of this hand.
    pub fn class(self) -> HandClass {
        let (a, b) = self.cards();
        HandClass::of(a, b)
    }
}

impl fmt::Display for HandIndex {
    /// Higher card first: `AhKh`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (low, high) = self.cards();
        write!(f, "{high}{low}")
    }
}

/// One of the 169 preflop classes: a pair, or two ranks suited or offsuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandClass {
    /// Higher rank (equal to `low` for pairs).
    pub high: Rank,
    /// Lower rank.
    pub low: Rank,
    /// Suited (never for pairs).
    pub suited: bool,
}

impl HandClass {
    /// The class of two distinct cards.
    pub fn of(a: Card, b: Card) -> HandClass {
        let (high, low) = if a.rank() >= b.rank() {
            (a.rank(), b.rank())
        } else {
            (b.rank(), a.rank())
        };
        HandClass {
            high,
            low,
            suited: high != low && a.suit() == b.suit(),
        }
    }

    /// Whether this is a pocket pair.
    pub fn is_pair(self) -> bool {
        self.high == self.low
    }

    /// Number of combos: 6 for a pair, 4 suited, 12 offsuit.
    pub fn combo_count(self) -> usize {
        if self.is_pair() {
            6
        } else if self.suited {
            4
        } else {
            12
        }
    }

    /// The hands of this class, in increasing [`HandIndex`] order.
    pub fn hands(self) -> impl Iterator<Item = HandIndex> {
        let mut list = Vec::with_capacity(12);
        for s1 in 0..4u8 {
            for s2 in 0..4u8 {
                let a = Card::from_u8(self.high.index() * 4 + s1);
                let b = Card::from_u8(self.low.index() * 4 + s2);
                let valid = if self.is_pair() {
                    s1 < s2
                } else if self.suited {
                    s1 == s2
                } else {
                    s1 != s2
                };
                if valid {
                    if let Some(index) = HandIndex::from_cards(a, b) {
                        list.push(index);
                    }
                }
            }
        }
        list.sort_unstable();
        list.into_iter()
    }

    /// Cell of the 13×13 grid: `(row, column)` with aces first; pairs on the diagonal, suited above
    /// it (row = higher rank), offsuit below (column = higher rank).
    pub fn grid_cell(self) -> (usize, usize) {
        let high = 12 - self.high.index() as usize;
        let low = 12 - self.low.index() as usize;
        if self.suited {
            (high, low)
        } else {
            (low, high)
        }
    }
}

impl fmt::Display for HandClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_pair() {
            write!(f, "{}{}", self.high, self.low)
        } else {
            let suffix = if self.suited { 's' } else { 'o' };
            write!(f, "{}{}{suffix}", self.high, self.low)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips_and_is_dense() {
        let mut seen = vec![false; HAND_COUNT];
        for a in Card::all() {
            for b in Card::all() {
                if a == b {
                    assert!(HandIndex::from_cards(a, b).is_none());
                    continue;
                }
                let index = HandIndex::from_cards(a, b).unwrap();
                let (low, high) = index.cards();
                assert_eq!((low.min(high), low.max(high)), (a.min(b), a.max(b)));
                assert!(low < high);
                seen[index.as_usize()] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(HandIndex(0).to_string(), "2d2c");
        assert_eq!(HandIndex(1325).to_string(), "AsAh");
    }

    #[test]
    fn classes_partition_the_hands() {
        let mut total = 0;
        let mut classes = std::collections::BTreeSet::new();
        for hand in HandIndex::all() {
            let class = hand.class();
            classes.insert(class);
            assert!(class.hands().any(|h| h == hand));
        }
        for class in &classes {
            total += class.hands().count();
            assert_eq!(class.hands().count(), class.combo_count());
        }
        assert_eq!(classes.len(), 169);
        assert_eq!(total, HAND_COUNT);
    }
}
