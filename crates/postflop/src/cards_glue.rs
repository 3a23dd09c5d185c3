//! The few things the solver needs from the card layer (`ponder-cards`), in one place. The solver works
//! on raw card indices (`rank * 4 + suit`, the card layer's stable encoding) in its hot loops.

use ponder_cards::{evaluate, parse_cards, Card as CardsCard, HandIndex as CardsHand, Range};

/// A card index, `rank * 4 + suit` in 0..52 (ponder-cards' encoding).
pub type Card = u8;

/// Suit of a card (0..4, `c d h s`).
pub fn suit(card: Card) -> u8 {
    card % 4
}

/// Rank of a card (0 = deuce .. 12 = ace).
pub fn rank(card: Card) -> u8 {
    card / 4
}

/// The card of the same rank in another suit.
pub fn with_suit(card: Card, suit: u8) -> Card {
    card / 4 * 4 + suit
}

fn to_card(card: Card) -> CardsCard {
    CardsCard::from_index(card).unwrap_or_else(|| panic!("card index {card} out of range"))
}

/// Text form of a card (`Ah`).
pub fn card_name(card: Card) -> String {
    to_card(card).to_string()
}

/// Showdown strength of two hole cards on a complete board (larger wins).
pub fn strength(board: &[Card; 5], a: Card, b: Card) -> u32 {
    let cards = [
        to_card(board[0]),
        to_card(board[1]),
        to_card(board[2]),
        to_card(board[3]),
        to_card(board[4]),
        to_card(a),
        to_card(b),
    ];
    evaluate(&cards).value() as u32
}

/// Evaluator category of hole cards `a`, `b` on a board of 3 to 5 cards.
pub fn category(board: &[Card], a: Card, b: Card) -> ponder_cards::Category {
    let mut cards = [to_card(a); 7];
    cards[1] = to_card(b);
    for (slot, &c) in cards[2..].iter_mut().zip(board) {
        *slot = to_card(c);
    }
    evaluate(&cards[..2 + board.len().min(5)]).category()
}

/// Why a board, card or range could not be read (the card layer's error, with its column).
#[derive(Debug, thiserror::Error)]
pub enum CardsError {
    /// Bad card text.
    #[error(transparent)]
    Card(#[from] ponder_cards::CardParseError),
    /// Bad range text.
    #[error(transparent)]
    Range(#[from] ponder_cards::RangeParseError),
    /// A board of the wrong length.
    #[error("a postflop board has 3, 4 or 5 cards, found {0}")]
    BoardLength(usize),
}

impl CardsError {
    /// 1-based column in the text where the error is, when known.
    pub fn column(&self) -> Option<usize> {
        match self {
            CardsError::Card(error) => Some(error.column),
            CardsError::Range(error) => Some(error.column),
            CardsError::BoardLength(_) => None,
        }
    }
}

/// Parses a board such as `Td9d6hQc` (3 to 5 distinct cards, in order).
pub fn parse_board(text: &str) -> Result<Vec<Card>, CardsError> {
    let cards = parse_cards(text)?;
    if !(3..=5).contains(&cards.len()) {
        return Err(CardsError::BoardLength(cards.len()));
    }
    Ok(cards.iter().map(|c| c.index()).collect())
}

/// Parses one card such as `Qs`.
pub fn parse_card(text: &str) -> Result<Card, CardsError> {
    let card: CardsCard = text.trim().parse()?;
    Ok(card.index())
}

/// Parses a range into (card, card, weight) for every hand with positive weight.
pub fn parse_range(text: &str) -> Result<Vec<(Card, Card, f32)>, CardsError> {
    let range = Range::parse(text)?;
    Ok(range
        .iter()
        .filter(|&(_, w)| w > 0.0)
        .map(|(hand, w)| {
            let (a, b) = hand.cards();
            (a.index(), b.index(), w)
        })
        .collect())
}

/// The preflop class name of two hole cards (`AKs`, `QQ`, `T9o`).
pub fn class_name(a: Card, b: Card) -> String {
    match CardsHand::from_cards(to_card(a), to_card(b)) {
        Some(hand) => hand.class().to_string(),
        None => String::new(),
    }
}

/// Parses a sequence of distinct cards such as `AhKh`.
pub fn parse_board_cards(text: &str) -> Result<Vec<Card>, CardsError> {
    Ok(parse_cards(text)?.iter().map(|c| c.index()).collect())
}

/// Finds an explicitly listed combo (`AhKd`) that uses a board card: (1-based column, combo).
pub fn combo_on_board(range: &str, board: &[Card]) -> Option<(usize, String)> {
    let mut offset = 0usize;
    for part in range.split(',') {
        // Columns count characters: a leading multi-byte blank (U+3000) is one column, not three.
        let leading = part.len() - part.trim_start().len();
        let column = range[..offset + leading].chars().count() + 1;
        offset += part.len() + 1;
        let token = part.trim().split(':').next().unwrap_or("").trim();
        if token.chars().count() != 4 {
            continue;
        }
        if let Ok(cards) = parse_cards(token) {
            if cards.len() == 2 && cards.iter().any(|c| board.contains(&c.index())) {
                return Some((column, token.to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combo_on_board_counts_columns_in_characters() {
        let board: Vec<Card> = parse_board_cards("AsKd2c").expect("board");
        // U+3000 is one character but three bytes: AsKh starts at character column 6.
        assert_eq!(
            combo_on_board("QQ,\u{3000}\u{3000}AsKh", &board),
            Some((6, "AsKh".to_string()))
        );
        assert_eq!(
            combo_on_board("é, AsKh", &board),
            Some((4, "AsKh".to_string()))
        );
        assert_eq!(combo_on_board("QQ, JhTh", &board), None);
    }
}
