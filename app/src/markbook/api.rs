use leptos::{prelude::*, server_fn::codec::Json};

use super::model::{Grid, HistoryEntry, JudgementChange, Menu};
use crate::{
    error::AppError,
    ids::{CriterionId, GroupId, PupilId},
};

/// The groups and subjects the signed-in member of staff may choose from.
#[server(endpoint = "markbook/menu")]
pub async fn markbook_menu() -> Result<Menu, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        super::store::menu(&mut conn, &staff, viewer.reach(), viewer.id).await
    })
    .await
}

/// The grid the address asks for (gaps filled as [`Menu::resolve`] fills
/// them), or `None` when the viewer has no group to open. Markbook opens
/// here next time.
#[server(endpoint = "markbook/grid")]
pub async fn open_grid(
    group: Option<String>,
    subject: Option<String>,
    year: Option<String>,
    strand: Option<String>,
) -> Result<Option<Grid>, AppError> {
    use super::model::{Asked, Shown};
    use crate::{
        auth::Viewer,
        ssr::{client_address, clock, db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        // Read from the request's context before the first query: while a
        // page renders on the server, a pass Leptos throws away loses its
        // context mid-way, and this must still answer for the pass it keeps.
        let (pool, at, address) = (db()?, clock()?.stamp(), client_address().await);
        let mut conn = pool.acquire().await?;
        let menu = super::store::menu(&mut conn, &staff, viewer.reach(), viewer.id).await?;
        let asked: Asked = (group, subject, year, strand);
        let Some(shown): Option<Shown> = menu.resolve(&asked)? else {
            return Ok(None);
        };
        let open = viewer
            .group_to_open_at(&mut conn, shown.group, &at, address.as_deref())
            .await?;
        super::store::remember_choice(&mut conn, &open, viewer.id, shown.subject).await?;
        Ok(Some(super::store::grid(&mut conn, &open, &shown).await?))
    })
    .await
}

/// Records judgements for pupils of one group, all or none, and tells the
/// other grids open on those pupils.
#[server(endpoint = "markbook/save", input = Json)]
pub async fn save_judgements(
    group: GroupId,
    changes: Vec<JudgementChange>,
) -> Result<usize, AppError> {
    use super::model::MOST_CHANGES;
    use crate::{
        auth::Viewer,
        ssr::{
            audit::{self, Audit},
            client_address, clock, db, markbook_hub, respond,
        },
        usage::events::{self, current_client, UsageKind},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let client = current_client().await?;
        let at = clock()?.stamp();
        // Refusals are checked outside the transaction so their audit entries stay.
        let mut conn = db()?.acquire().await?;
        let open = viewer.group_to_open(&mut conn, group).await?;
        let writable = open.to_write()?;
        if changes.len() > MOST_CHANGES {
            return Err(AppError::invalid(
                "changes",
                format!("At most {MOST_CHANGES} judgements can be saved at once."),
            )
            .into());
        }
        if let Some(stranger) = super::store::stranger(&mut conn, open.id(), &changes).await? {
            let address = client_address().await;
            let denied = Audit::AccessDenied {
                what: "pupil",
                id: stranger.0,
            };
            audit::record(&mut conn, &at, Some(viewer.id), denied, address.as_deref()).await?;
            return Err(AppError::NotFound.into());
        }
        drop(conn);
        let mut tx = crate::ssr::begin_write().await?;
        let saved = super::store::save(&mut tx, &writable, &at, &changes).await?;
        let times = u32::try_from(saved.len()).unwrap_or(u32::MAX);
        events::record(
            &mut tx,
            &at,
            viewer.id,
            UsageKind::AssessmentRecorded,
            client,
            times,
        )
        .await?;
        tx.commit().await?;
        let count = saved.len();
        markbook_hub()?.announce(saved);
        Ok(count)
    })
    .await
}

/// Every change to one cell, newest first.
#[server(endpoint = "markbook/history")]
pub async fn cell_history(
    group: GroupId,
    pupil: PupilId,
    criterion: CriterionId,
) -> Result<Vec<HistoryEntry>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut conn = db()?.acquire().await?;
        let open = viewer.group_to_open(&mut conn, group).await?;
        super::store::history(&mut conn, &open, pupil, criterion).await
    })
    .await
}
