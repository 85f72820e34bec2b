//! The one way a server function changes the database: a `Write`, which is
//! its turn in the `BEGIN IMMEDIATE` transaction on the single writer
//! connection (a savepoint of its own: see [`WriteQueue`]), carrying
//! the time of the change, who makes it and from where, so every audit entry
//! it records says the same. The check that allows a change runs as the
//! transaction's first step (`Write::checked`), so what was checked is what
//! is written.

use std::{
    ops::{Deref, DerefMut},
    sync::{Arc, OnceLock},
    time::Duration,
};

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{
    audit::{self, Audit},
    writer, Arrival,
};
use crate::{error::AppError, ids::UserId};

pub struct Write {
    lent: Lent,
    /// The time of the change, for expiry times worked out from it.
    pub now: time::OffsetDateTime,
    /// The same time as stored ("YYYY-MM-DDTHH:MM:SSZ").
    pub at: String,
    actor: Option<UserId>,
    address: Option<String>,
}

impl Write {
    /// Begins a change by `actor` (None: Markwell itself, or someone not
    /// signed in), in turn with every other write.
    pub async fn begin(actor: Option<UserId>, arrival: &Arrival) -> anyhow::Result<Write> {
        Write::on(&writer()?, actor, arrival).await
    }

    /// Begins a change on this queue (a server function's is the server's).
    pub async fn on(
        queue: &WriteQueue,
        actor: Option<UserId>,
        arrival: &Arrival,
    ) -> anyhow::Result<Write> {
        Ok(Write {
            lent: queue.turn().await?,
            now: arrival.now,
            at: arrival.at.clone(),
            actor,
            address: arrival.address.clone(),
        })
    }

    /// Begins a change whose first step is `check`, the rule that allows
    /// it, answering the check's proof. A refusal keeps the audit entry the
    /// check wrote: the transaction, which has changed nothing else, is
    /// committed with just that.
    pub async fn checked<P>(
        queue: &WriteQueue,
        actor: Option<UserId>,
        arrival: &Arrival,
        check: impl AsyncFnOnce(&mut SqliteConnection) -> anyhow::Result<P>,
    ) -> anyhow::Result<(Write, P)> {
        let mut write = Write::on(queue, actor, arrival).await?;
        match check(&mut *write).await {
            Ok(proof) => Ok((write, proof)),
            Err(error) => {
                if matches!(
                    error.downcast_ref::<AppError>(),
                    Some(AppError::NotFound | AppError::Forbidden)
                ) {
                    write.commit().await?;
                }
                Err(error)
            }
        }
    }

    /// Records what happened, in this transaction, by this actor.
    pub async fn audit(&mut self, event: Audit) -> anyhow::Result<()> {
        audit::record(
            self.lent.connection(),
            &self.at,
            self.actor,
            event,
            self.address.as_deref(),
        )
        .await
    }

    /// Records what happened, by someone the change itself identified (the
    /// person an emailed link or a sign-in turned out to be).
    pub async fn audit_by(&mut self, actor: Option<UserId>, event: Audit) -> anyhow::Result<()> {
        let at = &self.at;
        let address = self.address.as_deref();
        audit::record(self.lent.connection(), at, actor, event, address).await
    }

    /// Who is making the change, if anyone signed in.
    pub fn actor(&self) -> Option<UserId> {
        self.actor
    }

    /// Keeps the change, answering once it is committed.
    pub async fn commit(mut self) -> anyhow::Result<()> {
        let (told, committed) = oneshot::channel();
        self.lent.give_back(Some(told));
        match committed.await {
            Ok(result) => Ok(result?),
            Err(_) => anyhow::bail!("the writer stopped before saving the change"),
        }
    }
}

impl Deref for Write {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.lent
            .tx
            .as_deref()
            .expect("a change holds the transaction until it ends")
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.lent.connection()
    }
}

/// The one writer connection, and the queue of changes waiting for it.
///
/// Changes that are waiting at the same moment share one transaction (group
/// commit): each runs in a savepoint of its own, so a refused or failed
/// change undoes only itself, and the transaction commits once the queue is
/// empty. A typist's save then costs its own statements, not a commit each,
/// and a class's worth of saves waiting together are written in one go.
/// Nobody hears "saved" before the commit that keeps their change.
#[derive(Clone)]
pub struct WriteQueue {
    pool: SqlitePool,
    turns: Arc<OnceLock<mpsc::UnboundedSender<Turn>>>,
}

/// At most this many changes (kept or undone) share a transaction, so a
/// steady stream of them still commits often: those already in it are
/// waiting to hear they are saved.
const MOST_IN_ONE_COMMIT: usize = 32;

/// How long a change waits for its turn before giving up: far longer than
/// any batch takes, short of leaving a request hanging for ever.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// A change asking for the connection.
struct Turn {
    lend: oneshot::Sender<Lent>,
}

/// The open transaction, lent to one change at a time. However the change
/// ends, even dropped on its way to the change, the transaction goes back.
struct Lent {
    tx: Option<Transaction<'static, Sqlite>>,
    back: Option<oneshot::Sender<Returned>>,
}

impl Lent {
    fn connection(&mut self) -> &mut SqliteConnection {
        self.tx
            .as_deref_mut()
            .expect("a change holds the transaction until it ends")
    }

    /// Hands the transaction back, the change kept (and told when it is
    /// committed) or undone.
    fn give_back(&mut self, kept: Option<oneshot::Sender<Committed>>) {
        if let (Some(tx), Some(back)) = (self.tx.take(), self.back.take()) {
            // The writer only stops with the server.
            let _ = back.send(Returned { tx, kept });
        }
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        self.give_back(None);
    }
}

/// The transaction coming back from a change: kept (and told when it is
/// committed) or undone.
struct Returned {
    tx: Transaction<'static, Sqlite>,
    kept: Option<oneshot::Sender<Committed>>,
}

type Committed = Result<(), Arc<sqlx::Error>>;

impl WriteQueue {
    /// A queue for the writer pool's one connection (a pool of one).
    pub fn new(pool: SqlitePool) -> WriteQueue {
        WriteQueue {
            pool,
            turns: Arc::default(),
        }
    }

    /// Waits for this change's turn on the open transaction.
    async fn turn(&self) -> anyhow::Result<Lent> {
        let turns = self.turns.get_or_init(|| {
            let (send, receive) = mpsc::unbounded_channel();
            tokio::spawn(take_turns(self.pool.clone(), receive));
            send
        });
        let (lend, lent) = oneshot::channel();
        turns
            .send(Turn { lend })
            .map_err(|_| anyhow::anyhow!("the writer has stopped"))?;
        match tokio::time::timeout(LONGEST_WAIT, lent).await {
            Ok(Ok(lent)) => Ok(lent),
            Ok(Err(_)) => anyhow::bail!("the database couldn't start a change"),
            Err(_) => anyhow::bail!("waited too long for the database"),
        }
    }
}

/// The writer's loop: one transaction for every change waiting, each lent
/// the connection in turn inside its own savepoint, then one commit.
async fn take_turns(pool: SqlitePool, mut turns: mpsc::UnboundedReceiver<Turn>) {
    while let Some(first) = turns.recv().await {
        let tx = match pool.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => tx,
            Err(error) => {
                // Dropping the turn tells the change it couldn't start.
                tracing::error!("couldn't begin a write: {error}");
                continue;
            }
        };
        let (committed, kept) = one_commit(tx, first, &mut turns).await;
        if let Err(error) = &committed {
            tracing::error!("a group of {} changes was not saved: {error}", kept.len());
        }
        for change in kept {
            let _ = change.send(committed.clone());
        }
    }
}

/// Lends the transaction to the first change and to each one waiting behind
/// it, then commits, answering how that went and who is to be told.
async fn one_commit(
    mut tx: Transaction<'static, Sqlite>,
    first: Turn,
    turns: &mut mpsc::UnboundedReceiver<Turn>,
) -> (Committed, Vec<oneshot::Sender<Committed>>) {
    let mut kept = Vec::new();
    let mut next = Some(first);
    let mut taken = 0;
    while let Some(turn) = next.take() {
        taken += 1;
        match lend(tx, turn).await {
            Ok((back, told)) => {
                tx = back;
                kept.extend(told);
            }
            // The transaction was lost or is in an unknown state: none of it
            // is kept (dropping it rolls back whatever is left).
            Err(error) => return (Err(Arc::new(error)), kept),
        }
        if taken < MOST_IN_ONE_COMMIT {
            next = turns.try_recv().ok();
        }
    }
    (tx.commit().await.map_err(Arc::new), kept)
}

/// Lends the transaction to one change inside a savepoint, and takes it
/// back, the change kept or undone. An error means the transaction can't
/// go on.
async fn lend(
    mut tx: Transaction<'static, Sqlite>,
    turn: Turn,
) -> Result<
    (
        Transaction<'static, Sqlite>,
        Option<oneshot::Sender<Committed>>,
    ),
    sqlx::Error,
> {
    sqlx::query("SAVEPOINT change").execute(&mut *tx).await?;
    let (back, returned) = oneshot::channel();
    // A change that gave up waiting drops what it is sent, which comes back
    // undone like any other.
    let _ = turn.lend.send(Lent {
        tx: Some(tx),
        back: Some(back),
    });
    let Returned { mut tx, kept } = returned
        .await
        .map_err(|_| sqlx::Error::Protocol("a change kept the writer's transaction".into()))?;
    if kept.is_none() {
        sqlx::query("ROLLBACK TO change").execute(&mut *tx).await?;
    }
    sqlx::query("RELEASE change").execute(&mut *tx).await?;
    Ok((tx, kept))
}

impl std::fmt::Debug for WriteQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteQueue")
    }
}
