//! `spawn_app()`: the real router on 127.0.0.1:0 over a fresh SQLite file
//! with the demo school, a clock the test can move, a real SMTP server on
//! loopback that receives what Markwell sends, and a client per person with
//! its own cookie jar.

use std::sync::{Arc, Mutex};

use app::ssr::Clock;
use leptos::server_fn::ServerFn;
use mailin_embedded::{response, Handler, Response as SmtpResponse, Server};
use reqwest::{redirect::Policy, Client, Response};
use server::{app_state, config::Config, demo, migrate, open_database, router, MailWorker};
use sqlx::SqlitePool;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@oakfield.example";
pub const SLT: &str = "head@oakfield.example";
pub const TEACHER: &str = "teacher@oakfield.example";
pub const PARENT: &str = "parent@oakfield.example";

pub struct TestApp {
    pub address: String,
    pub pool: SqlitePool,
    /// Fixed at the real time the app started; tests move it forward.
    pub clock: Clock,
    pub config: Config,
    pub mailbox: Mailbox,
    /// What the server's functions wake the mail worker with.
    pub mail_waker: std::sync::Arc<tokio::sync::Notify>,
    mail: MailWorker,
    _folder: tempfile::TempDir,
}

/// The configuration a test app runs with, sending email to `smtp_port`.
pub fn test_config(folder: &std::path::Path, smtp_port: u16) -> Config {
    let url = format!("sqlite://{}", folder.join("markwell.db").display());
    let outbox = folder.join("outbox").display().to_string();
    let site = folder.join("site").display().to_string();
    Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "LEPTOS_SITE_ROOT" => Some(site.clone()),
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
        "SMTP_URL" => Some(format!("smtp://127.0.0.1:{smtp_port}")),
        "MARKWELL_OUTBOX" => Some(outbox.clone()),
        _ => None,
    })
    .expect("test configuration")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A test app whose configuration `configure` changes first (a public
/// https address, trusted proxies).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mailbox = Mailbox::start();
    let mut config = test_config(folder.path(), mailbox.port);
    configure(&mut config);
    launch(folder, mailbox, config, true).await
}

/// A test app over a database the test puts in place first (a restored
/// backup, say): `prepare` gets the database's URL before anything opens
/// it, and no demo school is loaded.
pub async fn spawn_app_over(prepare: impl AsyncFnOnce(&str)) -> TestApp {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mailbox = Mailbox::start();
    let config = test_config(folder.path(), mailbox.port);
    prepare(&config.database_url).await;
    launch(folder, mailbox, config, false).await
}

async fn launch(
    folder: tempfile::TempDir,
    mailbox: Mailbox,
    config: Config,
    with_demo: bool,
) -> TestApp {
    let clock = Clock::fixed(time::OffsetDateTime::now_utc());
    let pool = open_database(&config.database_url).await.expect("database");
    migrate(&pool).await.expect("migrations");
    if with_demo {
        demo::load(&pool, &clock, demo::SEED)
            .await
            .expect("demo school");
    }
    // Served as `markwell serve` serves.
    let listener = server::listen("127.0.0.1:0".parse().unwrap())
        .await
        .expect("a port");
    let address = format!(
        "http://{}",
        axum::serve::Listener::local_addr(&listener).unwrap()
    );
    let state = app_state(&config, pool.clone(), clock.clone());
    let mail_waker = state.mail_waker.clone();
    let mail = MailWorker::new(
        &config,
        pool.clone(),
        clock.clone(),
        state.mail_waker.clone(),
    )
    .expect("a mail worker");
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serving");
    });
    TestApp {
        address,
        pool,
        clock,
        config,
        mailbox,
        mail_waker,
        mail,
        _folder: folder,
    }
}

/// A real SMTP server on loopback (mailin), on its own threads, keeping every
/// message it receives. Several threads, because a mail worker's pool keeps its
/// connection open: with one thread a second sender waits out the timeout.
#[derive(Clone)]
pub struct Mailbox {
    pub port: u16,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
}

#[derive(Clone)]
struct Sink {
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    current: Vec<u8>,
}

impl Handler for Sink {
    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> SmtpResponse {
        self.current.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> SmtpResponse {
        let message = std::mem::take(&mut self.current);
        self.received.lock().unwrap().push(message);
        response::OK
    }
}

/// One received email, read back with mail-parser.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Received {
    /// The first link in the text part that contains `path`.
    pub fn link(&self, path: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with("http") && word.contains(path))
            .unwrap_or_else(|| panic!("no {path} link in:\n{}", self.text))
            .to_owned()
    }

    /// The report a publishing email links to (`…/reports/ID`).
    pub fn report_linked(&self) -> i64 {
        self.text
            .split("/reports/")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|id| id.parse().ok())
            .expect("a link to the report")
    }
}

/// A loopback port nobody is listening on, for a server the test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Mailbox {
    pub fn start() -> Mailbox {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("an SMTP port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink {
            received: received.clone(),
            current: Vec::new(),
        };
        std::thread::spawn(move || {
            let mut server = Server::new(sink);
            server
                .with_name("mail.test")
                .with_num_threads(4)
                .with_tcp_listener(listener);
            server.serve().expect("the test SMTP server");
        });
        Mailbox { port, received }
    }

    pub fn messages(&self) -> Vec<Received> {
        let raw = self.received.lock().unwrap().clone();
        raw.iter()
            .map(|bytes| {
                let message = mail_parser::MessageParser::default()
                    .parse(bytes)
                    .expect("a parseable email");
                let from = message.from().and_then(|a| a.first());
                Received {
                    to: message
                        .to()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_owned(),
                    from_name: from.and_then(|a| a.name()).unwrap_or_default().to_owned(),
                    subject: message.subject().unwrap_or_default().to_owned(),
                    text: message.body_text(0).unwrap_or_default().into_owned(),
                    html: message.body_html(0).unwrap_or_default().into_owned(),
                }
            })
            .collect()
    }

    /// Messages sent to `address`, oldest first.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.eq_ignore_ascii_case(address))
            .collect()
    }
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("a client")
}

impl TestApp {
    /// Runs one pass of the mail worker, as its loop would, and answers how
    /// many emails the SMTP server accepted.
    pub async fn deliver_mail(&self) -> usize {
        self.mail.deliver_due().await.expect("a mail worker pass")
    }

    /// Delivers due mail and answers the newest message to `address`.
    pub async fn last_email_to(&self, address: &str) -> Received {
        self.deliver_mail().await;
        self.mailbox
            .to(address)
            .pop()
            .unwrap_or_else(|| panic!("no email reached {address}"))
    }

    /// Calls a server function the way the browser does: a form-encoded POST.
    pub async fn call<F: ServerFn>(&self, client: &Client, form: &[(&str, &str)]) -> Response {
        client
            .post(format!("{}{}", self.address, F::PATH))
            .form(form)
            .send()
            .await
            .expect("a response")
    }

    pub async fn sign_in(
        &self,
        client: &Client,
        email: &str,
        password: &str,
        remember: bool,
    ) -> Response {
        let mut form = vec![("email", email), ("password", password)];
        if remember {
            form.push(("remember", "on"));
        }
        self.call::<app::auth::api::SignIn>(client, &form).await
    }

    /// A client signed in as this demo person.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = client();
        let res = self.sign_in(&client, email, PASSWORD, false).await;
        assert!(
            res.status().is_success(),
            "signing in as {email}: {}",
            res.status()
        );
        client
    }

    /// The address the audit log holds for its newest entry.
    pub async fn last_audited_address(&self) -> Option<String> {
        sqlx::query_scalar("SELECT address FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// How many "access denied" lines the audit log holds for `subject`
    /// ("pupil:12", "report:3").
    pub async fn denials(&self, subject: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access denied' AND subject = ?",
        )
        .bind(subject)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = ?")
            .bind(email)
            .fetch_one(&self.pool)
            .await
            .expect("a demo user")
    }
}

/// A server function's answer, read as the browser reads it: postcard.
pub trait Answer {
    /// The answer, or a panic with the body when the call was refused (read
    /// a refusal with [`error_of`]).
    fn answer<T: serde::de::DeserializeOwned>(
        self,
    ) -> impl std::future::Future<Output = Result<T, postcard::Error>>;
}

impl Answer for Response {
    async fn answer<T: serde::de::DeserializeOwned>(self) -> Result<T, postcard::Error> {
        let status = self.status();
        let postcard = self
            .headers()
            .get("content-type")
            .is_some_and(|kind| kind == "application/x-postcard");
        let body = self.bytes().await.expect("an answer's body");
        assert!(
            status.is_success() && postcard,
            "not an answer: {status} {}",
            String::from_utf8_lossy(&body)
        );
        postcard::from_bytes(&body)
    }
}

/// Whether a form was taken: answered, or sent on to the next page.
pub fn done(res: &Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

/// The `AppError` a refused call answered with.
pub async fn error_of(res: Response) -> app::error::AppError {
    let body = res.bytes().await.unwrap();
    postcard::from_bytes(&body)
        .unwrap_or_else(|_| panic!("an AppError body, not {}", String::from_utf8_lossy(&body)))
}

/// A sign-in answered over https: HSTS, and a session cookie that is
/// `__Host-` (Secure, HttpOnly, the whole site, no Domain).
pub fn expect_https_session(res: &reqwest::Response) {
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-markwell_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
}
