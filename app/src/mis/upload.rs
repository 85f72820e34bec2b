//! The MIS sync page's two form posts. Plain posts rather than server
//! functions: a file goes as multipart, and both answer with a redirect to
//! the sync they made (`/mis-sync?sync=N`), so they work before the
//! WebAssembly loads and a reload never sends a file twice.

use axum::{
    extract::{Multipart, State},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    model::Outcome,
    store,
    sync::{self, Applied},
};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{
        respond, upload,
        usage::{self, UsageKind},
        AppState,
    },
};

fn answer(made: Result<String, AppError>) -> Response {
    match made {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(AppError::SignedOut) => Redirect::to("/sign-in?next=/mis-sync").into_response(),
        Err(error) => error.into_response(),
    }
}

/// **Check file**: reads the file and keeps what it would change (or why
/// it can't be read) in the sync history, changing nothing else.
pub async fn check(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    multipart: Multipart,
) -> Response {
    answer(
        respond(async move {
            let viewer = viewer?;
            viewer.admin()?;
            let (file_name, bytes) =
                upload::file_from(multipart, "Choose the MIS file to check.", 32).await?;
            // Worked out on a reading connection: a big file's check doesn't
            // hold up anyone's saves.
            let (check, outcome) = match super::read(&file_name, &bytes) {
                Ok(roster) => {
                    let mut conn = state.pool.acquire().await?;
                    (sync::check(&mut conn, &roster).await?, Outcome::Checked)
                }
                Err(problem) => (sync::refusal(&problem), Outcome::Refused),
            };
            let mut write = viewer.write().await?;
            let id = sync::record(&mut write, &file_name, &check, outcome).await?;
            if outcome == Outcome::Checked && !check.changes_nothing() {
                store::keep_file(&mut write, id, &bytes).await?;
            }
            write.commit().await?;
            Ok(format!("/mis-sync?sync={id}"))
        })
        .await,
    )
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    sync: i64,
    digest: String,
}

/// **Apply changes**: the checked file's changes, exactly as shown, in one
/// transaction; if the school's records changed since, a new check instead.
pub async fn apply(
    viewer: Result<Viewer, AppError>,
    session: Session,
    Form(form): Form<ApplyForm>,
) -> Response {
    answer(
        respond(async move {
            let viewer = viewer?;
            let rights = viewer.admin()?;
            let client = usage::session_client(&session).await?;
            let mut write = viewer.write().await?;
            let Some(kept) = store::kept_file(&mut write, &rights, form.sync).await? else {
                return Err(AppError::NotFound.into());
            };
            // It was read when checked; its problems are never logged.
            let roster = super::read(&kept.file_name, &kept.bytes)
                .map_err(|_| AppError::invalid("file", "Check the file again."))?;
            // The changes the page showed, as the check kept them: a page
            // sending other words gets a fresh check instead.
            let expected = if form.digest == kept.digest {
                kept.digest.clone()
            } else {
                String::new()
            };
            let (file_name, bytes) = (kept.file_name, kept.bytes);
            let to = match sync::apply(&mut write, &roster, &file_name, Some(&expected)).await? {
                Applied::Done { sync, .. } => {
                    let at = write.at.clone();
                    usage::record(&mut write, &at, viewer.id, UsageKind::Import, client, 1).await?;
                    format!("/mis-sync?sync={sync}")
                }
                Applied::ChangedSinceCheck(check) => {
                    let id = sync::record(&mut write, &file_name, &check, Outcome::Checked).await?;
                    store::keep_file(&mut write, id, &bytes).await?;
                    format!("/mis-sync?sync={id}&changed=1")
                }
            };
            store::forget_file(&mut write, form.sync).await?;
            write.commit().await?;
            Ok(to)
        })
        .await,
    )
}
