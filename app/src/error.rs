//! The one error type shared by the server and the browser. Every server
//! function returns it; its messages are written for the teacher or parent
//! reading them and never carry personal data or internals.

use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError, error::ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    SignedOut,
    #[error("Your account can't do that.")]
    Forbidden,
    #[error("We couldn't find that.")]
    NotFound,
    /// Bad input: `field` names the form field the message belongs beside.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("Too many attempts. Try again in {minutes} minutes.")]
    TooManyAttempts { minutes: u32 },
    #[error("Markwell can't be reached. Check your connection and try again.")]
    Offline,
    #[error("Something went wrong on our side. Nothing was changed.")]
    Unexpected,
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
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
        match self {
            AppError::Invalid { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Offline,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                crate::ssr::set_status(400);
                AppError::invalid(
                    "",
                    "Some of what was sent couldn't be read. Please try again.",
                )
            }
            _ => AppError::Unexpected,
        }
    }
}
