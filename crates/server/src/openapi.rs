//! The OpenAPI 3 document served at `/api/openapi.json`, generated from the route table so that it
//! names every route the router has.

use serde_json::{json, Map, Value};

use crate::api::Route;

/// Parameters of a path (`{id}`, `{file}`) as OpenAPI path parameters.
fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

/// Query parameters, request bodies and responses that the summary line does not say.
fn details(method: &str, path: &str) -> Value {
    let error = json!({"description": "error: {\"field\": ..., \"error\": ...}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut op = json!({"responses": {"200": {"description": "OK"}, "4XX": error}});
    let body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    match (method, path) {
        ("post", "/api/solves") => {
            op["requestBody"] = body(json!({"$ref": "#/components/schemas/SolveRequest"}));
            op["responses"]["202"] = json!({"description": "queued or running"});
            op["responses"]["422"] =
                json!({"description": "the spot needs more than --max-memory"});
        }
        ("post", "/api/range") => {
            op["requestBody"] = body(
                json!({"type": "object", "required": ["range"], "properties": {"range": {"type": "string"}, "board": {"type": "string"}}}),
            );
        }
        ("get", "/api/solves/{id}/node") | ("get", "/api/solves/{id}/export") => {
            let mut params = vec![
                json!({"name": "line", "in": "query", "required": false, "schema": {"type": "string"}, "description": "actions and dealt cards from the root, `ponder show --line` syntax"}),
            ];
            if path.ends_with("export") {
                params.push(json!({"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv"]}}));
            }
            op["parameters"] = json!(params);
        }
        ("get", "/api/solves/{id}/events") => {
            op["responses"]["200"] = json!({"description": "`progress` events (JSON) until the solve ends", "content": {"text/event-stream": {}}});
        }
        ("post", "/api/play") => {
            op["requestBody"] = body(
                json!({"type": "object", "required": ["bot"], "properties": {"bot": {"type": "string"}, "seed": {"type": "integer", "minimum": 0}}}),
            );
            op["responses"]["201"] = json!({"description": "session created"});
        }
        ("post", "/api/play/{id}/act") => {
            op["requestBody"] = body(
                json!({"type": "object", "required": ["action"], "properties": {"action": {"type": "string", "enum": ["fold", "check", "call", "bet", "raise"]}, "amount": {"type": "integer", "minimum": 0, "description": "bet/raise: this street's total bet after the move"}}}),
            );
        }
        _ => {}
    }
    op
}

/// The document for `routes`.
pub fn document(routes: &[Route]) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for route in routes {
        let method = route.method.as_str().to_ascii_lowercase();
        let mut op = details(&method, route.path);
        op["summary"] = json!(route.summary);
        let params = path_parameters(route.path);
        if !params.is_empty() {
            let mut all = params;
            if let Some(Value::Array(query)) = op.get("parameters") {
                all.extend(query.iter().cloned());
            }
            op["parameters"] = json!(all);
        }
        let item = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        item[method] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "ponder",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "ponder's web API: postflop solves (start, progress, browse nodes, export), solve files of the data directory, play against a bot. State-changing routes need `Authorization: Bearer TOKEN` when the server is bound beyond loopback. Bodies are at most 1 MiB."
        },
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"field": {"type": "string", "nullable": true}, "error": {"type": "string"}}},
            "SolveRequest": {"type": "object", "required": ["spot"], "properties": {
                "spot": {"type": "object", "description": "a spot file's fields as JSON (board, oop_range, ip_range, starting_pot, effective_stack, bet_sizes, ...)"},
                "max_iterations": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 200},
                "target_pct": {"type": "number", "minimum": 0, "default": 0.3},
                "check_every": {"type": "integer", "minimum": 1, "default": 10},
                "compressed": {"type": "boolean", "default": false}
            }}
        }}
    })
}
