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

/// A fresh, migrated database in `folder` with the configuration that
/// points at it, and a clock fixed at now.
pub async fn database(
    folder: &std::path::Path,
) -> anyhow::Result<(server::config::Config, sqlx::SqlitePool, app::ssr::Clock)> {
    let url = format!("sqlite://{}", folder.join("bench.db").display());
    let outbox = folder.join("outbox").display().to_string();
    let config = server::config::Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "MARKWELL_OUTBOX" => Some(outbox.clone()),
        _ => None,
    })?;
    let pool = server::open_database(&config.database_url).await?;
    server::migrate(&pool).await?;
    Ok((
        config,
        pool,
        app::ssr::Clock::fixed(time::OffsetDateTime::now_utc()),
    ))
}

/// A client signed in at `address` as `email`.
#[allow(dead_code)] // Not every bench signs in a client of its own.
pub async fn signed_in(
    address: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::Client> {
    use leptos::server_fn::ServerFn;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let res = client
        .post(format!("{address}{}", app::auth::api::SignIn::PATH))
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success() || res.status().is_redirection(),
        "signing in: {}",
        res.status()
    );
    Ok(client)
}
