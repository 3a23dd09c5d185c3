//! Small checks of the evaluator's unchecked table read (`Hand::rank`), sized for Miri
//! (`tools/miri.sh`): every category, both paths (flush and rank-sum), and hands the evaluator
//! calls a caller bug (too many cards, the same card twice), which must still read inside the
//! tables. Also a plain test in `cargo test`.

use ponder_cards::{parse_cards, Card, Category, Hand, HandRank, DISTINCT_RANKS};

fn rank(text: &str) -> HandRank {
    Hand::from_cards(&parse_cards(text).unwrap()).rank()
}

#[test]
fn every_category_reads_its_rank() {
    for (cards, category) in [
        ("AsKsQsJsTs9h2c", Category::StraightFlush),
        ("AhAdAcAs2c3d", Category::FourOfAKind),
        ("KhKdKc2s2c", Category::FullHouse),
        ("2h5h9hJhKh", Category::Flush),
        ("5c4d3h2sAc", Category::Straight),
        ("7c7d7h2s9c", Category::ThreeOfAKind),
        ("7c7d9h9s2c", Category::TwoPair),
        ("7c7d9h3s2cJd", Category::OnePair),
        ("2c4d6h8sTcQd", Category::HighCard),
    ] {
        let rank = rank(cards);
        assert!((rank.value() as usize) < DISTINCT_RANKS, "{cards}");
        assert_eq!(rank.category(), category, "{cards}");
    }
    assert!(rank("AsKsQsJsTs") > rank("KsQsJsTs9s"));
    assert_eq!(rank("AsKsQsJsTs2c3d"), rank("AhKhQhJhTh"));
}

#[test]
fn caller_bugs_still_read_inside_the_tables() {
    // Every card at once, every suit's flush at once, and one card added many times: the key's
    // sum field wraps, and the read must stay inside the tables all the same.
    let mut all = Hand::new();
    for index in 0..52 {
        all = all.add(Card::from_index(index).unwrap());
    }
    let _ = all.rank();
    let ace = Card::from_index(51).unwrap();
    let mut repeated = Hand::new();
    for _ in 0..40 {
        repeated = repeated.add(ace);
        let _ = repeated.rank();
    }
    let _ = Hand::new().rank();
}
