//! Cards, ranks, suits, card sets and their text forms.
//!
//! Encoding (stable, relied on by every other crate): a [`Card`] is one byte `rank * 4 + suit`, with
//! ranks `2 = 0, 3 = 1, ..., T = 8, J = 9, Q = 10, K = 11, A = 12` and suits `c = 0, d = 1, h = 2,
//! s = 3`. So `2c = 0`, `2d = 1`, `As = 51`. A [`CardSet`] is a `u64` with bit `card` set.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Number of cards in the deck.
pub const DECK_SIZE: usize = 52;

/// Card rank, `Two` (0) to `Ace` (12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank(u8);

impl Rank {
    /// The deuce, lowest rank.
    pub const TWO: Rank = Rank(0);
    /// The ten.
    pub const TEN: Rank = Rank(8);
    /// The ace, highest rank.
    pub const ACE: Rank = Rank(12);
    /// All thirteen ranks, lowest first.
    pub const ALL: [Rank; 13] = {
        let mut all = [Rank(0); 13];
        let mut i = 0;
        while i < 13 {
            all[i] = Rank(i as u8);
            i += 1;
        }
        all
    };

    /// The rank with index `0..13` (`0` = deuce), or `None` if out of range.
    pub const fn new(index: u8) -> Option<Rank> {
        if index < 13 {
            Some(Rank(index))
        } else {
            None
        }
    }

    /// Index `0..13`, deuce = 0, ace = 12.
    pub const fn index(self) -> u8 {
        self.0
    }

    /// Upper-case character: `2`..`9`, `T`, `J`, `Q`, `K`, `A`.
    pub const fn to_char(self) -> char {
        b"23456789TJQKA"[self.0 as usize] as char
    }

    /// Parses one rank character (case-insensitive; `10` is handled by the card parser).
    pub fn from_char(c: char) -> Option<Rank> {
        let index = match c.to_ascii_uppercase() {
            '2'..='9' => c as u8 - b'2',
            'T' => 8,
            'J' => 9,
            'Q' => 10,
            'K' => 11,
            'A' => 12,
            _ => return None,
        };
        Some(Rank(index))
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_char())
    }
}

/// Card suit: clubs (0), diamonds (1), hearts (2), spades (3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suit(u8);

impl Suit {
    /// All four suits in index order `c, d, h, s`.
    pub const ALL: [Suit; 4] = [Suit(0), Suit(1), Suit(2), Suit(3)];

    /// The suit with index `0..4`, or `None`.
    pub const fn new(index: u8) -> Option<Suit> {
        if index < 4 {
            Some(Suit(index))
        } else {
            None
        }
    }

    /// Index `0..4` (`c d h s`).
    pub const fn index(self) -> u8 {
        self.0
    }

    /// Lower-case character `c`, `d`, `h` or `s`.
    pub const fn to_char(self) -> char {
        b"cdhs"[self.0 as usize] as char
    }

    /// Parses one suit character (case-insensitive).
    pub fn from_char(c: char) -> Option<Suit> {
        match c.to_ascii_lowercase() {
            'c' => Some(Suit(0)),
            'd' => Some(Suit(1)),
            'h' => Some(Suit(2)),
            's' => Some(Suit(3)),
            _ => None,
        }
    }
}

impl fmt::Display for Suit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_char())
    }
}

/// One card, stored as `rank * 4 + suit` in `0..52` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Card(u8);

impl Card {
    /// The card of this rank and suit.
    pub const fn new(rank: Rank, suit: Suit) -> Card {
        Card(rank.0 * 4 + suit.0)
    }

    /// The card with encoding `index` (`0..52`), or `None`.
    pub const fn from_index(index: u8) -> Option<Card> {
        if (index as usize) < DECK_SIZE {
            Some(Card(index))
        } else {
            None
        }
    }

    /// Unchecked constructor for indices known to be below 52.
    pub(crate) const fn from_u8(index: u8) -> Card {
        debug_assert!(index < 52);
        Card(index)
    }

    /// The encoding `rank * 4 + suit`, in `0..52`.
    pub const fn index(self) -> u8 {
        self.0
    }

    /// The card's rank.
    pub const fn rank(self) -> Rank {
        Rank(self.0 >> 2)
    }

    /// The card's suit.
    pub const fn suit(self) -> Suit {
        Suit(self.0 & 3)
    }

    /// Bit of this card in a [`CardSet`].
    pub const fn bit(self) -> u64 {
        1u64 << self.0
    }

    /// All 52 cards in index order.
    pub fn all() -> impl Iterator<Item = Card> {
        (0..DECK_SIZE as u8).map(Card)
    }
}

impl fmt::Display for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.rank().to_char(), self.suit().to_char())
    }
}

impl Serialize for Card {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Card {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What was wrong with a card text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardErrorKind {
    /// A character that is not a rank where a rank was expected.
    #[error("expected a rank (2-9, T, J, Q, K, A or 10), found {0:?}")]
    BadRank(char),
    /// A character that is not a suit where a suit was expected.
    #[error("expected a suit (c, d, h, s), found {0:?}")]
    BadSuit(char),
    /// The text ended after a rank.
    #[error("expected a suit after the rank, found the end of the text")]
    MissingSuit,
    /// The same card appears twice.
    #[error("duplicate card {0}")]
    Duplicate(Card),
    /// Exactly one card was expected.
    #[error("expected exactly one card, found {0}")]
    WrongCount(usize),
    /// More cards than allowed (e.g. a board of more than 5 cards).
    #[error("too many cards: {found}, at most {max} allowed")]
    TooMany {
        /// Number of cards given.
        found: usize,
        /// Maximum allowed.
        max: usize,
    },
}

/// Error from parsing cards: what was wrong and at which column (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} at column {column}")]
pub struct CardParseError {
    /// 1-based character column of the offending text.
    pub column: usize,
    /// What was wrong.
    pub kind: CardErrorKind,
}

/// Parses a sequence of cards such as `Td9d6h`, `Td 9d 6h`, `10d,9D`; separators (spaces, commas,
/// dashes) are optional. Rejects duplicates. Cards are returned in text order.
pub fn parse_cards(text: &str) -> Result<Vec<Card>, CardParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut cards = Vec::new();
    let mut seen = 0u64;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == ',' || c == '-' {
            i += 1;
            continue;
        }
        let start = i;
        let rank = if c == '1' && chars.get(i + 1) == Some(&'0') {
            i += 2;
            Rank::TEN
        } else {
            let rank = Rank::from_char(c).ok_or(CardParseError {
                column: i + 1,
                kind: CardErrorKind::BadRank(c),
            })?;
            i += 1;
            rank
        };
        let suit_char = *chars.get(i).ok_or(CardParseError {
            column: i + 1,
            kind: CardErrorKind::MissingSuit,
        })?;
        let suit = Suit::from_char(suit_char).ok_or(CardParseError {
            column: i + 1,
            kind: CardErrorKind::BadSuit(suit_char),
        })?;
        i += 1;
        let card = Card::new(rank, suit);
        if seen & card.bit() != 0 {
            return Err(CardParseError {
                column: start + 1,
                kind: CardErrorKind::Duplicate(card),
            });
        }
        seen |= card.bit();
        cards.push(card);
    }
    Ok(cards)
}

/// Parses a board (0 to 5 distinct cards), e.g. `Td9d6h` or `Td 9d 6h 2c`.
pub fn parse_board(text: &str) -> Result<CardSet, CardParseError> {
    let cards = parse_cards(text)?;
    if cards.len() > 5 {
        return Err(CardParseError {
            column: 1,
            kind: CardErrorKind::TooMany {
                found: cards.len(),
                max: 5,
            },
        });
    }
    Ok(CardSet::from_cards(&cards))
}

impl FromStr for Card {
    type Err = CardParseError;

    fn from_str(text: &str) -> Result<Card, CardParseError> {
        let cards = parse_cards(text)?;
        match cards.as_slice() {
            [card] => Ok(*card),
            _ => Err(CardParseError {
                column: 1,
                kind: CardErrorKind::WrongCount(cards.len()),
            }),
        }
    }
}

/// A set of cards as a 64-bit mask (bit `card.index()`); used for boards, dead cards and blockers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct CardSet(pub u64);

impl CardSet {
    /// The empty set.
    pub const EMPTY: CardSet = CardSet(0);
    /// All 52 cards.
    pub const FULL: CardSet = CardSet((1u64 << 52) - 1);

    /// The set holding exactly these cards.
    pub fn from_cards(cards: &[Card]) -> CardSet {
        CardSet(cards.iter().fold(0, |mask, card| mask | card.bit()))
    }

    /// Whether `card` is in the set.
    pub const fn contains(self, card: Card) -> bool {
        self.0 & card.bit() != 0
    }

    /// Adds `card`.
    pub fn insert(&mut self, card: Card) {
        self.0 |= card.bit();
    }

    /// Removes `card`.
    pub fn remove(&mut self, card: Card) {
        self.0 &= !card.bit();
    }

    /// Number of cards.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a card.
    pub const fn intersects(self, other: CardSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Union.
    pub const fn union(self, other: CardSet) -> CardSet {
        CardSet(self.0 | other.0)
    }

    /// Cards of `self` not in `other`.
    pub const fn minus(self, other: CardSet) -> CardSet {
        CardSet(self.0 & !other.0)
    }

    /// The cards, lowest index first.
    pub fn iter(self) -> impl Iterator<Item = Card> {
        let mut mask = self.0;
        std::iter::from_fn(move || {
            if mask == 0 {
                None
            } else {
                let card = Card(mask.trailing_zeros() as u8);
                mask &= mask - 1;
                Some(card)
            }
        })
    }

    /// The cards as a vector, lowest index first.
    pub fn to_vec(self) -> Vec<Card> {
        self.iter().collect()
    }
}

impl fmt::Display for CardSet {
    /// Prints the cards highest first, without separators (`Td9d6h`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut cards = self.to_vec();
        cards.reverse();
        for card in cards {
            write!(f, "{card}")?;
        }
        Ok(())
    }
}

impl FromStr for CardSet {
    type Err = CardParseError;

    /// Parses any number of distinct cards (not limited to a board's five).
    fn from_str(text: &str) -> Result<CardSet, CardParseError> {
        Ok(CardSet::from_cards(&parse_cards(text)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_rank_times_four_plus_suit() {
        assert_eq!("2c".parse::<Card>().unwrap().index(), 0);
        assert_eq!("2d".parse::<Card>().unwrap().index(), 1);
        assert_eq!("As".parse::<Card>().unwrap().index(), 51);
        assert_eq!("th".parse::<Card>().unwrap().index(), 8 * 4 + 2);
        assert_eq!("10h".parse::<Card>().unwrap().to_string(), "Th");
    }

    #[test]
    fn boards_parse_in_all_forms() {
        let a = parse_board("Td9d6h").unwrap();
        assert_eq!(a, parse_board("Td 9d 6h").unwrap());
        assert_eq!(a, parse_board("10d 9D 6H").unwrap());
        assert_eq!(a, parse_board("td,9d,6h").unwrap());
        assert_eq!(a.to_string(), "Td9d6h");
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn errors_give_the_column() {
        let e = parse_board("Td 9d Td").unwrap_err();
        assert_eq!(e.column, 7);
        assert!(matches!(e.kind, CardErrorKind::Duplicate(_)));
        let e = parse_board("Td 9x").unwrap_err();
        assert_eq!(
            e,
            CardParseError {
                column: 5,
                kind: CardErrorKind::BadSuit('x')
            }
        );
        let e = parse_board("Td Zd").unwrap_err();
        assert_eq!(e.column, 4);
        let e = parse_board("Td 9").unwrap_err();
        assert_eq!(e.kind, CardErrorKind::MissingSuit);
        assert!(parse_board("2c3c4c5c6c7c").is_err());
        assert!("AsKs".parse::<Card>().is_err());
    }
}
