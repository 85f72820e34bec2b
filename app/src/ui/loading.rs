//! What a page loads from the server, as one kind of resource.
//!
//! A page's data comes to the browser two ways: written into the first HTML
//! (read back as the page hydrates) and, as someone moves around, as a
//! server function's answer. Both are postcard, read by the one
//! `postcard::from_bytes`, so each type a page loads has one decoder in the
//! WebAssembly, a sixth the size of a JSON one. In the HTML the bytes are
//! written as base64.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// Postcard, written and read as server functions write and read their
/// answers (`output = Postcard`).
pub struct Answer;

impl<T: Serialize> Encoder<T> for Answer {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Answer {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(written: &[u8]) -> Result<T, postcard::Error> {
        postcard::from_bytes(written)
    }
}

/// Data a page loads, fetched again whenever its source changes.
pub type Loaded<T> = Resource<T, Answer>;

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
    use crate::error::{AppError, FieldProblem};
    use server_fn::{codec::PostcardEncoding, Decodes, Encodes};

    /// What the server writes into the page is read back as it was, and
    /// it is the very bytes a server function answers with.
    #[test]
    fn a_page_reads_back_what_the_server_wrote() {
        let loaded: Result<Vec<(String, Option<i64>)>, AppError> = Ok(vec![
            ("Ava \"A\" Brook".into(), Some(3)),
            ("Ümit".into(), None),
        ]);
        let written = <Answer as Encoder<_>>::encode(&loaded).unwrap();
        let answered = <PostcardEncoding as Encodes<_>>::encode(&loaded).unwrap();
        assert_eq!(written, answered.to_vec());
        let read: Result<Vec<(String, Option<i64>)>, AppError> =
            <Answer as Decoder<_>>::decode(&written).unwrap();
        assert_eq!(read, loaded);
        let read: Result<Vec<(String, Option<i64>)>, AppError> =
            <PostcardEncoding as Decodes<_>>::decode(answered).unwrap();
        assert_eq!(read, loaded);
    }

    /// A refusal a page was rendered with survives the trip, a form's
    /// several problems included.
    #[test]
    fn a_refusal_reads_back_whole() {
        for refused in [
            AppError::NotFound,
            AppError::Invalid {
                field: "title".into(),
                message: "Give the homework a title.".into(),
                more: Vec::new(),
            },
            AppError::Invalid {
                field: "title".into(),
                message: "Give the homework a title.".into(),
                more: vec![FieldProblem {
                    field: "due".into(),
                    message: "Choose a date it is due.".into(),
                }],
            },
        ] {
            let refused: Result<Vec<String>, AppError> = Err(refused);
            let written = <Answer as Encoder<_>>::encode(&refused).unwrap();
            let read: Result<Vec<String>, AppError> =
                <Answer as Decoder<_>>::decode(&written).unwrap();
            assert_eq!(read, refused);
        }
    }
}
