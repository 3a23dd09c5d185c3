//! Vector form of the full-tree CFR pass, for games whose chance moves all come first (the deal) and
//! whose deals then share one public tree (liar's dice, Kuhn poker): one step per *public* node over
//! unit-stride vectors indexed by deal, instead of one step per node of the full tree.
//!
//! The arithmetic is the scalar pass's, operation by operation, per deal: a node's value is
//! `0 + p₀v₀ + p₁v₁ + …` in action order, a regret gains `others × (child − value)` node by node in
//! ascending node id (= ascending deal: an information set's nodes all lie in one public node), an
//! average sum gains `(t·own)·p` once per node. So the iterates are bit-identical to the scalar pass
//! (`cfr::tests::vector_form_matches_scalar_pass_bit_for_bit`). What changes is the layout: a player's
//! reach and strategy at a public node are one value per *private class* (the die, the card), read
//! into per-deal vectors by a pattern (class = deal / run, or deal % period, or a table), so regret
//! matching and reach stay per information set and the per-deal loops are short dense products.
//!
//! The traversal is depth first over the public tree with per-depth scratch (no allocation): children
//! values live in the parent's scratch block, terminal values are read from deduplicated payoff
//! vectors (liar's dice has 8,190 public terminals but 24 distinct payoff vectors).

use std::collections::HashMap;

use ponder_games::{CompiledTree, CHANCE_CODE, TERMINAL_CODE};

/// How a player's private class is read off a deal index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    /// class = deal / run (the player's private state is dealt first).
    Block(usize),
    /// class = deal % period (dealt last).
    Periodic(usize),
    /// class = `classes[deal]`.
    Table,
}

/// One player's private classes: deals the player cannot tell apart anywhere in the public tree.
#[derive(Debug, Clone)]
struct Private {
    /// Class of each deal.
    classes: Vec<u32>,
    /// Number of classes.
    count: usize,
    /// Number of deals in each class.
    members: Vec<u32>,
    pattern: Pattern,
}

impl Private {
    fn new(classes: Vec<u32>, count: usize) -> Self {
        let deals = classes.len();
        let mut members = vec![0u32; count];
        for &class in &classes {
            members[class as usize] += 1;
        }
        let pattern = if deals % count == 0
            && classes
                .iter()
                .enumerate()
                .all(|(d, &class)| class as usize == d % count)
        {
            Pattern::Periodic(count)
        } else if deals % count == 0
            && classes
                .iter()
                .enumerate()
                .all(|(d, &class)| class as usize == d / (deals / count))
        {
            Pattern::Block(deals / count)
        } else {
            Pattern::Table
        };
        Self {
            classes,
            count,
            members,
            pattern,
        }
    }
}

/// One traverser's deal order: both players' classes and chance's reach, deal by deal.
#[derive(Debug, Clone)]
struct Layout {
    private: [Private; 2],
    /// Chance's reach of each deal (product of the deal's edge probabilities, root first).
    chance: Vec<f64>,
}

/// One node of the public tree.
#[derive(Debug, Clone, Copy)]
struct PublicNode {
    /// Decision: first child's public id (children are consecutive); terminal: payoff vector index.
    link: u32,
    /// Decision: offset in `slot_table` of the acting player's per-class first slots.
    slots: u32,
    count: u16,
    /// Acting player, or [`TERMINAL_CODE`].
    code: u8,
}

/// The public tree of a deal-first two-player game with per-class slot tables and scratch.
#[derive(Debug, Clone)]
pub(crate) struct VectorForm {
    /// N when the deals are N × N with N classes per player in the square layout (traverser
    /// periodic, opponent in blocks; liar's dice with one die of N sides), else 0.
    square: usize,
    deals: usize,
    nodes: Vec<PublicNode>,
    /// Per decision node, per class of the actor: first slot of that class's information set.
    slot_table: Vec<u32>,
    /// Per traverser: the deal order its pass uses, as classes and chance reach.
    layouts: [Layout; 2],
    /// Number of distinct payoff vectors.
    payoffs: usize,
    max_actions: usize,
    max_classes: usize,
    /// Public depths (root = 0).
    depths: usize,
    /// One scratch per thread (the second made by [`VectorForm::enable_two_threads`]).
    scratch: Vec<Scratch>,
    /// Two threads: the root's actions `..split` go to one, `split..` to the other (0: no split).
    split: usize,
}

impl VectorForm {
    /// The vector form of `tree`, or `None` when its structure does not allow it (more or fewer than 2
    /// players, chance after the first decision, deals with different public trees, information sets
    /// spanning public nodes or not determined by one private class per player).
    pub(crate) fn build(tree: &CompiledTree) -> Option<Self> {
        if tree.num_players() != 2 {
            return None;
        }
        let codes = tree.node_codes();
        let first_children = tree.first_children();
        let counts = tree.child_counts();
        let infosets = tree.node_infosets();
        let first_slots = tree.infoset_first_slots();
        let edge = tree.edge_probabilities();
        // The deal: chance-only levels from the root, reach as the scalar forward pass computes it.
        let mut frontier = vec![0u32];
        let mut chance = vec![1.0f64];
        while codes[frontier[0] as usize] == CHANCE_CODE {
            let mut next = Vec::new();
            let mut next_chance = Vec::new();
            for (&node, &reach) in frontier.iter().zip(&chance) {
                if codes[node as usize] != CHANCE_CODE {
                    return None;
                }
                let first = first_children[node as usize];
                for child in first..first + counts[node as usize] {
                    next.push(child);
                    next_chance.push(reach * edge[child as usize]);
                }
            }
            frontier = next;
            chance = next_chance;
        }
        let deals = frontier.len();
        // The public tree, breadth first; `members[q * deals + d]` is deal d's node of public node q.
        let mut members = frontier;
        let mut nodes = Vec::new();
        let mut depth_of = vec![0usize];
        let mut payoff_index: HashMap<Vec<u64>, u32> = HashMap::new();
        let mut payoff_vectors: Vec<Vec<f64>> = Vec::new();
        let mut q = 0;
        while q * deals < members.len() {
            let row = q * deals..(q + 1) * deals;
            let first = members[row.start] as usize;
            let code = codes[first];
            let count = counts[first];
            for window in members[row.clone()].windows(2) {
                if window[1] <= window[0] {
                    return None;
                }
            }
            for d in row.clone() {
                let node = members[d] as usize;
                if codes[node] != code || counts[node] != count {
                    return None;
                }
            }
            if code == CHANCE_CODE || (code != TERMINAL_CODE && code > 1) {
                return None;
            }
            if code == TERMINAL_CODE {
                let vector: Vec<f64> = (0..2)
                    .flat_map(|player| {
                        members[row.clone()]
                            .iter()
                            .map(move |&node| tree.returns(ponder_games::NodeId(node))[player])
                    })
                    .collect();
                let key: Vec<u64> = vector.iter().map(|x| x.to_bits()).collect();
                let next = payoff_vectors.len() as u32;
                let index = *payoff_index.entry(key).or_insert(next);
                if index == next {
                    payoff_vectors.push(vector);
                }
                nodes.push(PublicNode {
                    link: index,
                    slots: 0,
                    count: 0,
                    code,
                });
            } else {
                let child_id = members.len() / deals;
                for action in 0..count {
                    for d in row.clone() {
                        let node = members[d] as usize;
                        members.push(first_children[node] + action);
                    }
                    depth_of.push(depth_of[q] + 1);
                }
                nodes.push(PublicNode {
                    link: child_id as u32,
                    slots: 0,
                    count: u16::try_from(count).ok()?,
                    code,
                });
            }
            q += 1;
        }
        // Private classes per player: refine "same information set at every public node where the
        // player acts", numbering classes by first deal.
        let mut base_classes = Vec::new();
        for player in 0..2u8 {
            let mut classes = vec![0u32; deals];
            for (q, node) in nodes.iter().enumerate() {
                if node.code != player {
                    continue;
                }
                let mut refined: HashMap<(u32, u32), u32> = HashMap::new();
                for (d, class) in classes.iter_mut().enumerate() {
                    let infoset = infosets[members[q * deals + d] as usize];
                    let next = refined.len() as u32;
                    *class = *refined.entry((*class, infoset)).or_insert(next);
                }
            }
            base_classes.push(classes);
        }
        let counts: Vec<usize> = base_classes
            .iter()
            .map(|classes| classes.iter().max().map_or(1, |&max| max as usize + 1))
            .collect();
        // Each information set must lie in one public node and be one class of its player there.
        let mut owner = vec![(u32::MAX, u32::MAX); tree.num_infosets()];
        let mut slot_table = Vec::new();
        for (q, node) in nodes.iter_mut().enumerate() {
            if node.code == TERMINAL_CODE {
                continue;
            }
            let classes = &base_classes[node.code as usize];
            let base = slot_table.len();
            node.slots = u32::try_from(base).ok()?;
            slot_table.resize(base + counts[node.code as usize], u32::MAX);
            for (d, &class) in classes.iter().enumerate() {
                let infoset = infosets[members[q * deals + d] as usize];
                let key = (q as u32, class);
                if owner[infoset as usize] == (u32::MAX, u32::MAX) {
                    owner[infoset as usize] = key;
                } else if owner[infoset as usize] != key {
                    return None;
                }
                let first = first_slots[infoset as usize];
                if first_slots[infoset as usize + 1] - first != u32::from(node.count) {
                    return None;
                }
                slot_table[base + class as usize] = first;
            }
        }
        // Per traverser, a deal order in which the traverser's classes are periodic (its regret sums
        // become vertical vector additions), keeping each class's deals in ascending order.
        let mut layouts = Vec::new();
        let mut orders = Vec::new();
        for me in 0..2 {
            let k = counts[me];
            let mut members_of = vec![0usize; k];
            for &class in &base_classes[me] {
                members_of[class as usize] += 1;
            }
            let order: Vec<usize> = if members_of.iter().all(|&m| m * k == deals) {
                let mut rank = vec![0usize; k];
                let mut order = vec![0usize; deals];
                for (d, &class) in base_classes[me].iter().enumerate() {
                    order[rank[class as usize] * k + class as usize] = d;
                    rank[class as usize] += 1;
                }
                order
            } else {
                (0..deals).collect()
            };
            let private: Vec<Private> = (0..2)
                .map(|player| {
                    let classes: Vec<u32> =
                        order.iter().map(|&d| base_classes[player][d]).collect();
                    Private::new(classes, counts[player])
                })
                .collect();
            layouts.push(Layout {
                private: private.try_into().ok()?,
                chance: order.iter().map(|&d| chance[d]).collect(),
            });
            orders.push(order);
        }
        let layouts: [Layout; 2] = layouts.try_into().ok()?;
        let max_actions = nodes.iter().map(|n| n.count as usize).max().unwrap_or(0);
        let max_classes = counts[0].max(counts[1]);
        let depths = depth_of.iter().max().map_or(1, |&max| max + 1);
        let payoffs = payoff_vectors.len();
        let mut space = vec![0.0; 2 * payoffs * deals + (depths * max_actions + 1) * deals];
        for (t, vector) in payoff_vectors.iter().enumerate() {
            for (player, order) in orders.iter().enumerate() {
                let start = (player * payoffs + t) * deals;
                for (slot, &d) in space[start..start + deals].iter_mut().zip(order) {
                    *slot = vector[player * deals + d];
                }
            }
        }
        let square = (2..=6)
            .find(|&n| {
                deals == n * n
                    && (0..2).all(|me| {
                        layouts[me].private[me].pattern == Pattern::Periodic(n)
                            && layouts[me].private[1 - me].pattern == Pattern::Block(n)
                    })
            })
            .unwrap_or(0);
        let scratch = Scratch {
            space,
            locations: vec![0; depths * max_actions],
            reach: vec![0.0; (depths + 1) * (max_classes * 2)],
            reach_at: vec![0; (depths + 1) * 2],
            strategy: vec![0.0; depths * max_actions * max_classes],
            others: vec![0.0; (2 + max_actions.max(1)) * deals],
            accumulators: vec![0.0; 3 * max_actions * max_classes],
        };
        // The two-thread split of the root's children, balanced by public subtree size.
        let mut sizes = vec![1usize; nodes.len()];
        for q in (0..nodes.len()).rev() {
            let node = nodes[q];
            if node.code != TERMINAL_CODE {
                let children = node.link as usize..node.link as usize + node.count as usize;
                sizes[q] += children.map(|child| sizes[child]).sum::<usize>();
            }
        }
        let mut split = 0;
        if nodes[0].code != TERMINAL_CODE && nodes[0].count >= 2 {
            let first = nodes[0].link as usize;
            let total = sizes[0] - 1;
            let mut best = usize::MAX;
            let mut prefix = 0;
            for m in 1..nodes[0].count as usize {
                prefix += sizes[first + m - 1];
                let imbalance = prefix.abs_diff(total - prefix);
                if imbalance < best {
                    best = imbalance;
                    split = m;
                }
            }
            let smaller = (first..first + split).map(|c| sizes[c]).sum::<usize>();
            if smaller.min(total - smaller) * 4 < total {
                split = 0;
            }
        }
        let form = Self {
            square,
            deals,
            nodes,
            slot_table,
            layouts,
            payoffs,
            max_actions,
            max_classes,
            depths,
            scratch: vec![scratch],
            split,
        };
        form.check(tree.num_slots());
        Some(form)
    }

    /// N in the square case (see `square`), else 0.
    #[cfg(test)]
    pub(crate) fn square_size(&self) -> usize {
        self.square
    }

    /// Runs the general kernels even in the square case (to test them against the scalar pass).
    #[cfg(test)]
    pub(crate) fn disable_square(&mut self) {
        self.square = 0;
    }

    /// Checks every index the traversal uses without bounds checks; a failure is a bug in `build`.
    fn check(&self, num_slots: usize) {
        for (q, node) in self.nodes.iter().enumerate() {
            if node.code == TERMINAL_CODE {
                assert!((node.link as usize) < self.payoffs, "payoff index");
                continue;
            }
            assert!(node.count >= 1, "decision without actions");
            assert!(node.link as usize > q, "children after parents");
            assert!(
                node.link as usize + node.count as usize <= self.nodes.len(),
                "child range"
            );
            let classes = self.layouts[0].private[node.code as usize].count;
            let slots = &self.slot_table[node.slots as usize..node.slots as usize + classes];
            for &slot in slots {
                assert!(
                    slot as usize + node.count as usize <= num_slots,
                    "slot range"
                );
            }
        }
        for layout in &self.layouts {
            assert_eq!(layout.chance.len(), self.deals);
            for private in &layout.private {
                assert_eq!(private.classes.len(), self.deals);
                assert!(private
                    .classes
                    .iter()
                    .all(|&c| (c as usize) < private.count));
                assert!(private.count <= self.max_classes);
            }
            assert_eq!(layout.private[0].count, self.layouts[0].private[0].count);
            assert_eq!(layout.private[1].count, self.layouts[0].private[1].count);
        }
    }

    /// Makes a second scratch so that [`VectorForm::traverse`] can use two threads; false when the
    /// root has no balanced split of its children.
    pub(crate) fn enable_two_threads(&mut self) -> bool {
        if self.split == 0 {
            return false;
        }
        if self.scratch.len() < 2 {
            let copy = self.scratch[0].clone();
            self.scratch.push(copy);
        }
        true
    }

    /// Whether [`VectorForm::traverse`] can run on two threads.
    pub(crate) fn two_threads(&self) -> bool {
        self.split > 0 && self.scratch.len() >= 2
    }

    /// One traversal for player `me`: regrets into `regret`, average-policy sums into `average` (with
    /// weight `weight`, applied last when `weight_last`, as [`crate::CfrSolver`]'s scalar pass does).
    /// With `parallel` (and [`VectorForm::two_threads`]), the root's children are split between two
    /// threads: their public subtrees hold disjoint information sets, so each sum is still
    /// accumulated by one thread in the same order, and the iterates are bit-identical.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn traverse(
        &mut self,
        me: usize,
        probabilities: &[f64],
        regret: &mut [f64],
        average: &mut [f64],
        weight: f64,
        weight_last: bool,
        parallel: bool,
    ) {
        assert!(me < 2 && probabilities.len() >= regret.len() && regret.len() == average.len());
        let root_out = 2 * self.payoffs * self.deals + self.depths * self.max_actions * self.deals;
        let payoff_end = 2 * self.payoffs * self.deals;
        let parallel = parallel && self.two_threads();
        let mut scratch = std::mem::take(&mut self.scratch);
        for scratch in &mut scratch {
            scratch.reach[..2 * self.max_classes].fill(1.0);
            scratch.reach_at[0] = 0;
            scratch.reach_at[1] = self.max_classes;
        }
        let avx2 = avx2();
        let (first, rest) = scratch.split_at_mut(1);
        let main = Pass::new(
            self,
            &mut first[0],
            probabilities,
            regret,
            average,
            me,
            weight,
            weight_last,
        );
        // SAFETY: `check` validated every node, child, slot and payoff index against the arrays'
        // lengths (slots against the tree's slot count, which `regret`/`average` have); scratch is
        // sized for the deepest public node and the widest action count. With two threads, each
        // has its own scratch and writes the slots of its own public subtrees only.
        unsafe {
            if parallel {
                let other = Pass {
                    space: rest[0].space.as_mut_ptr(),
                    locations: rest[0].locations.as_mut_ptr(),
                    reach: rest[0].reach.as_mut_ptr(),
                    reach_at: rest[0].reach_at.as_mut_ptr(),
                    strategy: rest[0].strategy.as_mut_ptr(),
                    others: rest[0].others.as_mut_ptr(),
                    accumulators: rest[0].accumulators.as_mut_ptr(),
                    ..main
                };
                let split = self.split;
                rayon::join(
                    || main.run(self.square, avx2, root_out, 0, split, false),
                    || other.run(self.square, avx2, root_out, split, usize::MAX, false),
                );
                // The other thread's children values, moved to where the root's update reads them.
                let actions = self.nodes[0].count as usize;
                for action in split..actions {
                    let location = rest[0].locations[action];
                    first[0].locations[action] = location;
                    if location >= payoff_end {
                        let range = location..location + self.deals;
                        first[0].space[range.clone()].copy_from_slice(&rest[0].space[range]);
                    }
                }
                main.run(self.square, avx2, root_out, actions, actions, true);
            } else {
                main.run(self.square, avx2, root_out, 0, usize::MAX, true);
            }
        }
        self.scratch = scratch;
    }
}

/// Whether the AVX2 kernels can run.
fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines the traversal (`visit`) once per instruction set: the body is the same, the vector
/// kernels it inlines are compiled for the function's target features.
macro_rules! define_visit {
    ($(#[$attr:meta])* $name:ident) => {
    /// Computes public node `q` (at public depth `depth`) into `out` (a value vector's offset in
    /// `space`) and returns where its value vector is: `out`, or its payoff vector if terminal.
    /// Only the actions `from..to` are visited, and the node's own value and update are done only
    /// if `finish` (the two-thread root; everywhere else `0, usize::MAX, true`).
    ///
    /// # Safety
    /// Indices validated by [`VectorForm::check`]; the reach for `depth` is set by the caller.
    $(#[$attr])*
    unsafe fn $name<const N: usize>(
        &self,
        q: usize,
        depth: usize,
        out: usize,
        from: usize,
        to: usize,
        finish: bool,
    ) -> usize {
        // SAFETY: this function's contract (indices validated by `VectorForm::check`, the reach of
        // `depth` set by the caller, the two threads on disjoint actions) covers every unchecked
        // read and raw-pointer access below.
        unsafe {
            let form = self.form;
            let node = *form.nodes.get_unchecked(q);
            // N > 0: the square case (N × N deals, N classes each, the traverser's periodic and the
            // opponent's in blocks), with every vector length known to the compiler.
            let deals = if N == 0 { form.deals } else { N * N };
            if node.code == TERMINAL_CODE {
                return self.payoff(node.link);
            }
            let layout = form.layouts.get_unchecked(self.me);
            let actor = node.code as usize;
            let actions = node.count as usize;
            let private = layout.private.get_unchecked(actor);
            let k = if N == 0 { private.count } else { N };
            let pattern = if N == 0 {
                private.pattern
            } else if actor == self.me {
                Pattern::Periodic(N)
            } else {
                Pattern::Block(N)
            };
            // Each player's reach vector at this depth is where `reach_at` says: a child shares the
            // non-actor's vector with its parent and gets a new one for the actor.
            let reach_at = self.reach_at.add(depth * 2);
            let reach_at_child = self.reach_at.add((depth + 1) * 2);
            let own_here = self.reach.add(*reach_at.add(actor));
            let own_child_at = (depth + 1) * 2 * form.max_classes + actor * form.max_classes;
            // The actor's strategy at this node, action-major.
            let strategy = self
                .strategy
                .add(depth * form.max_actions * form.max_classes);
            let slots = form.slot_table.as_ptr().add(node.slots as usize);
            for class in 0..k {
                let slot = *slots.add(class) as usize;
                for action in 0..actions {
                    *strategy.add(action * k + class) = *self.probabilities.add(slot + action);
                }
            }
            let locations = self.locations.add(depth * form.max_actions);
            let block = 2 * form.payoffs * deals + depth * form.max_actions * deals;
            for action in from..to.min(actions) {
                let child = node.link as usize + action;
                let child_node = *form.nodes.get_unchecked(child);
                *locations.add(action) = if child_node.code == TERMINAL_CODE {
                    self.payoff(child_node.link)
                } else {
                    *reach_at_child.add(1 - actor) = *reach_at.add(1 - actor);
                    *reach_at_child.add(actor) = own_child_at;
                    let own = self.reach.add(own_child_at);
                    for class in 0..k {
                        *own.add(class) = *own_here.add(class) * *strategy.add(action * k + class);
                    }
                    self.$name::<N>(child, depth + 1, block + action * deals, 0, usize::MAX, true)
                };
            }
            if !finish {
                return out;
            }
            let value = std::slice::from_raw_parts_mut(self.space.add(out), deals);
            let child = |action: usize| {
                std::slice::from_raw_parts(self.space.add(*locations.add(action)) as *const f64, deals)
            };
            let strategy = std::slice::from_raw_parts(strategy as *const f64, actions * k);
            // Scratch after the children are done: others, terms, then one expanded vector per action.
            let scratch = std::slice::from_raw_parts_mut(self.others, (2 + actions) * deals);
            let (others, scratch) = scratch.split_at_mut(deals);
            let (terms, expanded) = scratch.split_at_mut(deals);
            let expanded = &mut expanded[..deals];
            for action in 0..actions {
                let p = &strategy[action * k..(action + 1) * k];
                product(pattern, &private.classes, p, child(action), value, action == 0, expanded);
            }
            if actor != self.me {
                return out;
            }
            // Counterfactual reach of each deal: the opponent's times chance's (OpenSpiel's order).
            let opponent = 1 - actor;
            let opponent_private = layout.private.get_unchecked(opponent);
            let (opponent_pattern, opponent_count) = if N == 0 {
                (opponent_private.pattern, opponent_private.count)
            } else {
                (Pattern::Block(N), N)
            };
            let opponent_reach = std::slice::from_raw_parts(
                self.reach.add(*reach_at.add(opponent)) as *const f64,
                opponent_count,
            );
            expand(
                opponent_pattern,
                &opponent_private.classes,
                opponent_reach,
                others,
            );
            scale(others, &layout.chance[..deals]);
            let value = &*value;
            // Regrets: each class's sum gains its deals' terms in ascending deal order.
            let accumulators = std::slice::from_raw_parts_mut(self.accumulators, 3 * actions * k);
            let (sums, accumulators) = accumulators.split_at_mut(actions * k);
            let (averages, average_terms) = accumulators.split_at_mut(actions * k);
            let slots = std::slice::from_raw_parts(slots, k);
            for action in 0..actions {
                regret_terms(terms, others, child(action), value);
                let sums = &mut sums[action * k..(action + 1) * k];
                for (sum, &slot) in sums.iter_mut().zip(slots) {
                    *sum = *self.regret.add(slot as usize + action);
                }
                reduce(pattern, &private.classes, terms, sums);
                for (sum, &slot) in sums.iter().zip(slots) {
                    *self.regret.add(slot as usize + action) = *sum;
                }
            }
            // Average sums: one addition per node, i.e. per deal of the class.
            let own = std::slice::from_raw_parts(own_here as *const f64, k);
            let terms = average_terms;
            for action in 0..actions {
                let range = action * k..(action + 1) * k;
                for ((((sum, term), &slot), &own), &p) in averages[range.clone()]
                    .iter_mut()
                    .zip(&mut terms[range.clone()])
                    .zip(slots)
                    .zip(own)
                    .zip(&strategy[range])
                {
                    *sum = *self.average.add(slot as usize + action);
                    *term = if self.weight_last {
                        own * p * self.weight
                    } else {
                        self.weight * own * p
                    };
                }
            }
            match pattern {
                Pattern::Block(_) | Pattern::Periodic(_) => {
                    // Equal class sizes: all sums gain their term the same number of times.
                    let times = if N == 0 { private.members[0] as usize } else { N };
                    repeat_add(averages, terms, times);
                }
                Pattern::Table => {
                    for (class, &times) in private.members.iter().enumerate() {
                        for action in 0..actions {
                            let index = action * k + class;
                            for _ in 0..times {
                                averages[index] += terms[index];
                            }
                        }
                    }
                }
            }
            for action in 0..actions {
                for (class, &slot) in slots.iter().enumerate() {
                    *self.average.add(slot as usize + action) = averages[action * k + class];
                }
            }
            out
        }
    }
    };
}

/// Per-thread scratch of a traversal.
#[derive(Debug, Clone)]
struct Scratch {
    /// Player p's payoff vector t at `(p * payoffs + t) * deals`; then, per depth, `max_actions`
    /// children value vectors; then the root's value vector.
    space: Vec<f64>,
    /// Per depth: where each child's value vector starts in `space`.
    locations: Vec<usize>,
    /// Per depth: room for both players' reach per class (player 0's classes, then player 1's).
    reach: Vec<f64>,
    /// Per depth: where each player's current reach vector is in `reach`.
    reach_at: Vec<usize>,
    /// Per depth: the actor's strategy, action-major (`max_actions × max_classes`).
    strategy: Vec<f64>,
    /// Per deal, used after the children are done: the opponent's reach times chance's, the regret
    /// terms of one action, then each action's strategy expanded to deals (`(2 + max_actions) × deals`).
    others: Vec<f64>,
    /// Per class and action: regret sums, average sums, average terms.
    accumulators: Vec<f64>,
}

/// Raw views of one traversal's arrays (scratch regions are disjoint per depth).
#[derive(Clone, Copy)]
struct Pass<'a> {
    form: &'a VectorForm,
    space: *mut f64,
    locations: *mut usize,
    reach: *mut f64,
    reach_at: *mut usize,
    strategy: *mut f64,
    others: *mut f64,
    accumulators: *mut f64,
    probabilities: *const f64,
    regret: *mut f64,
    average: *mut f64,
    me: usize,
    weight: f64,
    weight_last: bool,
}

// SAFETY: two threads share a `Pass`'s read-only views and the regret/average pointers, writing
// disjoint slots (disjoint public subtrees); each thread has its own scratch pointers.
unsafe impl Send for Pass<'_> {}
// SAFETY: as above.
unsafe impl Sync for Pass<'_> {}

impl<'a> Pass<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        form: &'a VectorForm,
        scratch: &mut Scratch,
        probabilities: &[f64],
        regret: &mut [f64],
        average: &mut [f64],
        me: usize,
        weight: f64,
        weight_last: bool,
    ) -> Self {
        Self {
            form,
            space: scratch.space.as_mut_ptr(),
            locations: scratch.locations.as_mut_ptr(),
            reach: scratch.reach.as_mut_ptr(),
            reach_at: scratch.reach_at.as_mut_ptr(),
            strategy: scratch.strategy.as_mut_ptr(),
            others: scratch.others.as_mut_ptr(),
            accumulators: scratch.accumulators.as_mut_ptr(),
            probabilities: probabilities.as_ptr(),
            regret: regret.as_mut_ptr(),
            average: average.as_mut_ptr(),
            me,
            weight,
            weight_last,
        }
    }

    /// Visits the root (its actions `from..to`, then its own update if `finish`) with the kernels
    /// for `square` and the instruction set.
    ///
    /// # Safety
    /// As [`Pass::visit`].
    unsafe fn run(
        &self,
        square: usize,
        avx2: bool,
        out: usize,
        from: usize,
        to: usize,
        finish: bool,
    ) {
        macro_rules! run {
            ($visit:ident) => {
                match square {
                    2 => self.$visit::<2>(0, 0, out, from, to, finish),
                    3 => self.$visit::<3>(0, 0, out, from, to, finish),
                    4 => self.$visit::<4>(0, 0, out, from, to, finish),
                    5 => self.$visit::<5>(0, 0, out, from, to, finish),
                    6 => self.$visit::<6>(0, 0, out, from, to, finish),
                    _ => self.$visit::<0>(0, 0, out, from, to, finish),
                }
            };
        }
        #[cfg(target_arch = "x86_64")]
        if avx2 {
            // SAFETY: the caller's contract is `visit`'s, and `avx2` is set only when the CPU has it.
            unsafe { run!(visit_avx2) };
            return;
        }
        let _ = avx2;
        // SAFETY: the caller's contract is `visit`'s.
        unsafe { run!(visit) };
    }

    define_visit!(visit);
    define_visit!(
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        visit_avx2
    );

    /// Where the traverser's payoff vector `index` starts in `space`.
    #[inline(always)]
    fn payoff(&self, index: u32) -> usize {
        (self.me * self.form.payoffs + index as usize) * self.form.deals
    }
}

/// Writes one value per class (`values`, length = classes) to every deal of that class.
#[inline(always)]
fn expand(pattern: Pattern, classes: &[u32], values: &[f64], out: &mut [f64]) {
    match pattern {
        Pattern::Periodic(period) => {
            for chunk in out.chunks_exact_mut(period) {
                chunk.copy_from_slice(&values[..period]);
            }
        }
        Pattern::Block(run) => {
            for (chunk, &value) in out.chunks_exact_mut(run).zip(values) {
                chunk.fill(value);
            }
        }
        Pattern::Table => {
            for (slot, &class) in out.iter_mut().zip(classes) {
                *slot = values[class as usize];
            }
        }
    }
}

/// `value (+)= p × c` per deal, `p` per class of the actor; `first` starts from `0 + p × c` (the scalar
/// pass's zero start, kept for signed zeros). `scratch` (one value per deal) is used by tables.
#[inline(always)]
fn product(
    pattern: Pattern,
    classes: &[u32],
    p: &[f64],
    c: &[f64],
    value: &mut [f64],
    first: bool,
    scratch: &mut [f64],
) {
    match pattern {
        Pattern::Periodic(period) => {
            let p = &p[..period];
            for (value, c) in value.chunks_exact_mut(period).zip(c.chunks_exact(period)) {
                if first {
                    first_product(value, p, c);
                } else {
                    add_product(value, p, c);
                }
            }
        }
        Pattern::Block(run) => {
            for ((value, c), &p) in value.chunks_exact_mut(run).zip(c.chunks_exact(run)).zip(p) {
                if first {
                    for (v, c) in value.iter_mut().zip(c) {
                        *v = 0.0 + p * c;
                    }
                } else {
                    for (v, c) in value.iter_mut().zip(c) {
                        *v += p * c;
                    }
                }
            }
        }
        Pattern::Table => {
            expand(pattern, classes, p, scratch);
            if first {
                first_product(value, scratch, c);
            } else {
                add_product(value, scratch, c);
            }
        }
    }
}

/// `value = 0 + p × c`, element by element (the zero start is the scalar pass's, kept for signed zeros).
#[inline(always)]
fn first_product(value: &mut [f64], p: &[f64], c: &[f64]) {
    for ((v, p), c) in value.iter_mut().zip(p).zip(c) {
        *v = 0.0 + p * c;
    }
}

/// `value += p × c`, element by element.
#[inline(always)]
fn add_product(value: &mut [f64], p: &[f64], c: &[f64]) {
    for ((v, p), c) in value.iter_mut().zip(p).zip(c) {
        *v += p * c;
    }
}

/// `x *= y`, element by element.
#[inline(always)]
fn scale(x: &mut [f64], y: &[f64]) {
    for (x, y) in x.iter_mut().zip(y) {
        *x *= y;
    }
}

/// `terms = others × (child − value)`, element by element.
#[inline(always)]
fn regret_terms(terms: &mut [f64], others: &[f64], child: &[f64], value: &[f64]) {
    for (((t, o), c), v) in terms.iter_mut().zip(others).zip(child).zip(value) {
        *t = o * (c - v);
    }
}

/// Adds each deal's term to its class's sum, deals in ascending order.
#[inline(always)]
fn reduce(pattern: Pattern, classes: &[u32], terms: &[f64], sums: &mut [f64]) {
    match pattern {
        Pattern::Periodic(period) => {
            for chunk in terms.chunks_exact(period) {
                for (sum, term) in sums[..period].iter_mut().zip(chunk) {
                    *sum += term;
                }
            }
        }
        Pattern::Block(run) => {
            for (chunk, sum) in terms.chunks_exact(run).zip(sums.iter_mut()) {
                for term in chunk {
                    *sum += term;
                }
            }
        }
        Pattern::Table => {
            for (term, &class) in terms.iter().zip(classes) {
                sums[class as usize] += term;
            }
        }
    }
}

/// `sums += terms`, `times` times over (one addition per node, as the scalar pass does).
#[inline(always)]
fn repeat_add(sums: &mut [f64], terms: &[f64], times: usize) {
    for _ in 0..times {
        for (sum, term) in sums.iter_mut().zip(terms) {
            *sum += term;
        }
    }
}
