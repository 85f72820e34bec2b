//! The one way a server function changes the database: a `Write`, which is a
//! `BEGIN IMMEDIATE` transaction on the single writer connection, carrying
//! the time of the change, who makes it and from where, so every audit entry
//! it records says the same. The check that allows a change runs as the
//! transaction's first step (`Write::checked`), so what was checked is what
//! is written.

use std::ops::{Deref, DerefMut};

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::{
    audit::{self, Audit},
    begin_write, Arrival,
};
use crate::{error::AppError, ids::UserId};

pub struct Write {
    tx: Transaction<'static, Sqlite>,
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
        Ok(Write {
            tx: begin_write().await?,
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
        actor: Option<UserId>,
        arrival: &Arrival,
        check: impl AsyncFnOnce(&mut SqliteConnection) -> anyhow::Result<P>,
    ) -> anyhow::Result<(Write, P)> {
        let mut write = Write::begin(actor, arrival).await?;
        match check(&mut write.tx).await {
            Ok(proof) => Ok((write, proof)),
            Err(error) => {
                if matches!(
                    error.downcast_ref::<AppError>(),
                    Some(AppError::NotFound | AppError::Forbidden)
                ) {
                    write.tx.commit().await?;
                }
                Err(error)
            }
        }
    }

    /// Records what happened, in this transaction, by this actor.
    pub async fn audit(&mut self, event: Audit) -> anyhow::Result<()> {
        audit::record(
            &mut self.tx,
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
        audit::record(&mut self.tx, at, actor, event, self.address.as_deref()).await
    }

    /// Who is making the change, if anyone signed in.
    pub fn actor(&self) -> Option<UserId> {
        self.actor
    }

    pub async fn commit(self) -> anyhow::Result<()> {
        Ok(self.tx.commit().await?)
    }
}

impl Deref for Write {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
