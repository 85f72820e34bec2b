//! **Upload file**: a plain multipart post, so it works before the
//! WebAssembly loads. The file is kept for its uploader and the page opens
//! on it (`/ext-data?file=N`) to map its columns; a file that isn't taken
//! opens the page with the reason beside the field (`?refused=empty`).

use axum::{
    extract::Multipart,
    response::{IntoResponse, Redirect, Response},
};

use super::model::{Refusal, PATH};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{
        respond,
        upload::{self, Refused},
    },
};

pub async fn keep(viewer: Result<Viewer, AppError>, multipart: Multipart) -> Response {
    let kept = respond(async move {
        let viewer = viewer?;
        let staff = viewer.staff()?;
        let (file_name, bytes) = match upload::file_or_refusal(multipart).await {
            Ok(file) => file,
            Err(refused) => return Ok(Err(refused)),
        };
        let mut write = viewer.write().await?;
        let id = super::store::keep_file(&mut write, &staff, &file_name, &bytes).await?;
        write.commit().await?;
        Ok(Ok(id))
    })
    .await;
    match kept {
        Ok(Ok(id)) => Redirect::to(&format!("{PATH}?file={id}")).into_response(),
        Ok(Err(refused)) => {
            let refusal = match refused {
                Refused::NoFile => Refusal::NoFile,
                Refused::Empty(_) => Refusal::Empty,
                Refused::NotWhole => Refusal::NotWhole,
            };
            Redirect::to(&format!("{PATH}?refused={}", refusal.key())).into_response()
        }
        Err(AppError::SignedOut) => Redirect::to(&format!("/sign-in?next={PATH}")).into_response(),
        Err(error) => error.into_response(),
    }
}
