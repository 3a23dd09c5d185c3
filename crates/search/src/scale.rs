//! The compute-scaling lab: blueprints trained with N CFR+ iterations, searched with B iterations per
//! decision, exact exploitability of every (N, B) cell, and the exchange rate N*: the training that
//! reaches the same exploitability without search (log-log interpolation on a denser no-search curve).

use std::time::Instant;

use ponder_games::CompiledTree;
use ponder_solver::{evaluate, new_solver, Algorithm, Policy, SolverOptions};

use crate::{search_policy_with, PublicTree, SearchError, SearchMode};

/// Largest training iteration count accepted.
pub const MAX_TRAIN: u64 = 10_000_000;
/// Largest search budget accepted (CFR+ iterations per decision).
pub const MAX_SEARCH: usize = 100_000;

/// Why a grid was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// An empty list.
    #[error("--{which} needs at least one value")]
    Empty {
        /// `train` or `search`.
        which: &'static str,
    },
    /// A value that is not a non-negative integer.
    #[error("--{which}: '{text}' (item {position}) is not a non-negative integer")]
    NotANumber {
        /// `train` or `search`.
        which: &'static str,
        /// The item.
        text: String,
        /// 1-based position in the list.
        position: usize,
    },
    /// A value out of range.
    #[error("--{which}: {value} (item {position}) is outside {min}..={max}")]
    OutOfRange {
        /// `train` or `search`.
        which: &'static str,
        /// The value.
        value: u64,
        /// 1-based position.
        position: usize,
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
    },
    /// A repeated or decreasing value.
    #[error("--{which}: values must increase strictly ({value} at item {position} does not)")]
    NotIncreasing {
        /// `train` or `search`.
        which: &'static str,
        /// The value.
        value: u64,
        /// 1-based position.
        position: usize,
    },
}

/// Parses a comma-separated, strictly increasing list such as `10,100,1000` within `min..=max`.
pub fn parse_grid(
    which: &'static str,
    text: &str,
    min: u64,
    max: u64,
) -> Result<Vec<u64>, GridError> {
    let mut values: Vec<u64> = Vec::new();
    for (index, item) in text.split(',').map(str::trim).enumerate() {
        if item.is_empty() && text.trim().is_empty() {
            return Err(GridError::Empty { which });
        }
        let position = index + 1;
        let value: u64 = item
            .replace('_', "")
            .parse()
            .map_err(|_| GridError::NotANumber {
                which,
                text: item.to_string(),
                position,
            })?;
        if !(min..=max).contains(&value) {
            return Err(GridError::OutOfRange {
                which,
                value,
                position,
                min,
                max,
            });
        }
        if values.last().is_some_and(|&last| last >= value) {
            return Err(GridError::NotIncreasing {
                which,
                value,
                position,
            });
        }
        values.push(value);
    }
    Ok(values)
}

/// One (training, search) cell of the grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cell {
    /// CFR+ iterations of the blueprint.
    pub train_iterations: u64,
    /// CFR+ iterations per re-solve (0 = the blueprint alone).
    pub search_iterations: u64,
    /// Exact NashConv of the policy played.
    pub nash_conv: f64,
    /// NashConv / 2.
    pub exploitability: f64,
    /// Seconds to train the blueprint (cumulative along one CFR+ run).
    pub train_seconds: f64,
    /// Seconds to compute the search agent's full policy.
    pub search_seconds: f64,
    /// Training compute: iterations times tree nodes.
    pub train_compute: u64,
    /// Search compute for the full policy: re-solve iterations times gadget nodes, all decisions.
    pub search_compute: u64,
    /// Mean search compute of one decision (one re-solve).
    pub search_compute_per_decision: f64,
    /// Re-solves run / adopted after the safety check.
    pub resolves: usize,
    /// Re-solves adopted.
    pub improved: usize,
    /// Training iterations reaching the same NashConv without search (`None` beyond the reference).
    pub n_star: Option<f64>,
}

impl Cell {
    /// Training compute saved per unit of search compute spent at one decision:
    /// (N* − N) × tree nodes / search compute per decision.
    pub fn exchange_rate(&self, tree_nodes: usize) -> Option<f64> {
        let n_star = self.n_star?;
        (self.search_iterations > 0 && self.search_compute_per_decision > 0.0).then(|| {
            (n_star - self.train_iterations as f64) * tree_nodes as f64
                / self.search_compute_per_decision
        })
    }
}

/// The whole lab run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScaleReport {
    /// Canonical game string.
    pub game: String,
    /// Nodes of the compiled tree (the unit of training compute per iteration).
    pub tree_nodes: usize,
    /// Full re-solving or depth-limited.
    pub mode: SearchMode,
    /// Decision points (public states with a decision) where the agent re-solves.
    pub decision_points: usize,
    /// The no-search curve: (CFR+ iterations, NashConv) at log-spaced checkpoints.
    pub reference: Vec<(u64, f64)>,
    /// Every grid cell, training-major.
    pub cells: Vec<Cell>,
}

/// Log-spaced checkpoints 1, 2, 3, 5, 7, 10, 20, 30, 50, 70, 100, ... up to `max`, plus `extra`.
pub fn checkpoints(max: u64, extra: &[u64]) -> Vec<u64> {
    let mut points: Vec<u64> = Vec::new();
    let mut decade = 1u64;
    'outer: loop {
        for step in [1, 2, 3, 5, 7] {
            let value = decade * step;
            if value > max {
                break 'outer;
            }
            points.push(value);
        }
        decade *= 10;
    }
    points.extend_from_slice(extra);
    points.push(max);
    points.sort_unstable();
    points.dedup();
    points.retain(|&point| point > 0);
    points
}

/// Training iterations at which the no-search curve first reaches `target` (log-log interpolation
/// between checkpoints), `None` when it never does within the curve.
pub fn n_star(reference: &[(u64, f64)], target: f64) -> Option<f64> {
    let position = reference.iter().position(|&(_, value)| value <= target)?;
    if position == 0 {
        return Some(reference[0].0 as f64);
    }
    let (n0, v0) = reference[position - 1];
    let (n1, v1) = reference[position];
    if v1 <= 0.0 || target <= 0.0 || v0 <= v1 {
        return Some(n1 as f64);
    }
    let fraction = (v0.ln() - target.ln()) / (v0.ln() - v1.ln());
    Some(((n0 as f64).ln() + fraction * ((n1 as f64).ln() - (n0 as f64).ln())).exp())
}

/// Progress events of [`run_scale`].
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// A reference checkpoint was evaluated (iterations, NashConv).
    Reference(u64, f64),
    /// A grid cell finished.
    Cell(u64, u64, f64),
}

/// Runs the lab on a compiled 2-player zero-sum tree: one CFR+ run to `reference_max` iterations giving
/// the no-search curve and the blueprints, then the search agent at every budget on every blueprint.
pub fn run_scale(
    tree: &CompiledTree,
    train: &[u64],
    search: &[u64],
    reference_max: u64,
    mode: SearchMode,
    mut progress: impl FnMut(Progress),
) -> Result<ScaleReport, SearchError> {
    let public_tree = PublicTree::new(tree)?;
    let max_train = train.iter().copied().max().unwrap_or(0);
    let points = checkpoints(reference_max.max(max_train), train);
    let mut solver = new_solver(tree, Algorithm::CfrPlus, &SolverOptions::default());
    let mut reference = Vec::new();
    let mut blueprints: Vec<(u64, Policy, f64)> = Vec::new();
    let mut train_seconds = 0.0;
    for &point in &points {
        let started = Instant::now();
        while solver.iterations() < point {
            solver.iterate();
        }
        let policy = solver.average_policy();
        train_seconds += started.elapsed().as_secs_f64();
        let nash_conv = evaluate(tree, &policy).nash_conv;
        reference.push((point, nash_conv));
        progress(Progress::Reference(point, nash_conv));
        if train.contains(&point) {
            blueprints.push((point, policy, train_seconds));
        }
    }
    let mut cells = Vec::new();
    for (iterations, blueprint, seconds) in &blueprints {
        for &budget in search {
            let started = Instant::now();
            let (policy, stats) =
                search_policy_with(tree, &public_tree, blueprint, budget as usize, mode);
            let search_seconds = started.elapsed().as_secs_f64();
            let nash_conv = evaluate(tree, &policy).nash_conv;
            progress(Progress::Cell(*iterations, budget, nash_conv));
            cells.push(Cell {
                train_iterations: *iterations,
                search_iterations: budget,
                nash_conv,
                exploitability: nash_conv / 2.0,
                train_seconds: *seconds,
                search_seconds,
                train_compute: iterations * tree.num_nodes() as u64,
                search_compute: stats.node_iterations,
                search_compute_per_decision: if stats.resolves > 0 {
                    stats.node_iterations as f64 / stats.resolves as f64
                } else {
                    0.0
                },
                resolves: stats.resolves,
                improved: stats.improved,
                n_star: n_star(&reference, nash_conv),
            });
        }
    }
    Ok(ScaleReport {
        game: tree.game().to_string(),
        tree_nodes: tree.num_nodes(),
        mode,
        decision_points: public_tree.len(),
        reference,
        cells,
    })
}

impl ScaleReport {
    /// The grid as CSV (one row per cell).
    pub fn to_csv(&self) -> String {
        let mut csv = String::from(
            "game,train_iterations,search_iterations,nash_conv,exploitability,train_seconds,search_seconds,wall_seconds,train_compute,search_compute,total_compute,search_compute_per_decision,resolves,improved,n_star,n_star_over_n,exchange_rate\n",
        );
        let optional = |value: Option<f64>| value.map_or_else(String::new, |v| format!("{v:.6}"));
        for cell in &self.cells {
            csv.push_str(&format!(
                "\"{}\",{},{},{:.9},{:.9},{:.4},{:.4},{:.4},{},{},{},{:.1},{},{},{},{},{}\n",
                self.game,
                cell.train_iterations,
                cell.search_iterations,
                cell.nash_conv,
                cell.exploitability,
                cell.train_seconds,
                cell.search_seconds,
                cell.train_seconds + cell.search_seconds,
                cell.train_compute,
                cell.search_compute,
                cell.train_compute + cell.search_compute,
                cell.search_compute_per_decision,
                cell.resolves,
                cell.improved,
                optional(cell.n_star),
                optional(cell.n_star.map(|n| n / cell.train_iterations as f64)),
                optional(cell.exchange_rate(self.tree_nodes)),
            ));
        }
        csv
    }

    /// A log-log SVG plot: NashConv against blueprint training iterations, one line per search budget,
    /// and the dense no-search reference curve.
    pub fn to_svg(&self) -> String {
        let (width, height, margin) = (720.0, 480.0, 70.0);
        let mut xs: Vec<f64> = self.reference.iter().map(|&(n, _)| n as f64).collect();
        xs.extend(
            self.cells
                .iter()
                .map(|cell| cell.train_iterations.max(1) as f64),
        );
        let mut ys: Vec<f64> = self.reference.iter().map(|&(_, v)| v).collect();
        ys.extend(self.cells.iter().map(|cell| cell.nash_conv));
        let ys: Vec<f64> = ys.into_iter().filter(|&v| v > 0.0).collect();
        let (x_min, x_max) = bounds(&xs);
        let (y_min, y_max) = bounds(&ys);
        let x_of = |x: f64| {
            margin
                + (x.max(1.0).log10() - x_min) / (x_max - x_min).max(1e-9) * (width - 2.0 * margin)
        };
        let y_of = |y: f64| {
            height
                - margin
                - (y.max(10f64.powf(y_min)).log10() - y_min) / (y_max - y_min).max(1e-9)
                    * (height - 2.0 * margin)
        };
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}: NashConv vs blueprint CFR+ iterations, per search budget</text>\n",
            width / 2.0,
            escape(&self.game)
        );
        // Axes with decade ticks.
        svg.push_str(&format!(
            "<line x1=\"{margin}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"black\"/>\n<line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{0}\" stroke=\"black\"/>\n",
            height - margin,
            width - margin
        ));
        for decade in x_min.ceil() as i32..=x_max.floor() as i32 {
            let x = x_of(10f64.powi(decade));
            if x < margin - 0.5 || x > width - margin + 0.5 {
                continue;
            }
            svg.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{0}\" x2=\"{x:.1}\" y2=\"{1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{2}\" text-anchor=\"middle\">1e{decade}</text>\n",
                height - margin,
                margin,
                height - margin + 18.0
            ));
        }
        for decade in y_min.ceil() as i32..=y_max.floor() as i32 {
            let y = y_of(10f64.powi(decade));
            if y < margin - 0.5 || y > height - margin + 0.5 {
                continue;
            }
            svg.push_str(&format!(
                "<line x1=\"{margin}\" y1=\"{y:.1}\" x2=\"{0}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">1e{decade}</text>\n",
                width - margin,
                margin - 6.0,
                y + 4.0
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">blueprint training (CFR+ iterations, log)</text>\n<text x=\"18\" y=\"{}\" transform=\"rotate(-90 18 {})\" text-anchor=\"middle\">exact NashConv (log)</text>\n",
            width / 2.0,
            height - 20.0,
            height / 2.0,
            height / 2.0
        ));
        let line = |points: &[(f64, f64)], color: &str, dash: &str| -> String {
            let path: Vec<String> = points
                .iter()
                .filter(|&&(_, y)| y > 0.0)
                .map(|&(x, y)| format!("{:.1},{:.1}", x_of(x), y_of(y)))
                .collect();
            let mut text = format!(
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>\n",
                path.join(" ")
            );
            for point in &path {
                let (x, y) = point.split_once(',').expect("formatted with a comma");
                text.push_str(&format!(
                    "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"{color}\"/>\n"
                ));
            }
            text
        };
        let reference: Vec<(f64, f64)> =
            self.reference.iter().map(|&(n, v)| (n as f64, v)).collect();
        svg.push_str(&line(&reference, "#999", "4 3"));
        let colors = [
            "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        ];
        let mut budgets: Vec<u64> = self
            .cells
            .iter()
            .map(|cell| cell.search_iterations)
            .collect();
        budgets.sort_unstable();
        budgets.dedup();
        for (index, budget) in budgets.iter().enumerate() {
            let points: Vec<(f64, f64)> = self
                .cells
                .iter()
                .filter(|cell| cell.search_iterations == *budget)
                .map(|cell| (cell.train_iterations.max(1) as f64, cell.nash_conv))
                .collect();
            let color = colors[index % colors.len()];
            svg.push_str(&line(&points, color, "none"));
            let y = margin + 10.0 + 18.0 * index as f64;
            svg.push_str(&format!(
                "<line x1=\"{0}\" y1=\"{y}\" x2=\"{1}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{2}\" y=\"{3}\">search {budget}</text>\n",
                width - margin - 120.0,
                width - margin - 95.0,
                width - margin - 90.0,
                y + 4.0
            ));
        }
        let y = margin + 10.0 + 18.0 * budgets.len() as f64;
        svg.push_str(&format!(
            "<line x1=\"{0}\" y1=\"{y}\" x2=\"{1}\" y2=\"{y}\" stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/><text x=\"{2}\" y=\"{3}\">no search (dense)</text>\n</svg>\n",
            width - margin - 120.0,
            width - margin - 95.0,
            width - margin - 90.0,
            y + 4.0
        ));
        svg
    }
}

/// log10 range of positive values, padded a little.
fn bounds(values: &[f64]) -> (f64, f64) {
    let logs: Vec<f64> = values
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|v| v.log10())
        .collect();
    if logs.is_empty() {
        return (0.0, 1.0);
    }
    let min = logs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min - 0.05, max + 0.05)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_validated() {
        assert_eq!(
            parse_grid("train", "10,100,1000", 1, MAX_TRAIN).unwrap(),
            vec![10, 100, 1000]
        );
        assert!(matches!(
            parse_grid("train", "", 1, 10),
            Err(GridError::Empty { .. })
        ));
        assert!(matches!(
            parse_grid("train", "10,x", 1, 100),
            Err(GridError::NotANumber { position: 2, .. })
        ));
        assert!(matches!(
            parse_grid("search", "10,10", 0, 100),
            Err(GridError::NotIncreasing { position: 2, .. })
        ));
        assert!(matches!(
            parse_grid("train", "0", 1, 100),
            Err(GridError::OutOfRange { .. })
        ));
    }

    #[test]
    fn n_star_interpolates_log_log() {
        let reference = [(1, 1.0), (10, 0.1), (100, 0.01)];
        assert_eq!(n_star(&reference, 2.0), Some(1.0));
        assert!((n_star(&reference, 0.1).unwrap() - 10.0).abs() < 1e-9);
        assert!((n_star(&reference, 0.0316227766).unwrap() - 31.6227766).abs() < 1e-3);
        assert_eq!(n_star(&reference, 0.001), None);
    }

    #[test]
    fn checkpoints_include_grid_points() {
        assert_eq!(checkpoints(30, &[25]), vec![1, 2, 3, 5, 7, 10, 20, 25, 30]);
    }
}
