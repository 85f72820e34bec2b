//! Markwell behind a real reverse proxy over HTTPS: Debian's Caddy on
//! loopback with a certificate from its own local authority, in front of the
//! real router. Clients are told apart by their source addresses on the
//! loopback network (127.0.0.2, 127.0.0.3 …), as people behind the proxy.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use leptos::server_fn::ServerFn;
use reqwest::{Client, StatusCode};

use crate::helpers::*;

const HOST: &str = "markwell.localhost";

/// Caddy, stopped when dropped.
struct Caddy {
    child: Child,
    root_certificate: PathBuf,
    port: u16,
}

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Caddy on `port`, proxying to `upstream`.
async fn start_caddy(folder: &Path, upstream: &str, port: u16) -> Caddy {
    let http_port = free_port();
    let upstream = upstream.trim_start_matches("http://");
    let caddyfile = folder.join("Caddyfile");
    std::fs::write(
        &caddyfile,
        format!(
            "{{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n\
             \thttp_port {http_port}\n\thttps_port {port}\n}}\n\
             {HOST}:{port} {{\n\ttls internal\n\treverse_proxy {upstream}\n}}\n"
        ),
    )
    .unwrap();
    let child = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile)
        .env("XDG_DATA_HOME", folder.join("data"))
        .env("XDG_CONFIG_HOME", folder.join("config"))
        .env("HOME", folder)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Caddy (Debian's caddy package; scripts/setup.sh test installs it)");
    let root_certificate = folder.join("data/caddy/pki/authorities/local/root.crt");
    let caddy = Caddy {
        child,
        root_certificate,
        port,
    };
    // Ready once its certificate is issued and it reaches Markwell's health check.
    for _ in 0..200 {
        if caddy.root_certificate.exists() {
            let health = caddy
                .client("127.0.0.1")
                .get(format!("{}/health", caddy.url()))
                .send()
                .await;
            if health.is_ok_and(|res| res.status() == StatusCode::OK) {
                return caddy;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Caddy didn't start within ten seconds");
}

impl Caddy {
    fn url(&self) -> String {
        format!("https://{HOST}:{}", self.port)
    }

    /// A browser-like client (cookies, no redirects) that trusts Caddy's
    /// local authority and connects from `from`.
    fn client(&self, from: &str) -> Client {
        let pem = std::fs::read(&self.root_certificate).unwrap();
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .resolve(HOST, SocketAddr::from(([127, 0, 0, 1], self.port)))
            .local_address(from.parse::<IpAddr>().unwrap())
            .build()
            .unwrap()
    }
}

async fn sign_in(client: &Client, url: &str, email: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{url}{}", app::auth::api::SignIn::PATH))
        .header("origin", url)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_caddy_over_https_each_client_is_itself() {
    let folder = tempfile::tempdir().unwrap();
    let caddy_port = free_port();
    let public = format!("https://{HOST}:{caddy_port}");
    let app = spawn_app_with(|config| {
        config.base_url = public.clone();
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    // The proxy listens where the base URL says.
    let caddy = start_caddy(folder.path(), &app.address, caddy_port).await;
    let url = caddy.url();
    assert_eq!(url, public);

    // Signing in is a server function (a POST) through the proxy.
    let teacher = caddy.client("127.0.0.2");
    let res = sign_in(&teacher, &url, TEACHER, PASSWORD).await;
    assert!(res.status().is_success(), "{}", res.status());
    expect_https_session(&res);
    assert_eq!(
        app.last_audited_address().await.as_deref(),
        Some("127.0.0.2")
    );
    let who = teacher
        .post(format!("{url}{}", app::auth::api::WhoAmI::PATH))
        .header("origin", &url)
        .send()
        .await
        .unwrap();
    assert_eq!(who.status(), StatusCode::OK, "signed in through the proxy");

    // One client locks itself out with wrong passwords; another client
    // behind the same proxy still signs in. Forwarding headers it makes up
    // are not believed: Caddy replaces X-Forwarded-For with the real address,
    // and a Forwarded header (which Caddy passes on) is never read.
    let guesser = caddy.client("127.0.0.3");
    for i in 0..app::auth::accounts::FAILURES_PER_ADDRESS {
        let res = guesser
            .post(format!("{url}{}", app::auth::api::SignIn::PATH))
            .header("origin", &url)
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .header("forwarded", format!("for=203.0.113.{i}"))
            .form(&[
                ("email", format!("guess{i}@nowhere.example").as_str()),
                ("password", "wrong-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        app.last_audited_address().await.as_deref(),
        Some("127.0.0.3")
    );
    let locked = sign_in(&guesser, &url, "guess@nowhere.example", "wrong-1").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let head = caddy.client("127.0.0.4");
    let res = sign_in(&head, &url, SLT, PASSWORD).await;
    assert!(res.status().is_success(), "{}", res.status());

    // Straight to Markwell, not through the proxy: the header is ignored.
    let direct = reqwest::Client::builder()
        .local_address("127.0.0.5".parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let res = direct
        .post(format!("{}{}", app.address, app::auth::api::SignIn::PATH))
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[("email", TEACHER), ("password", "wrong-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.last_audited_address().await.as_deref(),
        Some("127.0.0.5")
    );
}
