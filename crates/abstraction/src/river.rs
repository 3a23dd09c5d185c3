//! River hand strength of every hole pair on a complete board, and the canonical river boards with
//! the suit permutation that maps any board onto its class representative.

use ponder_cards::{Card, CardSet, Hand, SuitIndexer, HAND_COUNT};

/// Opponent hands on a river board that block neither the board nor the hand: `C(45, 2)`.
pub const RIVER_OPPONENTS: u32 = 990;
/// The largest score, `2 * RIVER_OPPONENTS` (every opponent beaten).
pub const MAX_SCORE: u16 = 2 * RIVER_OPPONENTS as u16;
/// Score of a hand that touches the board.
pub const BLOCKED: u16 = u16::MAX;

pub(crate) use ponder_cards::HAND_CARDS;

/// The card set of each hole pair.
pub(crate) static HAND_MASKS: [u64; HAND_COUNT] = {
    let mut masks = [0u64; HAND_COUNT];
    let mut i = 0;
    while i < HAND_COUNT {
        masks[i] = (1u64 << HAND_CARDS[i].0) | (1u64 << HAND_CARDS[i].1);
        i += 1;
    }
    masks
};

/// The card of an index known to be below 52.
#[inline]
pub(crate) fn card(index: u8) -> Card {
    Card::from_index(index).expect("card index below 52")
}

/// Reusable buffer of [`river_scores`] (so a hot loop does not allocate).
pub struct ScoreScratch {
    keys: Vec<u32>,
}

impl Default for ScoreScratch {
    fn default() -> Self {
        ScoreScratch {
            keys: Vec::with_capacity(HAND_COUNT),
        }
    }
}

/// The score `2 * wins + ties` (out of [`MAX_SCORE`]) of every hole pair on a 5-card board against
/// the 990 opponent hands it does not block; hands touching the board get [`BLOCKED`]. One sort of
/// the 1,081 hands by rank and one sweep that subtracts, per card, the opponents a hand blocks.
pub fn river_scores(board: CardSet, scratch: &mut ScoreScratch, out: &mut [u16; HAND_COUNT]) {
    let board_hand = Hand::from_set(board);
    let keys = &mut scratch.keys;
    keys.clear();
    for (h, &mask) in HAND_MASKS.iter().enumerate() {
        if mask & board.0 != 0 {
            out[h] = BLOCKED;
            continue;
        }
        let (a, b) = HAND_CARDS[h];
        let rank = board_hand.add(card(a)).add(card(b)).rank().value();
        keys.push(((rank as u32) << 16) | h as u32);
    }
    keys.sort_unstable();
    let mut lower_total = 0u32;
    let mut lower_card = [0u32; 52];
    let mut group_card = [0u32; 52];
    let mut start = 0;
    while start < keys.len() {
        let rank = keys[start] >> 16;
        let mut end = start + 1;
        while end < keys.len() && keys[end] >> 16 == rank {
            end += 1;
        }
        let group = &keys[start..end];
        for &key in group {
            let (a, b) = HAND_CARDS[(key & 0xffff) as usize];
            group_card[a as usize] += 1;
            group_card[b as usize] += 1;
        }
        let size = group.len() as u32;
        for &key in group {
            let h = (key & 0xffff) as usize;
            let (a, b) = HAND_CARDS[h];
            let (a, b) = (a as usize, b as usize);
            let wins = lower_total - lower_card[a] - lower_card[b];
            // The hand itself is counted in both of its cards' group counts.
            let ties = size + 1 - group_card[a] - group_card[b];
            out[h] = (2 * wins + ties) as u16;
        }
        for &key in group {
            let (a, b) = HAND_CARDS[(key & 0xffff) as usize];
            group_card[a as usize] -= 1;
            group_card[b as usize] -= 1;
            lower_card[a as usize] += 1;
            lower_card[b as usize] += 1;
        }
        lower_total += size;
        start = end;
    }
}

/// The score of one hole pair on a 5-card board (the same value [`river_scores`] gives it).
pub fn river_score(hole: [Card; 2], board: CardSet) -> u16 {
    let board_hand = Hand::from_set(board);
    let ours = board_hand.add(hole[0]).add(hole[1]).rank();
    let dead = board.0 | hole[0].bit() | hole[1].bit();
    let mut score = 0u32;
    for first in 0..52u8 {
        if dead & (1u64 << first) != 0 {
            continue;
        }
        let with_first = board_hand.add(card(first));
        for second in first + 1..52u8 {
            if dead & (1u64 << second) != 0 {
                continue;
            }
            let theirs = with_first.add(card(second)).rank();
            score += match ours.cmp(&theirs) {
                std::cmp::Ordering::Greater => 2,
                std::cmp::Ordering::Equal => 1,
                std::cmp::Ordering::Less => 0,
            };
        }
    }
    score as u16
}

/// The 24 permutations of the four suits.
pub(crate) fn suit_permutations() -> [[u8; 4]; 24] {
    let mut out = [[0u8; 4]; 24];
    let mut n = 0;
    for a in 0..4u8 {
        for b in 0..4u8 {
            for c in 0..4u8 {
                for d in 0..4u8 {
                    let p = [a, b, c, d];
                    let distinct = (0..4).all(|i| (0..i).all(|j| p[i] != p[j]));
                    if distinct {
                        out[n] = p;
                        n += 1;
                    }
                }
            }
        }
    }
    out
}

/// Per suit, the 13-bit mask of ranks a card set holds.
pub(crate) fn suit_masks(cards: CardSet) -> [u16; 4] {
    let mut masks = [0u16; 4];
    let mut bits = cards.0;
    while bits != 0 {
        let c = bits.trailing_zeros();
        masks[(c & 3) as usize] |= 1 << (c >> 2);
        bits &= bits - 1;
    }
    masks
}

/// Canonical boards of one size (the classes of a [`SuitIndexer`] with one round), with the suit
/// permutation that maps any board onto its class's representative.
pub(crate) struct CanonicalBoards {
    indexer: SuitIndexer,
    /// Per class: the representative's suit masks.
    representatives: Vec<[u16; 4]>,
    permutations: [[u8; 4]; 24],
    /// Per permutation, the image of every hole pair.
    hand_maps: Vec<[u16; HAND_COUNT]>,
}

impl CanonicalBoards {
    /// The classes of `size`-card boards.
    pub(crate) fn new(size: u8) -> CanonicalBoards {
        let indexer = SuitIndexer::new(&[size]);
        let count = indexer.size(0);
        let representatives = (0..count)
            .map(|i| {
                let cards = indexer.unindex(0, i).expect("index below size");
                suit_masks(CardSet::from_cards(&cards))
            })
            .collect();
        let permutations = suit_permutations();
        let hand_maps = permutations
            .iter()
            .map(|p| {
                let mut map = [0u16; HAND_COUNT];
                for (h, &(a, b)) in HAND_CARDS.iter().enumerate() {
                    let pa = card((a & !3) | p[(a & 3) as usize]);
                    let pb = card((b & !3) | p[(b & 3) as usize]);
                    map[h] = ponder_cards::HandIndex::from_cards(pa, pb)
                        .expect("distinct cards")
                        .0;
                }
                map
            })
            .collect();
        CanonicalBoards {
            indexer,
            representatives,
            permutations,
            hand_maps,
        }
    }

    /// Number of classes.
    pub(crate) fn len(&self) -> usize {
        self.representatives.len()
    }

    /// The representative of class `i`.
    pub(crate) fn representative(&self, i: usize) -> CardSet {
        let masks = self.representatives[i];
        let mut set = 0u64;
        for (s, &mask) in masks.iter().enumerate() {
            let mut bits = mask as u32;
            while bits != 0 {
                let r = bits.trailing_zeros();
                set |= 1u64 << (r * 4 + s as u32);
                bits &= bits - 1;
            }
        }
        CardSet(set)
    }

    /// Boards in the class of representative `i` (24 over the permutations that fix it).
    pub(crate) fn orbit(&self, i: usize) -> u32 {
        let masks = self.representatives[i];
        let fixing = self
            .permutations
            .iter()
            .filter(|p| (0..4).all(|s| masks[p[s] as usize] == masks[s]))
            .count() as u32;
        24 / fixing
    }

    /// The class of `board` and a map that sends each hole pair on `board` to the matching hole pair
    /// on the representative.
    pub(crate) fn canonical(&self, board: CardSet, cards: &[Card]) -> (usize, &[u16; HAND_COUNT]) {
        let class = self
            .indexer
            .index(0, cards)
            .expect("a board of the right size") as usize;
        let target = self.representatives[class];
        let masks = suit_masks(board);
        for (p, perm) in self.permutations.iter().enumerate() {
            if (0..4).all(|s| target[perm[s] as usize] == masks[s]) {
                return (class, &self.hand_maps[p]);
            }
        }
        unreachable!("a board's class representative is a suit permutation of it")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    #[test]
    fn sweep_scores_match_direct_counting() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut deck: Vec<Card> = Card::all().collect();
        let mut scratch = ScoreScratch::default();
        let mut out = [0u16; HAND_COUNT];
        for _ in 0..20 {
            deck.shuffle(&mut rng);
            let board = CardSet::from_cards(&deck[..5]);
            river_scores(board, &mut scratch, &mut out);
            for (h, &(a, b)) in HAND_CARDS.iter().enumerate() {
                if HAND_MASKS[h] & board.0 != 0 {
                    assert_eq!(out[h], BLOCKED);
                } else {
                    assert_eq!(out[h], river_score([card(a), card(b)], board), "hand {h}");
                }
            }
        }
    }

    #[test]
    fn nuts_score_the_maximum() {
        let board = ponder_cards::parse_board("AsKsQsJs2d").unwrap();
        let hole = ponder_cards::parse_cards("Ts3c").unwrap();
        assert_eq!(river_score([hole[0], hole[1]], board), MAX_SCORE);
    }

    #[test]
    fn canonical_maps_hands_onto_the_representative() {
        let boards = CanonicalBoards::new(5);
        assert_eq!(boards.len(), 134_459);
        let total: u64 = (0..boards.len()).map(|i| boards.orbit(i) as u64).sum();
        assert_eq!(total, 2_598_960);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut deck: Vec<Card> = Card::all().collect();
        let mut scratch = ScoreScratch::default();
        let (mut here, mut there) = ([0u16; HAND_COUNT], [0u16; HAND_COUNT]);
        for _ in 0..20 {
            deck.shuffle(&mut rng);
            let board = CardSet::from_cards(&deck[..5]);
            let (class, map) = boards.canonical(board, &deck[..5]);
            river_scores(board, &mut scratch, &mut here);
            river_scores(boards.representative(class), &mut scratch, &mut there);
            for h in 0..HAND_COUNT {
                assert_eq!(here[h], there[map[h] as usize]);
            }
        }
    }
}
