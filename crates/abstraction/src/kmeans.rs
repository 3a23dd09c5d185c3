//! k-means in one dimension (EHS) and under the 1-D earth mover's distance (histograms of
//! next-street strength, compared by their cumulative sums). Both are deterministic: work is split
//! into chunks of a fixed size (never by thread count) and partial sums are combined in order.

// The distance loop indexes two lane arrays in step.
#![allow(clippy::needless_range_loop)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::AbstractionError;

/// Points per parallel chunk (fixed, so results never depend on the thread count).
pub(crate) const CHUNK: usize = 4096;

/// Weighted k-means of values `values[i]` (ascending) with weights `weights[i]`: a label per value,
/// labels increasing with the value, every label in `0..k` used. Starts from weighted quantiles and
/// stops before a Lloyd step would leave a cluster empty.
pub(crate) fn kmeans_1d(
    values: &[f64],
    weights: &[u64],
    k: usize,
    street: &'static str,
    iterations: usize,
) -> Result<Vec<u16>, AbstractionError> {
    debug_assert!(values.windows(2).all(|w| w[0] < w[1]));
    let present: Vec<usize> = (0..values.len()).filter(|&i| weights[i] > 0).collect();
    if present.len() < k {
        return Err(AbstractionError::Cluster {
            street,
            buckets: k as u32,
            reason: format!("only {} distinct values to cluster", present.len()),
        });
    }
    let total: u64 = present.iter().map(|&i| weights[i]).sum();
    // Weighted quantiles, forced strictly increasing and leaving room for the ones after.
    let mut centroids = Vec::with_capacity(k);
    let mut cumulative = 0u64;
    let mut position = 0usize;
    let mut previous: Option<usize> = None;
    for j in 0..k {
        let target = ((2 * j as u128 + 1) * total as u128 / (2 * k as u128)) as u64;
        while position + 1 < present.len() && cumulative + weights[present[position]] <= target {
            cumulative += weights[present[position]];
            position += 1;
        }
        let mut chosen = position;
        if let Some(p) = previous {
            chosen = chosen.max(p + 1);
        }
        chosen = chosen.min(present.len() - (k - j));
        previous = Some(chosen);
        centroids.push(values[present[chosen]]);
    }
    let assign = |centroids: &[f64], labels: &mut [u16]| -> Vec<u64> {
        let mut mass = vec![0u64; centroids.len()];
        let mut c = 0usize;
        for i in 0..values.len() {
            while c + 1 < centroids.len()
                && (values[i] - centroids[c + 1]).abs() < (values[i] - centroids[c]).abs()
            {
                c += 1;
            }
            labels[i] = c as u16;
            mass[c] += weights[i];
        }
        mass
    };
    let mut labels = vec![0u16; values.len()];
    let mass = assign(&centroids, &mut labels);
    debug_assert!(mass.iter().all(|&m| m > 0));
    let mut candidate = labels.clone();
    for _ in 0..iterations {
        let mut sums = vec![0f64; k];
        let mut mass = vec![0u64; k];
        for i in 0..values.len() {
            let c = labels[i] as usize;
            sums[c] += values[i] * weights[i] as f64;
            mass[c] += weights[i];
        }
        let next: Vec<f64> = (0..k).map(|c| sums[c] / mass[c] as f64).collect();
        let new_mass = assign(&next, &mut candidate);
        if new_mass.contains(&0) {
            break;
        }
        let changed = candidate != labels;
        std::mem::swap(&mut labels, &mut candidate);
        if !changed {
            break;
        }
    }
    Ok(labels)
}

/// Earth mover's distance between two histograms given as cumulative sums (normalised to 1): the
/// sum of the absolute differences, times the bin width folded out (it does not change an argmin).
/// Eight running sums, so the compiler can use SIMD lanes (a single float sum cannot be reordered);
/// the order of additions is still fixed, so results stay deterministic.
#[inline]
pub(crate) fn emd(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut a8).zip(&mut b8) {
        for i in 0..8 {
            lanes[i] += (x[i] - y[i]).abs();
        }
    }
    let mut tail = 0f32;
    for (x, y) in a8.remainder().iter().zip(b8.remainder()) {
        tail += (x - y).abs();
    }
    lanes.iter().sum::<f32>() + tail
}

/// Nearest centroid (lowest index on ties) and its distance.
#[inline]
pub(crate) fn nearest(point: &[f32], centroids: &[f32], bins: usize) -> (u16, f32) {
    let mut best = (0u16, f32::INFINITY);
    for (c, centroid) in centroids.chunks_exact(bins).enumerate() {
        let d = emd(point, centroid);
        if d < best.1 {
            best = (c as u16, d);
        }
    }
    best
}

/// Centroids (cumulative histograms, `k * bins`) of weighted k-means under the EMD over `points`
/// (`n * bins` cumulative histograms), k-means++ seeded from `seed`. Every centroid ends with at
/// least one point nearest to it.
pub(crate) fn kmeans_emd(
    points: &[f32],
    weights: &[f64],
    bins: usize,
    k: usize,
    seed: u64,
    iterations: usize,
    street: &'static str,
) -> Result<Vec<f32>, AbstractionError> {
    let n = weights.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let point = |i: usize| &points[i * bins..(i + 1) * bins];
    // k-means++: the next centroid is drawn with probability proportional to weight * D^2.
    let mut centroids: Vec<f32> = Vec::with_capacity(k * bins);
    let first = draw(&mut rng, weights.iter().copied());
    centroids.extend_from_slice(point(first));
    let mut distance: Vec<f32> = vec![f32::INFINITY; n];
    for c in 1..=k {
        let latest = centroids[(c - 1) * bins..c * bins].to_vec();
        distance
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (j, d) in out.iter_mut().enumerate() {
                    let i = chunk * CHUNK + j;
                    *d = d.min(emd(point(i), &latest));
                }
            });
        if c == k {
            break;
        }
        let scores = (0..n).map(|i| weights[i] * (distance[i] as f64).powi(2));
        if scores.clone().sum::<f64>() <= 0.0 {
            return Err(AbstractionError::Cluster {
                street,
                buckets: k as u32,
                reason: format!("only {c} distinct histograms among the {n} sampled hands"),
            });
        }
        let next = draw(&mut rng, scores);
        centroids.extend_from_slice(point(next));
    }
    let assign = |centroids: &[f32], labels: &mut [u16], distances: &mut [f32]| {
        labels
            .par_chunks_mut(CHUNK)
            .zip(distances.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(chunk, (labels, distances))| {
                for j in 0..labels.len() {
                    let (c, d) = nearest(point(chunk * CHUNK + j), centroids, bins);
                    labels[j] = c;
                    distances[j] = d;
                }
            });
    };
    let mut labels = vec![0u16; n];
    let mut distances = vec![0f32; n];
    assign(&centroids, &mut labels, &mut distances);
    let mut previous = labels.clone();
    for iteration in 0..=iterations {
        // Empty clusters take the point farthest from its centroid, until none is empty.
        loop {
            let mut mass = vec![0f64; k];
            for i in 0..n {
                mass[labels[i] as usize] += weights[i];
            }
            let Some(empty) = mass.iter().position(|&m| m == 0.0) else {
                break;
            };
            let far = (0..n)
                .filter(|&i| distances[i] > 0.0)
                .max_by(|&a, &b| distances[a].total_cmp(&distances[b]).then(b.cmp(&a)));
            let Some(far) = far else {
                return Err(AbstractionError::Cluster {
                    street,
                    buckets: k as u32,
                    reason: format!("fewer than {k} distinct histograms among the sampled hands"),
                });
            };
            centroids[empty * bins..(empty + 1) * bins].copy_from_slice(point(far));
            assign(&centroids, &mut labels, &mut distances);
        }
        if iteration == iterations || (iteration > 0 && labels == previous) {
            break;
        }
        previous.copy_from_slice(&labels);
        // Weighted means, summed per fixed chunk and combined in chunk order.
        let partial: Vec<(Vec<f64>, Vec<f64>)> = labels
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk, labels)| {
                let mut sums = vec![0f64; k * bins];
                let mut mass = vec![0f64; k];
                for (j, &c) in labels.iter().enumerate() {
                    let i = chunk * CHUNK + j;
                    let c = c as usize;
                    mass[c] += weights[i];
                    for (s, &x) in sums[c * bins..(c + 1) * bins].iter_mut().zip(point(i)) {
                        *s += weights[i] * x as f64;
                    }
                }
                (sums, mass)
            })
            .collect();
        let mut sums = vec![0f64; k * bins];
        let mut mass = vec![0f64; k];
        for (s, m) in partial {
            sums.iter_mut().zip(&s).for_each(|(a, b)| *a += b);
            mass.iter_mut().zip(&m).for_each(|(a, b)| *a += b);
        }
        for c in 0..k {
            for b in 0..bins {
                centroids[c * bins + b] = (sums[c * bins + b] / mass[c]) as f32;
            }
        }
        assign(&centroids, &mut labels, &mut distances);
    }
    Ok(centroids)
}

/// Index drawn with probability proportional to `scores` (all non-negative, sum positive).
fn draw(rng: &mut ChaCha8Rng, scores: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = scores.clone().sum();
    let mut target = rng.gen::<f64>() * total;
    let mut last = 0;
    for (i, s) in scores.enumerate() {
        if s > 0.0 {
            last = i;
            if target < s {
                return i;
            }
            target -= s;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dimensional_clusters_are_ordered_and_cover_every_label() {
        let values: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        let weights: Vec<u64> = (0..100).map(|i| 1 + (i % 7) as u64).collect();
        let labels = kmeans_1d(&values, &weights, 10, "test", 100).unwrap();
        assert!(labels.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(labels[0], 0);
        assert_eq!(labels[99], 9);
        for c in 0..10 {
            assert!(labels.contains(&c));
        }
        assert!(kmeans_1d(&values[..5], &weights[..5], 6, "test", 10).is_err());
    }

    #[test]
    fn emd_clusters_depend_on_the_seed_not_the_thread_count() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let bins = 8;
        let mut points = Vec::new();
        for _ in 0..3000 {
            let mut running = 0f32;
            let mut raw: Vec<f32> = (0..bins).map(|_| rng.gen::<f32>()).collect();
            let total: f32 = raw.iter().sum();
            for x in &mut raw {
                running += *x / total;
                *x = running;
            }
            points.extend_from_slice(&raw);
        }
        let weights: Vec<f64> = (0..3000).map(|i| 1.0 + (i % 5) as f64).collect();
        let run = |seed: u64, threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| kmeans_emd(&points, &weights, bins, 12, seed, 20, "test").unwrap())
        };
        let one = run(3, 1);
        assert_eq!(one, run(3, 3));
        assert_ne!(one, run(4, 1));
    }

    #[test]
    fn emd_clusters_separate_two_groups() {
        // Two groups of cumulative histograms over 4 bins: mass in bin 0, mass in bin 3.
        let mut points = Vec::new();
        for i in 0..40 {
            if i % 2 == 0 {
                points.extend_from_slice(&[1.0, 1.0, 1.0, 1.0]);
            } else {
                points.extend_from_slice(&[0.0, 0.0, 0.0, 1.0]);
            }
        }
        let weights = vec![1.0; 40];
        let centroids = kmeans_emd(&points, &weights, 4, 2, 5, 10, "test").unwrap();
        let a = nearest(&points[0..4], &centroids, 4).0;
        let b = nearest(&points[4..8], &centroids, 4).0;
        assert_ne!(a, b);
        assert!(kmeans_emd(&points, &weights, 4, 3, 5, 10, "test").is_err());
    }
}
