//! [`ApiError`]: every refusal the API gives, as a 4xx/5xx status with a JSON body naming the field.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ponder_postflop::{SolveError, SpotError};
use serde::Serialize;

/// An API error: HTTP status, the request field it is about (if any) and a one-line message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status code.
    #[serde(skip)]
    pub status: StatusCode,
    /// The request field the error is about (`spot.board`, `line`, `id`...), when there is one.
    pub field: Option<String>,
    /// What was wrong, in one line.
    pub error: String,
}

impl ApiError {
    /// A 400 about `field`.
    pub fn bad(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some(field.to_string()),
            error: message.into(),
        }
    }

    /// A 404 for an id that names nothing.
    pub fn not_found(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            field: Some(field.to_string()),
            error: message.into(),
        }
    }

    /// An error with any status.
    pub fn with_status(
        status: StatusCode,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            field: field.map(str::to_string),
            error: message.into(),
        }
    }

    /// A spot the postflop solver refused, with the spot field it names (prefixed `spot.`).
    pub fn from_solve(error: &SolveError) -> ApiError {
        if let SolveError::TooBig { .. } = error {
            return ApiError::with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("spot"),
                error.to_string(),
            );
        }
        let field =
            solve_error_field(error).map_or_else(|| "spot".to_string(), |f| format!("spot.{f}"));
        ApiError::bad(&field, error.to_string())
    }
}

/// The spot field a [`SolveError`] is about (array fields without their index), if it names one.
fn solve_error_field(error: &SolveError) -> Option<String> {
    let field = match error {
        SolveError::Spot(SpotError::BetSize { field, .. })
        | SolveError::Spot(SpotError::Invalid { field, .. })
        | SolveError::Cards { field, .. }
        | SolveError::ComboOnBoard { field, .. }
        | SolveError::EmptyRange { field, .. }
        | SolveError::NoCompatiblePair { field, .. }
        | SolveError::Bunching { field, .. } => field.clone(),
        SolveError::Lock(_) => "lock".to_string(),
        SolveError::InFile { error, .. } => return solve_error_field(error),
        _ => return None,
    };
    field.split('[').next().map(str::to_string)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(&self)).into_response()
    }
}
