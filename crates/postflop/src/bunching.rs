//! The bunching effect: players who folded before the flop hold cards too, and their ranges make the
//! cards left for the two active players and for the turn and river less random. With folders' ranges
//! `f_1..f_k` (k <= 4), the joint weight of (OOP hand, IP hand, runout) on a base board is
//! `w_oop(h1) · w_ip(h2) · W(board ∪ h1 ∪ h2 ∪ runout)`, where `W(S)` is the total weight of the ways to
//! give every folder a hand from its range, all hands disjoint and avoiding `S`. That is exact: the
//! remaining cards are then dealt uniformly from what nobody holds, so summing over a dealt card `t`
//! gives `Σ_t W(S ∪ t) = (cards left − 2k) · W(S)`; chance nodes scale by `1 / (cards left − 2k)`.
//!
//! `W` is tabulated once per spot through its Möbius coefficients: `c(U)` = weight of the folder deals
//! whose held cards cover `U` (`|U|` up to the cards a terminal adds to the base board), so that
//! `W(base ∪ X) = Σ_{U ⊆ X} (−1)^{|U|} c(U)`. `c` is built one folder at a time, never by enumerating
//! deals: if `f` is the table of the folders so far and the next folder holds `h` with weight `w(h)`,
//! the deals covering `U` are those where `h` covers `U ∩ h` and the earlier folders cover `U ∖ h` while
//! avoiding `h`, so `g(U) = Σ_h w(h) Σ_{B ⊆ h} (−1)^{|B|} f((U ∖ h) ∪ B)`. Grouping the hands by how many
//! cards they share with `U` turns the sum over hands into O(cards) table reads per `U` (one sum over
//! the folder's hands remains, only where `f` is nonzero on `|U| + 2` cards). The cost is a function of
//! the table sizes, not of the ranges: four wide folded ranges on a turn spot tabulate in seconds.
//! The three folders' values on 6-card sets are the largest block (12M sets); the four-folder table
//! reads them only through two sums, so each is pushed there as it is computed and never stored.
//!
//! Each terminal board then gets a dense `OOP hands × IP hands` matrix of `W / W(base)`, and fold and
//! showdown values become matrix–vector products (O(hands²) per terminal instead of O(hands)).

use std::collections::HashMap;

use rayon::prelude::*;
use thiserror::Error;

use crate::cards_glue::Card;
use crate::game::{Game, NodeId, NodeKind};
use crate::tree::Player;

/// At most this many folded ranges.
pub const MAX_FOLDERS: usize = 4;

/// Why bunching cannot be set up for a spot.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum BunchingError {
    /// More than [`MAX_FOLDERS`] ranges.
    #[error("at most {MAX_FOLDERS} folded ranges, got {0}")]
    TooManyFolders(usize),
    /// Bunching on a flop spot.
    #[error("bunching needs a turn or river board (a flop spot would need a dense OOP×IP weight matrix for each of its ~1,000 river boards: gigabytes)")]
    Flop,
    /// A folded range is empty once the board's cards are removed.
    #[error("folded range {0} has no hand left on this board")]
    EmptyRange(usize),
    /// No deal gives every folder a hand.
    #[error("the folded ranges cannot all be dealt disjoint hands beside this board")]
    Impossible,
    /// A table of the deal weights could not be allocated.
    #[error("out of memory: the folders' deal-weight table needs {bytes} bytes; give fewer folded ranges")]
    OutOfMemory {
        /// Bytes of the table that failed.
        bytes: u64,
    },
}

/// Binomial coefficients C(n, k) for n <= 52, k <= 8.
const BINOM: [[u64; 9]; 53] = {
    let mut table = [[0u64; 9]; 53];
    let mut n = 0;
    while n < 53 {
        table[n][0] = 1;
        let mut k = 1;
        while k < 9 && k <= n {
            table[n][k] = table[n - 1][k - 1] + if k < n { table[n - 1][k] } else { 0 };
            k += 1;
        }
        n += 1;
    }
    table
};

fn binom(n: u8, k: usize) -> u64 {
    BINOM[n as usize][k]
}

fn card_mask(cards: &[Card]) -> u64 {
    cards.iter().fold(0u64, |m, &c| m | 1 << c)
}

/// Total weight of the folder deals avoiding `dead`, by plain enumeration (the tests' oracle).
pub fn brute_force_weight(dead: u64, folders: &[Vec<(Card, Card, f32)>]) -> f64 {
    fn go(level: usize, used: u64, folders: &[Vec<(Card, Card, f32)>]) -> f64 {
        if level == folders.len() {
            return 1.0;
        }
        let mut total = 0.0;
        for &(a, b, w) in &folders[level] {
            let hand = 1u64 << a | 1u64 << b;
            if a != b && used & hand == 0 && w > 0.0 {
                total += w as f64 * go(level + 1, used | hand, folders);
            }
        }
        total
    }
    go(0, dead, folders)
}

/// A function on the sets of up to `max` free cards (the cards off the base board, renumbered
/// `0..n`): one block per set size, each in colex order (rank `Σ_j C(c_j, j + 1)` over the sorted cards).
#[derive(Clone, Debug)]
struct SetTable {
    /// Largest set size held; larger sets read as zero.
    max: usize,
    /// Start of each size's block in `data`.
    offsets: Vec<usize>,
    data: Vec<f64>,
}

impl SetTable {
    fn zeros(n: usize, max: usize) -> Result<SetTable, BunchingError> {
        let mut offsets = vec![0usize; max + 2];
        for s in 0..=max {
            offsets[s + 1] = offsets[s] + BINOM[n][s] as usize;
        }
        let mut data = Vec::new();
        data.try_reserve_exact(offsets[max + 1])
            .map_err(|_| BunchingError::OutOfMemory {
                bytes: offsets[max + 1] as u64 * 8,
            })?;
        data.resize(offsets[max + 1], 0.0);
        Ok(SetTable { max, data, offsets })
    }

    fn get(&self, size: usize, rank: u64) -> f64 {
        if size > self.max {
            0.0
        } else {
            self.data[self.offsets[size] + rank as usize]
        }
    }
}

/// The sorted `size`-set of colex rank `rank`.
fn unrank(mut rank: u64, size: usize, out: &mut [u8]) {
    for j in (0..size).rev() {
        let mut c = j as u8;
        while binom(c + 1, j + 1) <= rank {
            c += 1;
        }
        out[j] = c;
        rank -= binom(c, j + 1);
    }
}

/// Steps sorted cards to the next set of the same size in colex order.
fn next_set(cards: &mut [u8]) {
    let size = cards.len();
    for j in 0..size {
        let limit = if j + 1 < size { cards[j + 1] } else { u8::MAX };
        if cards[j] + 1 < limit {
            cards[j] += 1;
            for (l, c) in cards[..j].iter_mut().enumerate() {
                *c = l as u8;
            }
            return;
        }
    }
}

/// One folder's range over the free cards: a dense symmetric weight matrix, its row sums and total.
struct FolderWeights {
    n: usize,
    matrix: Vec<f64>,
    row: Vec<f64>,
    total: f64,
    /// The hands with positive weight, `x < y`.
    hands: Vec<(u8, u8, f64)>,
}

impl FolderWeights {
    fn new(n: usize, compact: &[u8; 52], range: &[(Card, Card, f32)]) -> FolderWeights {
        let mut matrix = vec![0.0f64; n * n];
        for &(a, b, w) in range {
            let (x, y) = (compact[a as usize] as usize, compact[b as usize] as usize);
            matrix[x * n + y] += w as f64;
            matrix[y * n + x] += w as f64;
        }
        let row: Vec<f64> = matrix.chunks_exact(n).map(|r| r.iter().sum()).collect();
        let mut hands = Vec::new();
        for x in 0..n {
            for y in x + 1..n {
                if matrix[x * n + y] > 0.0 {
                    hands.push((x as u8, y as u8, matrix[x * n + y]));
                }
            }
        }
        FolderWeights {
            n,
            total: row.iter().sum::<f64>() / 2.0,
            matrix,
            row,
            hands,
        }
    }

    fn w(&self, x: u8, y: u8) -> f64 {
        self.matrix[x as usize * self.n + y as usize]
    }
}

/// The colex ranks of a set's neighbours (the set less one or two of its cards, plus one or two other
/// cards, or one card swapped), each in O(1) from prefix and suffix sums of its cards' colex terms.
struct ColexTerms {
    size: usize,
    /// `same[t] = Σ_{j<t} C(c_j, j+1)`: the terms at their own positions.
    same: [u64; 9],
    /// `down[t] = Σ_{j>=t} C(c_j, j)` and `down2[t] = Σ_{j>=t} C(c_j, j−1)`: cards one or two
    /// positions lower (one or two cards removed below them).
    down: [u64; 9],
    down2: [u64; 9],
    /// `up[t] = Σ_{j>=t} C(c_j, j+2)` and `up2[t] = Σ_{j>=t} C(c_j, j+3)`: cards one or two positions
    /// higher (one or two cards inserted below them).
    up: [u64; 9],
    up2: [u64; 9],
}

impl ColexTerms {
    fn new(cards: &[u8]) -> ColexTerms {
        let size = cards.len();
        let mut t = ColexTerms {
            size,
            same: [0; 9],
            down: [0; 9],
            down2: [0; 9],
            up: [0; 9],
            up2: [0; 9],
        };
        for (j, &c) in cards.iter().enumerate() {
            t.same[j + 1] = t.same[j] + binom(c, j + 1);
        }
        for (j, &c) in cards.iter().enumerate().rev() {
            t.down[j] = t.down[j + 1] + if j >= 1 { binom(c, j) } else { 0 };
            t.down2[j] = t.down2[j + 1] + if j >= 2 { binom(c, j - 1) } else { 0 };
            t.up[j] = t.up[j + 1] + binom(c, j + 2);
            t.up2[j] = t.up2[j + 1] + binom(c, j + 3);
        }
        t
    }

    /// The set itself.
    fn rank(&self) -> u64 {
        self.same[self.size]
    }

    /// Less its `i`-th card.
    fn without(&self, i: usize) -> u64 {
        self.same[i] + self.down[i + 1]
    }

    /// Less its `i`-th and `l`-th cards (`i < l`).
    fn without_two(&self, i: usize, l: usize) -> u64 {
        self.same[i] + (self.down[i + 1] - self.down[l]) + self.down2[l + 1]
    }

    /// Plus card `y`, which has `p` of the set's cards below it.
    fn with(&self, y: u8, p: usize) -> u64 {
        self.same[p] + binom(y, p + 1) + self.up[p]
    }

    /// Plus cards `x < y`, with `p` and `q` of the set's cards below them.
    fn with_two(&self, x: u8, p: usize, y: u8, q: usize) -> u64 {
        self.same[p] + binom(x, p + 1) + (self.up[p] - self.up[q]) + binom(y, q + 2) + self.up2[q]
    }

    /// With its `i`-th card replaced by `y`, which has `p` of the set's cards below it.
    fn swapped(&self, i: usize, y: u8, p: usize) -> u64 {
        let (same, s) = (&self.same, self.size);
        if p <= i {
            same[p] + binom(y, p + 1) + (self.up[p] - self.up[i]) + (same[s] - same[i + 1])
        } else {
            same[i] + (self.down[i + 1] - self.down[p]) + binom(y, p) + (same[s] - same[p])
        }
    }
}

/// `g(U)` for one set `U` (sorted `cards`) when `folder` joins the folders tabulated in `f`; see the
/// module doc. The hands are grouped by the cards they share with `U`, and every read of `f` is ranked
/// in O(1) from prefix and suffix sums of `U`'s colex terms.
fn add_folder_at(f: &SetTable, folder: &FolderWeights, cards: &[u8]) -> f64 {
    let s = cards.len();
    let n = folder.n;
    let mut in_u = 0u64;
    for &c in cards {
        in_u |= 1 << c;
    }
    let terms = ColexTerms::new(cards);
    // below[y] = number of U's cards below y.
    let mut below = [0u8; 64];
    let mut count = 0u8;
    for (y, b) in below.iter_mut().enumerate().take(n) {
        *b = count;
        if in_u >> y & 1 == 1 {
            count += 1;
        }
    }
    let mut row_u = 0.0;
    let mut pairs_u = 0.0;
    // Σ_{l≠i} w(c_i, c_l) for each card of U.
    let mut within = [0.0f64; 8];
    for i in 0..s {
        row_u += folder.row[cards[i] as usize];
        for l in i + 1..s {
            let w = folder.w(cards[i], cards[l]);
            pairs_u += w;
            within[i] += w;
            within[l] += w;
        }
    }
    let mut acc = 0.0;
    // Hands inside U, and the terms where U keeps its size or loses cards.
    if s <= f.max {
        acc += f.get(s, terms.rank()) * (folder.total - 2.0 * row_u + 4.0 * pairs_u);
    }
    if s >= 1 && s - 1 <= f.max {
        for i in 0..s {
            acc +=
                f.get(s - 1, terms.without(i)) * (folder.row[cards[i] as usize] - 2.0 * within[i]);
        }
    }
    if s >= 2 && s - 2 <= f.max {
        for i in 0..s {
            for l in i + 1..s {
                let w = folder.w(cards[i], cards[l]);
                if w != 0.0 {
                    acc += w * f.get(s - 2, terms.without_two(i, l));
                }
            }
        }
    }
    // Hands with one card in U: U − c_i + y.
    if s >= 1 && s <= f.max {
        for (i, &c) in cards.iter().enumerate() {
            let row = &folder.matrix[c as usize * n..(c as usize + 1) * n];
            let mut sum = 0.0;
            for (y, &w) in row.iter().enumerate() {
                if w == 0.0 || in_u >> y & 1 == 1 {
                    continue;
                }
                let r = terms.swapped(i, y as u8, below[y] as usize);
                sum += w * f.get(s, r);
            }
            acc -= sum;
        }
    }
    // U + y, from hands with one card in U or none.
    if s < f.max {
        for (y, (&row, &p)) in folder.row.iter().zip(&below[..n]).enumerate() {
            if in_u >> y & 1 == 1 {
                continue;
            }
            let mut coef = -row;
            for &c in cards {
                coef += 2.0 * folder.w(c, y as u8);
            }
            if coef == 0.0 {
                continue;
            }
            acc += coef * f.get(s + 1, terms.with(y as u8, p as usize));
        }
    }
    // U + x + y: hands off U, where the folders so far can hold s + 2 cards.
    if s + 2 <= f.max {
        let mut sum = 0.0;
        for &(x, y, w) in &folder.hands {
            if (in_u >> x | in_u >> y) & 1 == 1 {
                continue;
            }
            let (p, q) = (below[x as usize] as usize, below[y as usize] as usize);
            sum += w * f.get(s + 2, terms.with_two(x, p, y, q));
        }
        acc += sum;
    }
    acc
}

/// The table of the folders so far plus `folder`, for sets of up to `max` cards.
fn add_folder(f: &SetTable, folder: &FolderWeights, max: usize) -> Result<SetTable, BunchingError> {
    const CHUNK: usize = 4096;
    let n = folder.n;
    let mut g = SetTable::zeros(n, max)?;
    for s in 0..=max {
        let block = &mut g.data[g.offsets[s]..g.offsets[s + 1]];
        block
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(chunk, out)| {
                let mut cards = [0u8; 8];
                let cards = &mut cards[..s];
                unrank((chunk * CHUNK) as u64, s, cards);
                for (k, x) in out.iter_mut().enumerate() {
                    if k > 0 {
                        next_set(cards);
                    }
                    *x = add_folder_at(f, folder, cards);
                }
            });
    }
    Ok(g)
}

/// Adds to `g` (the table with `folder`) what it reads from the sets of `top` cards of the previous
/// table, which was held short: each such set `Z` is computed once from `before` and `last` (the table
/// and folder it came from) and pushed to `g(Z − y)` (the `U + y` sum) and `g(Z − x − y)` (the hands
/// off `U`). Each thread pushes into its own copy of the two blocks. Returns the bytes of those copies.
fn push_top(
    g: &mut SetTable,
    before: &SetTable,
    last: &FolderWeights,
    top: usize,
    folder: &FolderWeights,
) -> Result<u64, BunchingError> {
    let n = folder.n;
    // g's blocks of top − 2 and top − 1 cards (the latter only if g holds that size).
    let low = top - 2;
    let high = (top - 1).min(g.max);
    let (lo, hi) = (g.offsets[low], g.offsets[high + 1]);
    let parts = rayon::current_num_threads().max(1);
    let sets = BINOM[n][top] as usize;
    let mut copies = Vec::with_capacity(parts);
    for _ in 0..parts {
        let mut copy = Vec::new();
        copy.try_reserve_exact(hi - lo)
            .map_err(|_| BunchingError::OutOfMemory {
                bytes: (hi - lo) as u64 * 8,
            })?;
        copy.resize(hi - lo, 0.0f64);
        copies.push(copy);
    }
    copies.par_iter_mut().enumerate().for_each(|(part, acc)| {
        let (start, end) = (sets * part / parts, sets * (part + 1) / parts);
        if start == end {
            return;
        }
        let mut cards = [0u8; 8];
        let z = &mut cards[..top];
        unrank(start as u64, top, z);
        for k in start..end {
            if k > start {
                next_set(z);
            }
            let value = add_folder_at(before, last, z);
            if value == 0.0 {
                continue;
            }
            let terms = ColexTerms::new(z);
            for i in 0..top {
                for l in i + 1..top {
                    let w = folder.w(z[i], z[l]);
                    if w != 0.0 {
                        let r = terms.without_two(i, l);
                        acc[g.offsets[low] - lo + r as usize] += w * value;
                    }
                }
            }
            if high == top - 1 {
                for i in 0..top {
                    let y = z[i];
                    let mut coef = -folder.row[y as usize];
                    for (j, &c) in z.iter().enumerate() {
                        if j != i {
                            coef += 2.0 * folder.w(c, y);
                        }
                    }
                    acc[g.offsets[high] - lo + terms.without(i) as usize] += coef * value;
                }
            }
        }
    });
    let bytes = (parts * (hi - lo)) as u64 * 8;
    for copy in &copies {
        for (x, &a) in g.data[lo..hi].iter_mut().zip(copy) {
            *x += a;
        }
    }
    Ok(bytes)
}

/// Möbius coefficients of the folders' deal weight over a base board (see the module doc).
#[derive(Clone, Debug)]
pub struct Coverage {
    /// Cards of the base board.
    base: u64,
    /// Cards a terminal may add to the base board.
    max: usize,
    /// Each card's index among the free cards (`u8::MAX` on the base board).
    compact: [u8; 52],
    /// c(U) over the free cards.
    table: SetTable,
    /// Peak bytes of the tables while tabulating (two or three levels at once, and each thread's copy of
    /// the blocks `push_top` writes: about 60 MB for four folders on a turn board).
    pub working_bytes: u64,
    /// Wall time the tabulation took.
    pub seconds: f64,
    /// The folded ranges, base-board hands removed.
    pub folders: Vec<Vec<(Card, Card, f32)>>,
}

impl Coverage {
    /// Tabulates c(U) for |U| <= `max` (the cards a terminal adds to `base`: 4 for hands plus dealt cards).
    pub fn new(
        base: &[Card],
        folders: &[Vec<(Card, Card, f32)>],
        max: usize,
    ) -> Result<Coverage, BunchingError> {
        if folders.len() > MAX_FOLDERS {
            return Err(BunchingError::TooManyFolders(folders.len()));
        }
        let base_mask = card_mask(base);
        let folders: Vec<Vec<(Card, Card, f32)>> = folders
            .iter()
            .map(|range| {
                range
                    .iter()
                    .copied()
                    .filter(|&(a, b, w)| {
                        w > 0.0 && a != b && (1u64 << a | 1u64 << b) & base_mask == 0
                    })
                    .map(|(a, b, w)| (a.min(b), a.max(b), w))
                    .collect()
            })
            .collect();
        if let Some(i) = folders.iter().position(|r| r.is_empty()) {
            return Err(BunchingError::EmptyRange(i));
        }
        let mut compact = [u8::MAX; 52];
        let mut n = 0usize;
        for (card, slot) in compact.iter_mut().enumerate() {
            if base_mask >> card & 1 == 0 {
                *slot = n as u8;
                n += 1;
            }
        }
        let start = std::time::Instant::now();
        let k = folders.len();
        // With no folder, only the empty set is covered (by the one empty deal).
        let mut table = SetTable::zeros(n, 0)?;
        table.data[0] = 1.0;
        let mut working_bytes = 0u64;
        // A table held short of its largest size: the table before it, its folder, and that size.
        let mut short: Option<(SetTable, FolderWeights, usize)> = None;
        for (j, range) in folders.iter().enumerate() {
            let folder = FolderWeights::new(n, &compact, range);
            // Folders 1..=j+1 hold 2(j+1) cards; the later ones may add two each to the sets asked of
            // this table.
            let need = (2 * (j + 1)).min(max + 2 * (k - j - 1));
            let need_after = (2 * (j + 2)).min(max + 2 * (k - j).saturating_sub(2));
            // When the next table asks for fewer cards, it reads this table's largest sets only
            // through two sums that can be pushed from each set as it is computed (see `push_top`), so
            // that block (the 6-card sets for four folders: ~100 MB) is never stored.
            let hold_short = j + 1 < k && need_after < need;
            let mut next = add_folder(&table, &folder, if hold_short { need - 1 } else { need })?;
            let mut bytes = (table.data.len() + next.data.len()) as u64 * 8;
            if let Some((before, last, top)) = short.take() {
                bytes += before.data.len() as u64 * 8;
                bytes += push_top(&mut next, &before, &last, top, &folder)?;
            }
            working_bytes = working_bytes.max(bytes);
            if hold_short {
                short = Some((std::mem::replace(&mut table, next), folder, need));
            } else {
                table = next;
            }
        }
        if table.data[0] <= 0.0 {
            return Err(BunchingError::Impossible);
        }
        Ok(Coverage {
            base: base_mask,
            max,
            compact,
            table,
            working_bytes,
            seconds: start.elapsed().as_secs_f64(),
            folders,
        })
    }

    /// Number of folders.
    pub fn folders(&self) -> usize {
        self.folders.len()
    }

    /// Bytes held by the table.
    pub fn bytes(&self) -> u64 {
        self.table.data.len() as u64 * 8
    }

    /// W(base ∪ `dead`): the weight of the folder deals avoiding the base board and `dead`
    /// (`dead` must hold at most `max` cards off the base board).
    pub fn weight(&self, dead: u64) -> f64 {
        let mut extra = dead & !self.base;
        let mut cards = [0u8; 8];
        let mut s = 0;
        while extra != 0 {
            cards[s] = self.compact[extra.trailing_zeros() as usize];
            s += 1;
            extra &= extra - 1;
        }
        debug_assert!(s <= self.max);
        let mut total = 0.0;
        for sub in 0u32..1 << s {
            let size = sub.count_ones() as usize;
            if size > self.table.max {
                continue;
            }
            let mut rank = 0u64;
            let mut position = 0;
            for (j, &c) in cards[..s].iter().enumerate() {
                if sub >> j & 1 == 1 {
                    position += 1;
                    rank += binom(c, position);
                }
            }
            let c = self.table.get(size, rank);
            if size % 2 == 0 {
                total += c;
            } else {
                total -= c;
            }
        }
        total
    }

    /// W(base): the normaliser of every table.
    pub fn base_weight(&self) -> f64 {
        self.table.data[0]
    }
}

/// Joint weights of hand pairs on one terminal board, `W(board ∪ h1 ∪ h2) / W(base)`.
#[derive(Clone, Debug)]
pub struct PairWeights {
    /// OOP hands × IP hands, row-major; zero for pairs sharing a card or touching the board.
    pub weights: Vec<f32>,
    /// The same times the showdown result for OOP (+1 win, 0 tie, −1 loss); empty if no showdown.
    pub signed: Vec<f32>,
}

/// The bunching tables of a game.
#[derive(Clone, Debug)]
pub struct BunchTables {
    /// Number of folders.
    pub folders: usize,
    /// For each game node, the index of its board in `boards` (terminals only; `u32::MAX` otherwise).
    pub node_board: Vec<u32>,
    /// Pair weights per terminal board.
    pub boards: Vec<PairWeights>,
    /// Sum over hand pairs of `w1 · w2 · W(base ∪ h1 ∪ h2) / W(base)`.
    pub pair_weight: f64,
    /// The folders' deal weights the tables come from (shared with the prepared spot), for the reports'
    /// EV and equity on boards and runouts that have no table of their own.
    pub coverage: std::sync::Arc<Coverage>,
}

impl BunchTables {
    /// Builds the tables for every terminal board of `game`.
    pub fn new(game: &Game, coverage: &std::sync::Arc<Coverage>) -> BunchTables {
        let mut node_board = vec![u32::MAX; game.nodes.len()];
        let mut keys: Vec<(u64, Option<usize>)> = Vec::new();
        let mut index: HashMap<u64, u32> = HashMap::new();
        for (n, node) in game.nodes.iter().enumerate() {
            let showdown = match node.kind {
                NodeKind::Fold(_) => None,
                NodeKind::Showdown(board) => Some(board.0 as usize),
                _ => continue,
            };
            let mask = card_mask(&node.board[..node.board_len as usize]);
            let id = *index.entry(mask).or_insert_with(|| {
                keys.push((mask, None));
                keys.len() as u32 - 1
            });
            if showdown.is_some() {
                keys[id as usize].1 = showdown;
            }
            node_board[n] = id;
        }
        let norm = 1.0 / coverage.base_weight();
        let [h0, h1] = &game.hands;
        let masks: [Vec<u64>; 2] = std::array::from_fn(|p| {
            game.hands[p]
                .cards
                .iter()
                .map(|&(a, b)| 1u64 << a | 1u64 << b)
                .collect()
        });
        let boards = keys
            .par_iter()
            .map(|&(board, showdown)| {
                let mut weights = vec![0.0f32; h0.len() * h1.len()];
                for (i, &m0) in masks[0].iter().enumerate() {
                    if m0 & board != 0 {
                        continue;
                    }
                    let row = &mut weights[i * h1.len()..(i + 1) * h1.len()];
                    for (x, &m1) in row.iter_mut().zip(&masks[1]) {
                        if m1 & (board | m0) == 0 {
                            *x = (coverage.weight(board | m0 | m1) * norm) as f32;
                        }
                    }
                }
                let signed = match showdown {
                    None => Vec::new(),
                    Some(b) => {
                        let data = &game.boards[b];
                        let mut strength: [Vec<u32>; 2] =
                            std::array::from_fn(|p| vec![0; game.hands[p].len()]);
                        for ((table, values), sorted) in
                            strength.iter_mut().zip(&data.strength).zip(&data.sorted)
                        {
                            for (s, h) in values.iter().zip(sorted) {
                                table[h.hand as usize] = *s;
                            }
                        }
                        let mut signed = weights.clone();
                        for i in 0..h0.len() {
                            let row = &mut signed[i * h1.len()..(i + 1) * h1.len()];
                            for (x, &s1) in row.iter_mut().zip(&strength[1]) {
                                let s0 = strength[0][i];
                                *x = match s0.cmp(&s1) {
                                    std::cmp::Ordering::Greater => *x,
                                    std::cmp::Ordering::Equal => 0.0,
                                    std::cmp::Ordering::Less => -*x,
                                };
                            }
                        }
                        signed
                    }
                };
                PairWeights { weights, signed }
            })
            .collect();
        let mut pair_weight = 0.0f64;
        for (i, &m0) in masks[0].iter().enumerate() {
            for (j, &m1) in masks[1].iter().enumerate() {
                if m0 & m1 == 0 {
                    pair_weight += h0.weights[i] as f64
                        * h1.weights[j] as f64
                        * coverage.weight(m0 | m1)
                        * norm;
                }
            }
        }
        BunchTables {
            folders: coverage.folders(),
            node_board,
            boards,
            pair_weight,
            coverage: coverage.clone(),
        }
    }

    /// Bytes of the matrices and of the folders' weight table.
    pub fn bytes(&self) -> u64 {
        self.boards
            .iter()
            .map(|b| (b.weights.len() + b.signed.len()) as u64 * 4)
            .sum::<u64>()
            + self.node_board.len() as u64 * 4
            + self.coverage.bytes()
    }

    /// `W(board ∪ dead) / W(base)`: the relative weight of the folders' deals beside `dead` (a card
    /// mask holding at most the tabulated number of cards off the base board).
    pub fn relative_weight(&self, dead: u64) -> f64 {
        self.coverage.weight(dead) / self.coverage.base_weight()
    }

    /// Values of `player`'s hands at a fold terminal: ±payoff · Σ_o weight(h, o) · reach(o).
    #[allow(clippy::too_many_arguments)]
    pub fn fold_values(
        &self,
        game: &Game,
        node: NodeId,
        player: usize,
        folder: Player,
        payoff: f32,
        opp_reach: &[f32],
        out: &mut [f32],
    ) {
        let payoff = if folder.index() == player {
            -payoff
        } else {
            payoff
        };
        let table = &self.boards[self.node_board[node.0 as usize] as usize].weights;
        product(game, table, player, payoff, opp_reach, out);
    }

    /// Values of `player`'s hands at a showdown: payoff · Σ_o ±weight(h, o) · reach(o).
    pub fn showdown_values(
        &self,
        game: &Game,
        node: NodeId,
        player: usize,
        payoff: f32,
        opp_reach: &[f32],
        out: &mut [f32],
    ) {
        let table = &self.boards[self.node_board[node.0 as usize] as usize].signed;
        let payoff = if player == 0 { payoff } else { -payoff };
        product(game, table, player, payoff, opp_reach, out);
    }
}

/// `out = scale · M · reach` for OOP (rows), `scale · Mᵀ · reach` for IP (columns).
fn product(game: &Game, table: &[f32], player: usize, scale: f32, reach: &[f32], out: &mut [f32]) {
    let cols = game.hands[1].len();
    if player == 0 {
        for (o, row) in out.iter_mut().zip(table.chunks_exact(cols)) {
            // Eight independent partial sums so the loop vectorises (f32 sums are not reassociated).
            let mut lanes = [0.0f32; 8];
            let (row_head, row_tail) = row.split_at(cols - cols % 8);
            let (reach_head, reach_tail) = reach.split_at(cols - cols % 8);
            for (m, r) in row_head.chunks_exact(8).zip(reach_head.chunks_exact(8)) {
                for ((lane, &a), &b) in lanes.iter_mut().zip(m).zip(r) {
                    *lane += a * b;
                }
            }
            let mut sum: f32 = lanes.iter().sum();
            for (&m, &r) in row_tail.iter().zip(reach_tail) {
                sum += m * r;
            }
            *o = scale * sum;
        }
    } else {
        out.fill(0.0);
        for (row, &r) in table.chunks_exact(cols).zip(reach) {
            if r == 0.0 {
                continue;
            }
            for (o, &m) in out.iter_mut().zip(row) {
                *o += m * r;
            }
        }
        for o in out.iter_mut() {
            *o *= scale;
        }
    }
}
