//! Accepting connections: HTTP/1.1 through hyper, with the
//! connection timeouts a public service needs (axum's `serve` has none): the
//! headers of a request must arrive within the header-read timeout, which also
//! bounds how long a kept-alive connection may sit idle, so that a client that
//! sends nothing, or one byte at a time, cannot hold a connection. The body is
//! timed by the handler that reads it.
//!
//! On the shutdown signal the listener is closed at once (new connections are
//! refused) and the connections in flight are asked to finish.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `router` on `listener` until `signal`; then stops accepting and
/// waits for the connections in flight, which the caller bounds in time.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    signal: impl Future<Output = ()> + Send + 'static,
) -> Draining {
    let (stop, _) = tokio::sync::watch::channel(false);
    let (open, _) = tokio::sync::watch::channel(());
    // HTTP/1.1 only: detecting HTTP/2 prior knowledge (hyper-util's `auto`)
    // reads the first bytes with no time limit, which is what a silent client
    // exploits. Behind a proxy (the production set-up) HTTP/2 ends at the proxy.
    let mut builder = Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    tokio::pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(req)
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let (mut stopping, held) = (stop.subscribe(), open.subscribe());
        tokio::spawn(async move {
            let _held = held;
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                r = connection.as_mut() => r,
                _ = async { stopping.wait_for(|s| *s).await.is_ok() } => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection closed with an error");
            }
        });
    }
    drop(listener);
    Draining { stop, open }
}

/// The connections still open after the listener closed.
pub struct Draining {
    stop: tokio::sync::watch::Sender<bool>,
    /// Each connection holds a receiver; all are gone once every connection has ended.
    open: tokio::sync::watch::Sender<()>,
}

impl Draining {
    /// Asks every connection to finish its request in flight and close, and
    /// waits until they have.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        self.open.closed().await;
    }
}
