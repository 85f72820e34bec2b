use leptos::prelude::*;
use server_fn::codec::{Json, Postcard};

use super::model::{Grid, HistoryEntry, JudgementChange, Menu};
use crate::{
    error::AppError,
    ids::{CriterionId, GroupId, PupilId},
};

/// The groups and subjects the signed-in member of staff may choose from.
#[server(endpoint = "markbook/menu", output = Postcard)]
pub async fn markbook_menu() -> Result<Menu, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let staff = Viewer::current().await?.staff()?;
        let mut conn = db()?.acquire().await?;
        super::store::menu(&mut conn, &staff).await
    })
    .await
}

/// The grid the address asks for (gaps filled as [`Menu::resolve`] fills
/// them), or `None` when the viewer has no group to open. Markbook opens
/// here next time.
#[server(endpoint = "markbook/grid", output = Postcard)]
pub async fn open_grid(
    group: Option<String>,
    subject: Option<String>,
    year: Option<String>,
    strand: Option<String>,
) -> Result<Option<Grid>, AppError> {
    use super::model::{Asked, Shown};
    use crate::{
        auth::Viewer,
        ids::GroupId,
        ssr::{db, respond},
    };
    respond(async move {
        // Who, when and from where are read from the request's context
        // before the first query: while a page renders on the server, a pass
        // Leptos throws away loses its context mid-way, and this must still
        // answer for the pass it keeps.
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let menu = super::store::menu(&mut conn, &staff).await?;
        // A group asked for by id that isn't in the viewer's menu is out of
        // their reach, refused as every other refusal is.
        let refused = group
            .as_deref()
            .and_then(|g| g.parse().ok())
            .map(GroupId)
            .filter(|id| !menu.groups.iter().any(|g| g.id == *id));
        if let Some(refused) = refused {
            return viewer.out_of_reach(&mut conn, "group", refused.0).await;
        }
        let asked: Asked = (group, subject, year, strand);
        let Some(shown): Option<Shown> = menu.resolve(&asked)? else {
            return Ok(None);
        };
        let open = viewer.group_to_open(&mut conn, shown.group).await?;
        // Opening the grid last opened is a read alone: no turn at the writer.
        if (menu.last_group, menu.last_subject) != (Some(shown.group), Some(shown.subject)) {
            let mut write = viewer.write().await?;
            super::store::remember_choice(&mut write, &open, shown.subject).await?;
            write.commit().await?;
        }
        Ok(Some(super::store::grid(&mut conn, &open, &shown).await?))
    })
    .await
}

/// Records judgements for pupils of one group, all or none, and tells the
/// other grids open on those pupils.
#[server(endpoint = "markbook/save", input = Json, output = Postcard)]
pub async fn save_judgements(
    group: GroupId,
    changes: Vec<JudgementChange>,
) -> Result<usize, AppError> {
    use super::model::MOST_CHANGES;
    use crate::{
        auth::Viewer,
        ssr::usage::{self as events, current_client, UsageKind},
        ssr::{live, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let client = current_client().await?;
        // The group and every pupil changed are checked inside the write.
        let (mut write, writable) = viewer
            .write_checked(async |conn| {
                let open = viewer.group_to_open(conn, group).await?;
                let writable = open.to_write()?;
                if changes.len() > MOST_CHANGES {
                    return Err(AppError::invalid(
                        "changes",
                        format!("At most {MOST_CHANGES} judgements can be saved at once."),
                    )
                    .into());
                }
                match super::store::stranger(conn, open.id(), &changes).await? {
                    Some(stranger) => viewer.out_of_reach(conn, "pupil", stranger.0).await,
                    None => Ok(writable),
                }
            })
            .await?;
        let at = write.at.clone();
        let saved = super::store::save(&mut write, &writable, &at, &changes).await?;
        let times = u32::try_from(saved.len()).unwrap_or(u32::MAX);
        events::record(
            &mut write,
            &at,
            viewer.id,
            UsageKind::AssessmentRecorded,
            client,
            times,
        )
        .await?;
        write.commit().await?;
        let count = saved.len();
        super::live::announce(&live()?, saved);
        Ok(count)
    })
    .await
}

/// Every change to one cell, newest first.
#[server(endpoint = "markbook/history", output = Postcard)]
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
