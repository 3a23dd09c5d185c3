//! Full-tree CFR variants as flat passes over the compiled tree: a forward pass writing one player's
//! reach probabilities in breadth-first order (only for the player whose strategy changed), and a
//! backward pass, level by level from the deepest, computing values and accumulating regrets and
//! average-policy weights at the traverser's nodes. No recursion, allocation or hashing inside an
//! iteration. Arithmetic order follows OpenSpiel's recursive implementation operation by operation, so
//! the iterates agree to the last bit or nearly (CFR dynamics amplify any rounding difference).

use std::ops::Range;

use ponder_games::{CompiledTree, InfoSetId, NodeId};

use crate::vector_form::VectorForm;
use crate::{Policy, Solver};

/// Which member of the CFR family [`CfrSolver`] runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CfrVariant {
    /// Regret matching, uniform averaging.
    Vanilla,
    /// Regret matching+ (negative cumulative regrets clipped after each update), linear averaging.
    Plus,
    /// Discounted CFR: after each update, positive regrets times t^α/(t^α+1), negative times
    /// t^β/(t^β+1); averaging weight t^γ.
    Discounted {
        /// Positive-regret discount exponent.
        alpha: f64,
        /// Negative-regret discount exponent.
        beta: f64,
        /// Averaging weight exponent.
        gamma: f64,
    },
    /// Predictive CFR+: RM+ on cumulative regrets, strategy from [R + last instantaneous regret]^+,
    /// quadratic averaging (weight t²).
    PredictivePlus,
}

/// One internal (non-terminal) node as the hot loops read it.
#[derive(Debug, Clone, Copy)]
struct Internal {
    node: u32,
    first_child: u32,
    /// Offset into the probability buffer: the infoset's first slot for decisions, or
    /// `num_slots + first_child` for chance nodes (whose edge probabilities are appended).
    probability_offset: u32,
    count: u16,
    /// Acting player, or [`ponder_games::CHANCE_CODE`].
    code: u8,
}

/// CFR, CFR+, linear/discounted CFR and predictive CFR+ on a compiled tree.
pub struct CfrSolver<'t> {
    tree: &'t CompiledTree,
    variant: CfrVariant,
    simultaneous: bool,
    iterations: u64,
    internal: Vec<Internal>,
    /// `internal[levels[d].clone()]` are the internal nodes at depth `d` (ids grow with depth).
    levels: Vec<Range<usize>>,
    /// Current strategy per slot, followed by every node's chance edge probability.
    probabilities: Vec<f64>,
    regret: Vec<f64>,
    /// Last iteration's instantaneous regret (predictive CFR+ only).
    instant: Vec<f64>,
    average: Vec<f64>,
    /// Per player, then chance: that one's own contribution to each node's reach probability. Kept
    /// separate because OpenSpiel multiplies them in index order for the counterfactual reach (the
    /// rounding must agree), and because only the component of a player whose strategy changed needs
    /// recomputing.
    reach: Vec<Vec<f64>>,
    /// Whether a player's reach component predates its latest strategy.
    stale: Vec<bool>,
    /// Per player, per node: the value for that player; terminal entries hold the payoffs.
    values: Vec<Vec<f64>>,
    /// Only when some information set spans several depths: each player's decision nodes in
    /// depth-first order, the order of OpenSpiel's recursion, in which regrets and averages must be
    /// accumulated so that sums over an information set's nodes round identically. `None` when every
    /// set lies at one depth: breadth-first order within a level then already is depth-first order.
    update_order: Option<Vec<Vec<Internal>>>,
    /// Two-thread split of the tree below a cut level (see [`Split`]), when built and usable.
    split: Option<Split>,
    /// Worker threads for the passes: 1 (default) or 2 (uses `split`).
    threads: usize,
    /// The public-tree vector form, when the game's structure allows it (deal first, then one
    /// public tree); used instead of the node-by-node passes on one thread.
    vector: Option<VectorForm>,
}

impl<'t> CfrSolver<'t> {
    /// A solver starting from the uniform policy.
    pub fn new(tree: &'t CompiledTree, variant: CfrVariant, simultaneous: bool) -> Self {
        let num_slots = tree.num_slots();
        let players = tree.num_players();
        let codes = tree.node_codes();
        let first_children = tree.first_children();
        let counts = tree.child_counts();
        let infosets = tree.node_infosets();
        let first_slots = tree.infoset_first_slots();
        let mut internal = Vec::new();
        let mut levels: Vec<Range<usize>> = Vec::new();
        for node in 0..tree.num_nodes() {
            let code = codes[node];
            if code == ponder_games::TERMINAL_CODE {
                continue;
            }
            let depth = tree.depth(NodeId(node as u32));
            while levels.len() <= depth {
                levels.push(internal.len()..internal.len());
            }
            levels[depth].end = internal.len() + 1;
            let probability_offset = if code == ponder_games::CHANCE_CODE {
                num_slots as u32 + first_children[node]
            } else {
                first_slots[infosets[node] as usize]
            };
            internal.push(Internal {
                node: node as u32,
                first_child: first_children[node],
                probability_offset,
                count: counts[node] as u16,
                code,
            });
        }
        let single_depth = (0..tree.num_infosets()).all(|infoset| {
            let nodes = tree.infoset_nodes(InfoSetId(infoset as u32));
            nodes
                .iter()
                .all(|&node| tree.depth(node) == tree.depth(nodes[0]))
        });
        let update_order = (!single_depth).then(|| depth_first_order(&internal, players));
        let mut probabilities = vec![0.0; num_slots];
        for infoset in 0..tree.num_infosets() {
            let slots = tree.slots(InfoSetId(infoset as u32));
            let uniform = 1.0 / slots.len() as f64;
            probabilities[slots].fill(uniform);
        }
        probabilities.extend_from_slice(tree.edge_probabilities());
        let values = (0..players)
            .map(|player| {
                let mut values = vec![0.0; tree.num_nodes()];
                for (node, &code) in codes.iter().enumerate() {
                    if code == ponder_games::TERMINAL_CODE {
                        values[node] = tree.returns(NodeId(node as u32))[player];
                    }
                }
                values
            })
            .collect();
        check_ranges(&internal, tree.num_nodes(), num_slots, probabilities.len());
        let mut solver = Self {
            tree,
            variant,
            simultaneous,
            iterations: 0,
            internal,
            levels,
            probabilities,
            regret: vec![0.0; num_slots],
            instant: if variant == CfrVariant::PredictivePlus {
                vec![0.0; num_slots]
            } else {
                Vec::new()
            },
            average: vec![0.0; num_slots],
            reach: vec![vec![0.0; tree.num_nodes()]; players + 1],
            stale: vec![true; players],
            values,
            update_order,
            split: None,
            threads: 1,
            vector: VectorForm::build(tree),
        };
        // Chance probabilities never change: their component is computed once.
        solver.forward(players);
        solver
    }

    /// The compiled tree this solver runs on.
    pub fn tree(&self) -> &'t CompiledTree {
        self.tree
    }

    /// Runs the forward and backward passes on up to `threads` threads (1 by default). With 2, the
    /// subtrees below the first wide level are split into two groups such that no information set of
    /// the traverser spans both groups, so every regret and average sum is still accumulated by one
    /// thread in ascending node order: the iterates are bit-identical to the single-threaded ones.
    /// Falls back to one thread when the tree has no such split (information sets spanning depths).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
        if self.threads > 1 {
            if let Some(vector) = self.vector.as_mut() {
                vector.enable_two_threads();
            }
        }
        if self.threads > 1 && self.split.is_none() && self.update_order.is_none() {
            self.split = Split::build(self.tree, &self.internal, &self.levels);
        }
    }

    /// Threads the passes actually use (1 when no split was possible).
    pub fn threads(&self) -> usize {
        if let Some(vector) = &self.vector {
            return if self.threads > 1 && vector.two_threads() {
                2
            } else {
                1
            };
        }
        if self.threads > 1 && self.split.is_some() {
            2
        } else {
            1
        }
    }

    /// Cumulative regrets per slot (after the variant's clipping or discounting).
    pub fn cumulative_regrets(&self) -> &[f64] {
        &self.regret
    }

    /// Cumulative average-policy weights per slot (what [`Solver::average_policy`] normalises), so a
    /// caller can tell information sets never reached (zero total) from uniformly played ones.
    pub fn average_weights(&self) -> &[f64] {
        &self.average
    }

    /// Whether iterations run on the public-tree vector form (bit-identical iterates, faster).
    pub fn uses_vector_form(&self) -> bool {
        self.vector.is_some()
    }

    /// One traversal for `player` on the vector form (which must exist).
    fn traverse_vector(&mut self, player: usize, weight: f64) {
        let weight_last = matches!(self.variant, CfrVariant::Discounted { .. });
        let parallel = self.threads() > 1;
        let target = if self.variant == CfrVariant::PredictivePlus {
            &mut self.instant
        } else {
            &mut self.regret
        };
        if let Some(vector) = self.vector.as_mut() {
            vector.traverse(
                player,
                &self.probabilities,
                target,
                &mut self.average,
                weight,
                weight_last,
                parallel,
            );
        }
    }

    fn averaging_weight(&self) -> f64 {
        let t = self.iterations as f64;
        match self.variant {
            CfrVariant::Vanilla => 1.0,
            CfrVariant::Plus => t,
            CfrVariant::Discounted { gamma, .. } => t.powf(gamma),
            CfrVariant::PredictivePlus => t * t,
        }
    }

    /// Recomputes the reach components of players whose strategy changed since they were computed.
    fn refresh_reach(&mut self) {
        for player in 0..self.tree.num_players() {
            if self.stale[player] {
                self.forward(player);
                self.stale[player] = false;
            }
        }
    }

    /// Forward pass for one reach component (a player, or chance = `players`), parents before children.
    fn forward(&mut self, component: usize) {
        if self.threads > 1 {
            if let Some(split) = &self.split {
                let reach = &mut self.reach[component][..];
                reach[0] = 1.0;
                let shared = SharedMut(reach.as_mut_ptr());
                let chance = self.tree.num_players();
                let probabilities = &self.probabilities[..];
                let internal = &self.internal[..];
                let top = &internal[..self.levels[split.cut].start];
                // SAFETY: ranges checked in `new`; the top part runs alone, before the two groups.
                unsafe { forward_entries(top, component, chance, probabilities, shared) };
                let [first, second] = &split.forward;
                rayon::join(
                    // SAFETY: ranges checked in `new`; the two groups write disjoint subtrees' children.
                    || unsafe {
                        forward_group(internal, first, component, chance, probabilities, shared)
                    },
                    // SAFETY: as for the first group.
                    || unsafe {
                        forward_group(internal, second, component, chance, probabilities, shared)
                    },
                );
                return;
            }
        }
        let chance = self.tree.num_players();
        let probabilities = &self.probabilities[..];
        let reach = &mut self.reach[component][..];
        reach[0] = 1.0;
        for internal in &self.internal {
            let first = internal.first_child as usize;
            let count = internal.count as usize;
            let offset = internal.probability_offset as usize;
            // SAFETY: `new` checked every node, child range and probability range against the
            // array lengths (`check_ranges`), and these arrays never change length.
            unsafe {
                let parent = *reach.get_unchecked(internal.node as usize);
                let children = reach.get_unchecked_mut(first..first + count);
                let actor = if internal.code == ponder_games::CHANCE_CODE {
                    chance
                } else {
                    internal.code as usize
                };
                if actor == component {
                    let action_probabilities = probabilities.get_unchecked(offset..offset + count);
                    for (child, &probability) in children.iter_mut().zip(action_probabilities) {
                        *child = parent * probability;
                    }
                } else {
                    children.fill(parent);
                }
            }
        }
    }

    /// Backward pass for `player`: node values children-first, then regrets (into the variant's
    /// target) and average-policy weights at `player`'s nodes, in OpenSpiel's accumulation order.
    fn backward(&mut self, player: u8, weight: f64) {
        match self.tree.num_players() {
            2 => self.backward_with::<3>(player, weight),
            3 => self.backward_with::<4>(player, weight),
            4 => self.backward_with::<5>(player, weight),
            5 => self.backward_with::<6>(player, weight),
            players => unreachable!("{players} players: the compiler builds 2..=5"),
        }
    }

    fn backward_with<const S: usize>(&mut self, player: u8, weight: f64) {
        let me = player as usize;
        let mut update = Update::<S> {
            me,
            weight,
            // OpenSpiel's C++ CFR/CFR+ weight as (t * reach) * p, its Python DCFR/LCFR as (reach * p) * t^γ.
            weight_last: matches!(self.variant, CfrVariant::Discounted { .. }),
            probabilities: &self.probabilities,
            reach: std::array::from_fn(|component| &self.reach[component][..]),
            regret: if self.variant == CfrVariant::PredictivePlus {
                &mut self.instant
            } else {
                &mut self.regret
            },
            average: &mut self.average,
        };
        if self.threads > 1 {
            if let Some(groups) = self
                .split
                .as_ref()
                .and_then(|split| split.backward[me].as_ref())
            {
                let cut = self.split.as_ref().map_or(0, |split| split.cut);
                let values = &mut self.values[me];
                let raw = RawUpdate::<S> {
                    me,
                    weight: update.weight,
                    weight_last: update.weight_last,
                    probabilities: update.probabilities,
                    reach: update.reach,
                    values: SharedMut(values.as_mut_ptr()),
                    regret: SharedMut(update.regret.as_mut_ptr()),
                    average: SharedMut(update.average.as_mut_ptr()),
                };
                let internal = &self.internal[..];
                let [first, second] = groups;
                // SAFETY: the groups hold disjoint subtrees (disjoint nodes) and, by construction of
                // the split, disjoint sets of the traverser's information sets (disjoint slots).
                rayon::join(
                    || unsafe { raw.group(internal, first, player) },
                    || unsafe { raw.group(internal, second, player) },
                );
                for level in self.levels[..cut].iter().rev() {
                    for internal in &self.internal[level.clone()] {
                        let value = node_value(internal, values, update.probabilities);
                        // SAFETY: node ids checked in `new` (`check_ranges`).
                        unsafe { *values.get_unchecked_mut(internal.node as usize) = value };
                        if internal.code == player {
                            update.apply(internal, values, value);
                        }
                    }
                }
                return;
            }
        }
        let values = &mut self.values[me];
        match &self.update_order {
            None => {
                // Deepest level first; within a level, ascending ids = depth-first order.
                for level in self.levels.iter().rev() {
                    for internal in &self.internal[level.clone()] {
                        let value = node_value(internal, values, update.probabilities);
                        // SAFETY: node ids checked in `new` (`check_ranges`).
                        unsafe { *values.get_unchecked_mut(internal.node as usize) = value };
                        if internal.code == player {
                            update.apply(internal, values, value);
                        }
                    }
                }
            }
            Some(order) => {
                for internal in self.internal.iter().rev() {
                    let value = node_value(internal, values, update.probabilities);
                    values[internal.node as usize] = value;
                }
                for internal in &order[me] {
                    update.apply(internal, values, values[internal.node as usize]);
                }
            }
        }
    }

    /// Applies the variant's regret post-processing for `player`'s slots after its traversal.
    fn post_process(&mut self, player: usize) {
        let range = self.tree.infosets_of(player);
        if range.is_empty() {
            return;
        }
        let first_slots = self.tree.infoset_first_slots();
        let slots = first_slots[range.start] as usize..first_slots[range.end] as usize;
        let t = self.iterations as f64;
        match self.variant {
            CfrVariant::Vanilla => {}
            CfrVariant::Plus => {
                // A select, not a branch: regret signs are unpredictable.
                for regret in &mut self.regret[slots] {
                    *regret = if *regret < 0.0 { 0.0 } else { *regret };
                }
            }
            CfrVariant::Discounted { alpha, beta, .. } => {
                let positive = t.powf(alpha) / (t.powf(alpha) + 1.0);
                let negative = t.powf(beta) / (t.powf(beta) + 1.0);
                for regret in &mut self.regret[slots] {
                    *regret *= if *regret >= 0.0 { positive } else { negative };
                }
            }
            CfrVariant::PredictivePlus => {
                for (regret, instant) in self.regret[slots.clone()]
                    .iter_mut()
                    .zip(&self.instant[slots])
                {
                    *regret = (*regret + instant).max(0.0);
                }
            }
        }
    }

    /// Recomputes `player`'s current strategy from the regrets (regret matching).
    fn regret_match(&mut self, player: usize) {
        self.stale[player] = true;
        let first_slots = self.tree.infoset_first_slots();
        let predictive = self.variant == CfrVariant::PredictivePlus;
        for infoset in self.tree.infosets_of(player) {
            let slots = first_slots[infoset] as usize..first_slots[infoset + 1] as usize;
            let strategy = &mut self.probabilities[slots.clone()];
            let regrets = &self.regret[slots.clone()];
            if predictive {
                let instant = &mut self.instant[slots];
                for ((probability, regret), prediction) in
                    strategy.iter_mut().zip(regrets).zip(instant.iter())
                {
                    *probability = (regret + prediction).max(0.0);
                }
                instant.fill(0.0);
            } else {
                for (probability, regret) in strategy.iter_mut().zip(regrets) {
                    *probability = regret.max(0.0);
                }
            }
            let total: f64 = strategy.iter().sum();
            // Selects rather than branches (whether a set has positive regret is unpredictable);
            // the quotient is discarded when `total` is 0.
            let positive = total > 0.0;
            let uniform = 1.0 / strategy.len() as f64;
            for probability in strategy.iter_mut() {
                let quotient = *probability / total;
                *probability = if positive { quotient } else { uniform };
            }
        }
    }
}

impl Solver for CfrSolver<'_> {
    fn iterate(&mut self) {
        self.iterations += 1;
        let weight = self.averaging_weight();
        let players = self.tree.num_players();
        if self.uses_vector_form() {
            if self.simultaneous {
                for player in 0..players {
                    self.traverse_vector(player, weight);
                }
                for player in 0..players {
                    self.post_process(player);
                    self.regret_match(player);
                }
            } else {
                for player in 0..players {
                    self.traverse_vector(player, weight);
                    self.post_process(player);
                    self.regret_match(player);
                }
            }
            return;
        }
        if self.simultaneous {
            self.refresh_reach();
            for player in 0..players {
                self.backward(player as u8, weight);
            }
            for player in 0..players {
                self.post_process(player);
                self.regret_match(player);
            }
        } else {
            for player in 0..players {
                self.refresh_reach();
                self.backward(player as u8, weight);
                self.post_process(player);
                self.regret_match(player);
            }
        }
    }

    fn iterations(&self) -> u64 {
        self.iterations
    }

    fn average_policy(&self) -> Policy {
        Policy::normalized(self.tree, &self.average)
    }

    fn current_policy(&self) -> Policy {
        Policy::from_probabilities(self.probabilities[..self.tree.num_slots()].to_vec())
    }
}

/// Value of an internal node from its children's, summed in action order as OpenSpiel does.
#[inline(always)]
fn node_value(internal: &Internal, values: &[f64], probabilities: &[f64]) -> f64 {
    let first = internal.first_child as usize;
    let count = internal.count as usize;
    let offset = internal.probability_offset as usize;
    // SAFETY: ranges checked against these arrays' lengths in `CfrSolver::new` (`check_ranges`).
    let (child_values, action_probabilities) = unsafe {
        (
            values.get_unchecked(first..first + count),
            probabilities.get_unchecked(offset..offset + count),
        )
    };
    let mut value = 0.0;
    for (child_value, probability) in child_values.iter().zip(action_probabilities) {
        value += probability * child_value;
    }
    value
}

/// What the regret and average update at the traverser's nodes reads and writes.
struct Update<'a, const S: usize> {
    me: usize,
    weight: f64,
    weight_last: bool,
    probabilities: &'a [f64],
    reach: [&'a [f64]; S],
    regret: &'a mut [f64],
    average: &'a mut [f64],
}

impl<const S: usize> Update<'_, S> {
    #[inline(always)]
    fn apply(&mut self, internal: &Internal, values: &[f64], value: f64) {
        let node = internal.node as usize;
        let first = internal.first_child as usize;
        let count = internal.count as usize;
        let offset = internal.probability_offset as usize;
        // SAFETY: node, child and slot ranges checked in `CfrSolver::new` (`check_ranges`); the reach
        // components and values have one entry per node, regrets and averages one per slot, and a
        // decision node's probability range is its information set's slot range.
        unsafe {
            let mut others = 1.0;
            for (component, reach) in self.reach.iter().enumerate() {
                if component != self.me {
                    others *= *reach.get_unchecked(node);
                }
            }
            let own = *self.reach.get_unchecked(self.me).get_unchecked(node);
            let child_values = values.get_unchecked(first..first + count);
            let regrets = self.regret.get_unchecked_mut(offset..offset + count);
            for (regret, child_value) in regrets.iter_mut().zip(child_values) {
                *regret += others * (child_value - value);
            }
            let action_probabilities = self.probabilities.get_unchecked(offset..offset + count);
            let averages = self.average.get_unchecked_mut(offset..offset + count);
            if self.weight_last {
                for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                    *sum += own * probability * self.weight;
                }
            } else {
                let weighted_own = self.weight * own;
                for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                    *sum += weighted_own * probability;
                }
            }
        }
    }
}

/// A raw pointer shared by the two threads of a split pass, which touch disjoint elements.
#[derive(Clone, Copy)]
struct SharedMut(*mut f64);

// SAFETY: only used by the split passes, whose two threads write disjoint index sets.
unsafe impl Send for SharedMut {}
// SAFETY: as above.
unsafe impl Sync for SharedMut {}

/// One subtree below the cut: per level from the cut down, its internal entries' index range.
type Subtree = Vec<Range<usize>>;

/// How the tree below a cut level is shared between two threads.
struct Split {
    /// Level index of the subtree roots; levels above are processed by one thread.
    cut: usize,
    /// Two groups of subtrees for the forward pass (any partition works there).
    forward: [Vec<Subtree>; 2],
    /// Per traverser: two groups of subtrees, ascending, such that no information set of that
    /// player has nodes in both; `None` when no balanced split exists for that player.
    backward: Vec<Option<[Vec<Subtree>; 2]>>,
}

impl Split {
    fn build(tree: &CompiledTree, internal: &[Internal], levels: &[Range<usize>]) -> Option<Self> {
        let cut = levels.iter().position(|level| level.len() >= 16)?;
        let mut owner = vec![u32::MAX; tree.num_nodes()];
        for (subtree, entry) in internal[levels[cut].clone()].iter().enumerate() {
            owner[entry.node as usize] = subtree as u32;
        }
        let count = levels[cut].len();
        let mut subtrees: Vec<Subtree> = vec![Vec::new(); count];
        for level in &levels[cut..] {
            let mut previous = 0u32;
            for index in level.clone() {
                let entry = internal[index];
                let subtree = owner[entry.node as usize];
                // Every internal node below the cut descends from one root, and BFS order keeps
                // each root's descendants at a level contiguous and in root order.
                if subtree == u32::MAX || subtree < previous {
                    return None;
                }
                previous = subtree;
                let ranges = &mut subtrees[subtree as usize];
                let depth = level_index(levels, index) - cut;
                while ranges.len() <= depth {
                    ranges.push(index..index);
                }
                if ranges[depth].is_empty() {
                    ranges[depth] = index..index + 1;
                } else if ranges[depth].end == index {
                    ranges[depth].end = index + 1;
                } else {
                    return None;
                }
                for child in entry.first_child..entry.first_child + entry.count as u32 {
                    owner[child as usize] = subtree;
                }
            }
        }
        let sizes: Vec<usize> = subtrees
            .iter()
            .map(|ranges| ranges.iter().map(|range| range.len()).sum())
            .collect();
        let total: usize = sizes.iter().sum();
        let mut forward = [Vec::new(), Vec::new()];
        let mut running = 0;
        for (subtree, ranges) in subtrees.iter().enumerate() {
            let group = usize::from(running * 2 >= total);
            running += sizes[subtree];
            forward[group].push(ranges.clone());
        }
        let infosets = tree.node_infosets();
        let backward = (0..tree.num_players())
            .map(|player| {
                // Union subtrees that share one of `player`'s information sets.
                let mut parent: Vec<usize> = (0..count).collect();
                fn find(parent: &mut [usize], mut x: usize) -> usize {
                    while parent[x] != x {
                        parent[x] = parent[parent[x]];
                        x = parent[x];
                    }
                    x
                }
                let mut first_seen = vec![usize::MAX; tree.num_infosets()];
                for (subtree, ranges) in subtrees.iter().enumerate() {
                    for range in ranges {
                        for entry in &internal[range.clone()] {
                            if entry.code as usize != player {
                                continue;
                            }
                            let infoset = infosets[entry.node as usize] as usize;
                            if first_seen[infoset] == usize::MAX {
                                first_seen[infoset] = subtree;
                            } else {
                                let a = find(&mut parent, first_seen[infoset]);
                                let b = find(&mut parent, subtree);
                                parent[a.max(b)] = a.min(b);
                            }
                        }
                    }
                }
                let mut component_size = vec![0usize; count];
                for (subtree, &size) in sizes.iter().enumerate() {
                    let root = find(&mut parent, subtree);
                    component_size[root] += size;
                }
                // Greedy: largest components first, each to the lighter group.
                let mut roots: Vec<usize> = (0..count)
                    .filter(|&subtree| find(&mut parent, subtree) == subtree)
                    .collect();
                roots.sort_by_key(|&root| std::cmp::Reverse(component_size[root]));
                let mut group_of = vec![0usize; count];
                let mut load = [0usize; 2];
                for root in roots {
                    let group = usize::from(load[1] < load[0]);
                    load[group] += component_size[root];
                    group_of[root] = group;
                }
                if load[0].min(load[1]) * 4 < total {
                    return None;
                }
                let mut groups = [Vec::new(), Vec::new()];
                for (subtree, ranges) in subtrees.iter().enumerate() {
                    let root = find(&mut parent, subtree);
                    groups[group_of[root]].push(ranges.clone());
                }
                Some(groups)
            })
            .collect();
        Some(Self {
            cut,
            forward,
            backward,
        })
    }
}

/// The level holding internal entry `index`.
fn level_index(levels: &[Range<usize>], index: usize) -> usize {
    levels.partition_point(|level| level.end <= index)
}

/// Forward pass over `entries` for one reach component through a shared pointer.
///
/// # Safety
/// Ranges checked by `check_ranges`; no other thread touches these entries' children.
unsafe fn forward_entries(
    entries: &[Internal],
    component: usize,
    chance: usize,
    probabilities: &[f64],
    reach: SharedMut,
) {
    let reach = reach.0;
    for internal in entries {
        let first = internal.first_child as usize;
        let count = internal.count as usize;
        let offset = internal.probability_offset as usize;
        // SAFETY: the caller's ranges (checked by `check_ranges`) keep every node id inside `reach`;
        // the parent's slot was written before this entry (parents come first) and is only read here.
        let parent = unsafe { *reach.add(internal.node as usize) };
        // SAFETY: this node's children, inside `reach` as above, are written by this thread only and
        // never include the parent's slot.
        let children = unsafe { std::slice::from_raw_parts_mut(reach.add(first), count) };
        let actor = if internal.code == ponder_games::CHANCE_CODE {
            chance
        } else {
            internal.code as usize
        };
        if actor == component {
            // SAFETY: `check_ranges` checked every entry's slot range against `probabilities`.
            let action_probabilities =
                unsafe { probabilities.get_unchecked(offset..offset + count) };
            for (child, &probability) in children.iter_mut().zip(action_probabilities) {
                *child = parent * probability;
            }
        } else {
            children.fill(parent);
        }
    }
}

/// Forward pass over a group of subtrees, parents before children.
///
/// # Safety
/// As [`forward_entries`].
unsafe fn forward_group(
    internal: &[Internal],
    group: &[Subtree],
    component: usize,
    chance: usize,
    probabilities: &[f64],
    reach: SharedMut,
) {
    for subtree in group {
        for range in subtree {
            // SAFETY: the group's ranges were checked against `internal` by `check_ranges`, and the
            // caller's contract is `forward_entries`'s.
            unsafe {
                forward_entries(
                    internal.get_unchecked(range.clone()),
                    component,
                    chance,
                    probabilities,
                    reach,
                );
            }
        }
    }
}

/// [`Update`] through shared pointers, for the split backward pass.
struct RawUpdate<'a, const S: usize> {
    me: usize,
    weight: f64,
    weight_last: bool,
    probabilities: &'a [f64],
    reach: [&'a [f64]; S],
    values: SharedMut,
    regret: SharedMut,
    average: SharedMut,
}

// SAFETY: the pointers are only dereferenced on disjoint index sets by the two threads.
unsafe impl<const S: usize> Sync for RawUpdate<'_, S> {}

impl<const S: usize> RawUpdate<'_, S> {
    /// Backward pass over a group of subtrees, each deepest level first, subtrees in ascending order
    /// (so a shared information set's nodes are accumulated in ascending node order, as serially).
    ///
    /// # Safety
    /// Ranges checked by `check_ranges`; the other thread's group shares no node and no slot.
    unsafe fn group(&self, internal: &[Internal], group: &[Subtree], player: u8) {
        let values = self.values.0;
        for subtree in group {
            for range in subtree.iter().rev() {
                // SAFETY: the group's ranges were checked against `internal` by `check_ranges`.
                for entry in unsafe { internal.get_unchecked(range.clone()) } {
                    let first = entry.first_child as usize;
                    let count = entry.count as usize;
                    let offset = entry.probability_offset as usize;
                    // Short-lived views of this node's children and slots: only this thread
                    // touches them, and they never overlap the node's own value slot.
                    // SAFETY: node ids and slot ranges were checked by `check_ranges`; this thread
                    // alone touches this node's children (written in a deeper level, already done).
                    let child_values =
                        unsafe { std::slice::from_raw_parts(values.add(first), count) };
                    // SAFETY: slot range checked by `check_ranges`.
                    let action_probabilities =
                        unsafe { self.probabilities.get_unchecked(offset..offset + count) };
                    let mut value = 0.0;
                    for (child_value, probability) in child_values.iter().zip(action_probabilities)
                    {
                        value += probability * child_value;
                    }
                    let node = entry.node as usize;
                    // SAFETY: the node id is inside `values`; only this thread writes this slot, and
                    // no view of it is alive (the children's view excludes it).
                    unsafe { *values.add(node) = value };
                    if entry.code != player {
                        continue;
                    }
                    let mut others = 1.0;
                    for (component, reach) in self.reach.iter().enumerate() {
                        if component != self.me {
                            // SAFETY: every reach vector has one entry per node.
                            others *= unsafe { *reach.get_unchecked(node) };
                        }
                    }
                    // SAFETY: `me` indexes a reach component and every component has one entry per node.
                    let own = unsafe { *self.reach.get_unchecked(self.me).get_unchecked(node) };
                    // SAFETY: the slot range is inside the regrets (`check_ranges`), and the other
                    // thread's group holds none of this player's information sets, hence no slot here.
                    let regrets =
                        unsafe { std::slice::from_raw_parts_mut(self.regret.0.add(offset), count) };
                    for (regret, child_value) in regrets.iter_mut().zip(child_values) {
                        *regret += others * (child_value - value);
                    }
                    // SAFETY: as for the regrets, on the averages (same slot layout).
                    let averages = unsafe {
                        std::slice::from_raw_parts_mut(self.average.0.add(offset), count)
                    };
                    if self.weight_last {
                        for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                            *sum += own * probability * self.weight;
                        }
                    } else {
                        let weighted_own = self.weight * own;
                        for (sum, &probability) in averages.iter_mut().zip(action_probabilities) {
                            *sum += weighted_own * probability;
                        }
                    }
                }
            }
        }
    }
}

/// Each player's decision nodes in depth-first (OpenSpiel recursion) order.
fn depth_first_order(internal: &[Internal], players: usize) -> Vec<Vec<Internal>> {
    let mut by_node = vec![u32::MAX; internal.last().map_or(0, |last| last.node as usize + 1)];
    for (index, entry) in internal.iter().enumerate() {
        by_node[entry.node as usize] = index as u32;
    }
    let mut order = vec![Vec::new(); players];
    let mut stack = vec![0u32];
    while let Some(node) = stack.pop() {
        let index = by_node.get(node as usize).copied().unwrap_or(u32::MAX);
        if index == u32::MAX {
            continue;
        }
        let entry = internal[index as usize];
        if entry.code != ponder_games::CHANCE_CODE {
            order[entry.code as usize].push(entry);
        }
        for child in (entry.first_child..entry.first_child + entry.count as u32).rev() {
            stack.push(child);
        }
    }
    order
}

/// Checks every range the hot loops index without bounds checks; a failure is a compiler bug.
fn check_ranges(
    internal: &[Internal],
    num_nodes: usize,
    num_slots: usize,
    num_probabilities: usize,
) {
    for entry in internal {
        if entry.code != ponder_games::CHANCE_CODE {
            assert!(
                entry.probability_offset as usize + entry.count as usize <= num_slots,
                "slot range out of range"
            );
        }
        assert!((entry.node as usize) < num_nodes, "node id out of range");
        assert!(
            entry.first_child as usize + entry.count as usize <= num_nodes,
            "child range out of range"
        );
        assert!(
            entry.probability_offset as usize + entry.count as usize <= num_probabilities,
            "probability range out of range"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The depth-first fallback (for information sets spanning several depths) must give exactly the
    /// iterates of the level-by-level pass on games where both apply.
    #[test]
    fn depth_first_fallback_matches_the_level_pass() {
        for game in ["leduc_poker", "kuhn_poker(players=3)"] {
            let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
            for variant in [
                CfrVariant::Vanilla,
                CfrVariant::Plus,
                CfrVariant::PredictivePlus,
            ] {
                let mut levels = CfrSolver::new(&tree, variant, false);
                let mut fallback = CfrSolver::new(&tree, variant, false);
                assert!(fallback.update_order.is_none());
                fallback.update_order =
                    Some(depth_first_order(&fallback.internal, tree.num_players()));
                for _ in 0..50 {
                    levels.iterate();
                    fallback.iterate();
                }
                assert_eq!(levels.regret, fallback.regret, "{game} {variant:?}");
                assert_eq!(levels.average, fallback.average, "{game} {variant:?}");
            }
        }
    }

    /// The two-thread split must give bit-identical iterates to one thread, for every variant.
    #[test]
    fn two_threads_match_one_thread_bit_for_bit() {
        for game in [
            "leduc_poker",
            "liars_dice",
            "kuhn_poker(players=3)",
            "kuhn_poker",
        ] {
            let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
            for variant in [
                CfrVariant::Vanilla,
                CfrVariant::Plus,
                CfrVariant::Discounted {
                    alpha: 1.5,
                    beta: 0.0,
                    gamma: 2.0,
                },
                CfrVariant::PredictivePlus,
            ] {
                for (simultaneous, vector) in
                    [(false, true), (true, true), (false, false), (true, false)]
                {
                    let mut one = CfrSolver::new(&tree, variant, simultaneous);
                    let mut two = CfrSolver::new(&tree, variant, simultaneous);
                    if !vector {
                        one.vector = None;
                        two.vector = None;
                    }
                    two.set_threads(2);
                    // Scalar split: below the first level of 16 internal nodes (none in Kuhn);
                    // vector form: the root's public children (liar's dice and Kuhn).
                    if game == "leduc_poker" || game == "liars_dice" {
                        assert_eq!(two.threads(), 2, "{game}");
                        let split = two.split.as_ref().unwrap();
                        assert!(split.backward.iter().all(Option::is_some), "{game}");
                    }
                    if game == "kuhn_poker" && vector {
                        assert_eq!(two.threads(), 2, "{game}");
                    }
                    assert_eq!(
                        two.uses_vector_form(),
                        vector && game != "leduc_poker" && game != "kuhn_poker(players=3)",
                        "{game}"
                    );
                    for _ in 0..5 {
                        one.iterate();
                        two.iterate();
                    }
                    assert_eq!(one.regret, two.regret, "{game} {variant:?}");
                    assert_eq!(one.average, two.average, "{game} {variant:?}");
                    assert_eq!(one.probabilities, two.probabilities, "{game} {variant:?}");
                }
            }
        }
    }

    /// The public-tree vector form must give exactly the node-by-node pass's iterates (regrets,
    /// averages, strategies), for every variant, alternating and simultaneous; games without a
    /// deal-first public tree must not get it.
    #[test]
    fn vector_form_matches_scalar_pass_bit_for_bit() {
        // (game, iterations, whether to force the general kernels off the square-case ones)
        for (game, iterations, general) in [
            ("liars_dice", 30, false),
            ("liars_dice(dice_sides=3)", 200, false),
            ("liars_dice(dice_sides=3)", 200, true),
            ("kuhn_poker", 200, false),
        ] {
            let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
            for variant in [
                CfrVariant::Vanilla,
                CfrVariant::Plus,
                CfrVariant::Discounted {
                    alpha: 1.0,
                    beta: 1.0,
                    gamma: 1.0,
                },
                CfrVariant::Discounted {
                    alpha: 1.5,
                    beta: 0.0,
                    gamma: 2.0,
                },
                CfrVariant::PredictivePlus,
            ] {
                for simultaneous in [false, true] {
                    let mut vector = CfrSolver::new(&tree, variant, simultaneous);
                    assert!(vector.uses_vector_form(), "{game}");
                    let form = vector.vector.as_mut().unwrap();
                    assert_eq!(form.square_size() > 0, game.starts_with("liars"), "{game}");
                    if general {
                        form.disable_square();
                    }
                    let mut scalar = CfrSolver::new(&tree, variant, simultaneous);
                    scalar.vector = None;
                    assert!(!scalar.uses_vector_form());
                    for _ in 0..iterations {
                        vector.iterate();
                        scalar.iterate();
                    }
                    let what = format!("{game} {variant:?} simultaneous={simultaneous}");
                    assert_eq!(vector.regret, scalar.regret, "{what}");
                    assert_eq!(vector.average, scalar.average, "{what}");
                    assert_eq!(vector.probabilities, scalar.probabilities, "{what}");
                    assert_eq!(vector.instant, scalar.instant, "{what}");
                }
            }
        }
        for game in [
            "leduc_poker",
            "kuhn_poker(players=3)",
            "goofspiel(imp_info=True,num_cards=4,points_order=descending,returns_type=win_loss)",
        ] {
            let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
            let solver = CfrSolver::new(&tree, CfrVariant::Plus, false);
            assert!(!solver.uses_vector_form(), "{game}");
        }
    }

    /// Not a test: the vector form's speed against the scalar pass on liar's dice CFR+, in alternating
    /// rounds on this thread's CPU time (less distorted by a shared machine than wall time). Run with
    /// `cargo test --release -p ponder-solver --lib -- --ignored vector_form_speed --nocapture`.
    #[test]
    #[ignore]
    fn vector_form_speed() {
        fn cpu_seconds() -> f64 {
            let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
            let nanoseconds: f64 = text.split_whitespace().next().unwrap().parse().unwrap();
            nanoseconds * 1e-9
        }
        let tree = ponder_games::parse_game("liars_dice")
            .unwrap()
            .compile()
            .unwrap();
        let mut vector = CfrSolver::new(&tree, CfrVariant::Plus, false);
        let mut scalar = CfrSolver::new(&tree, CfrVariant::Plus, false);
        scalar.vector = None;
        for round in 0..6 {
            let start = cpu_seconds();
            for _ in 0..200 {
                vector.iterate();
            }
            let vector_rate = 200.0 / (cpu_seconds() - start);
            let start = cpu_seconds();
            for _ in 0..100 {
                scalar.iterate();
            }
            let scalar_rate = 100.0 / (cpu_seconds() - start);
            eprintln!(
                "round {round}: vector form {vector_rate:.1} it/s, scalar {scalar_rate:.1} it/s, {:.2}x",
                vector_rate / scalar_rate
            );
        }
    }
}
