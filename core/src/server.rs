//! Serving a router to peers that may be hostile (feature `webhooks`): the
//! webhook receiver and the emulator.
//!
//! `axum::serve` keeps a connection that never finishes its headers, an idle
//! keep-alive connection and a request announcing an impossible body open for
//! as long as the peer likes. [`serve`] bounds each: headers must arrive
//! within [`ServerLimits::header_timeout`] (idle connections are closed after
//! it too), a whole request within [`ServerLimits::request_timeout`] (else
//! `408`), and a body announced larger than [`ServerLimits::max_body_bytes`]
//! is refused at once with `413`, before it is read.
//!
//! ```no_run
//! # async fn run(app: axum::Router) -> std::io::Result<()> {
//! use switchboard::server::{serve, ServerLimits};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, app, ServerLimits::default(), std::future::pending()).await
//! # }
//! ```

use std::future::Future;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header::CONTENT_LENGTH, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The bounds [`serve`] puts on each connection and request. These are this
/// library's own ceilings, not platform limits: no platform documents a
/// webhook size, and its deliveries are a few kilobytes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// Time allowed for a request's headers, counted from the moment the
    /// connection waits for them (so idle keep-alive connections close too).
    pub header_timeout: Duration,
    /// Time allowed for a whole request, body and answer included.
    pub request_timeout: Duration,
    /// The largest body accepted.
    pub max_body_bytes: usize,
}

impl Default for ServerLimits {
    /// 10 s for headers, 30 s per request, 4 MiB bodies.
    fn default() -> Self {
        ServerLimits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 4 << 20,
        }
    }
}

impl ServerLimits {
    /// Sets [`ServerLimits::header_timeout`].
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Sets [`ServerLimits::request_timeout`].
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets [`ServerLimits::max_body_bytes`].
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// `app` with the request bounds applied: `413` for an announced body
    /// over the limit (and a body cut at the limit while read), `408` for a
    /// request over its time.
    pub fn apply(self, app: axum::Router) -> axum::Router {
        app.layer(axum::middleware::from_fn(move |request, next| {
            bounded(self, request, next)
        }))
        .layer(axum::extract::DefaultBodyLimit::max(self.max_body_bytes))
    }
}

async fn bounded(limits: ServerLimits, request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limits.max_body_bytes as u64) {
        let text = format!("the body is larger than {} bytes", limits.max_body_bytes);
        return (StatusCode::PAYLOAD_TOO_LARGE, text).into_response();
    }
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "the request took too long").into_response(),
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves,
/// then lets the requests in progress finish (idle connections close).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let app = limits.apply(app);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    // Requests in progress finish within their own bound.
    let _ = tokio::time::timeout(limits.request_timeout, graceful.shutdown()).await;
    Ok(())
}
