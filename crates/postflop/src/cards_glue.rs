//! The few things the solver needs from the card layer (`ponder-cards`), in one place.

/// A card, 0..52.
pub type Card = u8;

/// Suit of a card (0..4).
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

/// Showdown strength of two hole cards on a complete board (larger wins).
pub fn strength(_board: &[Card; 5], _a: Card, _b: Card) -> u32 {
    unimplemented!("waiting for ponder-cards")
}
