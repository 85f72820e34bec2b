//! A file sent with a plain multipart form post (the MIS file, a results
//! spreadsheet): its name and bytes, or a message for the person who sent
//! it beside the `file` field.

use axum::extract::Multipart;

use crate::error::AppError;

/// The `file` field's name and bytes. `missing` says what to choose when
/// none came; `most_mb` is the size the route allows, for the message.
pub async fn file_from(
    mut multipart: Multipart,
    missing: &str,
    most_mb: usize,
) -> anyhow::Result<(String, Vec<u8>)> {
    let no_file = || AppError::invalid("file", missing);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::invalid("file", "The file didn't arrive whole. Please try again."))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(str::to_owned)
            .filter(|n| !n.is_empty())
            .ok_or_else(no_file)?;
        let bytes = field.bytes().await.map_err(|_| {
            AppError::invalid(
                "file",
                format!("The file is too large or didn't arrive whole (at most {most_mb} MB)."),
            )
        })?;
        if bytes.is_empty() {
            return Err(AppError::invalid("file", format!("{name} is empty.")).into());
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(no_file().into())
}
