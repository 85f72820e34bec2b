//! **Upload file**: a plain multipart post, so it works before the
//! WebAssembly loads. The file is kept for its uploader and the page opens
//! on it (`/ext-data?file=N`) to map its columns; a file that can't be
//! read opens the page with the reason beside the field.

use axum::{
    extract::Multipart,
    response::{IntoResponse, Redirect, Response},
};

use super::model::{MOST_BYTES, PATH};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{respond, upload},
};

pub async fn keep(viewer: Result<Viewer, AppError>, multipart: Multipart) -> Response {
    let kept = respond(async move {
        let viewer = viewer?;
        let staff = viewer.staff()?;
        let (file_name, bytes) = upload::file_from(
            multipart,
            "Choose the spreadsheet of results (CSV or Excel).",
            MOST_BYTES / (1024 * 1024),
        )
        .await?;
        let mut write = viewer.write().await?;
        let id = super::store::keep_file(&mut write, &staff, &file_name, &bytes).await?;
        write.commit().await?;
        Ok(id)
    })
    .await;
    match kept {
        Ok(id) => Redirect::to(&format!("{PATH}?file={id}")).into_response(),
        Err(AppError::SignedOut) => Redirect::to(&format!("/sign-in?next={PATH}")).into_response(),
        // No file, an empty one or one too large: the page says so beside
        // the field.
        Err(AppError::Invalid { .. }) => Redirect::to(&format!("{PATH}?refused=1")).into_response(),
        Err(error) => error.into_response(),
    }
}
