//! A file sent with a plain multipart form post (the MIS file, a results
//! spreadsheet): its name and bytes, or why it wasn't taken.

use axum::extract::Multipart;

use crate::error::AppError;

/// Why a sent file wasn't taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No file was chosen.
    NoFile,
    /// The file chosen (named) has nothing in it.
    Empty(String),
    /// Larger than the route allows, or cut off on the way.
    NotWhole,
}

/// The `file` field's name and bytes, or why there are none.
pub async fn file_or_refusal(mut multipart: Multipart) -> Result<(String, Vec<u8>), Refused> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| Refused::NotWhole)?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(str::to_owned)
            .filter(|n| !n.is_empty())
            .ok_or(Refused::NoFile)?;
        let bytes = field.bytes().await.map_err(|_| Refused::NotWhole)?;
        if bytes.is_empty() {
            return Err(Refused::Empty(name));
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(Refused::NoFile)
}

/// The same, with the reason as a message beside the `file` field.
/// `missing` says what to choose when none came; `most_mb` is the size the
/// route allows.
pub async fn file_from(
    multipart: Multipart,
    missing: &str,
    most_mb: usize,
) -> anyhow::Result<(String, Vec<u8>)> {
    file_or_refusal(multipart).await.map_err(|refused| {
        let message = match refused {
            Refused::NoFile => missing.to_owned(),
            Refused::Empty(name) => format!("{name} is empty."),
            Refused::NotWhole => {
                format!("The file is too large or didn't arrive whole (at most {most_mb} MB).")
            }
        };
        AppError::invalid("file", message).into()
    })
}
