//! The game tree the solver runs on: the betting tree with turn and river cards dealt (isomorphic cards
//! merged), flattened into arrays, plus per-hand tables for card removal and showdowns.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cards_glue::{self, Card};
use crate::lock::Locks;
use crate::tree::{ActionNodeId, ActionNodeKind, ActionTree, Player};

/// Index of a node in a [`Game`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

/// Index of a complete board in [`Game::boards`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BoardId(pub u32);

/// Sentinel for "no such hand".
pub const NO_HAND: u16 = u16::MAX;

/// What a game node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A player acts; children are parallel to the action node's actions.
    Player(Player),
    /// A card is dealt; `chance` describes the children.
    Chance,
    /// The given player folded.
    Fold(Player),
    /// Showdown on a complete board.
    Showdown(BoardId),
}

/// A node of the game tree (flat; children are consecutive ids).
#[derive(Clone, Debug)]
pub struct GameNode {
    /// What happens here.
    pub kind: NodeKind,
    /// The betting-tree node this is a copy of.
    pub action_node: ActionNodeId,
    /// First child; children are `first_child .. first_child + num_children`.
    pub first_child: u32,
    /// Number of children.
    pub num_children: u32,
    /// Start of this node's storage (player nodes: regrets then strategy sums, actions × hands each).
    pub storage_start: usize,
    /// End of this node's whole subtree storage.
    pub storage_end: usize,
    /// Index into [`Game::chances`] for chance nodes.
    pub chance: u32,
    /// The board at this node (initial board plus dealt cards).
    pub board: [Card; 5],
    /// Number of valid cards in `board`.
    pub board_len: u8,
    /// Net payoff in chips to the winner at terminals (half of the final pot for showdowns; the folder's
    /// contribution for folds).
    pub payoff: f32,
}

/// One dealt card of a chance node: which child holds its subtree and which suit swap maps it there.
#[derive(Clone, Copy, Debug)]
pub struct DealtCard {
    /// The card.
    pub card: Card,
    /// Child slot (0-based among the node's children).
    pub child: u32,
    /// Suit swap (index into [`Game::swaps`]) or `u32::MAX` for none.
    pub swap: u32,
}

/// The cards a chance node deals.
#[derive(Clone, Debug)]
pub struct ChanceData {
    /// Every possible card, mapped to a child.
    pub dealt: Vec<DealtCard>,
    /// The card of each child, in child order.
    pub child_cards: Vec<Card>,
    /// Number of cards that can come for a fixed pair of hands (probability 1/this each).
    pub possible: u32,
}

/// A hand in a showdown order, with its cards inline so the hot loop does not chase indices.
#[derive(Clone, Copy, Debug, Default)]
pub struct SortedHand {
    /// Index in the player's hand list.
    pub hand: u16,
    /// Lower card.
    pub c1: u8,
    /// Higher card.
    pub c2: u8,
}

/// A complete five-card board with both players' hands sorted by showdown strength.
#[derive(Clone, Debug)]
pub struct BoardData {
    /// The cards.
    pub cards: [Card; 5],
    /// Hands of OOP and IP not blocked by the board, ascending strength.
    pub sorted: [Vec<SortedHand>; 2],
    /// Strength of each entry of `sorted` (larger wins).
    pub strength: [Vec<u32>; 2],
    /// One entry per distinct strength (ascending): end positions in `sorted[0]` and `sorted[1]`.
    pub groups: Vec<[u16; 2]>,
}

/// The hands of one player.
#[derive(Clone, Debug)]
pub struct HandList {
    /// Hole cards (lower card first).
    pub cards: Vec<(Card, Card)>,
    /// Range weight of each hand.
    pub weights: Vec<f32>,
    /// For each card, the hands that contain it.
    pub with_card: Vec<Vec<u16>>,
    /// For each hand, the index of the same two cards in the opponent's list, or [`NO_HAND`].
    pub same_in_opponent: Vec<u16>,
}

impl HandList {
    /// Number of hands.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// True when there are no hands.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }
}

/// The solver's view of a spot.
#[derive(Clone, Debug)]
pub struct Game {
    /// The betting tree.
    pub tree: ActionTree,
    /// The starting board.
    pub board: Vec<Card>,
    /// Hands of OOP and IP.
    pub hands: [HandList; 2],
    /// Flat nodes, preorder, root first.
    pub nodes: Vec<GameNode>,
    /// Chance nodes' cards.
    pub chances: Vec<ChanceData>,
    /// Complete boards reached by showdowns.
    pub boards: Vec<BoardData>,
    /// Suit swaps used by isomorphic cards: for each, a permutation of each player's hands.
    pub swaps: Vec<[Vec<u16>; 2]>,
    /// Total storage (in values) for regrets and strategy sums.
    pub storage_len: usize,
    /// Values after each player node's regrets and sums in the storage layout (see
    /// [`Game::lay_out_storage`]).
    pub storage_header: usize,
    /// Sum over compatible hand pairs of the product of weights (normalises values); with bunching,
    /// each product is also weighted by the folders' deal weight.
    pub pair_weight: f64,
    /// Locked strategies by node (empty unless the spot locks nodes).
    pub locks: Locks,
    /// Bunching tables (folded players' ranges); `None` deals the cards from a plain deck.
    pub bunching: Option<Box<crate::bunching::BunchTables>>,
}

/// Node counts of the dealt game tree per street.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameCounts {
    /// Nodes per street (flop, turn, river); a chance node counts on the street it ends.
    pub per_street: [u64; 3],
    /// Player (decision) nodes.
    pub decision_nodes: u64,
}

impl Game {
    /// Builds the game for a betting tree, board and two ranges given as (card, card, weight).
    pub fn new(
        tree: ActionTree,
        board: &[Card],
        ranges: [&[(Card, Card, f32)]; 2],
        isomorphism: bool,
    ) -> Game {
        Game::with_strength(tree, board, ranges, isomorphism, &cards_glue::strength)
    }

    /// Like [`Game::new`] with a custom showdown strength (toy games in tests use abstract strengths).
    pub fn with_strength(
        tree: ActionTree,
        board: &[Card],
        ranges: [&[(Card, Card, f32)]; 2],
        isomorphism: bool,
        strength: &dyn Fn(&[Card; 5], Card, Card) -> u32,
    ) -> Game {
        Game::build(tree, board, ranges, isomorphism, strength, None)
    }

    /// Like [`Game::new`] with the bunching effect of the folded ranges in `coverage` (built on `board`).
    pub fn with_bunching(
        tree: ActionTree,
        board: &[Card],
        ranges: [&[(Card, Card, f32)]; 2],
        isomorphism: bool,
        coverage: &std::sync::Arc<crate::bunching::Coverage>,
    ) -> Game {
        let mut game = Game::build(
            tree,
            board,
            ranges,
            isomorphism,
            &cards_glue::strength,
            Some(coverage),
        );
        let tables = crate::bunching::BunchTables::new(&game, coverage);
        game.pair_weight = tables.pair_weight;
        game.bunching = Some(Box::new(tables));
        game
    }

    fn build(
        tree: ActionTree,
        board: &[Card],
        ranges: [&[(Card, Card, f32)]; 2],
        isomorphism: bool,
        strength: &dyn Fn(&[Card; 5], Card, Card) -> u32,
        coverage: Option<&crate::bunching::Coverage>,
    ) -> Game {
        let mut hands: [HandList; 2] = std::array::from_fn(|p| {
            let mut cards = Vec::new();
            let mut weights = Vec::new();
            for &(a, b, w) in ranges[p] {
                if w > 0.0 && !board.contains(&a) && !board.contains(&b) {
                    cards.push((a.min(b), a.max(b)));
                    weights.push(w);
                }
            }
            let mut with_card = vec![Vec::new(); 52];
            for (i, &(a, b)) in cards.iter().enumerate() {
                with_card[a as usize].push(i as u16);
                with_card[b as usize].push(i as u16);
            }
            HandList {
                cards,
                weights,
                with_card,
                same_in_opponent: Vec::new(),
            }
        });
        for p in 0..2 {
            let index: HashMap<(Card, Card), u16> = hands[1 - p]
                .cards
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, i as u16))
                .collect();
            hands[p].same_in_opponent = hands[p]
                .cards
                .iter()
                .map(|c| index.get(c).copied().unwrap_or(NO_HAND))
                .collect();
        }
        let mut pair_weight = 0.0f64;
        for (i, &(a, b)) in hands[0].cards.iter().enumerate() {
            for (j, &(c, d)) in hands[1].cards.iter().enumerate() {
                if a != c && a != d && b != c && b != d {
                    pair_weight += hands[0].weights[i] as f64 * hands[1].weights[j] as f64;
                }
            }
        }
        let mut game = Game {
            tree,
            board: board.to_vec(),
            hands,
            nodes: Vec::new(),
            chances: Vec::new(),
            boards: Vec::new(),
            swaps: Vec::new(),
            storage_len: 0,
            storage_header: 0,
            pair_weight,
            locks: Locks::default(),
            bunching: None,
        };
        let mut builder = Builder {
            board_index: HashMap::new(),
            swap_index: HashMap::new(),
            isomorphism,
            strength,
            folders: coverage.map_or(&[], |c| &c.folders[..]),
        };
        let mut board5 = [0u8; 5];
        board5[..board.len()].copy_from_slice(board);
        game.nodes.push(placeholder());
        game.expand(
            &mut builder,
            NodeId(0),
            game.tree.root(),
            board5,
            board.len() as u8,
        );
        // Built by pushing, so capacities overshoot by up to 2x; the solver storage is allocated
        // after this, so trimming here lowers the solve's peak memory.
        game.nodes.shrink_to_fit();
        game.chances.shrink_to_fit();
        game.boards.shrink_to_fit();
        game.swaps.shrink_to_fit();
        game
    }

    fn expand(
        &mut self,
        builder: &mut Builder<'_>,
        id: NodeId,
        action: ActionNodeId,
        board: [Card; 5],
        board_len: u8,
    ) {
        let anode = self.tree.node(action).clone();
        let starting = self.tree.config.starting_pot as f32;
        let storage_start = self.storage_len;
        let mut node = GameNode {
            kind: NodeKind::Chance,
            action_node: action,
            first_child: 0,
            num_children: 0,
            storage_start,
            storage_end: storage_start,
            chance: u32::MAX,
            board,
            board_len,
            payoff: 0.0,
        };
        match anode.kind {
            ActionNodeKind::Fold(folder) => {
                node.kind = NodeKind::Fold(folder);
                node.payoff = starting / 2.0 + anode.committed[folder.index()] as f32;
            }
            ActionNodeKind::Showdown => {
                let board_id = self.board_id(builder, board);
                node.kind = NodeKind::Showdown(board_id);
                node.payoff = starting / 2.0 + anode.committed[0] as f32;
            }
            ActionNodeKind::Player(player) => {
                node.kind = NodeKind::Player(player);
                let len = 2 * anode.actions.len() * self.hands[player.index()].len();
                self.storage_len += len;
                let first = self.nodes.len() as u32;
                node.first_child = first;
                node.num_children = anode.children.len() as u32;
                for _ in &anode.children {
                    self.nodes.push(placeholder());
                }
                self.nodes[id.0 as usize] = node.clone();
                for (k, &child) in anode.children.iter().enumerate() {
                    self.expand(builder, NodeId(first + k as u32), child, board, board_len);
                }
            }
            ActionNodeKind::Chance(_) => {
                let chance = self.chance_cards(builder, &board[..board_len as usize]);
                let first = self.nodes.len() as u32;
                node.first_child = first;
                node.num_children = chance.child_cards.len() as u32;
                node.chance = self.chances.len() as u32;
                let child_cards = chance.child_cards.clone();
                self.chances.push(chance);
                for _ in &child_cards {
                    self.nodes.push(placeholder());
                }
                self.nodes[id.0 as usize] = node.clone();
                for (k, &card) in child_cards.iter().enumerate() {
                    let mut next = board;
                    next[board_len as usize] = card;
                    self.expand(
                        builder,
                        NodeId(first + k as u32),
                        anode.children[0],
                        next,
                        board_len + 1,
                    );
                }
            }
        }
        if matches!(node.kind, NodeKind::Fold(_) | NodeKind::Showdown(_)) {
            node.storage_end = self.storage_len;
            self.nodes[id.0 as usize] = node;
        } else {
            self.nodes[id.0 as usize].storage_end = self.storage_len;
        }
    }

    fn board_id(&mut self, builder: &mut Builder<'_>, board: [Card; 5]) -> BoardId {
        let mut key = board;
        key.sort_unstable();
        if let Some(&id) = builder.board_index.get(&key) {
            return id;
        }
        let mut entries: [Vec<(u32, SortedHand)>; 2] = std::array::from_fn(|p| {
            let list = &self.hands[p];
            let mut entries = Vec::new();
            for (i, &(a, b)) in list.cards.iter().enumerate() {
                if board.contains(&a) || board.contains(&b) {
                    continue;
                }
                let strength = (builder.strength)(&board, a, b);
                entries.push((
                    strength,
                    SortedHand {
                        hand: i as u16,
                        c1: a,
                        c2: b,
                    },
                ));
            }
            entries.sort_unstable_by_key(|e| (e.0, e.1.hand));
            entries
        });
        let mut strengths: Vec<u32> = entries.iter().flat_map(|e| e.iter().map(|x| x.0)).collect();
        strengths.sort_unstable();
        strengths.dedup();
        let mut groups = Vec::with_capacity(strengths.len());
        let mut ends = [0usize; 2];
        for &value in &strengths {
            for p in 0..2 {
                while ends[p] < entries[p].len() && entries[p][ends[p]].0 <= value {
                    ends[p] += 1;
                }
            }
            groups.push([ends[0] as u16, ends[1] as u16]);
        }
        let [e0, e1] = std::mem::take(&mut entries);
        let id = BoardId(self.boards.len() as u32);
        self.boards.push(BoardData {
            cards: board,
            strength: [
                e0.iter().map(|e| e.0).collect(),
                e1.iter().map(|e| e.0).collect(),
            ],
            sorted: [
                e0.into_iter().map(|e| e.1).collect(),
                e1.into_iter().map(|e| e.1).collect(),
            ],
            groups,
        });
        builder.board_index.insert(key, id);
        id
    }

    /// The cards a chance node on `board` deals, with isomorphic cards mapped to one child.
    fn chance_cards(&mut self, builder: &mut Builder<'_>, board: &[Card]) -> ChanceData {
        let classes = if builder.isomorphism {
            self.symmetric_suits(board, builder.folders)
        } else {
            [0, 1, 2, 3]
        };
        let mut dealt = Vec::new();
        let mut child_cards: Vec<Card> = Vec::new();
        let mut child_of: HashMap<Card, u32> = HashMap::new();
        for card in 0..52u8 {
            if board.contains(&card) {
                continue;
            }
            let suit = cards_glue::suit(card);
            let rep_suit = classes[suit as usize];
            if rep_suit != suit {
                let rep = cards_glue::with_suit(card, rep_suit);
                let child = child_of[&rep];
                let swap = self.swap_id(builder, rep_suit, suit);
                dealt.push(DealtCard { card, child, swap });
            } else {
                let child = child_cards.len() as u32;
                child_cards.push(card);
                child_of.insert(card, child);
                dealt.push(DealtCard {
                    card,
                    child,
                    swap: u32::MAX,
                });
            }
        }
        // Folders hold 2 cards each that the dealt card cannot be (see `crate::bunching`).
        let possible = 52 - board.len() as u32 - 4 - 2 * builder.folders.len() as u32;
        ChanceData {
            dealt,
            child_cards,
            possible,
        }
    }

    /// For each suit, the lowest suit it is interchangeable with (same board ranks, ranges symmetric).
    fn symmetric_suits(&mut self, board: &[Card], folders: &[Vec<(Card, Card, f32)>]) -> [u8; 4] {
        let mut ranks = [0u16; 4];
        for &c in board {
            ranks[cards_glue::suit(c) as usize] |= 1 << cards_glue::rank(c);
        }
        let mut classes = [0u8, 1, 2, 3];
        for s2 in 1..4u8 {
            for s1 in 0..s2 {
                if classes[s1 as usize] == s1
                    && ranks[s1 as usize] == ranks[s2 as usize]
                    && self.ranges_symmetric(s1, s2)
                    && folders.iter().all(|r| range_symmetric(r, s1, s2))
                {
                    classes[s2 as usize] = s1;
                    break;
                }
            }
        }
        classes
    }

    fn ranges_symmetric(&self, s1: u8, s2: u8) -> bool {
        self.hands.iter().all(|list| {
            let index: HashMap<(Card, Card), f32> = list
                .cards
                .iter()
                .copied()
                .zip(list.weights.iter().copied())
                .collect();
            list.cards.iter().zip(&list.weights).all(|(&(a, b), &w)| {
                let (x, y) = (swap_card(a, s1, s2), swap_card(b, s1, s2));
                index.get(&(x.min(y), x.max(y))) == Some(&w)
            })
        })
    }

    fn swap_id(&mut self, builder: &mut Builder<'_>, s1: u8, s2: u8) -> u32 {
        if let Some(&id) = builder.swap_index.get(&(s1, s2)) {
            return id;
        }
        let perms = std::array::from_fn(|p| {
            let list = &self.hands[p];
            let index: HashMap<(Card, Card), u16> = list
                .cards
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, i as u16))
                .collect();
            list.cards
                .iter()
                .map(|&(a, b)| {
                    let (x, y) = (swap_card(a, s1, s2), swap_card(b, s1, s2));
                    index.get(&(x.min(y), x.max(y))).copied().unwrap_or(NO_HAND)
                })
                .collect()
        });
        let id = self.swaps.len() as u32;
        self.swaps.push(perms);
        builder.swap_index.insert((s1, s2), id);
        id
    }

    /// Re-assigns the storage offsets (same preorder) with `header` extra values after each player node's
    /// regrets and strategy sums (16-bit storage keeps its per-node scales there); 0 is the built layout.
    pub fn lay_out_storage(&mut self, header: usize) {
        if self.storage_header == header {
            return;
        }
        let mut next = 0usize;
        // Iterative preorder with an explicit stack: (node, whether its children are done).
        let mut stack = vec![(0u32, false)];
        while let Some((id, done)) = stack.pop() {
            let i = id as usize;
            if done {
                self.nodes[i].storage_end = next;
                continue;
            }
            let node = &mut self.nodes[i];
            node.storage_start = next;
            if let NodeKind::Player(player) = node.kind {
                next += 2 * node.num_children as usize * self.hands[player.index()].len() + header;
            }
            stack.push((id, true));
            let node = &self.nodes[i];
            for child in (node.first_child..node.first_child + node.num_children).rev() {
                stack.push((child, false));
            }
        }
        self.storage_len = next;
        self.storage_header = header;
    }

    /// Children of a node.
    pub fn children(&self, id: NodeId) -> std::ops::Range<u32> {
        let node = &self.nodes[id.0 as usize];
        node.first_child..node.first_child + node.num_children
    }

    /// Node counts per street (chance nodes count on the street they end, as other solvers count).
    pub fn counts(&self) -> GameCounts {
        let mut counts = GameCounts::default();
        for node in &self.nodes {
            let anode = self.tree.node(node.action_node);
            let street = match anode.kind {
                ActionNodeKind::Chance(dealt) => dealt.index() - 1,
                _ => anode.street.index(),
            };
            counts.per_street[street] += 1;
            if matches!(node.kind, NodeKind::Player(_)) {
                counts.decision_nodes += 1;
            }
        }
        counts
    }
}

struct Builder<'f> {
    strength: &'f dyn Fn(&[Card; 5], Card, Card) -> u32,
    folders: &'f [Vec<(Card, Card, f32)>],
    board_index: HashMap<[Card; 5], BoardId>,
    swap_index: HashMap<(u8, u8), u32>,
    isomorphism: bool,
}

/// True when swapping suits `s1` and `s2` maps the (card, card, weight) list onto itself.
fn range_symmetric(range: &[(Card, Card, f32)], s1: u8, s2: u8) -> bool {
    let index: HashMap<(Card, Card), f32> = range
        .iter()
        .map(|&(a, b, w)| ((a.min(b), a.max(b)), w))
        .collect();
    range.iter().all(|&(a, b, w)| {
        let (x, y) = (swap_card(a, s1, s2), swap_card(b, s1, s2));
        index.get(&(x.min(y), x.max(y))) == Some(&w)
    })
}

fn swap_card(card: Card, s1: u8, s2: u8) -> Card {
    let suit = cards_glue::suit(card);
    if suit == s1 {
        cards_glue::with_suit(card, s2)
    } else if suit == s2 {
        cards_glue::with_suit(card, s1)
    } else {
        card
    }
}

fn placeholder() -> GameNode {
    GameNode {
        kind: NodeKind::Chance,
        action_node: ActionNodeId(0),
        first_child: 0,
        num_children: 0,
        storage_start: 0,
        storage_end: 0,
        chance: u32::MAX,
        board: [0; 5],
        board_len: 0,
        payoff: 0.0,
    }
}
