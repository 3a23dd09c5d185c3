//! `ponder-server`: the web app behind `ponder serve`. A JSON API under `/api/` (documented by the
//! OpenAPI document at `/api/openapi.json`) over the postflop solver ([`solves`], [`node`]) and the
//! bots ([`play`]), and a front end of plain ES modules compiled into the binary ([`assets`]).

#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod error;
pub mod node;
pub mod openapi;
pub mod play;
pub mod solves;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use api::{router, routes, AppState};
pub use error::ApiError;

/// How long a shutdown waits for running solves to stop and save.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Settings of `ponder serve`.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Directory of solve files (created if missing).
    pub data_dir: PathBuf,
    /// Solves running at once (more wait in a queue).
    pub max_solves: usize,
    /// Memory the running solves may use together, in bytes; a solve needing more is refused.
    pub max_memory: u64,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data directory could not be created.
    #[error("data directory {path}: {error}")]
    DataDir {
        /// The directory.
        path: String,
        /// Cause (in the message, not a `source`).
        error: std::io::Error,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Cause (in the message, not a `source`).
        error: std::io::Error,
    },
    /// Serving failed.
    #[error("server: {0}")]
    Io(String),
}

/// A random token of 32 hex digits (128 bits from the OS's generator).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The app for `config`: state (with a token when `token` is given) and router.
pub fn app(config: &ServerConfig, token: Option<String>) -> (axum::Router, Arc<solves::Solves>) {
    let solves = Arc::new(solves::Solves::new(
        config.data_dir.clone(),
        config.max_solves,
        config.max_memory,
    ));
    let state = AppState {
        solves: solves.clone(),
        play: play::Play::default(),
        token,
    };
    (router(state), solves)
}

/// A listening server: its address, the token (when bound beyond loopback) and the URL to open.
pub struct Listening {
    /// The bound address (the port is known even when 0 was asked).
    pub addr: SocketAddr,
    /// Token for state-changing routes, when bound beyond loopback.
    pub token: Option<String>,
    listener: tokio::net::TcpListener,
    router: axum::Router,
    solves: Arc<solves::Solves>,
}

impl Listening {
    /// The URL of the page (with the token in the fragment, which browsers never send to servers).
    pub fn url(&self) -> String {
        let host = if self.addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            match self.addr.ip() {
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            }
        };
        match &self.token {
            Some(token) => format!("http://{host}:{}/#token={token}", self.addr.port()),
            None => format!("http://{host}:{}/", self.addr.port()),
        }
    }

    /// Serves until `shutdown` completes, then stops the solves (each saves what it reached) and
    /// returns.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let solves = self.solves.clone();
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| ServeError::Io(e.to_string()))?;
        solves.shutdown(SHUTDOWN_GRACE).await;
        Ok(())
    }
}

/// Creates the data directory and binds; a token is made when the address is not loopback.
pub async fn listen(config: &ServerConfig) -> Result<Listening, ServeError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|error| ServeError::DataDir {
        path: config.data_dir.display().to_string(),
        error,
    })?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|error| ServeError::Bind {
            addr: config.bind,
            error,
        })?;
    let addr = listener.local_addr().map_err(|error| ServeError::Bind {
        addr: config.bind,
        error,
    })?;
    let token = (!addr.ip().is_loopback()).then(new_token);
    let (router, solves) = app(config, token.clone());
    Ok(Listening {
        addr,
        token,
        listener,
        router,
        solves,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
