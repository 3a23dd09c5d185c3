//! `ponder cards ...`, `ponder range`, `ponder equity`: JSON keys and values against cards.json and
//! known counts, and one-line errors with exit code 2.

mod common;

use common::{json, ponder};

#[test]
fn census_json_matches_cards_json() {
    let reference = json(ponder_oracles::CARDS_JSON);
    let (code, out, _) = ponder(&["cards", "census", "5", "--json"]);
    assert_eq!(code, 0);
    let value = json(&out);
    let five = &reference["five_card_hands"];
    assert_eq!(value["by_category"], five["by_category"]);
    assert_eq!(value["distinct_ranks"], five["distinct_ranks"]);
    assert!(value["hands_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn eval_range_equity_index_json() {
    let (code, out, _) = ponder(&["cards", "eval", "AhKh QsJsTs", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["category"], "straight");

    let (code, out, _) = ponder(&["range", "66+,A8s+", "--board", "Td9d6h", "--json"]);
    assert_eq!(code, 0);
    let value = json(&out);
    assert_eq!(value["combos"], 67.0);
    assert_eq!(value["canonical"], "66+,A8s+");
    assert_eq!(value["grid"].as_array().unwrap().len(), 13);

    let (code, out, _) = ponder(&["equity", "AhKh", "QsQd", "--json"]);
    assert_eq!(code, 0);
    let value = json(&out);
    assert_eq!(value["exact"], true);
    assert_eq!(value["trials"], 1_712_304);
    let equity: Vec<f64> = serde_json::from_value(value["equity"].clone()).unwrap();
    assert!((equity[0] + equity[1] - 1.0).abs() < 1e-12);
    assert!(value["std_error"].is_null());

    let (code, out, _) = ponder(&[
        "equity",
        "QQ+,AKs",
        "22+,AT+",
        "--samples",
        "100000",
        "--json",
    ]);
    assert_eq!(code, 0);
    let value = json(&out);
    assert_eq!(value["exact"], false);
    assert!(value["std_error"].as_f64().unwrap() > 0.0);

    let (code, out, _) = ponder(&["cards", "index", "--board-only", "Td9d6h", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["classes"], 1755);
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    for args in [
        &["range", "AA,KX"][..],
        &["equity", "AhKh", "AhQh"],
        &["equity", "AhKh", "QQ", "--board", "Ah Ah"],
        &["cards", "eval", "AhKh"],
        &["cards", "census", "8"],
        &["cards", "index", "AhKhQd"],
        &["cards", "strength", "AhKh", "--board", "AhKd2c"],
    ] {
        let (code, out, err) = ponder(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(
            err.starts_with("error: ") && err.trim_end().lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}
