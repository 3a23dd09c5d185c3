//! Hand ranges: a weight in `[0, 1]` for each of the 1,326 hole hands, parsed from and printed to
//! the usual solver syntax (`AA,KK:0.5,AKs,AQo-AJo,A5s-A2s,66+,K9s+,T9o:0.25,AhKh,QQ-88,ATo+`).
//!
//! Later items override earlier ones (`22+,AA:0.5` gives aces weight 0.5). Printing gives a canonical
//! form: pairs first, then per high rank combined (`AT+`), suited and offsuit runs, then single combos
//! of classes whose combos have unequal weights; `parse(print(r)) == r` for every range.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::card::{Card, CardSet, Rank, Suit};
use crate::excerpt::excerpt;
use crate::hand_index::{HandClass, HandIndex, HAND_COUNT};

/// What the range parser expected and did not find.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RangeErrorKind {
    /// Something other than what the grammar allows at this point.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What would have been valid.
        expected: &'static str,
        /// What was there (`end of input` at the end).
        found: String,
    },
    /// A weight outside `[0, 1]` or not a number (the text, cut by [`crate::excerpt()`]).
    #[error("weight {0:?} is not a number in [0, 1]")]
    BadWeight(String),
    /// Both ends of `X-Y` must be the same kind (pairs, or same first rank and suitedness).
    #[error(
        "range ends {0} and {1} do not match (pairs with pairs, same first rank and suitedness)"
    )]
    MismatchedEnds(String, String),
    /// A specific combo with the same card twice (`AhAh`).
    #[error("combo {0} uses the same card twice")]
    SameCard(String),
    /// A pair cannot be suited or offsuit (`AAs`).
    #[error("a pair cannot carry a suitedness suffix")]
    PairWithSuffix,
}

/// Error from parsing a range: what was wrong and at which 1-based character column.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("range: {kind} at column {column}")]
pub struct RangeParseError {
    /// 1-based character column.
    pub column: usize,
    /// What was wrong.
    pub kind: RangeErrorKind,
}

/// A weight for each of the 1,326 hole hands, indexed by [`HandIndex`].
#[derive(Clone, PartialEq)]
pub struct Range {
    weights: Box<[f32; HAND_COUNT]>,
}

impl Default for Range {
    fn default() -> Self {
        Range::empty()
    }
}

impl fmt::Debug for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Range({self})")
    }
}

impl Range {
    /// The empty range (all weights 0).
    pub fn empty() -> Range {
        Range {
            weights: Box::new([0.0; HAND_COUNT]),
        }
    }

    /// Every hand with weight 1.
    pub fn full() -> Range {
        Range {
            weights: Box::new([1.0; HAND_COUNT]),
        }
    }

    /// A range of one hand with weight 1.
    pub fn single(hand: HandIndex) -> Range {
        let mut range = Range::empty();
        range.set(hand, 1.0);
        range
    }

    /// Parses the range syntax (see the module docs).
    pub fn parse(text: &str) -> Result<Range, RangeParseError> {
        Parser::new(text).parse()
    }

    /// Weight of `hand`.
    #[inline]
    pub fn weight(&self, hand: HandIndex) -> f32 {
        self.weights[hand.as_usize()]
    }

    /// Sets the weight of `hand`; values are clamped into `[0, 1]` (NaN becomes 0).
    pub fn set(&mut self, hand: HandIndex, weight: f32) {
        self.weights[hand.as_usize()] = if weight.is_nan() {
            0.0
        } else {
            weight.clamp(0.0, 1.0)
        };
    }

    /// All 1,326 weights in [`HandIndex`] order.
    pub fn weights(&self) -> &[f32; HAND_COUNT] {
        &self.weights
    }

    /// Weighted number of combos (sum of weights).
    pub fn combos(&self) -> f64 {
        self.weights.iter().map(|&w| w as f64).sum()
    }

    /// Weighted number of combos not using any card of `board` (blocked hands removed).
    pub fn combos_with_board(&self, board: CardSet) -> f64 {
        HandIndex::all()
            .filter(|h| !h.card_set().intersects(board))
            .map(|h| self.weight(h) as f64)
            .sum()
    }

    /// This range with every hand that uses a card of `blocked` set to weight 0.
    pub fn without(&self, blocked: CardSet) -> Range {
        let mut range = self.clone();
        for hand in HandIndex::all() {
            if hand.card_set().intersects(blocked) {
                range.weights[hand.as_usize()] = 0.0;
            }
        }
        range
    }

    /// Hands with non-zero weight, with their weights, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (HandIndex, f32)> + '_ {
        self.weights
            .iter()
            .enumerate()
            .filter(|(_, &w)| w > 0.0)
            .map(|(i, &w)| (HandIndex(i as u16), w))
    }

    /// Whether no hand has positive weight.
    pub fn is_empty(&self) -> bool {
        self.weights.iter().all(|&w| w <= 0.0)
    }

    /// The 13×13 grid (aces first; pairs on the diagonal, suited above, offsuit below) of the mean
    /// weight of each class over its combos not blocked by `board` (0 where all are blocked).
    pub fn grid(&self, board: CardSet) -> [[f32; 13]; 13] {
        let mut grid = [[0.0f32; 13]; 13];
        for class in all_classes() {
            let (sum, count) = class
                .hands()
                .filter(|h| !h.card_set().intersects(board))
                .fold((0.0f64, 0usize), |(s, c), h| {
                    (s + self.weight(h) as f64, c + 1)
                });
            let (row, column) = class.grid_cell();
            grid[row][column] = if count == 0 {
                0.0
            } else {
                (sum / count as f64) as f32
            };
        }
        grid
    }

    /// The canonical text (same as `to_string()`).
    pub fn to_canonical(&self) -> String {
        self.to_string()
    }

    fn class_weight(&self, class: HandClass) -> Option<f32> {
        let mut hands = class.hands();
        let first = self.weight(hands.next()?);
        hands.all(|h| self.weight(h) == first).then_some(first)
    }
}

/// All 169 classes.
pub fn all_classes() -> impl Iterator<Item = HandClass> {
    (0..13u8).rev().flat_map(|high| {
        (0..=high).rev().flat_map(move |low| {
            let high = Rank::new(high).expect("rank below 13");
            let low = Rank::new(low).expect("rank below 13");
            let kinds: &[bool] = if high == low {
                &[false]
            } else {
                &[true, false]
            };
            kinds
                .iter()
                .map(move |&suited| HandClass { high, low, suited })
        })
    })
}

fn weight_suffix(weight: f32) -> String {
    if weight == 1.0 {
        String::new()
    } else {
        format!(":{weight}")
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tokens: Vec<String> = Vec::new();
        let mut mixed: Vec<HandClass> = Vec::new();
        let rank = |i: usize| Rank::new(i as u8).expect("rank below 13");
        // Uniform positive weight of a class, None if mixed or zero.
        let uniform = |class: HandClass, mixed: &mut Vec<HandClass>| -> Option<f32> {
            match self.class_weight(class) {
                Some(w) if w > 0.0 => Some(w),
                Some(_) => None,
                None => {
                    mixed.push(class);
                    None
                }
            }
        };

        // Pairs, from aces down: runs of equal weight.
        let pair_weights: Vec<Option<f32>> = (0..13)
            .map(|r| {
                uniform(
                    HandClass {
                        high: rank(r),
                        low: rank(r),
                        suited: false,
                    },
                    &mut mixed,
                )
            })
            .collect();
        for (top, bottom, weight) in runs(&pair_weights, 12) {
            let token = if top == bottom {
                format!("{0}{0}", rank(top))
            } else if top == 12 {
                format!("{0}{0}+", rank(bottom))
            } else {
                format!("{0}{0}-{1}{1}", rank(top), rank(bottom))
            };
            tokens.push(token + &weight_suffix(weight));
        }

        // Non-pairs per high rank: kicker runs, first where suited and offsuit agree, then the rest.
        for high in (1..13).rev() {
            let mut suited: Vec<Option<f32>> = Vec::new();
            let mut offsuit: Vec<Option<f32>> = Vec::new();
            for low in 0..high {
                let class = |s| HandClass {
                    high: rank(high),
                    low: rank(low),
                    suited: s,
                };
                suited.push(uniform(class(true), &mut mixed));
                offsuit.push(uniform(class(false), &mut mixed));
            }
            let both: Vec<Option<f32>> = suited
                .iter()
                .zip(&offsuit)
                .map(|(s, o)| if s == o { *s } else { None })
                .collect();
            for (i, b) in both.iter().enumerate() {
                if b.is_some() {
                    suited[i] = None;
                    offsuit[i] = None;
                }
            }
            for (weights, suffix) in [(&both, ""), (&suited, "s"), (&offsuit, "o")] {
                for (top, bottom, weight) in runs(weights, high - 1) {
                    let h = rank(high);
                    let token = if top == bottom {
                        format!("{h}{}{suffix}", rank(top))
                    } else if top == high - 1 {
                        format!("{h}{}{suffix}+", rank(bottom))
                    } else {
                        format!("{h}{}{suffix}-{h}{}{suffix}", rank(top), rank(bottom))
                    };
                    tokens.push(token + &weight_suffix(weight));
                }
            }
        }

        // Classes whose combos differ: one token per positive combo.
        mixed.sort_by(|a, b| b.cmp(a));
        for class in mixed {
            let mut hands: Vec<HandIndex> = class.hands().collect();
            hands.reverse();
            // Either every positive combo on its own, or the class at its most common weight
            // followed by the exceptions (later items override): whichever text is shorter.
            let listed: Vec<String> = hands
                .iter()
                .filter(|&&h| self.weight(h) > 0.0)
                .map(|&h| format!("{h}{}", weight_suffix(self.weight(h))))
                .collect();
            let mut best = listed;
            for &base in &hands {
                let w = self.weight(base);
                if w <= 0.0 {
                    continue;
                }
                let mut candidate = vec![format!("{class}{}", weight_suffix(w))];
                candidate.extend(
                    hands
                        .iter()
                        .filter(|&&h| self.weight(h) != w)
                        .map(|&h| format!("{h}:{}", self.weight(h))),
                );
                let length = |t: &[String]| t.iter().map(|s| s.len() + 1).sum::<usize>();
                if length(&candidate) < length(&best) {
                    best = candidate;
                }
            }
            tokens.extend(best);
        }
        f.write_str(&tokens.join(","))
    }
}

/// Maximal runs of equal `Some` weight, scanning from index `top` down to 0:
/// `(run top, run bottom, weight)`.
fn runs(weights: &[Option<f32>], top: usize) -> Vec<(usize, usize, f32)> {
    let mut result = Vec::new();
    let mut i = top as isize;
    while i >= 0 {
        if let Some(weight) = weights[i as usize] {
            let start = i as usize;
            let mut j = i;
            while j > 0 && weights[(j - 1) as usize] == Some(weight) {
                j -= 1;
            }
            result.push((start, j as usize, weight));
            i = j - 1;
        } else {
            i -= 1;
        }
    }
    result
}

impl FromStr for Range {
    type Err = RangeParseError;

    fn from_str(text: &str) -> Result<Range, RangeParseError> {
        Range::parse(text)
    }
}

impl Serialize for Range {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Range {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Range::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One item's hand set before its weight is applied.
enum Spec {
    Hands(Vec<HandIndex>),
}

/// Shape of `RR[s|o]` for the range parser.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClassToken {
    first: Rank,
    second: Rank,
    /// `Some(true)` suited, `Some(false)` offsuit, `None` both.
    suited: Option<bool>,
}

impl fmt::Display for ClassToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.suited {
            Some(true) => "s",
            Some(false) => "o",
            None => "",
        };
        write!(f, "{}{}{suffix}", self.first, self.second)
    }
}

struct Parser {
    chars: Vec<char>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            chars: text.chars().collect(),
            position: 0,
        }
    }

    fn error(&self, column: usize, kind: RangeErrorKind) -> RangeParseError {
        RangeParseError {
            column: column + 1,
            kind,
        }
    }

    fn expected(&self, expected: &'static str) -> RangeParseError {
        let found = match self.chars.get(self.position) {
            Some(c) => format!("{c:?}"),
            None => "end of input".to_string(),
        };
        self.error(self.position, RangeErrorKind::Expected { expected, found })
    }

    fn skip_space(&mut self) {
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_whitespace())
        {
            self.position += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn parse(mut self) -> Result<Range, RangeParseError> {
        let mut range = Range::empty();
        self.skip_space();
        if self.peek().is_none() {
            return Ok(range);
        }
        loop {
            self.skip_space();
            let Spec::Hands(hands) = self.item()?;
            self.skip_space();
            let weight = if self.peek() == Some(':') {
                self.position += 1;
                self.skip_space();
                self.weight()?
            } else {
                1.0
            };
            for hand in hands {
                range.weights[hand.as_usize()] = weight;
            }
            self.skip_space();
            match self.peek() {
                None => return Ok(range),
                Some(',') => self.position += 1,
                Some(_) => return Err(self.expected("',', ':' or the end of the range")),
            }
        }
    }

    fn weight(&mut self) -> Result<f32, RangeParseError> {
        let start = self.position;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '-')
        {
            self.position += 1;
        }
        let text: String = self.chars[start..self.position].iter().collect();
        if text.is_empty() {
            return Err(self.expected("a weight in [0, 1]"));
        }
        match text.parse::<f32>() {
            Ok(w) if (0.0..=1.0).contains(&w) => Ok(w),
            _ => Err(self.error(start, RangeErrorKind::BadWeight(excerpt(&text)))),
        }
    }

    fn rank(&mut self) -> Result<Rank, RangeParseError> {
        match self.peek() {
            Some('1') if self.chars.get(self.position + 1) == Some(&'0') => {
                self.position += 2;
                Ok(Rank::TEN)
            }
            Some(c) => match Rank::from_char(c) {
                Some(rank) => {
                    self.position += 1;
                    Ok(rank)
                }
                None => Err(self.expected("a rank (2-9, T, J, Q, K, A)")),
            },
            None => Err(self.expected("a rank (2-9, T, J, Q, K, A)")),
        }
    }

    fn item(&mut self) -> Result<Spec, RangeParseError> {
        let start = self.position;
        let first = self.rank()?;
        // A suit right after the first rank means a specific combo such as `AhKh`.
        if let Some(suit) = self.peek().and_then(Suit::from_char) {
            let after_suit = self.chars.get(self.position + 1).copied();
            let is_combo = after_suit.is_some_and(|c| Rank::from_char(c).is_some() || c == '1');
            if is_combo {
                self.position += 1;
                let a = Card::new(first, suit);
                let second = self.rank()?;
                let suit2 = self
                    .peek()
                    .and_then(Suit::from_char)
                    .ok_or_else(|| self.expected("a suit (c, d, h, s)"))?;
                self.position += 1;
                let b = Card::new(second, suit2);
                let hand = HandIndex::from_cards(a, b).ok_or_else(|| {
                    self.error(start, RangeErrorKind::SameCard(format!("{a}{b}")))
                })?;
                return Ok(Spec::Hands(vec![hand]));
            }
        }
        let low_token = self.class_token(first, start)?;
        match self.peek() {
            Some('+') => {
                self.position += 1;
                Ok(Spec::Hands(plus(low_token)))
            }
            Some('-') => {
                self.position += 1;
                self.skip_space();
                let end_start = self.position;
                let first2 = self.rank()?;
                let other = self.class_token(first2, end_start)?;
                dash(low_token, other)
                    .ok_or_else(|| {
                        self.error(
                            end_start,
                            RangeErrorKind::MismatchedEnds(
                                low_token.to_string(),
                                other.to_string(),
                            ),
                        )
                    })
                    .map(Spec::Hands)
            }
            _ => Ok(Spec::Hands(class_hands(low_token))),
        }
    }

    fn class_token(&mut self, first: Rank, start: usize) -> Result<ClassToken, RangeParseError> {
        let second = self.rank()?;
        let suffix_position = self.position;
        let suited = match self.peek().map(|c| c.to_ascii_lowercase()) {
            Some('s') => {
                self.position += 1;
                Some(true)
            }
            Some('o') => {
                self.position += 1;
                Some(false)
            }
            _ => None,
        };
        if first == second && suited.is_some() {
            return Err(self.error(suffix_position, RangeErrorKind::PairWithSuffix));
        }
        let _ = start;
        let (first, second) = if first >= second {
            (first, second)
        } else {
            (second, first)
        };
        Ok(ClassToken {
            first,
            second,
            suited,
        })
    }
}

fn class_hands(token: ClassToken) -> Vec<HandIndex> {
    let kinds: &[bool] = match token.suited {
        _ if token.first == token.second => &[false],
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[true, false],
    };
    kinds
        .iter()
        .flat_map(|&suited| {
            HandClass {
                high: token.first,
                low: token.second,
                suited,
            }
            .hands()
        })
        .collect()
}

/// `66+` = 66..AA; `K9s+` = K9s..KQs.
fn plus(token: ClassToken) -> Vec<HandIndex> {
    let mut hands = Vec::new();
    if token.first == token.second {
        for r in token.first.index()..13 {
            let rank = Rank::new(r).expect("rank below 13");
            hands.extend(class_hands(ClassToken {
                first: rank,
                second: rank,
                suited: None,
            }));
        }
    } else {
        for r in token.second.index()..token.first.index() {
            let rank = Rank::new(r).expect("rank below 13");
            hands.extend(class_hands(ClassToken {
                second: rank,
                ..token
            }));
        }
    }
    hands
}

/// `QQ-88`, `A5s-A2s` (ends in either order); None if the ends do not match.
fn dash(a: ClassToken, b: ClassToken) -> Option<Vec<HandIndex>> {
    let a_pair = a.first == a.second;
    let b_pair = b.first == b.second;
    let mut hands = Vec::new();
    if a_pair && b_pair {
        let (low, high) = (a.first.min(b.first), a.first.max(b.first));
        for r in low.index()..=high.index() {
            let rank = Rank::new(r).expect("rank below 13");
            hands.extend(class_hands(ClassToken {
                first: rank,
                second: rank,
                suited: None,
            }));
        }
        return Some(hands);
    }
    if a_pair || b_pair || a.first != b.first || a.suited != b.suited {
        return None;
    }
    let (low, high) = (a.second.min(b.second), a.second.max(b.second));
    for r in low.index()..=high.index() {
        let rank = Rank::new(r).expect("rank below 13");
        hands.extend(class_hands(ClassToken { second: rank, ..a }));
    }
    Some(hands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::parse_board;

    fn combos(text: &str) -> f64 {
        Range::parse(text).unwrap().combos()
    }

    #[test]
    fn combo_counts() {
        assert_eq!(combos("AKs"), 4.0);
        assert_eq!(combos("AKo"), 12.0);
        assert_eq!(combos("AK"), 16.0);
        assert_eq!(combos("22+"), 78.0);
        assert_eq!(combos("AA"), 6.0);
        assert_eq!(combos("KK:0.5"), 3.0);
        assert_eq!(combos("QQ-88"), 30.0);
        assert_eq!(combos("88-QQ"), 30.0);
        assert_eq!(combos("A5s-A2s"), 16.0);
        assert_eq!(combos("K9s+"), 16.0);
        assert_eq!(combos("ATo+"), 48.0);
        assert_eq!(combos("AhKh"), 1.0);
        assert_eq!(combos("T9o:0.25"), 3.0);
        assert_eq!(combos(""), 0.0);
        assert_eq!(combos("10s9s"), 1.0);
        let all = "AA,KK:0.5,AKs,AQo-AJo,A5s-A2s,66+,K9s+,T9o:0.25,AhKh, QQ-88, ATo+";
        // 66+ overrides KK:0.5 back to 1; AhKh is inside AKs.
        assert_eq!(
            combos(all),
            54.0 + 4.0 + 24.0 + 16.0 + 16.0 + 3.0 + 12.0 * 2.0
        );
    }

    #[test]
    fn board_blocks_combos() {
        let range = Range::parse("66+,A8s+").unwrap();
        let board = parse_board("Td9d6h").unwrap();
        // 66, 99 and TT keep 3 combos each; A9s and ATs lose their diamond.
        let expected = 54.0 - 3.0 * 3.0 + 24.0 - 2.0;
        assert_eq!(range.combos_with_board(board), expected);
    }

    #[test]
    fn canonical_printing() {
        let cases = [
            ("22+", "22+"),
            ("AA,KK", "KK+"),
            ("QQ-88", "QQ-88"),
            ("AKs,AKo", "AK"),
            ("A2s+", "A2s+"),
            ("A5s-A2s", "A5s-A2s"),
            ("K9s+,T9o:0.25", "K9s+,T9o:0.25"),
            ("AhKh", "AhKh"),
            ("AKs,AhKh:0.5", "AKs,AhKh:0.5"),
            ("AhKh,AsKs", "AsKs,AhKh"),
            ("AKs,AhKh:0", "AKs,AhKh:0"),
            ("AKo,AQs", "AQs,AKo"),
        ];
        for (input, expected) in cases {
            let range = Range::parse(input).unwrap();
            assert_eq!(range.to_string(), expected, "{input}");
            assert_eq!(Range::parse(&range.to_string()).unwrap(), range);
        }
    }

    #[test]
    fn a_long_bad_weight_is_cut_in_the_error() {
        let text = format!("AA:{}", "9".repeat(100_000));
        let e = Range::parse(&text).unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
        assert!(matches!(e.kind, RangeErrorKind::BadWeight(ref w) if w.ends_with('…')));
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = Range::parse("AA,KX").unwrap_err();
        assert_eq!(e.column, 5);
        let e = Range::parse("AA,KK:1.5").unwrap_err();
        assert_eq!(e.column, 7);
        assert!(matches!(e.kind, RangeErrorKind::BadWeight(_)));
        let e = Range::parse("AKs-QJs").unwrap_err();
        assert_eq!(e.column, 5);
        assert!(matches!(e.kind, RangeErrorKind::MismatchedEnds(..)));
        assert!(Range::parse("AhAh").is_err());
        assert!(Range::parse("AAs").is_err());
        assert!(Range::parse("AA,").is_err());
        assert!(Range::parse("AA KK").is_err());
    }
}
