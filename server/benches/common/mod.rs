//! What the benchmarks share: the server on a free port, and medians.

use std::time::Duration;

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Serves Markwell as `markwell serve` does, on a free loopback port, and
/// answers its address.
pub async fn spawn(state: app::ssr::AppState) -> anyhow::Result<String> {
    let listener = server::listen("127.0.0.1:0".parse()?).await?;
    let address = format!("http://{}", axum::serve::Listener::local_addr(&listener)?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok(address)
}
