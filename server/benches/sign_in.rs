//! `make bench`: what a sign-in costs on this machine.
//!
//! 1. The argon2id verification alone (m = 64 MiB, t = 3, p = 1), as a
//!    median of repeated runs. It should sit between 50
//!    and 500 ms: slow for an attacker, quick enough for a person.
//! 2. A wrong password through the real HTTP endpoint, for a known email and
//!    for an unknown one, interleaved, as medians and their ratio: the two
//!    must take the same time, or timing would tell which addresses exist.
//!
//! The clock is fixed and moved past the rate-limit window between attempts,
//! so the limits never cut a run short.

mod common;

use std::time::Instant;

use common::{median, ms};

use app::auth::{api::SignIn, password};
use leptos::server_fn::ServerFn;
use server::app_state;

const RUNS: usize = 21;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!(
        "argon2id parameters: m = {} KiB, t = {}, p = {}",
        password::MEMORY_KIB,
        password::PASSES,
        password::LANES
    );
    let stored = password::hash("a-known-password-1".to_owned()).await?;
    password::warm_up();
    let mut verify = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        password::verify(Some(stored.clone()), "a-wrong-password-2".to_owned()).await?;
        verify.push(started.elapsed());
    }
    let verify = median(verify);
    println!(
        "argon2id verification: median {:.1} ms over {RUNS} runs",
        ms(verify)
    );

    // The real server over a fresh database with one account.
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    let at = clock.stamp();
    sqlx::query("INSERT INTO school (id, name, created_at) VALUES (1, 'Bench School', ?)")
        .bind(&at)
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO users (role, first_name, surname, email, password_hash, created_at)
         VALUES ('teacher', 'Known', 'Person', 'known@bench.example', ?, ?)",
    )
    .bind(&stored)
    .bind(&at)
    .execute(&pool)
    .await?;
    let address = common::spawn(app_state(&config, pool, clock.clone())).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let endpoint = format!("{address}{}", <SignIn as ServerFn>::PATH);
    let attempt = |email: &'static str| {
        let client = client.clone();
        let endpoint = endpoint.clone();
        async move {
            let started = Instant::now();
            let res = client
                .post(&endpoint)
                .form(&[("email", email), ("password", "a-wrong-password-2")])
                .send()
                .await?;
            let status = res.status();
            res.bytes().await?;
            anyhow::ensure!(status == 422, "expected a refusal, got {status}");
            Ok::<_, anyhow::Error>(started.elapsed())
        }
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // Alternate which goes first, so neither gains from warm caches.
    for run in 0..RUNS {
        clock.advance(time::Duration::minutes(16));
        if run % 2 == 0 {
            known.push(attempt("known@bench.example").await?);
            unknown.push(attempt("nobody@bench.example").await?);
        } else {
            unknown.push(attempt("nobody@bench.example").await?);
            known.push(attempt("known@bench.example").await?);
        }
    }
    let (known, unknown) = (median(known), median(unknown));
    println!(
        "wrong password over HTTP: known email median {:.1} ms, unknown email median {:.1} ms, ratio {:.3}",
        ms(known),
        ms(unknown),
        ms(unknown) / ms(known)
    );
    Ok(())
}
