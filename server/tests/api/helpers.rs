//! `spawn_app()`: the real router on 127.0.0.1:0 over a fresh SQLite file
//! with the demo school, and a client per person with its own cookie jar.

use app::ssr::Clock;
use leptos::server_fn::ServerFn;
use reqwest::{redirect::Policy, Client, Response};
use server::{app_state, config::Config, demo, migrate, open_database, router};
use sqlx::SqlitePool;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@oakfield.example";
pub const SLT: &str = "head@oakfield.example";
pub const TEACHER: &str = "teacher@oakfield.example";
pub const PARENT: &str = "parent@oakfield.example";

pub struct TestApp {
    pub address: String,
    pub pool: SqlitePool,
    _folder: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", folder.path().join("markwell.db").display());
    let config = Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .expect("test configuration");
    let pool = open_database(&config.database_url).await.expect("database");
    migrate(&pool).await.expect("migrations");
    demo::load(&pool, &Clock::System, demo::SEED)
        .await
        .expect("demo school");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = app_state(&config, pool.clone(), Clock::System);
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
        _folder: folder,
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

    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = ?")
            .bind(email)
            .fetch_one(&self.pool)
            .await
            .expect("a demo user")
    }
}
