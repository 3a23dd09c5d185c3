//! The HTTP routes: one table ([`routes`]) that builds the router and that the OpenAPI test walks, the
//! handlers, the JSON body extractor (bounded, errors naming the field) and the token check.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::{Json, Router};
use futures_util::Stream;
use ponder_postflop::spot::{SpotFile, DEFAULT_SPOT_TOML};
use ponder_postflop::with_solver;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_stream::wrappers::WatchStream;
use tokio_stream::StreamExt;

use crate::error::ApiError;
use crate::play::{ActRequest, NewSession, Play};
use crate::solves::{SolveRequest, Solves};
use crate::{assets, node, openapi};

/// Largest request body accepted, in bytes (1 MiB).
pub const MAX_BODY: usize = 1 << 20;
/// Longest `line` query accepted, in bytes.
pub const MAX_LINE: usize = 4096;
/// Longest range text `POST /api/range` accepts, in bytes.
pub const MAX_RANGE: usize = 16 * 1024;

/// Shared server state.
pub struct AppState {
    /// Solves and solve files.
    pub solves: Arc<Solves>,
    /// Play sessions.
    pub play: Play,
    /// Token required on state-changing routes (set when bound beyond loopback).
    pub token: Option<String>,
}

type Shared = Arc<AppState>;

/// One route: method, path (axum syntax, `{id}`), a one-line summary for the OpenAPI document, and
/// the handler.
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path with `{param}` segments.
    pub path: &'static str,
    /// What it does (the OpenAPI `summary`).
    pub summary: &'static str,
    /// The handler.
    pub handler: MethodRouter<Shared>,
}

fn route(
    method: Method,
    path: &'static str,
    summary: &'static str,
    handler: MethodRouter<Shared>,
) -> Route {
    Route {
        method,
        path,
        summary,
        handler,
    }
}

/// Every route the server answers: the router is built from exactly this list.
pub fn routes() -> Vec<Route> {
    use axum::routing::{delete, get, post};
    vec![
        route(Method::GET, "/", "The web app's page", get(assets::index)),
        route(
            Method::GET,
            "/assets/{file}",
            "An embedded asset (ES module, CSS)",
            get(assets::asset),
        ),
        route(
            Method::GET,
            "/api/openapi.json",
            "This API's OpenAPI 3 document",
            get(openapi_doc),
        ),
        route(
            Method::GET,
            "/api/spots/default",
            "The default spot (turn_td9d6hqc) as spot JSON",
            get(default_spot),
        ),
        route(
            Method::POST,
            "/api/range",
            "Parse a range: combos after board blockers and the 13x13 grid",
            post(range),
        ),
        route(
            Method::GET,
            "/api/solves",
            "Every solve held by the server",
            get(list_solves),
        ),
        route(
            Method::POST,
            "/api/solves",
            "Start a solve from a spot",
            post(start_solve),
        ),
        route(
            Method::GET,
            "/api/solves/{id}",
            "Status, progress and result summary of a solve",
            get(get_solve),
        ),
        route(
            Method::DELETE,
            "/api/solves/{id}",
            "Cancel a solve",
            delete(cancel_solve),
        ),
        route(
            Method::POST,
            "/api/solves/{id}/cancel",
            "Cancel a solve",
            post(cancel_solve),
        ),
        route(
            Method::GET,
            "/api/solves/{id}/events",
            "Progress as server-sent events until the solve ends",
            get(solve_events),
        ),
        route(
            Method::GET,
            "/api/solves/{id}/node",
            "The `ponder show --json` view of the node at `line`",
            get(solve_node),
        ),
        route(
            Method::GET,
            "/api/solves/{id}/export",
            "The node's strategy per hand as JSON or CSV",
            get(solve_export),
        ),
        route(
            Method::GET,
            "/api/files",
            "Solve files in the data directory",
            get(list_files),
        ),
        route(
            Method::POST,
            "/api/files/{id}/open",
            "Open a solve file of the data directory by id",
            post(open_file),
        ),
        route(
            Method::GET,
            "/api/bots",
            "Bots that can be played",
            get(bots),
        ),
        route(
            Method::POST,
            "/api/play",
            "Start a play session against a bot",
            post(new_session),
        ),
        route(
            Method::GET,
            "/api/play/{id}",
            "A play session: current hand and running result",
            get(get_session),
        ),
        route(
            Method::POST,
            "/api/play/{id}/deal",
            "Deal the next hand",
            post(deal),
        ),
        route(
            Method::POST,
            "/api/play/{id}/act",
            "The human's move; the bot replies",
            post(act),
        ),
        route(
            Method::GET,
            "/api/play/{id}/phh",
            "The session's finished hands as PHH",
            get(phh),
        ),
    ]
}

/// The router over [`routes`], with the body limit, the token check and JSON 404s.
pub fn router(state: AppState) -> Router {
    let state = Arc::new(state);
    let mut router: Router<Shared> = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<Shared>)> = Vec::new();
    for r in routes() {
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), check_token))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::with_status(StatusCode::NOT_FOUND, None, "no such route")
}

/// Refuses state-changing requests without the token when one is set (bound beyond loopback).
async fn check_token(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let safe = matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        );
        if !safe && !token_matches(request.headers(), token) {
            return ApiError::with_status(
                StatusCode::UNAUTHORIZED,
                Some("authorization"),
                "this server is reachable beyond loopback: send the token printed at start as `Authorization: Bearer TOKEN`",
            )
            .into_response();
        }
    }
    next.run(request).await
}

fn token_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    // Constant time in the token's length: no early exit on the first differing byte.
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A JSON body: at most [`MAX_BODY`] bytes, and errors that name the field (`spot.board`).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            let status = e.status();
            ApiError::with_status(
                status,
                Some("body"),
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    format!("the body is larger than {MAX_BODY} bytes")
                } else {
                    e.body_text()
                },
            )
        })?;
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            if inner.classify() != serde_json::error::Category::Data {
                // Not JSON (or cut short): the body as a whole is at fault.
                return ApiError::bad("body", message);
            }
            // The path of an unknown field ends at that field; a missing field is named only in the
            // message, and the path is its parent.
            let field = match (missing_field(&message), path.as_str()) {
                (Some(name), ".") => name,
                (Some(name), parent) => format!("{parent}.{name}"),
                (None, ".") => "body".to_string(),
                (None, _) => path,
            };
            ApiError::bad(&field, message)
        })?;
        Ok(JsonBody(value))
    }
}

/// The field name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_string)
}

async fn openapi_doc() -> Json<Value> {
    Json(openapi::document(&routes()))
}

async fn default_spot() -> Result<Json<SpotFile>, ApiError> {
    SpotFile::from_toml(DEFAULT_SPOT_TOML, "built-in spot")
        .map(Json)
        .map_err(|e| ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string()))
}

/// `POST /api/range` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeRequest {
    range: String,
    #[serde(default)]
    board: String,
}

async fn range(JsonBody(request): JsonBody<RangeRequest>) -> Result<Json<Value>, ApiError> {
    if request.range.len() > MAX_RANGE {
        return Err(ApiError::bad(
            "range",
            format!("longer than {MAX_RANGE} bytes"),
        ));
    }
    let range = ponder_cards::Range::parse(&request.range)
        .map_err(|e| ApiError::bad("range", e.to_string()))?;
    let board = ponder_cards::card::parse_board(&request.board)
        .map_err(|e| ApiError::bad("board", e.to_string()))?;
    Ok(Json(json!({
        "combos": range.combos_with_board(board),
        "combos_without_board": range.combos(),
        "canonical": range.to_string(),
        "grid": range.grid(board),
    })))
}

async fn list_solves(State(state): State<Shared>) -> Json<Value> {
    Json(json!(state.solves.list()))
}

async fn start_solve(
    State(state): State<Shared>,
    JsonBody(request): JsonBody<SolveRequest>,
) -> Result<Response, ApiError> {
    let entry = state.solves.submit(request).await?;
    Ok((StatusCode::ACCEPTED, Json(state.solves.summary(&entry))).into_response())
}

async fn get_solve(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = state.solves.get(&id)?;
    Ok(Json(json!(state.solves.summary(&entry))))
}

async fn cancel_solve(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = state.solves.cancel(&id)?;
    Ok(Json(json!(state.solves.summary(&entry))))
}

async fn solve_events(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let entry = state.solves.get(&id)?;
    let mut ended = false;
    // Each change of progress becomes one `progress` event; the stream closes after the final state.
    let stream = WatchStream::new(entry.watch())
        .take_while(move |p| {
            let keep = !ended;
            ended = p.state.is_final();
            keep
        })
        .map(|p| {
            Ok(Event::default()
                .event("progress")
                .json_data(&p)
                .unwrap_or_else(|_| Event::default().comment("unserialisable")))
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// `?line=...` of the node and export routes.
#[derive(Deserialize)]
struct NodeQuery {
    #[serde(default)]
    line: String,
    #[serde(default)]
    format: Option<String>,
}

async fn node_report(
    state: &AppState,
    id: &str,
    query: &NodeQuery,
) -> Result<(ponder_postflop::report::NodeReport, Value), ApiError> {
    if query.line.len() > MAX_LINE {
        return Err(ApiError::bad(
            "line",
            format!("longer than {MAX_LINE} bytes"),
        ));
    }
    let entry = state.solves.get(id)?;
    if entry.solver().is_none() {
        return Err(ApiError::with_status(
            StatusCode::CONFLICT,
            Some("id"),
            format!(
                "solve `{id}` has no strategy yet ({:?})",
                entry.progress().state
            ),
        ));
    }
    let line = query.line.clone();
    let exploitability = entry.progress().exploitability_pct;
    tokio::task::spawn_blocking(move || {
        let Some(solver) = entry.solver() else {
            return Err(ApiError::with_status(
                StatusCode::CONFLICT,
                Some("id"),
                "no strategy yet",
            ));
        };
        with_solver!(solver, s => {
            let report = node::node_at(s, &line).map_err(|e| ApiError::bad("line", e.to_string()))?;
            let value = node::node_json(s, &report, exploitability);
            Ok((report, value))
        })
    })
    .await
    .map_err(|e| ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string()))?
}

async fn solve_node(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<NodeQuery>,
) -> Result<Json<Value>, ApiError> {
    let (_, value) = node_report(&state, &id, &query).await?;
    Ok(Json(value))
}

async fn solve_export(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<NodeQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.clone().unwrap_or_else(|| "json".into());
    if format != "json" && format != "csv" {
        return Err(ApiError::bad("format", "json or csv"));
    }
    let (report, value) = node_report(&state, &id, &query).await?;
    let disposition = format!("attachment; filename=\"{id}-node.{format}\"");
    Ok(if format == "csv" {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            node::node_csv(&report),
        )
            .into_response()
    } else {
        ([(header::CONTENT_DISPOSITION, disposition)], Json(value)).into_response()
    })
}

async fn list_files(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.solves.files()?)))
}

async fn open_file(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = state.solves.open_file(&id).await?;
    Ok(Json(json!(state.solves.summary(&entry))))
}

async fn bots() -> Json<Value> {
    Json(json!(ponder_bots::BOT_NAMES))
}

async fn new_session(
    State(state): State<Shared>,
    JsonBody(request): JsonBody<NewSession>,
) -> Result<Response, ApiError> {
    let view = state.play.create(&request)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn get_session(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.play.view(&id)?)))
}

async fn deal(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.play.deal(&id)?)))
}

async fn act(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ActRequest>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.play.act(&id, &request)?)))
}

async fn phh(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let text = state.play.phh(&id)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}.phhs\""),
            ),
        ],
        text,
    )
        .into_response())
}
