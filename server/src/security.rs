//! Layers every response passes through: the real client's address behind a
//! trusted proxy, security headers with a per-request CSP nonce (and HSTS
//! over https), and the refusal of cross-site requests that change things.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use app::ssr::{ClientAddress, CspNonce};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// What the layers know of how Markwell is reached.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// `host[:port]` of MARKWELL_BASE_URL: a proxy may rewrite Host, so the
    /// public origin counts as this site's own.
    pub public_host: Option<String>,
    /// MARKWELL_BASE_URL is https: browsers are told to keep to it (HSTS).
    pub https: bool,
}

impl Reach {
    pub fn new(base_url: &str, trusted_proxies: Vec<IpAddr>) -> Reach {
        Reach {
            trusted_proxies: Arc::new(trusted_proxies),
            public_host: host_of(base_url),
            https: base_url.starts_with("https://"),
        }
    }
}

/// Behind a trusted proxy, the client is the rightmost address of
/// `X-Forwarded-For`: the one the proxy itself added. (Not `Forwarded`:
/// Caddy and nginx pass a client's own `Forwarded` header through
/// untouched.) From anyone else the header is ignored, so a client can't
/// choose the address its rate limits and audit entries count against.
pub async fn client_address(State(reach): State<Reach>, mut req: Request, next: Next) -> Response {
    // A server listening on [::] sees an IPv4 proxy as ::ffff:a.b.c.d.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical());
    if peer.is_some_and(|peer| reach.trusted_proxies.contains(&peer)) {
        if let Ok(client) = client_ip::rightmost_x_forwarded_for(req.headers()) {
            req.extensions_mut()
                .insert(ClientAddress(client.to_canonical()));
        }
    }
    next.run(req).await
}

pub async fn headers(State(reach): State<Reach>, mut req: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let static_file = is_static_file(req.uri().path());
    let bundle_file = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    // Pages and answers hold children's data: no browser or proxy keeps a
    // copy (a shared computer's back button, a school's caching proxy).
    if !static_file && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let headers = res.headers_mut();
    // The policy and the framing rule govern a document (or a worker) made
    // from the response: the app's WebAssembly, scripts and styles are never
    // one, and a staff page's family comes in twenty to sixty files, where
    // the two would add 300 bytes to each.
    if !bundle_file {
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if reach.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Refuses a state-changing request that a browser says came from another
/// site: the Origin must name this host, and Sec-Fetch-Site must not be
/// cross-site. Requests without either header (not from a browser) pass; the
/// SameSite=Lax cookie keeps them from riding on someone's session.
pub async fn same_origin(State(reach): State<Reach>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && is_cross_site(&req, reach.public_host.as_deref())
    {
        return (
            StatusCode::FORBIDDEN,
            "This request came from another website, so Markwell refused it.",
        )
            .into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request, public_host: Option<&str>) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let Some(origin) = origin.to_str().ok().and_then(host_of) else {
        return true;
    };
    let own = |host: &str| origin.eq_ignore_ascii_case(host);
    !(host.is_some_and(own) || public_host.is_some_and(own))
}

/// `host[:port]` of a URL, as a Host header or an Origin names it.
fn host_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.host_str().map(|h| match url.port() {
        Some(port) => format!("{h}:{port}"),
        None => h.to_owned(),
    })
}

/// The application's own files (the WebAssembly, styles, scripts, icons),
/// which hold nothing personal and may be cached.
fn is_static_file(path: &str) -> bool {
    const EXTENSIONS: [&str; 9] = [
        "css",
        "js",
        "wasm",
        "png",
        "svg",
        "ico",
        "webmanifest",
        "html",
        "txt",
    ];
    path.starts_with("/pkg/")
        || path
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext) && !ext.contains('/'))
}
