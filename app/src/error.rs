//! The one error type shared by the server and the browser. Every server
//! function returns it; its messages are written for the teacher or parent
//! reading them and never carry personal data or internals.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::PostcardEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    SignedOut,
    #[error("Your account can't do that.")]
    Forbidden,
    #[error("We couldn't find that.")]
    NotFound,
    /// Bad input: `field` names the form field the message belongs beside.
    /// A form with several mistakes names the first here (it gets the
    /// focus) and the rest in `more`, so each is shown beside its field.
    #[error("{message}")]
    Invalid {
        field: String,
        message: String,
        // Always written, even empty: a page's data carries a refusal as
        // postcard, which reads fields by their place, not their name.
        #[serde(default)]
        more: Vec<FieldProblem>,
    },
    #[error("Too many attempts. Try again in {minutes} minutes.")]
    TooManyAttempts { minutes: u32 },
    #[error("Markwell can't be reached. Check your connection and try again.")]
    Offline,
    #[error("Something went wrong on our side. Nothing was changed.")]
    Unexpected,
}

/// One mistake on a form, beside the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
            more: Vec::new(),
        }
    }

    /// Several problems with one field, each shown as its own line.
    pub fn invalid_lines(field: &str, problems: &[&str]) -> Self {
        AppError::invalid(field, problems.join("\n"))
    }

    /// The HTTP status a response carrying this error gets.
    pub fn status(&self) -> u16 {
        match self {
            AppError::SignedOut => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Offline => 503,
            AppError::Unexpected => 500,
        }
    }

    /// The message for one form field, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        self.problems()
            .find(|problem| problem.field == name)
            .map(|problem| problem.message.to_owned())
    }

    /// Every mistake this error names, the first first.
    pub fn problems(&self) -> impl Iterator<Item = Problem<'_>> {
        let (first, more) = match self {
            AppError::Invalid {
                field,
                message,
                more,
            } => (Some(Problem { field, message }), more.as_slice()),
            _ => (None, &[][..]),
        };
        first.into_iter().chain(more.iter().map(|p| Problem {
            field: &p.field,
            message: &p.message,
        }))
    }
}

/// Text that must be given: trimmed, not empty (`if_empty` says what to
/// enter), and at most `most` characters ("Keep the {what} to {most}
/// characters or fewer.").
pub fn required_text(
    field: &str,
    typed: &str,
    what: &str,
    most: usize,
    if_empty: &str,
) -> Result<String, AppError> {
    let text = typed.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, if_empty));
    }
    if text.chars().count() > most {
        return Err(AppError::invalid(
            field,
            format!("Keep the {what} to {most} characters or fewer."),
        ));
    }
    Ok(text.to_owned())
}

/// The boxes ticked on a form, checked against what the form offered as
/// (value, label): answers whether a value was ticked. A value the form never
/// offered is a mistake ("\"{value}\" isn't {what}. Tick from the list.").
pub fn ticked<'a>(
    field: &str,
    names: &'a [String],
    offered: &[(&str, &str)],
    what: &str,
) -> Result<impl Fn(&str) -> bool + 'a, AppError> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !offered.iter().any(|(value, _)| value == n))
    {
        return Err(AppError::invalid(
            field,
            format!("\"{unknown}\" isn't {what}. Tick from the list."),
        ));
    }
    Ok(move |value: &str| names.iter().any(|n| n == value))
}

/// A borrowed [`FieldProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem<'a> {
    pub field: &'a str,
    pub message: &'a str,
}

/// Gathers the mistakes on a form as each field is parsed, so that all of
/// them are shown at once rather than one per try. Any error other than
/// bad input (the database, say) is kept and wins.
#[derive(Debug, Default)]
pub struct Problems {
    found: Vec<FieldProblem>,
    other: Option<AppError>,
}

impl Problems {
    /// The parsed value, or `None` with its mistakes noted.
    pub fn take<T>(&mut self, parsed: Result<T, AppError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error @ AppError::Invalid { .. }) => {
                self.found.extend(error.problems().map(|p| FieldProblem {
                    field: p.field.to_owned(),
                    message: p.message.to_owned(),
                }));
                None
            }
            Err(error) => {
                self.other.get_or_insert(error);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.found.push(FieldProblem {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty() && self.other.is_none()
    }

    /// Ok when nothing was wrong; else one error naming every mistake.
    pub fn finish(self) -> Result<(), AppError> {
        if let Some(other) = self.other {
            return Err(other);
        }
        let mut found = self.found.into_iter();
        match found.next() {
            None => Ok(()),
            Some(first) => Err(AppError::Invalid {
                field: first.field,
                message: first.message,
                more: found.collect(),
            }),
        }
    }

    /// `value` when nothing was wrong: for the end of a parse whose
    /// fields were each taken with [`Problems::take`].
    pub fn finish_with<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, AppError> {
        self.finish()?;
        // Every field parsed, so every `take` answered Some.
        value().ok_or(AppError::Unexpected)
    }
}

/// A refusal travels as the answers do, in postcard, so the browser needs no
/// JSON reader for it.
impl FromServerFnError for AppError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Offline,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                set_status(400);
                AppError::invalid(
                    "",
                    "Some of what was sent couldn't be read. Please try again.",
                )
            }
            _ => AppError::Unexpected,
        }
    }
}

/// Plain axum handlers (downloads, live streams) answer an error as a server
/// function does: its status, and its message for the person.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// Sets the HTTP status of the response being built, when there is one.
///
/// Not for a form the browser posted itself, before the WebAssembly came (or
/// without it): Leptos answers that with a redirect back to the form's page,
/// the refusal in its address for the form to show, and a status set here
/// would replace the redirect with a page of bytes.
#[cfg(feature = "ssr")]
pub fn set_status(code: u16) {
    if posted_by_the_browser() {
        return;
    }
    if let (Some(options), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
}

/// Whether this is a server function called by a plain form post: the
/// browser asks for a page back, where the WebAssembly asks for an answer.
#[cfg(feature = "ssr")]
fn posted_by_the_browser() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|request| {
        let wants_page = request
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        wants_page
            && leptos::server_fn::axum::server_fn_paths()
                .any(|(path, _)| path == request.uri.path())
    })
}
