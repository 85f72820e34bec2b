//! What a page loads from the server, as one kind of resource.
//!
//! A page's data comes to the browser two ways: written into the first HTML
//! (read back as the page hydrates) and, as someone moves around, as a
//! server function's answer. Leptos reads the first with
//! `serde_json::from_str` and server functions read the second with
//! `serde_json::from_slice`, so each type a page loads had its JSON reader
//! built twice into the WebAssembly. Reading both the second way keeps one.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// JSON, read as server functions read their answers.
pub struct AnswerJson;

impl<T: Serialize> Encoder<T> for AnswerJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for AnswerJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(written: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(written.as_bytes())
    }
}

/// Data a page loads, fetched again whenever its source changes.
pub type Loaded<T> = Resource<T, AnswerJson>;

/// Loads `fetcher(source())` for a page: on the server as it renders, in the
/// browser whenever the source changes. Used in place of `Resource::new`.
#[track_caller]
pub fn load<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// As [`load`], for data the page can't start without (its title, or a
/// link's check): the server waits for it before sending any of the page.
#[track_caller]
pub fn load_blocking<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    /// What the server writes into the page is read back as it was, and
    /// so is a server function's answer, which is the same JSON.
    #[test]
    fn a_page_reads_back_what_the_server_wrote() {
        let loaded: Result<Vec<(String, Option<i64>)>, AppError> = Ok(vec![
            ("Ava \"A\" Brook".into(), Some(3)),
            ("Ümit".into(), None),
        ]);
        let written = <AnswerJson as Encoder<_>>::encode(&loaded).unwrap();
        assert_eq!(written, serde_json::to_string(&loaded).unwrap());
        let read: Result<Vec<(String, Option<i64>)>, AppError> =
            <AnswerJson as Decoder<_>>::decode(&written).unwrap();
        assert_eq!(read, loaded);

        let refused: Result<Vec<String>, AppError> = Err(AppError::NotFound);
        let written = <AnswerJson as Encoder<_>>::encode(&refused).unwrap();
        let read: Result<Vec<String>, AppError> =
            <AnswerJson as Decoder<_>>::decode(&written).unwrap();
        assert_eq!(read, refused);
    }
}
