//! A spreadsheet the browser saves: the file name in a header nothing can
//! break out of, and cells a spreadsheet won't take for formulas.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 5987's attr-char: what `filename*` may hold unencoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with the file name twice: in characters every browser
/// accepts in a header, and in the school's own spelling ("Ysgol Glan Ŵy")
/// for browsers that read `filename*`. `name` makes the file's name from
/// the school's.
pub fn attachment(school: &str, name: impl Fn(&str) -> String) -> String {
    let plain: String = school
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " -&(),.'".contains(*c))
        .collect();
    let spelled: String = school
        .chars()
        .filter(|c| !c.is_control() && !"/\\\"".contains(*c))
        .collect();
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        name(&plain),
        utf8_percent_encode(&name(&spelled), ATTR_CHAR)
    )
}

/// Text a spreadsheet could take for a formula or a command (=, +, -, @, a
/// tab or a carriage return first) is kept as typed but marked as text.
pub fn could_start_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// What an export's GET answers: the file, a signed-out browser sent to
/// sign in and back to `page`, or the refusal.
pub fn answer(made: Result<(String, Vec<u8>), crate::error::AppError>, page: &str) -> Response {
    match made {
        Ok((disposition, bytes)) => xlsx(disposition, bytes),
        Err(crate::error::AppError::SignedOut) => {
            axum::response::Redirect::to(&format!("/sign-in?next={page}")).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// An .xlsx for the browser to save, never kept by a cache.
pub fn xlsx(disposition: String, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
