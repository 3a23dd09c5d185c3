//! The search agent: a blueprint plus safe re-solving at every public state where a player acts, nested
//! top-down (each re-solve starts from the strategy its ancestors' re-solves left), and the full policy
//! such an agent would play at every information set, so that its exploitability can be computed
//! exactly.

use rayon::prelude::*;

use ponder_games::{CompiledTree, NodeId, CHANCE_CODE, TERMINAL_CODE};
use ponder_solver::Policy;

use crate::resolve::{resolve, resolve_depth_limited, resolve_unsafe, LeafValues, ResolveOutcome};
use crate::SearchError;

/// One public state where a player acts: its decision nodes (the re-solving roots) and the actor.
#[derive(Debug, Clone)]
pub struct DecisionPoint {
    /// The acting player.
    pub player: usize,
    /// Decision nodes of the public state, in id order.
    pub roots: Vec<NodeId>,
    /// Depth of the roots (all share it in the games ponder compiles).
    pub depth: usize,
}

/// The public states of a 2-player zero-sum tree where a player acts, grouped by depth (top-down).
#[derive(Debug, Clone)]
pub struct PublicTree {
    /// Decision points of each depth, shallowest first.
    pub levels: Vec<Vec<DecisionPoint>>,
}

impl PublicTree {
    /// Groups the decision nodes of `tree` by public state; refuses games the re-solving gadget does
    /// not cover (not 2 players, not zero-sum, or a public state with two actors).
    pub fn new(tree: &CompiledTree) -> Result<Self, SearchError> {
        check_two_player_zero_sum(tree)?;
        let codes = tree.node_codes();
        let mut points: Vec<Option<DecisionPoint>> = vec![None; tree.num_public_states()];
        for node in 0..tree.num_nodes() {
            let code = codes[node];
            if code == CHANCE_CODE || code == TERMINAL_CODE {
                continue;
            }
            let id = NodeId(node as u32);
            let public = tree.public_state(id).index();
            let point = points[public].get_or_insert_with(|| DecisionPoint {
                player: code as usize,
                roots: Vec::new(),
                depth: tree.depth(id),
            });
            if point.player != code as usize || point.depth != tree.depth(id) {
                return Err(SearchError::MixedPublicState {
                    game: tree.game().to_string(),
                    key: tree.public_state_key(tree.public_state(id)).to_string(),
                });
            }
            point.roots.push(id);
        }
        let mut levels: Vec<Vec<DecisionPoint>> = Vec::new();
        for point in points.into_iter().flatten() {
            while levels.len() <= point.depth {
                levels.push(Vec::new());
            }
            levels[point.depth].push(point);
        }
        levels.retain(|level| !level.is_empty());
        Ok(Self { levels })
    }

    /// Number of decision points.
    pub fn len(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// Whether there is no decision at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Refuses trees that are not 2-player zero-sum (the re-solving gadget's guarantee needs both).
pub fn check_two_player_zero_sum(tree: &CompiledTree) -> Result<(), SearchError> {
    if tree.num_players() != 2 {
        return Err(SearchError::NotTwoPlayerZeroSum {
            game: tree.game().to_string(),
            why: format!("{} players", tree.num_players()),
        });
    }
    let codes = tree.node_codes();
    for node in 0..tree.num_nodes() {
        if codes[node] == TERMINAL_CODE {
            let returns = tree.returns(NodeId(node as u32));
            if (returns[0] + returns[1]).abs() > 1e-9 {
                return Err(SearchError::NotTwoPlayerZeroSum {
                    game: tree.game().to_string(),
                    why: format!("payoffs {returns:?} at node {node} do not sum to 0"),
                });
            }
        }
    }
    Ok(())
}

/// What computing a search agent's full policy cost and did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchStats {
    /// Re-solves run (decision points reachable under chance and the re-solving player).
    pub resolves: usize,
    /// Re-solves whose result passed the safety check and was adopted.
    pub improved: usize,
    /// Re-solves whose result failed the safety check (the previous strategy was kept).
    pub kept_current: usize,
    /// Search compute: CFR+ iterations times gadget nodes, summed over re-solves.
    pub node_iterations: u64,
    /// The critical path of that work with unlimited threads: per seat, the largest re-solve of each
    /// depth summed over depths; the larger seat's. `node_iterations / span` bounds the speed-up.
    pub span_node_iterations: u64,
}

/// The policy the search agent plays everywhere: `blueprint` re-solved with `iterations` CFR+
/// iterations at every decision point, top-down, for both seats. Decision points of one depth are
/// independent (disjoint subtrees) and run in parallel on rayon's pool.
pub fn search_policy(
    tree: &CompiledTree,
    public_tree: &PublicTree,
    blueprint: &Policy,
    iterations: usize,
) -> (Policy, SearchStats) {
    search_policy_with(tree, public_tree, blueprint, iterations, SearchMode::Full)
}

/// How far each re-solve looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum SearchMode {
    /// Re-solve to the end of the game.
    #[default]
    Full,
    /// Re-solve to the next chance node (Leduc: the end of the betting round) with the opponent
    /// choosing among blueprint continuation strategies at the leaves.
    DepthLimited,
    /// Unsafe re-solving (joint blueprint ranges, no gadget, no check): for comparison only.
    Unsafe,
}

/// [`search_policy`] with a choice of [`SearchMode`].
pub fn search_policy_with(
    tree: &CompiledTree,
    public_tree: &PublicTree,
    blueprint: &Policy,
    iterations: usize,
    mode: SearchMode,
) -> (Policy, SearchStats) {
    let leaves = (mode == SearchMode::DepthLimited && iterations > 0)
        .then(|| LeafValues::new(tree, blueprint.probabilities()));
    let mut probabilities = blueprint.probabilities().to_vec();
    let mut stats = SearchStats::default();
    if iterations == 0 {
        return (Policy::from_probabilities(probabilities), stats);
    }
    // The two seats' searches are independent (a re-solve reads only its own player's strategy and
    // chance; the opponent is represented by its root values), so they run side by side, each on its
    // own copy of the policy; each copy then contributes its own player's slots.
    let run_seat = |seat: usize| -> (Vec<f64>, SearchStats) {
        let mut probabilities = blueprint.probabilities().to_vec();
        let mut stats = SearchStats::default();
        for level in &public_tree.levels {
            let results: Vec<_> = level
                .par_iter()
                .filter(|point| point.player == seat)
                .map(|point| match &leaves {
                    None if mode == SearchMode::Unsafe => {
                        resolve_unsafe(tree, &probabilities, &point.roots, seat, iterations)
                    }
                    None => resolve(tree, &probabilities, &point.roots, seat, iterations),
                    Some(leaves) => resolve_depth_limited(
                        tree,
                        &probabilities,
                        &point.roots,
                        seat,
                        iterations,
                        leaves,
                    ),
                })
                .collect();
            let largest = results
                .iter()
                .filter(|result| result.outcome != ResolveOutcome::Unreachable)
                .map(|result| (result.gadget_nodes * iterations) as u64)
                .max()
                .unwrap_or(0);
            stats.span_node_iterations += largest;
            for result in results {
                match result.outcome {
                    ResolveOutcome::Unreachable => continue,
                    ResolveOutcome::Improved => stats.improved += 1,
                    ResolveOutcome::KeptCurrent => stats.kept_current += 1,
                }
                stats.resolves += 1;
                stats.node_iterations += (result.gadget_nodes * iterations) as u64;
                for (slot, probability) in result.writes {
                    probabilities[slot as usize] = probability;
                }
            }
        }
        (probabilities, stats)
    };
    let ((seat0, stats0), (seat1, stats1)) = rayon::join(|| run_seat(0), || run_seat(1));
    for (seat, (copy, seat_stats)) in [(seat0, stats0), (seat1, stats1)].into_iter().enumerate() {
        for infoset in tree.infosets_of(seat) {
            let slots = tree.slots(ponder_games::InfoSetId(infoset as u32));
            probabilities[slots.clone()].copy_from_slice(&copy[slots]);
        }
        stats.resolves += seat_stats.resolves;
        stats.improved += seat_stats.improved;
        stats.kept_current += seat_stats.kept_current;
        stats.node_iterations += seat_stats.node_iterations;
        stats.span_node_iterations = stats
            .span_node_iterations
            .max(seat_stats.span_node_iterations);
    }
    (Policy::from_probabilities(probabilities), stats)
}
