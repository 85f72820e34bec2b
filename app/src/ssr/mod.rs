//! Server-only plumbing shared by every feature: the application state, the
//! database handle, the clock, and the single way a server function answers.

pub mod audit;
pub mod clock;
pub mod download;
pub mod live;
pub mod outbox;
pub mod upload;
pub mod usage;
pub mod write;

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::extract::{ConnectInfo, FromRef};
use leptos::prelude::*;
use sqlx::SqlitePool;

pub use clock::Clock;
pub use write::{Write, WriteQueue};

use crate::error::AppError;

/// Settings read once at start-up that features need while serving.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach Markwell, for links in emails; https turns on Secure cookies.
    pub base_url: String,
    /// Reverse proxies whose forwarding headers name the real client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The browser's files, by the names pages ask for them under.
    pub bundle: Bundle,
}

/// The WebAssembly, its JavaScript and the stylesheet, as files in the
/// site's `pkg/` folder: the start of the app, and each staff page family's
/// own files (`app::families`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The folder under `/pkg/` that holds this build, named by a hash of
    /// all its files, so a browser may keep them for good: a new build comes
    /// under a new name. Empty for the build's own names (`make dev`).
    pub folder: String,
    /// The files each page family's code needs, by the family's name (the
    /// build's `__wasm_split_manifest.json`), for preload links.
    pub families: std::collections::HashMap<String, Vec<String>>,
}

impl Bundle {
    pub const JS: &str = "markwell.js";
    pub const WASM: &str = "markwell_bg.wasm";
    pub const CSS: &str = "markwell.css";
    pub const FAMILY_MANIFEST: &str = "__wasm_split_manifest.json";

    /// The names the build writes, which `make dev` serves as they are.
    pub fn plain() -> Bundle {
        Bundle {
            folder: String::new(),
            families: Default::default(),
        }
    }

    pub fn hashed(&self) -> bool {
        !self.folder.is_empty()
    }

    /// Where the browser asks for one of its files: `/pkg/<hash>/<name>`.
    pub fn path(&self, name: &str) -> String {
        if self.hashed() {
            format!("/pkg/{}/{name}", self.folder)
        } else {
            format!("/pkg/{name}")
        }
    }
}

/// The bundle this server serves, for the page being rendered.
pub fn bundle() -> Bundle {
    state()
        .map(|state| state.settings.bundle.clone())
        .unwrap_or_else(|_| Bundle::plain())
}

/// Everything a request needs, handed to server functions as Leptos context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    /// One connection to the same database, for write transactions: writers
    /// wait their turn here, in order, rather than in SQLite's busy handler,
    /// which sleeps in growing steps and makes the unlucky wait longest;
    /// those waiting together share one commit.
    #[from_ref(skip)]
    pub writer: WriteQueue,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    /// Wakes the mail worker when an email is queued.
    pub mail_waker: Arc<tokio::sync::Notify>,
    /// Committed changes, announced to the streams open on them.
    pub live: live::Live,
}

fn state() -> anyhow::Result<AppState> {
    use_context::<AppState>().ok_or_else(|| anyhow::anyhow!("AppState is missing from the context"))
}

/// The school's database.
pub fn db() -> anyhow::Result<SqlitePool> {
    Ok(state()?.pool)
}

/// Where changes wait their turn: only through [`Write`], the one way a
/// change is made.
pub(crate) fn writer() -> anyhow::Result<WriteQueue> {
    Ok(state()?.writer)
}

/// Where people reach Markwell, for links in emails (no trailing slash).
pub fn base_url() -> anyhow::Result<String> {
    Ok(state()?.settings.base_url.clone())
}

fn mail_waker() -> anyhow::Result<Arc<tokio::sync::Notify>> {
    Ok(state()?.mail_waker)
}

/// Where committed changes are announced to open streams.
pub fn live() -> anyhow::Result<live::Live> {
    Ok(state()?.live)
}

/// The clock every feature reads "now" from, so tests can move time.
pub fn clock() -> anyhow::Result<Clock> {
    Ok(state()?.clock)
}

/// The single way out of a server function: an `AppError` found in the chain
/// is answered as it is; anything else is logged and answered `Unexpected`.
/// Either way the HTTP status is set to match.
pub async fn respond<T>(work: impl Future<Output = anyhow::Result<T>>) -> Result<T, AppError> {
    match work.await {
        Ok(value) => Ok(value),
        Err(err) => {
            let answer = match err.downcast_ref::<AppError>() {
                Some(known) => known.clone(),
                None => {
                    tracing::error!(error = format!("{err:#}"), "a server function failed");
                    AppError::Unexpected
                }
            };
            crate::error::set_status(answer.status());
            Err(answer)
        }
    }
}

/// Marks the response as one person's, never to be kept by a browser or a
/// proxy: a report read on a shared computer isn't left in its cache.
pub fn keep_private() {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}

/// Asks the browser, in the response's `Link` header, to fetch a page
/// family's files beside the start of the app, instead of after it: the
/// page comes alive only once they are in. `family` is the name the build
/// gave its file (`app::families`).
pub fn preload_family(family: &str) {
    let bundle = bundle();
    let Some(options) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    for file in bundle.families.get(family).into_iter().flatten() {
        let link = format!(
            "<{}.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin",
            bundle.path(file)
        );
        if let Ok(value) = http::HeaderValue::from_str(&link) {
            options.append_header(http::header::LINK, value);
        }
    }
}

/// When a request arrived and where from: read once at its start, before
/// any query (a render pass Leptos throws away loses its context mid-way),
/// and carried by whoever answers it.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The time of the request, for expiry times worked out from it.
    pub now: time::OffsetDateTime,
    /// The same time as stored ("YYYY-MM-DDTHH:MM:SSZ").
    pub at: String,
    /// Where it came from, for the audit log and rate limits; never logged.
    pub address: Option<String>,
}

impl Arrival {
    /// The request being answered by this server function.
    pub async fn now() -> anyhow::Result<Arrival> {
        let now = clock()?.now();
        Ok(Arrival {
            now,
            at: clock::stamp(now),
            address: client_address().await,
        })
    }

    /// The address rate limits count attempts against, or "unknown" when the
    /// connection's address can't be read (those attempts are counted together).
    pub fn address_for_limits(&self) -> String {
        self.address.clone().unwrap_or_else(|| "unknown".to_owned())
    }

    /// A request a plain axum handler answers.
    pub fn of(parts: &http::request::Parts, clock: &Clock) -> Arrival {
        let now = clock.now();
        Arrival {
            now,
            at: clock::stamp(now),
            address: address_of(parts),
        }
    }
}

/// The address the request came from, kept in the audit log ("from where")
/// and for rate limits; never written to the server log.
pub async fn client_address() -> Option<String> {
    use_context::<http::request::Parts>()
        .as_ref()
        .and_then(address_of)
}

/// The address of a request's client: the one place it is read. Behind a
/// trusted reverse proxy, the server's client-address layer has put the
/// address the proxy forwarded for in the request ([`ClientAddress`]);
/// otherwise it is the connection's.
pub fn address_of(parts: &http::request::Parts) -> Option<String> {
    if let Some(ClientAddress(ip)) = parts.extensions.get::<ClientAddress>() {
        return Some(ip.to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The real client of a request that came through a trusted proxy.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The school's name, as emails, letters and files give it; "Markwell"
/// before a school is set up.
pub async fn school_name(conn: &mut sqlx::SqliteConnection) -> anyhow::Result<String> {
    Ok(sqlx::query_scalar!("SELECT name FROM school WHERE id = 1")
        .fetch_optional(conn)
        .await?
        .unwrap_or_else(|| "Markwell".to_owned()))
}

/// A LIKE pattern for text containing what was typed (trimmed); `%%`, which
/// matches everything, when nothing was. `%` and `_` typed are themselves,
/// not wildcards: the queries say `ESCAPE '\'`.
pub fn contains(typed: &str) -> String {
    let mut pattern = String::from("%");
    for c in typed.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The nonce the security layer put on this request, made available to the
/// scripts Leptos writes into the page so the CSP can refuse every other one.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The path of the page being rendered on the server.
pub fn request_path() -> Option<String> {
    use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned())
}

pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}
