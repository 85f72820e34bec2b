//! `markwell`: serve the school, migrate, load the demo, create an admin, back up.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use app::{
    auth::{
        model::Role,
        store::{self as accounts, AccountDetails},
    },
    ssr::{
        audit::{self, Audit},
        Clock,
    },
};
use clap::{Parser, Subcommand};
use server::{app_state, backup, config::Config, demo, migrate, open_database, router, MailWorker};

#[derive(Parser)]
#[command(
    name = "markwell",
    about = "Markwell: assessment tracking and parent engagement for schools"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Markwell (the default).
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo school into an empty database.
    Demo {
        /// Do nothing (but print the demo sign-ins) when the database already has a school.
        #[arg(long)]
        if_empty: bool,
    },
    /// Create an admin account; the password is read from a prompt or stdin, never the command line.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The school's name, when the database has no school yet.
        #[arg(long, default_value = "Our School")]
        school: String,
    },
    /// Write a consistent copy of the database to FILE, safe while serving.
    Backup { file: std::path::PathBuf },
    /// Put the backup FILE in place of the database (the one replaced is kept
    /// beside it as .before-restore). Refused while Markwell is serving it.
    Restore { file: std::path::PathBuf },
    /// Sync pupils, classes, parents and their links from the school's MIS:
    /// FILE is a OneRoster package (a .zip, or the folder it unzips to), a
    /// Common Transfer File or the simple CSV (see the README).
    /// Prints how many changes it made; the MIS sync page lists them.
    Import {
        file: std::path::PathBuf,
        /// Work out what would change, changing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print each change (pupils' and parents' names) or each problem
        /// with the file, not only the counts: not for a timer's log.
        #[arg(long)]
        verbose: bool,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .init();
    if let Err(err) = run(Cli::parse()).await {
        eprintln!("markwell: {err:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Restore { file } = &command {
        // Before the database is opened: it is the thing being replaced.
        let restored = backup::restore(file, &config.database_url).await?;
        if let Some(replaced) = restored.replaced {
            println!("Kept the database it replaced as {}", replaced.display());
        }
        println!(
            "Restored {} (schema {}). Start Markwell to serve it.",
            file.display(),
            restored.schema_version
        );
        return Ok(());
    }
    // Held for as long as this serves, so a restore can't swap the database
    // underneath it (nor a second server share it).
    let _serving = match command {
        Command::Serve => Some(backup::lock_for_serving(&backup::database_file(
            &config.database_url,
        )?)?),
        _ => None,
    };
    let pool = open_database(&config.database_url).await?;
    migrate(&pool).await?;
    match command {
        Command::Serve => {
            app::auth::password::warm_up();
            let state = app_state(&config, pool.clone(), Clock::System);
            let mailer = MailWorker::new(
                &config,
                pool.clone(),
                Clock::System,
                state.mail_waker.clone(),
            )?;
            // Told when the server stops: the mail worker, housekeeping and the
            // backup schedule.
            let (stop, stopping) = tokio::sync::watch::channel(false);
            let mail = tokio::spawn(mailer.run_until(stopping.clone()));
            tokio::spawn(server::housekeeping_hourly(
                pool.clone(),
                config.base_url.clone(),
                stopping.clone(),
            ));
            if let Some(dir) = config.backup_dir.clone() {
                println!(
                    "Backing up daily to {}, keeping {}",
                    dir.display(),
                    config.backup_keep
                );
                tokio::spawn(backup::run_schedule(
                    pool.clone(),
                    dir,
                    config.backup_keep,
                    stopping,
                ));
            }
            let listener = server::listen(config.site_addr).await.with_context(|| {
                format!("LEPTOS_SITE_ADDR: can't listen on {}", config.site_addr)
            })?;
            println!("Markwell is serving on http://{}", config.site_addr);
            axum::serve(
                listener,
                router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            // Asked to stop, it takes no new connection, finishes the
            // requests in flight, then lets the mail worker finish the letter
            // it is sending. Whatever is still queued goes after a restart.
            .with_graceful_shutdown(server::stop_requested())
            .await?;
            println!("Markwell is stopping: finishing the email being sent");
            let _ = stop.send(true);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), mail).await;
            println!("Markwell has stopped");
        }
        Command::Migrate => println!("The database is up to date."),
        Command::Import {
            file,
            dry_run,
            verbose,
        } => match server::import::import(&pool, &Clock::System, &file, dry_run).await {
            Ok(imported) => print!("{}", server::import::words(&imported, verbose)),
            Err(error) => {
                if let (true, Some(unreadable)) =
                    (verbose, error.downcast_ref::<server::import::Unreadable>())
                {
                    eprintln!("{}", unreadable.problem);
                }
                return Err(error);
            }
        },
        Command::Demo { if_empty } => {
            if if_empty && demo::has_school(&pool).await? {
                println!("The database already has a school; the demo was not loaded again.");
                demo::print_sign_ins();
                return Ok(());
            }
            let loaded = demo::load(&pool, &Clock::System, demo::SEED).await?;
            println!(
                "Loaded the demo school: {} pupils, {} staff, {} parents.",
                loaded.pupils, loaded.staff, loaded.parents
            );
            demo::print_sign_ins();
        }
        Command::CreateAdmin {
            email,
            name,
            school,
        } => {
            let password = read_password()?;
            if let Err(problem) = app::auth::password::check_new(&password, None, &[&name, &email])
            {
                bail!("{problem}");
            }
            // The same checks as the forms make.
            use app::auth::details::{check_email_form, check_name};
            let (first, surname) = match name.trim().split_once(' ') {
                Some((first, rest)) => (first, rest),
                None => bail!(
                    "--name: give a first name and a surname, for example --name \"Sam Okoro\""
                ),
            };
            let first =
                check_name("", first, "first name").map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let surname =
                check_name("", surname, "surname").map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let email =
                check_email_form("", &email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let hash = app::auth::password::hash(password).await?;
            let now = Clock::System.stamp();
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query!(
                "INSERT INTO school (id, name, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                school,
                now
            )
            .execute(&mut *tx)
            .await?;
            let taken = sqlx::query_scalar!("SELECT id FROM users WHERE email = ?", email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                bail!("--email: another account already uses that address");
            }
            let admin = AccountDetails {
                role: Role::Admin,
                slt: false,
                first_name: &first,
                surname: &surname,
                email: Some(&email),
            };
            let id = accounts::create_account(&mut tx, &admin, true, Some(&hash), &now).await?;
            audit::record(&mut tx, &now, Some(id), Audit::AdminCreated, None).await?;
            tx.commit().await?;
            println!("Created the admin account. They can sign in now.");
        }
        Command::Backup { file } => {
            backup::write_backup(&pool, &file).await?;
            println!("Backed up the database to {}", file.display());
        }
        Command::Restore { .. } => unreachable!("restored before the database is opened"),
    }
    Ok(())
}

/// From a hidden prompt at a terminal, else the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
