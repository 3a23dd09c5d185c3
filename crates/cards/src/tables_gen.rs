// Generator of the evaluator tables. It is `include!`d by `build.rs` (which writes the tables as
// static arrays into OUT_DIR, so nothing is built at run time) and by the library's tests (which check
// the tables against it). Self-contained on purpose: no crate imports.
//
// Scheme. A hand is summarised by (a) the sum of per-rank keys, chosen greedily (see the key search in
// docs/performance.md) so that every multiset of at most 7 ranks with at most 4 of each rank has a
// distinct sum, and (b) per-suit rank masks. A flush is looked up by the 13-bit rank mask of its suit;
// anything else by the rank-key sum through a two-level displacement perfect hash: the sum's high bits
// select a row offset, its low bits a column. Both lookups read one table (flushes first). The sum
// lives in the top SUM_BITS bits of the hand's u64 key, and every row of every SUM_BITS-bit value is
// checked to index inside the table, which is what lets `Hand::rank` read it without a bounds check.

/// Additive per-rank keys (deuce first): all rank multisets of size <= 7 have distinct sums.
pub const RANK_KEYS: [u32; 13] = [
    1, 5, 24, 112, 521, 2247, 9244, 30823, 103066, 250154, 667453, 1526359, 3453520,
];

/// Column bits of the perfect hash (row width 2^RANK_HASH_SHIFT).
pub const RANK_HASH_SHIFT: u32 = 11;

/// Largest rank-key sum of at most 7 cards, plus one.
pub const RANK_KEY_LIMIT: u32 = 4 * 3453520 + 3 * 1526359 + 1;

/// Bits of the rank-key sum field in a hand's key (the top bits of a `u64`, so the field can never
/// hold more than this many bits, whatever was added).
pub const SUM_BITS: u32 = 25;

/// The sum field's lowest bit in a hand's key.
pub const SUM_SHIFT: u32 = 64 - SUM_BITS;

/// Rows of the perfect hash: every value of the sum field has a row.
pub const RANK_ROWS: usize = 1 << (SUM_BITS - RANK_HASH_SHIFT);

// Hand categories as numbers, weakest first.
const HIGH_CARD: u32 = 0;
const ONE_PAIR: u32 = 1;
const TWO_PAIR: u32 = 2;
const THREE_OF_A_KIND: u32 = 3;
const STRAIGHT: u32 = 4;
const FLUSH: u32 = 5;
const FULL_HOUSE: u32 = 6;
const FOUR_OF_A_KIND: u32 = 7;
const STRAIGHT_FLUSH: u32 = 8;

fn binomial(n: u32, k: u32) -> u32 {
    if k > n {
        return 0;
    }
    let mut result: u64 = 1;
    for i in 0..k as u64 {
        result = result * (n as u64 - i) / (i + 1);
    }
    result as u32
}

// Colex rank of a set of ranks (bits of `mask`, all below 13): orders sets by their highest differing
// element, which is exactly how kickers compare.
fn colex(mask: u32) -> u32 {
    let mut rank = 0;
    let mut bits = mask;
    let mut position = 1;
    while bits != 0 {
        let r = bits.trailing_zeros();
        rank += binomial(r, position);
        position += 1;
        bits &= bits - 1;
    }
    rank
}

// Removes bit `removed` from `mask`, shifting higher bits down (kickers among the 12 other ranks).
fn squeeze(mask: u32, removed: u32) -> u32 {
    let low = mask & ((1 << removed) - 1);
    let high = mask >> (removed + 1);
    low | (high << removed)
}

fn top_bits(mask: u32, count: u32) -> u32 {
    let mut result = 0;
    let mut bits = mask;
    for _ in 0..count {
        if bits == 0 {
            break;
        }
        let top = 31 - bits.leading_zeros();
        result |= 1 << top;
        bits &= !(1 << top);
    }
    result
}

// Highest straight in a rank mask: 0 = five-high (wheel) ... 9 = ace-high, or None.
fn straight_high(mask: u32) -> Option<u32> {
    for high in (4..13).rev() {
        let run = 0b11111 << (high - 4);
        if mask & run == run {
            return Some(high - 3);
        }
    }
    let wheel = (1 << 12) | 0b1111;
    if mask & wheel == wheel {
        return Some(0);
    }
    None
}

/// Order-preserving raw value `category << 16 | sub` of the best five of 5..7 cards given by rank
/// counts, ignoring flushes.
pub fn raw_value_of_counts(counts: &[u32; 13]) -> u32 {
    let mut present = 0u32;
    let mut pairs = 0u32;
    let mut trips = 0u32;
    let mut quads = 0u32;
    for (rank, &count) in counts.iter().enumerate() {
        if count >= 1 {
            present |= 1 << rank;
        }
        if count >= 2 {
            pairs |= 1 << rank;
        }
        if count >= 3 {
            trips |= 1 << rank;
        }
        if count >= 4 {
            quads |= 1 << rank;
        }
    }
    if quads != 0 {
        let quad = 31 - quads.leading_zeros();
        let kicker = 31 - (present & !(1 << quad)).leading_zeros();
        return (FOUR_OF_A_KIND << 16) | (quad * 13 + kicker);
    }
    if trips != 0 {
        let trip = 31 - trips.leading_zeros();
        let others = pairs & !(1 << trip);
        if others != 0 {
            let pair = 31 - others.leading_zeros();
            return (FULL_HOUSE << 16) | (trip * 13 + pair);
        }
    }
    if let Some(high) = straight_high(present) {
        return (STRAIGHT << 16) | high;
    }
    if trips != 0 {
        let trip = 31 - trips.leading_zeros();
        let kickers = top_bits(present & !(1 << trip), 2);
        return (THREE_OF_A_KIND << 16) | (trip * 100 + colex(squeeze(kickers, trip)));
    }
    if pairs.count_ones() >= 2 {
        let two = top_bits(pairs, 2);
        let kicker = 31 - (present & !two).leading_zeros();
        return (TWO_PAIR << 16) | (colex(two) * 13 + kicker);
    }
    if pairs != 0 {
        let pair = 31 - pairs.leading_zeros();
        let kickers = top_bits(present & !(1 << pair), 3);
        return (ONE_PAIR << 16) | (pair * 300 + colex(squeeze(kickers, pair)));
    }
    (HIGH_CARD << 16) | colex(top_bits(present, 5))
}

/// Raw value of the best five cards of one suit given their rank mask (at least 5 bits). With at most
/// 7 cards in the hand a flush beats anything the other cards could make, so this is the hand's value.
pub fn raw_value_of_flush(mask: u32) -> u32 {
    if let Some(high) = straight_high(mask) {
        return (STRAIGHT_FLUSH << 16) | high;
    }
    (FLUSH << 16) | colex(top_bits(mask, 5))
}

/// Calls `visit` with every rank-count vector of `total` cards (at most 4 of a rank).
pub fn for_each_rank_multiset(total: u32, visit: &mut dyn FnMut(&[u32; 13])) {
    fn recurse(rank: usize, left: u32, counts: &mut [u32; 13], visit: &mut dyn FnMut(&[u32; 13])) {
        if rank == 13 {
            if left == 0 {
                visit(counts);
            }
            return;
        }
        for count in 0..=left.min(4) {
            counts[rank] = count;
            recurse(rank + 1, left - count, counts, visit);
        }
        counts[rank] = 0;
    }
    let mut counts = [0u32; 13];
    recurse(0, total, &mut counts, visit);
}

/// Sorted list of every raw value a 5-card hand can take (7,462 of them); a raw value's position in it
/// is the dense `HandRank`.
pub fn all_raw_values() -> Vec<u32> {
    let mut values = Vec::new();
    for_each_rank_multiset(5, &mut |counts| values.push(raw_value_of_counts(counts)));
    for mask in 0u32..8192 {
        if mask.count_ones() == 5 {
            values.push(raw_value_of_flush(mask));
        }
    }
    values.sort_unstable();
    values.dedup();
    values
}

/// Entries at the start of `GeneratedTables::ranks` that hold the flush table.
pub const FLUSH_ENTRIES: usize = 8192;

/// Sum-field value whose lookup reads flush entry 0 (the top `FLUSH_ENTRIES` values of the field).
pub const FLUSH_SUM_BASE: u32 = (1 << SUM_BITS) - FLUSH_ENTRIES as u32;

/// The tables: row offsets and one rank table (flushes first, then the hashed non-flush hands).
pub struct GeneratedTables {
    /// Per row of the rank-key sum (`sum >> RANK_HASH_SHIFT`), its start in `ranks` minus the row's
    /// first sum (mod 2^SUM_BITS), shifted into the sum field (`<< SUM_SHIFT`), so that
    /// `ranks[(key + offset) >> SUM_SHIFT]` is the entry; one per row of any 25-bit sum.
    pub offsets: Vec<u64>,
    /// Dense rank: by 13-bit rank mask of the flush suit in `0..FLUSH_ENTRIES` (0 where fewer than
    /// 5 bits), then by `sum + offset` for the rest; every row's window lies inside.
    pub ranks: Vec<u16>,
    /// Dense rank where each category starts (index = category, weakest first), plus the total.
    pub category_starts: Vec<u16>,
}

/// Builds all evaluator tables.
pub fn generate() -> GeneratedTables {
    let raws = all_raw_values();
    let dense =
        |raw: u32| -> u16 { raws.binary_search(&raw).expect("raw value of a real hand") as u16 };
    let mut flush = vec![0u16; 8192];
    for (mask, slot) in flush.iter_mut().enumerate() {
        if (mask as u32).count_ones() >= 5 {
            *slot = dense(raw_value_of_flush(mask as u32));
        }
    }
    let mut category_starts = Vec::new();
    for category in 0..9u32 {
        let start = raws.partition_point(|&raw| raw >> 16 < category);
        category_starts.push(start as u16);
    }
    category_starts.push(raws.len() as u16);

    // Every (sum, rank) for 5, 6 and 7 cards; smaller multisets only need their keys to stay
    // distinct, which the key choice guarantees.
    let mut entries: Vec<(u32, u16)> = Vec::new();
    for total in 5..=7 {
        for_each_rank_multiset(total, &mut |counts| {
            let sum: u32 = counts
                .iter()
                .zip(RANK_KEYS.iter())
                .map(|(c, k)| c * k)
                .sum();
            entries.push((sum, dense(raw_value_of_counts(counts))));
        });
    }
    // Displacement: place rows (fullest first) at the first offset where their columns are free.
    let width = 1usize << RANK_HASH_SHIFT;
    let row_count = (RANK_KEY_LIMIT as usize >> RANK_HASH_SHIFT) + 1;
    let mut rows: Vec<Vec<(usize, u16)>> = vec![Vec::new(); row_count];
    for &(sum, rank) in &entries {
        rows[sum as usize >> RANK_HASH_SHIFT].push((sum as usize & (width - 1), rank));
    }
    let mut order: Vec<usize> = (0..row_count).collect();
    order.sort_by_key(|&row| std::cmp::Reverse(rows[row].len()));
    let mut used: Vec<bool> = Vec::new();
    let mut ranks: Vec<u16> = Vec::new();
    let mut offsets = vec![0u32; row_count];
    for &row in &order {
        if rows[row].is_empty() {
            continue;
        }
        let mut offset = 0usize;
        loop {
            let fits = rows[row]
                .iter()
                .all(|&(column, _)| !used.get(offset + column).copied().unwrap_or(false));
            if fits {
                break;
            }
            offset += 1;
        }
        for &(column, rank) in &rows[row] {
            let slot = offset + column;
            if slot >= used.len() {
                used.resize(slot + 1, false);
                ranks.resize(slot + 1, 0);
            }
            used[slot] = true;
            ranks[slot] = rank;
        }
        offsets[row] = offset as u32;
    }
    // Every possible sum field (any 25-bit value, not only the sums of real hands) must index inside
    // `ranks`: rows nobody reaches point at the table's start, and the table ends one row width past
    // the largest offset.
    let max_offset = offsets.iter().copied().max().unwrap_or(0) as usize;
    ranks.resize(ranks.len().max(max_offset + width), 0);
    offsets.resize(RANK_ROWS, 0);
    // One table for both lookups (so both branches of `Hand::rank` end in the same load): the
    // flush table first, the hashed part after it.
    let ranks: Vec<u16> = flush.into_iter().chain(ranks).collect();
    for offset in offsets.iter_mut() {
        *offset += FLUSH_ENTRIES as u32;
    }
    // The last rows of the sum field, which no real hand reaches, map onto the flush table: sum
    // `FLUSH_SUM_BASE + rank mask` reads `ranks[rank mask]`, so a flush goes through the same lookup.
    let first_flush_row = FLUSH_SUM_BASE as usize >> RANK_HASH_SHIFT;
    assert!(row_count <= first_flush_row && FLUSH_SUM_BASE as usize % width == 0);
    for (i, offset) in offsets[first_flush_row..].iter_mut().enumerate() {
        *offset = (i * width) as u32;
    }
    // `Hand::rank` reads `ranks[(key + offsets[row]) >> SUM_SHIFT]`: the offset is the row's start
    // minus its first sum, modulo 2^SUM_BITS, placed in the sum field's bits (so the addition's carry
    // leaves the u64 instead of reaching any index).
    let field = (1u64 << SUM_BITS) - 1;
    let offsets: Vec<u64> = offsets
        .iter()
        .enumerate()
        .map(|(row, &start)| {
            let first = (row as u64) << RANK_HASH_SHIFT;
            ((start as u64).wrapping_sub(first) & field) << SUM_SHIFT
        })
        .collect();
    // `Hand::rank` reads `ranks` without a bounds check for every value of the 25-bit sum field:
    // refuse to build tables for which such a read could leave `ranks`.
    assert!(row_count <= RANK_ROWS);
    const { assert!(RANK_KEY_LIMIT <= 1 << SUM_BITS) };
    for (row, &offset) in offsets.iter().enumerate() {
        let first = ((row as u64) << RANK_HASH_SHIFT) << SUM_SHIFT;
        let start = (first.wrapping_add(offset) >> SUM_SHIFT) as usize;
        assert!(
            start + width <= ranks.len(),
            "row {row} leaves the rank table"
        );
    }
    GeneratedTables {
        offsets,
        ranks,
        category_starts,
    }
}
