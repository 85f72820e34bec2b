//! What the benchmarks share: the server on a free port, medians and
//! percentiles, and a page's size as sent compressed.

use std::time::Duration;

#[allow(dead_code)] // The load bench shows percentiles only.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Serves Markwell as `markwell serve` does, on a free loopback port, and
/// answers its address.
#[allow(dead_code)] // The MIS sync bench calls the import directly.
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

/// The sample below which `share` of them fall (nearest rank).
#[allow(dead_code)] // Not every bench shows percentiles.
pub fn percentile(mut samples: Vec<Duration>, share: f64) -> Duration {
    samples.sort();
    let rank = (share * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// What the page costs over the wire to a browser that accepts gzip. This
/// workspace's reqwest has no gzip feature, so it asks by hand and gets the
/// compressed bytes as they are; when the server sends the page uncompressed,
/// its deflate size (gzip's, less an 18-byte header) is worked out here.
#[allow(dead_code)] // Not every bench weighs a page.
pub async fn compressed_size(client: &reqwest::Client, page: &str) -> anyhow::Result<String> {
    let res = client
        .get(page)
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .send()
        .await?;
    let status = res.status();
    let encoding = res
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .and_then(|e| e.to_str().ok())
        .map(str::to_owned);
    let body = res.bytes().await?;
    anyhow::ensure!(status == 200, "{page}: {status}");
    Ok(match encoding {
        Some(encoding) => format!("{} bytes as sent with Content-Encoding: {encoding}", body.len()),
        None => format!(
            "the server sends it uncompressed even to Accept-Encoding: gzip; gzip -6 would make it about {} bytes",
            deflated(&body)? + 18
        ),
    })
}

/// The size of `bytes` deflated at level 6, through the zip crate the tests
/// already use (flate2 is not a dependency of this package).
#[allow(dead_code)]
fn deflated(bytes: &[u8]) -> anyhow::Result<u64> {
    use std::io::{Read, Write};
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("page.html", options)?;
    writer.write_all(bytes)?;
    let mut archive = zip::ZipArchive::new(writer.finish()?)?;
    let mut file = archive.by_index(0)?;
    let size = file.compressed_size();
    // Read it back, so a wrong size can't pass unnoticed.
    let mut back = Vec::new();
    file.read_to_end(&mut back)?;
    anyhow::ensure!(back == bytes, "the deflated page didn't read back");
    Ok(size)
}
