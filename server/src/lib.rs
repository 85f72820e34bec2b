//! The Markwell server: configuration, the database, and the router that
//! `markwell serve` runs and the tests build too.

pub mod backup;
pub mod config;
pub mod demo;
pub mod import;
pub mod mail_worker;
pub mod security;
pub mod site;

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::Context;
use app::{
    auth::accounts::Accounts,
    shell as html_shell,
    ssr::{AppState, Bundle, Clock, Settings, WriteQueue},
    App,
};
use axum::{middleware, Router};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};
use tower_http::compression::CompressionLayer;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

pub use config::Config;
pub use mail_worker::MailWorker;

/// Resolves when the server is asked to stop: Ctrl-C, or SIGTERM (what
/// `systemctl stop` and most service managers send).
pub async fn stop_requested() {
    let interrupt = async {
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
        _ = interrupt => {}
        _ = terminate => {}
    }
}

/// `GET /health`: 200 when the database answers, 503 when it doesn't, and
/// nothing else either way, for a proxy's or systemd's checks.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::http::StatusCode {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => axum::http::StatusCode::OK,
        Err(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Listens on `addr` with Nagle's algorithm off for every connection. A page
/// is streamed in several small writes; with Nagle on, the last of them
/// waits for the browser's delayed acknowledgement, about 40 ms a page.
pub async fn listen(addr: std::net::SocketAddr) -> std::io::Result<Listener> {
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    Ok(listener.tap_io(no_delay as fn(&mut tokio::net::TcpStream)))
}

/// What [`listen`] answers.
pub type Listener = axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)>;

fn no_delay(tcp: &mut tokio::net::TcpStream) {
    if let Err(err) = tcp.set_nodelay(true) {
        tracing::warn!(error = %err, "couldn't turn Nagle's algorithm off");
    }
}

/// Opens (creating if needed) the school's SQLite database: WAL so readers
/// never wait for the writer, foreign keys on, NORMAL sync (safe under WAL),
/// and a busy timeout so concurrent writers queue instead of failing.
pub async fn open_database(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| "DATABASE_URL is not a SQLite URL")?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating the data folder {}", folder.display()))?;
        }
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .context("opening the database")
}

/// Markwell's schema, one migration at a time (`migrations/`).
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Every hour until the server stops: expired sessions, and sent emails'
/// records past their time, leave the database, and parents' daily
/// summaries go once the school day is over.
pub async fn housekeeping_hourly(
    pool: SqlitePool,
    base_url: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = housekeeping(&pool, time::OffsetDateTime::now_utc(), &base_url).await {
            tracing::warn!("housekeeping failed: {e:#}");
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(60 * 60)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One round of housekeeping (see [`housekeeping_hourly`]).
/// `base_url` is where the parents' daily summaries link to.
pub async fn housekeeping(
    pool: &SqlitePool,
    now: time::OffsetDateTime,
    base_url: &str,
) -> anyhow::Result<()> {
    app::auth::sessions::prune(pool, now).await?;
    app::ssr::outbox::prune_sent(pool, now).await?;
    let day_ago = app::ssr::clock::stamp(now - time::Duration::days(1));
    app::mis::store::forget_old_files(&mut *pool.acquire().await?, &day_ago).await?;
    app::external::store::forget_old_files(&mut *pool.acquire().await?, &day_ago).await?;
    app::notifications::summary::send_due(pool, now, base_url).await?;
    Ok(())
}

/// Brings the schema up to date: Markwell's migrations, then the session table.
pub async fn migrate(pool: &SqlitePool) -> anyhow::Result<()> {
    MIGRATIONS
        .run(pool)
        .await
        .context("migrating the database")?;
    SqliteStore::new(pool.clone())
        .migrate()
        .await
        .context("creating the session table")?;
    // Every school starts with the framework Markwell ships with.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    app::frameworks::default::install_default(&mut tx, &Clock::System.stamp())
        .await
        .context("installing the default framework")?;
    tx.commit().await?;
    Ok(())
}

/// Leptos settings, read from the same variables cargo-leptos sets.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("markwell")
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .build()
}

pub fn app_state(config: &Config, pool: SqlitePool, clock: Clock) -> AppState {
    AppState {
        leptos_options: leptos_options(config),
        writer: WriteQueue::new(
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_lazy_with((*pool.connect_options()).clone()),
        ),
        pool,
        clock,
        settings: Arc::new(Settings {
            base_url: config.base_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            bundle: site::prepare(std::path::Path::new(&config.site_root)).unwrap_or_else(
                |error| {
                    // Still served, under the plain names, each checked again on
                    // every visit.
                    tracing::warn!("the site's files keep their plain names: {error:#}");
                    Bundle::plain()
                },
            ),
        }),
        mail_waker: Arc::new(tokio::sync::Notify::new()),
        live: Default::default(),
    }
}

/// The routes served beside the pages, server functions and static files,
/// each with its handler. The router is built from this list, so a test can
/// walk every route it serves.
pub fn plain_routes() -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/health", get(health)),
        (site::PKG_ROUTE, get(site::pkg_file)),
        (
            app::usage::model::EXPORT_PATH,
            get(app::usage::export::download),
        ),
        (
            app::parents::model::EXPORT_PATH,
            get(app::parents::export::download),
        ),
        (
            app::progress::page::EXPORT_PATH,
            get(app::progress::export::download),
        ),
        (
            app::markbook::model::LIVE_PATH,
            get(app::markbook::live::events),
        ),
        (
            app::notifications::model::LIVE_PATH,
            get(app::notifications::live::events),
        ),
        (
            app::mis::model::CHECK_PATH,
            post(app::mis::upload::check).layer(axum::extract::DefaultBodyLimit::max(
                app::mis::model::LARGEST_FILE,
            )),
        ),
        (app::mis::model::APPLY_PATH, post(app::mis::upload::apply)),
        (
            app::external::model::UPLOAD_PATH,
            post(app::external::upload::keep).layer(axum::extract::DefaultBodyLimit::max(
                app::external::model::MOST_BYTES,
            )),
        ),
    ]
}

/// The whole application: pages, server functions, static files, sessions
/// and the security layers.
pub fn router(state: AppState) -> Router {
    let secure = state.settings.base_url.starts_with("https://");
    let reach = security::Reach::new(
        &state.settings.base_url,
        state.settings.trusted_proxies.clone(),
    );
    // Under https the cookie is `__Host-`: sent only over https, only to
    // this host, for the whole site, so no other site can plant one.
    let sessions = SessionManagerLayer::new(SqliteStore::new(state.pool.clone()))
        .with_name(if secure {
            "__Host-markwell_session"
        } else {
            "markwell_session"
        })
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnSessionEnd);
    let auth = AuthManagerLayerBuilder::new(Accounts::new(state.pool.clone()), sessions).build();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    plain_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .leptos_routes(&state, routes, move || html_shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            html_shell,
        ))
        // Inside the sign-in layer, so it knows who is asking.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::auth::accounts::count_visit,
        ))
        // Before anything else sees the person: a session ended from
        // "Where you're signed in" is signed out here.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::auth::accounts::keep_sessions,
        ))
        .layer(auth)
        .layer(middleware::from_fn_with_state(
            reach.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn_with_state(
            reach.clone(),
            security::same_origin,
        ))
        // Outermost of these, so every layer inside knows the real client.
        .layer(middleware::from_fn_with_state(
            reach,
            security::client_address,
        ))
        // Pages, server function answers and the WebAssembly travel gzipped
        // to browsers that ask; the live markbook stream is left as it is.
        .layer(CompressionLayer::new())
        .with_state(state)
}
