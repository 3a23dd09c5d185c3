//! API tests through the router (`tower::ServiceExt::oneshot`): every bad-input case gives a 4xx JSON
//! error naming the field; solves run, queue, cancel, refuse memory, save and agree with the report
//! code `ponder show --json` uses; the OpenAPI document covers the route table exactly.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use ponder_postflop::{with_solver, BenchFile};
use ponder_server::{app, ServerConfig};
use serde_json::{json, Value};
use tower::ServiceExt;

fn config(dir: &Path, max_solves: usize, max_memory: u64) -> ServerConfig {
    ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_path_buf(),
        max_solves,
        max_memory,
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    body: Option<Vec<u8>>,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

async fn post_json(router: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    call(
        router,
        Method::POST,
        uri,
        Some(body.to_string().into_bytes()),
        None,
    )
    .await
}

fn river_spot() -> Value {
    serde_json::to_value(BenchFile::builtin().spot("river_qsjh2h8d3c").unwrap()).unwrap()
}

fn default_spot() -> Value {
    let spot =
        ponder_postflop::SpotFile::from_toml(ponder_postflop::spot::DEFAULT_SPOT_TOML, "built-in")
            .unwrap();
    serde_json::to_value(spot).unwrap()
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, field: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["field"], json!(field), "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}

async fn wait_final(router: &Router, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let (status, body) = call(
            router,
            Method::GET,
            &format!("/api/solves/{id}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if ["done", "cancelled", "failed"].contains(&body["state"].as_str().unwrap()) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "solve {id} never ended: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn bad_bodies_are_4xx_json_errors_naming_the_field() {
    let dir = temp_dir("bad");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    // Not JSON at all.
    let (s, b) = call(
        &router,
        Method::POST,
        "/api/solves",
        Some(b"{not json".to_vec()),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "body");
    // Missing top-level field.
    let (s, b) = post_json(&router, "/api/solves", json!({"max_iterations": 5})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "spot");
    // Missing field inside the spot.
    let mut spot = river_spot();
    spot.as_object_mut().unwrap().remove("board");
    let (s, b) = post_json(&router, "/api/solves", json!({"spot": spot})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "spot.board");
    // Wrong type.
    let mut spot = river_spot();
    spot["starting_pot"] = json!("lots");
    let (s, b) = post_json(&router, "/api/solves", json!({"spot": spot})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "spot.starting_pot");
    // Unknown field.
    let (s, b) = post_json(
        &router,
        "/api/solves",
        json!({"spot": river_spot(), "iters": 3}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "iters");
    // A spot the solver refuses: its field, prefixed.
    let mut spot = river_spot();
    spot["board"] = json!("QsJh2h8dXx");
    let (s, b) = post_json(&router, "/api/solves", json!({"spot": spot})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "spot.board");
    let mut spot = river_spot();
    spot["oop_range"] = json!("AA,KZ");
    let (s, b) = post_json(&router, "/api/solves", json!({"spot": spot})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "spot.oop_range");
    // Out-of-bounds counts.
    let (s, b) = post_json(
        &router,
        "/api/solves",
        json!({"spot": river_spot(), "max_iterations": 0}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "max_iterations");
    let (s, b) = post_json(
        &router,
        "/api/solves",
        json!({"spot": river_spot(), "max_iterations": 100_001}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "max_iterations");
    let (s, b) = post_json(
        &router,
        "/api/solves",
        json!({"spot": river_spot(), "target_pct": -1}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "target_pct");
    // Oversize body: refused before it is parsed.
    let big = format!("{{\"spot\": \"{}\"}}", "x".repeat(2 << 20));
    let (s, b) = call(
        &router,
        Method::POST,
        "/api/solves",
        Some(big.into_bytes()),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "body");
    // Range parsing.
    let (s, b) = post_json(&router, "/api/range", json!({"range": "AA,KQx"})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "range");
    let (s, b) = post_json(
        &router,
        "/api/range",
        json!({"range": "AA", "board": "AsZz"}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "board");
    // No such route: JSON too.
    let (s, b) = call(&router, Method::GET, "/api/nothing", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert!(b["error"].is_string());
}

#[tokio::test]
async fn unknown_ids_are_404_naming_the_id() {
    let dir = temp_dir("unknown");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    for (method, uri) in [
        (Method::GET, "/api/solves/nope"),
        (Method::GET, "/api/solves/nope/node?line="),
        (Method::GET, "/api/solves/nope/export?format=csv"),
        (Method::GET, "/api/solves/nope/events"),
        (Method::DELETE, "/api/solves/nope"),
        (Method::POST, "/api/solves/nope/cancel"),
        (Method::POST, "/api/files/nope/open"),
        (Method::GET, "/api/play/nope"),
        (Method::POST, "/api/play/nope/deal"),
        (Method::GET, "/api/play/nope/phh"),
        (Method::GET, "/assets/nope.js"),
    ] {
        let (s, b) = call(&router, method.clone(), uri, None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {uri}: {b}");
        assert!(b["field"].is_string(), "{method} {uri}: {b}");
    }
}

#[tokio::test]
async fn solve_files_are_opened_by_id_only() {
    let dir = temp_dir("traversal");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    // A file outside the data directory, and a symbolic link to it inside.
    std::fs::write(dir.join("secret.solve"), b"not yours").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("secret.solve"), data.join("link.solve")).unwrap();
    let (router, _) = app(&config(&data, 1, 1 << 30), None);
    for id in [
        "..%2Fsecret",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "..",
        "a.b",
        "-rf",
        "secret%00",
        "..%5Csecret",
    ] {
        let (s, b) = call(
            &router,
            Method::POST,
            &format!("/api/files/{id}/open"),
            None,
            None,
        )
        .await;
        assert_error(s, &b, StatusCode::BAD_REQUEST, "id");
    }
    // A path with real separators does not even reach the route.
    let (s, _) = call(
        &router,
        Method::POST,
        "/api/files/../secret/open",
        None,
        None,
    )
    .await;
    assert!(s.is_client_error());
    // The link is a valid id, but not a regular file of the data directory.
    let (s, b) = call(&router, Method::POST, "/api/files/link/open", None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "id");
    // A damaged file in the directory is refused with the file's error.
    std::fs::write(data.join("broken.solve"), b"garbage").unwrap();
    let (s, b) = call(&router, Method::POST, "/api/files/broken/open", None, None).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "id");
    let (s, files) = call(&router, Method::GET, "/api/files", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["broken"], "links are not listed: {files}");
}

#[tokio::test]
async fn a_token_is_required_on_state_changing_routes_when_set() {
    let dir = temp_dir("token");
    let (router, _) = app(&config(&dir, 1, 1 << 30), Some("s3cret".into()));
    let body = Some(json!({"bot": "call"}).to_string().into_bytes());
    for (method, uri) in [
        (Method::POST, "/api/play"),
        (Method::POST, "/api/solves"),
        (Method::DELETE, "/api/solves/x"),
        (Method::POST, "/api/files/x/open"),
        (Method::POST, "/api/range"),
    ] {
        let (s, b) = call(&router, method.clone(), uri, body.clone(), None).await;
        assert_error(s, &b, StatusCode::UNAUTHORIZED, "authorization");
        let (s, b) = call(&router, method.clone(), uri, body.clone(), Some("s3creT")).await;
        assert_error(s, &b, StatusCode::UNAUTHORIZED, "authorization");
    }
    let (s, b) = call(
        &router,
        Method::POST,
        "/api/play",
        body.clone(),
        Some("s3cret"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // Reads need no token.
    let (s, _) = call(&router, Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    // Loopback (no token): no header needed.
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, _) = call(&router, Method::POST, "/api/play", body, None).await;
    assert_eq!(s, StatusCode::CREATED);
}

#[tokio::test]
async fn openapi_document_covers_every_route_exactly() {
    let dir = temp_dir("openapi");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, doc) = call(&router, Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], json!("3.0.3"));
    let paths = doc["paths"].as_object().unwrap();
    let routes = ponder_server::routes();
    let mut documented = 0;
    for (path, item) in paths {
        documented += item.as_object().unwrap().len();
        for method in item.as_object().unwrap().keys() {
            assert!(
                routes
                    .iter()
                    .any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method)),
                "documented but not routed: {method} {path}"
            );
        }
    }
    assert_eq!(documented, routes.len());
    for route in &routes {
        let item = &paths[route.path];
        let op = &item[route.method.as_str().to_ascii_lowercase()];
        assert!(op["summary"].is_string(), "{} {}", route.method, route.path);
        // The router answers the route: never the fallback's "no such route" (field null) or 405.
        let uri = route.path.replace("{id}", "x").replace("{file}", "app.js");
        let (s, b) = call(
            &router,
            route.method.clone(),
            &uri,
            Some(b"{}".to_vec()),
            None,
        )
        .await;
        assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{} {uri}", route.method);
        assert!(
            !(s == StatusCode::NOT_FOUND && b["error"] == json!("no such route")),
            "{} {uri} is not routed",
            route.method
        );
        for name in ["id", "file"] {
            if route.path.contains(&format!("{{{name}}}")) {
                let params = op["parameters"].as_array().unwrap();
                assert!(params
                    .iter()
                    .any(|p| p["name"] == json!(name) && p["in"] == json!("path")));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_solve_runs_saves_and_its_node_view_matches_the_saved_file() {
    let dir = temp_dir("solve");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, b) = post_json(
        &router,
        "/api/solves",
        json!({"spot": river_spot(), "max_iterations": 30, "target_pct": 0.0}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let id = b["id"].as_str().unwrap().to_string();
    let done = wait_final(&router, &id).await;
    assert_eq!(done["state"], json!("done"), "{done}");
    assert_eq!(done["iteration"], json!(30));
    assert_eq!(done["saved"], json!(id));
    let root = done["root"].as_array().unwrap();
    let total: f64 = root.iter().map(|a| a["frequency"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-4, "{done}");
    // The view the API gives equals the one computed from the saved file (what `ponder show --json`
    // prints: the same function on the same solver).
    let (header, solver) =
        ponder_postflop::file::load_solver(&dir.join(format!("{id}.solve")), 1 << 30).unwrap();
    assert_eq!(header.iteration, 30);
    for line in ["", "check", "check,bet 66"] {
        let uri = format!(
            "/api/solves/{id}/node?line={}",
            line.replace(' ', "%20").replace(',', "%2C")
        );
        let (s, api_view) = call(&router, Method::GET, &uri, None, None).await;
        let expected = with_solver!(&solver, s => {
            match ponder_server::node::node_at(s, line) {
                Ok(report) => Some(ponder_server::node::node_json(s, &report, header.exploitability_pct)),
                Err(_) => None,
            }
        });
        match expected {
            Some(expected) => {
                assert_eq!(s, StatusCode::OK, "{line}: {api_view}");
                assert_eq!(api_view, expected, "line `{line}`");
            }
            None => assert_error(s, &api_view, StatusCode::BAD_REQUEST, "line"),
        }
    }
    let (s, b) = call(
        &router,
        Method::GET,
        &format!("/api/solves/{id}/node?line=raise%2099999"),
        None,
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "line");
    // CSV export: a header and one row per hand of the acting player.
    let (s, csv) = call(
        &router,
        Method::GET,
        &format!("/api/solves/{id}/export?format=csv"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap().to_string();
    let (_, node) = call(
        &router,
        Method::GET,
        &format!("/api/solves/{id}/node"),
        None,
        None,
    )
    .await;
    assert_eq!(
        csv.lines().count(),
        1 + node["hands"].as_array().unwrap().len()
    );
    assert!(csv.starts_with("hand,class,weight,ev,equity,"));
    let (s, b) = call(
        &router,
        Method::GET,
        &format!("/api/solves/{id}/export?format=xml"),
        None,
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "format");
    // A fresh server opens the saved file by id and shows the same root.
    let (router2, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, opened) = call(
        &router2,
        Method::POST,
        &format!("/api/files/{id}/open"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{opened}");
    assert_eq!(opened["root"], done["root"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solves_queue_beyond_the_limit_cancel_and_are_kept_at_shutdown() {
    let dir = temp_dir("queue");
    let (router, solves) = app(&config(&dir, 1, 1 << 30), None);
    let long = json!({"spot": default_spot(), "max_iterations": 100000, "target_pct": 0.0, "check_every": 1});
    let (s, first) = post_json(&router, "/api/solves", long.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{first}");
    let (s, second) = post_json(&router, "/api/solves", long).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{second}");
    let first = first["id"].as_str().unwrap().to_string();
    let second = second["id"].as_str().unwrap().to_string();
    // The first runs, the second waits its turn.
    let start = Instant::now();
    loop {
        let (_, b) = call(
            &router,
            Method::GET,
            &format!("/api/solves/{first}"),
            None,
            None,
        )
        .await;
        if b["state"] == json!("running") && b["iteration"].as_u64().unwrap() > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "{b}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, b) = call(
        &router,
        Method::GET,
        &format!("/api/solves/{second}"),
        None,
        None,
    )
    .await;
    assert_eq!(b["state"], json!("queued"), "{b}");
    assert_eq!(b["queue_position"], json!(1), "{b}");
    // Cancelling the queued one ends it at once; it never runs.
    let (s, b) = call(
        &router,
        Method::DELETE,
        &format!("/api/solves/{second}"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["state"], json!("cancelled"), "{b}");
    // Shutdown stops the running one, which saves what it reached.
    solves.shutdown(Duration::from_secs(60)).await;
    let b = wait_final(&router, &first).await;
    assert_eq!(b["state"], json!("cancelled"), "{b}");
    let iterations = b["iteration"].as_u64().unwrap();
    assert!(iterations > 0 && iterations < 100000, "{b}");
    let (header, _) =
        ponder_postflop::file::load_solver(&dir.join(format!("{first}.solve")), 1 << 30).unwrap();
    assert_eq!(header.iteration as u64, iterations);
    assert!(!dir.join(format!("{second}.solve")).exists());
}

#[tokio::test]
async fn spots_above_max_memory_are_refused_before_solving() {
    let dir = temp_dir("memory");
    let (router, _) = app(&config(&dir, 1, 64 << 10), None);
    let (s, b) = post_json(&router, "/api/solves", json!({"spot": default_spot()})).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "spot");
    let (_, list) = call(&router, Method::GET, "/api/solves", None, None).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn a_hand_against_call_plays_out_and_downloads_as_phh() {
    let dir = temp_dir("play");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, b) = post_json(&router, "/api/play", json!({"bot": "nobody"})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bot");
    let (s, session) = post_json(&router, "/api/play", json!({"bot": "call", "seed": 42})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(session["seed"], json!(42));
    let id = session["id"].as_str().unwrap().to_string();
    let (s, b) = post_json(
        &router,
        &format!("/api/play/{id}/act"),
        json!({"action": "call"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "no hand yet: {b}");
    let (s, mut view) = post_json(&router, &format!("/api/play/{id}/deal"), json!(null)).await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert_eq!(view["hand"]["seed"], json!(43));
    assert!(
        view["hand"]["bot_hole"].is_null(),
        "the bot's cards stay hidden: {view}"
    );
    let (s, b) = post_json(
        &router,
        &format!("/api/play/{id}/act"),
        json!({"action": "shove"}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "action");
    let (s, b) = post_json(
        &router,
        &format!("/api/play/{id}/act"),
        json!({"action": "raise", "amount": 1}),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "amount");
    // Check or call down: the call bot never bets, so the hand reaches the showdown.
    while !view["hand"]["over"].as_bool().unwrap() {
        let (s, next) = post_json(
            &router,
            &format!("/api/play/{id}/act"),
            json!({"action": "call"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{next}");
        view = next;
    }
    let hand = &view["hand"];
    assert_eq!(hand["board"].as_str().unwrap().len(), 10, "{view}");
    assert!(hand["bot_hole"].is_string());
    let chips = hand["human_chips"].as_i64().unwrap();
    // Once over, the stacks hold the winnings: the human's is 400 plus what they won.
    let stacks: Vec<i64> = hand["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_i64().unwrap())
        .collect();
    assert_eq!(stacks.iter().sum::<i64>(), 800, "{view}");
    assert_eq!(stacks[0], 400 + chips, "{view}");
    assert_eq!(view["result"]["hands"], json!(1));
    assert_eq!(
        view["result"]["total_bb"].as_f64().unwrap(),
        chips as f64 / 2.0
    );
    let (s, b) = post_json(
        &router,
        &format!("/api/play/{id}/act"),
        json!({"action": "call"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let (s, phh) = call(
        &router,
        Method::GET,
        &format!("/api/play/{id}/phh"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let phh = phh.as_str().unwrap().to_string();
    assert!(phh.starts_with("[1]\n"), "{phh}");
    // The hand's text parses back as PHH with the same final stacks.
    let body: String = phh.lines().skip(1).collect::<Vec<_>>().join("\n");
    let record = ponder_holdem::phh::from_phh(&body).unwrap();
    assert_eq!(record.final_stacks.iter().sum::<u64>(), 800);
    assert!(
        record.final_stacks.iter().any(|&f| f as i64 - 400 == chips),
        "{phh}"
    );
    // Only the blinds went in: the human won, lost or split the big blind.
    assert!([-2, 0, 2].contains(&chips), "{view}");
}

#[tokio::test]
async fn range_counts_combos_after_the_board() {
    let dir = temp_dir("range");
    let (router, _) = app(&config(&dir, 1, 1 << 30), None);
    let (s, b) = post_json(&router, "/api/range", json!({"range": "AA,KK"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["combos"], json!(12.0));
    let (_, b) = post_json(
        &router,
        "/api/range",
        json!({"range": "AA,KK", "board": "AsKd2c"}),
    )
    .await;
    assert_eq!(b["combos"], json!(6.0));
    assert_eq!(b["grid"][0][0], json!(1.0));
}
