//! How regrets and strategy sums are stored: [`StoredValue`], implemented by `f32` and by [`Q16`]
//! (16-bit values with per-node scales), and the per-node operations the traversal calls on them.

use crate::cfr::Discount;
use crate::pool::{give, take, take_for_overwrite};

/// Turns strategy sums (`actions × hands`) into an average strategy; all-zero rows become uniform.
pub fn normalize_average(sums: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
    for h in 0..hands {
        let mut total = 0.0f32;
        for a in 0..actions {
            total += sums[a * hands + h];
        }
        for a in 0..actions {
            strategy[a * hands + h] = if total > 0.0 {
                sums[a * hands + h] / total
            } else {
                1.0 / actions as f32
            };
        }
    }
}

fn regret_matching(regrets: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
    let (first, _) = strategy.split_at_mut(hands);
    for (s, &r) in first.iter_mut().zip(&regrets[..hands]) {
        *s = r.max(0.0);
    }
    let mut totals = take_for_overwrite(hands);
    totals.copy_from_slice(first);
    for a in 1..actions {
        let row = &regrets[a * hands..(a + 1) * hands];
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for ((s, &r), t) in out.iter_mut().zip(row).zip(totals.iter_mut()) {
            *s = r.max(0.0);
            *t += *s;
        }
    }
    let uniform = 1.0 / actions as f32;
    for a in 0..actions {
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for (s, &t) in out.iter_mut().zip(&totals) {
            *s = if t > 0.0 { *s / t } else { uniform };
        }
    }
    give(totals);
}

/// Values a player node keeps: regrets and strategy sums (`actions × hands` each), then `S::HEADER`.
pub fn own_len<S: StoredValue>(actions: usize, hands: usize) -> usize {
    2 * actions * hands + S::HEADER
}

/// How regrets and strategy sums are stored. The solver is generic over this (monomorphised: the hot loop
/// has no dynamic dispatch), and every method works on one player node's own values, `own` =
/// regrets (`actions × hands`), strategy sums (`actions × hands`), then `HEADER` values of the kind's own.
pub trait StoredValue:
    Copy + Default + PartialEq + std::fmt::Debug + Send + Sync + 'static
{
    /// True for 16-bit compressed storage.
    const COMPRESSED: bool;
    /// Values after a node's sums (the per-node scales of [`Q16`]; none for `f32`).
    const HEADER: usize;
    /// Bytes of one value in a solve file.
    const BYTES: usize;
    /// The current strategy (rows summing to 1) from the regrets, by regret matching.
    fn regret_matching(own: &[Self], actions: usize, hands: usize, strategy: &mut [f32]);
    /// Discounts the regrets and adds `values[a][h] − out[h]`; `values` may be overwritten.
    fn update_regrets(
        own: &mut [Self],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        discount: Discount,
    );
    /// Multiplies the strategy sums by `factor` and adds `strategy[a][h] × reach[h]`.
    fn update_sums(
        own: &mut [Self],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    );
    /// The average strategy (rows summing to 1; all-zero rows uniform) from the strategy sums.
    fn average(own: &[Self], actions: usize, hands: usize, strategy: &mut [f32]);
    /// Writes a node lock in: locked hands' regrets zero and their strategy sums proportional to the lock.
    fn write_lock(own: &mut [Self], actions: usize, hands: usize, lock: &crate::lock::NodeLock);
    /// Decodes a node's regrets and strategy sums to f32.
    fn decode(own: &[Self], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]);
    /// Encodes a node's regrets and strategy sums from f32.
    fn encode(own: &mut [Self], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]);
    /// Appends the value's little-endian bytes.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads a value from `BYTES` little-endian bytes.
    fn read_le(bytes: &[u8]) -> Self;
}

impl StoredValue for f32 {
    const COMPRESSED: bool = false;
    const HEADER: usize = 0;
    const BYTES: usize = 4;

    #[inline]
    fn regret_matching(own: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
        regret_matching(&own[..actions * hands], actions, hands, strategy);
    }

    #[inline]
    fn update_regrets(
        own: &mut [f32],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        d: Discount,
    ) {
        for a in 0..actions {
            let row = &values[a * hands..(a + 1) * hands];
            let reg = &mut own[a * hands..(a + 1) * hands];
            for ((r, &v), &o) in reg.iter_mut().zip(row).zip(out.iter()) {
                let factor = if *r > 0.0 { d.positive } else { d.negative };
                *r = *r * factor + (v - o);
            }
        }
    }

    #[inline]
    fn update_sums(
        own: &mut [f32],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    ) {
        let sums = &mut own[actions * hands..2 * actions * hands];
        for a in 0..actions {
            let sum = &mut sums[a * hands..(a + 1) * hands];
            let strat = &strategy[a * hands..(a + 1) * hands];
            for ((s, &p), &r) in sum.iter_mut().zip(strat).zip(reach) {
                *s = *s * factor + p * r;
            }
        }
    }

    #[inline]
    fn average(own: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
        normalize_average(
            &own[actions * hands..2 * actions * hands],
            actions,
            hands,
            strategy,
        );
    }

    fn write_lock(own: &mut [f32], actions: usize, hands: usize, lock: &crate::lock::NodeLock) {
        let (regrets, sums) = own[..2 * actions * hands].split_at_mut(actions * hands);
        lock.clear(regrets, hands);
        lock.apply(sums, hands);
    }

    fn decode(own: &[f32], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]) {
        let n = actions * hands;
        regrets[..n].copy_from_slice(&own[..n]);
        sums[..n].copy_from_slice(&own[n..2 * n]);
    }

    fn encode(own: &mut [f32], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]) {
        let n = actions * hands;
        own[..n].copy_from_slice(&regrets[..n]);
        own[n..2 * n].copy_from_slice(&sums[..n]);
    }

    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }

    fn read_le(bytes: &[u8]) -> f32 {
        f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

/// One 16-bit stored value: an `i16` regret or a `u16` strategy sum, in units of its node's scale.
///
/// Design (16-bit storage). A player node keeps its regrets as i16 and its strategy sums as u16, and after
/// them a header of two f32 scales (regrets, sums), each split into two `Q16`s, so value = q × scale.
/// - One scale per node, not per action or hand: regret matching and the average strategy only use
///   ratios within one hand's row, so a per-node scale cancels and reads never decode (the read path
///   costs what the f32 one does); the header is 8 bytes per node, 0.4% of the flop spot's values.
/// - Every write (once per iteration and node) decodes, updates in f32 exactly as the 32-bit solver
///   does, takes the node's largest magnitude m and re-encodes with scale m / 32767 (regrets) or
///   m / 65535 (sums), rounding to nearest: each value is within 2^-16 (sums 2^-17) of m. Rescaling at
///   every write keeps the full 16 bits in use as regrets grow and decay; a fixed scale would either
///   overflow or waste them.
/// - The strategy-sum discount multiplies every old sum alike, so it is applied to the scale, not to
///   each value; the regret discounts depend on each value's sign, so they cannot be.
/// - What is lost: hands whose regrets or sums are below half a step of their node's largest read as
///   zero (uniform strategy). Their weight in the average strategy is that small, so the effect on the
///   opponent's best response is bounded by the same 2^-16 of the node's largest reach mass; measured,
///   compressed solves reach the same exploitability targets within a few percent more iterations.
/// - Exploitability of a compressed solve is exact for the stored strategy: the best response runs in
///   f32 on the decoded average strategy, as for 32-bit storage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Q16(pub u16);

/// Largest stored regret magnitude, in steps.
const REGRET_STEPS: f32 = 32767.0;
/// Largest stored strategy sum, in steps.
const SUM_STEPS: f32 = 65535.0;

fn read_scale(half: &[Q16]) -> f32 {
    f32::from_bits(half[0].0 as u32 | (half[1].0 as u32) << 16)
}

fn write_scale(half: &mut [Q16], scale: f32) {
    let bits = scale.to_bits();
    half[0] = Q16(bits as u16);
    half[1] = Q16((bits >> 16) as u16);
}

/// Adding 1.5 × 2^23 to |y| < 2^22 leaves round-to-nearest(y) in the low mantissa bits: rounding with
/// one add and a bit cast, which vectorises (`round` is a libm call on baseline x86-64 and saturating
/// float-to-int casts stay scalar), and is safe for any input.
const ROUNDER: f32 = 12_582_912.0;

/// `x × inv` rounded to the nearest integer, as i16 bits (|x × inv| ≤ 32767).
#[inline(always)]
fn encode_regret(x: f32, inv: f32) -> Q16 {
    Q16(((x * inv + ROUNDER).to_bits() as i32 - ROUNDER.to_bits() as i32) as u16)
}

/// `x × inv` rounded to the nearest integer (0 ≤ x × inv ≤ 65535).
#[inline(always)]
fn encode_sum(x: f32, inv: f32) -> Q16 {
    Q16(((x * inv + ROUNDER).to_bits() as i32 - ROUNDER.to_bits() as i32) as u16)
}

/// Largest |x| (0 for an empty slice); eight independent lanes so the reduction vectorises.
fn max_abs(xs: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (m, &x) in lanes.iter_mut().zip(chunk) {
            *m = m.max(x.abs());
        }
    }
    let mut max = tail.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    for m in lanes {
        max = max.max(m);
    }
    max
}

#[inline(always)]
fn decode_regret(q: Q16) -> f32 {
    q.0 as i16 as f32
}

/// Divides each hand's row by its total (all-zero rows become uniform).
fn normalize_rows(strategy: &mut [f32], actions: usize, hands: usize) {
    let mut totals = take(hands);
    for a in 0..actions {
        for (t, &s) in totals.iter_mut().zip(&strategy[a * hands..(a + 1) * hands]) {
            *t += s;
        }
    }
    let uniform = 1.0 / actions as f32;
    for a in 0..actions {
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for (s, &t) in out.iter_mut().zip(&totals) {
            *s = if t > 0.0 { *s / t } else { uniform };
        }
    }
    give(totals);
}

impl StoredValue for Q16 {
    const COMPRESSED: bool = true;
    const HEADER: usize = 4;
    const BYTES: usize = 2;

    #[inline]
    fn regret_matching(own: &[Q16], actions: usize, hands: usize, strategy: &mut [f32]) {
        let n = actions * hands;
        for (s, &q) in strategy[..n].iter_mut().zip(&own[..n]) {
            *s = decode_regret(q).max(0.0);
        }
        normalize_rows(strategy, actions, hands);
    }

    #[inline]
    fn update_regrets(
        own: &mut [Q16],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        d: Discount,
    ) {
        let n = actions * hands;
        let (regrets, header) = own.split_at_mut(2 * n);
        let regrets = &mut regrets[..n];
        let scale = read_scale(&header[0..2]);
        for a in 0..actions {
            let row = &mut values[a * hands..(a + 1) * hands];
            let reg = &regrets[a * hands..(a + 1) * hands];
            for ((v, &q), &o) in row.iter_mut().zip(reg).zip(out) {
                let r = decode_regret(q) * scale;
                let factor = if r > 0.0 { d.positive } else { d.negative };
                *v = r * factor + (*v - o);
            }
        }
        let max = max_abs(&values[..n]);
        let inv = if max > 0.0 { REGRET_STEPS / max } else { 0.0 };
        for (q, &x) in regrets.iter_mut().zip(&values[..n]) {
            *q = encode_regret(x, inv);
        }
        write_scale(&mut header[0..2], max / REGRET_STEPS);
    }

    #[inline]
    fn update_sums(
        own: &mut [Q16],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    ) {
        let n = actions * hands;
        let (data, header) = own.split_at_mut(2 * n);
        let sums = &mut data[n..];
        let scale = read_scale(&header[2..4]) * factor;
        let mut fresh = take_for_overwrite(n);
        for a in 0..actions {
            let row = &mut fresh[a * hands..(a + 1) * hands];
            let old = &sums[a * hands..(a + 1) * hands];
            let strat = &strategy[a * hands..(a + 1) * hands];
            for (((f, &q), &p), &r) in row.iter_mut().zip(old).zip(strat).zip(reach) {
                *f = q.0 as f32 * scale + p * r;
            }
        }
        let max = max_abs(&fresh);
        let inv = if max > 0.0 { SUM_STEPS / max } else { 0.0 };
        for (q, &x) in sums.iter_mut().zip(&fresh) {
            *q = encode_sum(x, inv);
        }
        give(fresh);
        write_scale(&mut header[2..4], max / SUM_STEPS);
    }

    #[inline]
    fn average(own: &[Q16], actions: usize, hands: usize, strategy: &mut [f32]) {
        let n = actions * hands;
        for (s, &q) in strategy[..n].iter_mut().zip(&own[n..2 * n]) {
            *s = q.0 as f32;
        }
        normalize_rows(strategy, actions, hands);
    }

    fn write_lock(own: &mut [Q16], actions: usize, hands: usize, lock: &crate::lock::NodeLock) {
        // Only ratios within a hand's row are read from sums, so the lock is stored in full steps.
        let n = actions * hands;
        for a in 0..actions {
            for &h in &lock.hands {
                let i = a * hands + h as usize;
                own[i] = Q16(0);
                own[n + i] = encode_sum(lock.strategy[i].clamp(0.0, 1.0), SUM_STEPS);
            }
        }
    }

    fn decode(own: &[Q16], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]) {
        let n = actions * hands;
        let (regret_scale, sum_scale) = (read_scale(&own[2 * n..]), read_scale(&own[2 * n + 2..]));
        for (r, &q) in regrets[..n].iter_mut().zip(&own[..n]) {
            *r = decode_regret(q) * regret_scale;
        }
        for (s, &q) in sums[..n].iter_mut().zip(&own[n..2 * n]) {
            *s = q.0 as f32 * sum_scale;
        }
    }

    fn encode(own: &mut [Q16], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]) {
        let n = actions * hands;
        let max = max_abs(&regrets[..n]);
        let inv = if max > 0.0 { REGRET_STEPS / max } else { 0.0 };
        for (q, &x) in own[..n].iter_mut().zip(regrets) {
            *q = encode_regret(x, inv);
        }
        write_scale(&mut own[2 * n..2 * n + 2], max / REGRET_STEPS);
        let max = max_abs(&sums[..n]);
        let inv = if max > 0.0 { SUM_STEPS / max } else { 0.0 };
        for (q, &x) in own[n..2 * n].iter_mut().zip(sums) {
            *q = encode_sum(x.max(0.0), inv);
        }
        write_scale(&mut own[2 * n + 2..2 * n + 4], max / SUM_STEPS);
    }

    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
    }

    fn read_le(bytes: &[u8]) -> Q16 {
        Q16(u16::from_le_bytes([bytes[0], bytes[1]]))
    }
}
