//! `ponder scale` through the binary: a small grid writes its files with consistent rows, self-play
//! reports, and bad grids or games are refused with one-line errors and exit code 2.

mod common;

use common::ponder;

#[test]
fn kuhn_grid_writes_csv_svg_and_json() {
    let out = std::env::temp_dir().join(format!("ponder-scale-test-{}", std::process::id()));
    let out_text = out.to_str().unwrap();
    let (code, stdout, stderr) = ponder(&[
        "scale", "kuhn", "--train", "10,100", "--search", "0,100", "--out", out_text,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("kuhn_poker()"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("scale.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    // NashConv column: search never above the blueprint of the same training size.
    let nash_conv = |row: &str| row.split(',').nth(3).unwrap().parse::<f64>().unwrap();
    assert!(nash_conv(rows[1]) <= nash_conv(rows[0]) + 1e-9, "{csv}");
    assert!(nash_conv(rows[3]) <= nash_conv(rows[2]) + 1e-9, "{csv}");
    let svg = std::fs::read_to_string(out.join("scale.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("polyline"), "{svg}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scale.json")).unwrap()).unwrap();
    assert_eq!(json["report"]["cells"].as_array().unwrap().len(), 4);
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn bad_grids_and_games_are_refused() {
    for (args, expected) in [
        (
            vec!["scale", "leduc", "--train", "100,10"],
            "increase strictly",
        ),
        (
            vec!["scale", "leduc", "--search", "0,ten"],
            "'ten' (item 2)",
        ),
        (vec!["scale", "leduc", "--train", ""], "at least one value"),
        (vec!["scale", "leduc", "--search", "0,1000000"], "outside"),
        (vec!["scale", "kuhn_poker(players=3)"], "2-player zero-sum"),
        (vec!["scale", "chess"], "unknown game"),
        (
            vec!["scale", "leduc_poker(players=4)"],
            "2 or 3 players fit",
        ),
        (vec!["scale", "liars_dice(numdice=2)"], "43486542835 nodes"),
        (
            vec!["scale", "leduc", "--threads", "0"],
            "must be from 1 to",
        ),
    ] {
        let (code, _, stderr) = ponder(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error:") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn self_play_reports_nash_conv_and_cce_gap() {
    let out = std::env::temp_dir().join(format!("ponder-selfplay-test-{}", std::process::id()));
    let (code, stdout, stderr) = ponder(&[
        "scale",
        "shapley_3x3(weighted=true)",
        "--self-play",
        "10,1000",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert!(points[1]["cce_gap"].as_f64().unwrap() < points[0]["cce_gap"].as_f64().unwrap());
    std::fs::remove_dir_all(&out).ok();
}
