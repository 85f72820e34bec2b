//! What a page loads from the server, as one kind of resource.
//!
//! A page's data comes to the browser two ways: written into the first HTML
//! (read back as the page hydrates) and, as someone moves around, as a
//! server function's answer. Both are postcard, read by the one
//! `postcard::from_bytes`, so each type a page loads has one decoder in the
//! WebAssembly, a sixth the size of a JSON one. In the HTML the bytes are
//! written as base64.
//!
//! Every page's resource is the same Leptos type, [`Held`], whatever it
//! holds: Leptos's reactive code for a resource (a few KB of WebAssembly)
//! is then in the browser once, not once per page's data. [`Loaded<T>`]
//! puts the type back where a page reads it.
//!
//! A page names the server function it loads from by its arguments
//! (`ListStaff { search }`) rather than calling it. In the browser every
//! function is then asked by the same code, and only reading its answer is
//! its own; a call of each function carried its own request and redirect
//! handling into the WebAssembly. On the server the function just runs.

use std::{
    any::Any,
    future::{Future, IntoFuture},
    marker::PhantomData,
    pin::Pin,
    sync::Arc,
};

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use server_fn::ServerFn;

use super::form::Sendable;
use crate::error::AppError;

/// Data a page loads, fetched again whenever its source changes. Await it
/// (in a `Suspend`) to read it.
pub struct Loaded<T> {
    held: Resource<Held, Kept>,
    data: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: DeserializeOwned + Clone + 'static> Loaded<T> {
    /// The data, once loaded, read where the caller tracks it.
    pub fn get(&self) -> Option<T> {
        self.held.get().and_then(|held| held.read())
    }
}

impl<T> IntoFuture for Loaded<T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Output = T;
    type IntoFuture = Pin<Box<dyn Future<Output = T> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let held = self.held;
        Box::pin(async move {
            match held.await.read::<T>() {
                Some(data) => data,
                // Written by another build of Markwell than this page's
                // (which can't happen: the page and its WebAssembly come
                // together). Asked for again, the page shows the answer.
                None => {
                    held.refetch();
                    std::future::pending().await
                }
            }
        })
    }
}

/// A page's data as its resource holds it: what this browser fetched (or
/// the server loaded as it rendered), or the bytes the server wrote into
/// the first HTML, read when the page first asks for them.
#[derive(Clone)]
pub struct Held(Arc<Holding>);

enum Holding {
    Fetched(Box<dyn Data>),
    Written(Vec<u8>),
}

/// A value of any of the types pages load.
trait Data: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    /// Only the server writes data into a page: in the browser, each type
    /// has no writer to carry.
    #[cfg(feature = "ssr")]
    fn write(&self) -> Result<Vec<u8>, postcard::Error>;
}

impl<T: Serialize + Send + Sync + 'static> Data for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    #[cfg(feature = "ssr")]
    fn write(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self)
    }
}

impl Held {
    fn fetched<T: Serialize + Send + Sync + 'static>(data: T) -> Self {
        Held(Arc::new(Holding::Fetched(Box::new(data))))
    }

    fn read<T: DeserializeOwned + Clone + 'static>(&self) -> Option<T> {
        match &*self.0 {
            Holding::Fetched(data) => data.as_any().downcast_ref::<T>().cloned(),
            Holding::Written(bytes) => postcard::from_bytes(bytes).ok(),
        }
    }
}

/// How [`Held`] is written into a page and read back: the data's own
/// postcard bytes, as a server function would answer with them.
pub struct Kept;

impl Encoder<Held> for Kept {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(held: &Held) -> Result<Vec<u8>, postcard::Error> {
        match &*held.0 {
            #[cfg(feature = "ssr")]
            Holding::Fetched(data) => data.write(),
            // Leptos writes a resource into the page only on the server.
            #[cfg(not(feature = "ssr"))]
            Holding::Fetched(_) => Err(postcard::Error::NotYetImplemented),
            Holding::Written(bytes) => Ok(bytes.clone()),
        }
    }
}

impl Decoder<Held> for Kept {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(written: &[u8]) -> Result<Held, postcard::Error> {
        Ok(Held(Arc::new(Holding::Written(written.to_vec()))))
    }
}

/// What a resource's source gave, of whatever type: compared with the last
/// to know whether to fetch again.
#[derive(Clone)]
struct Source(Arc<dyn SourceValue>);

trait SourceValue: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn SourceValue) -> bool;
}

impl<S: PartialEq + Send + Sync + 'static> SourceValue for S {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same(&self, other: &dyn SourceValue) -> bool {
        other.as_any().downcast_ref::<S>() == Some(self)
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(&*other.0)
    }
}

type Fetching = Pin<Box<dyn Future<Output = Held> + Send>>;

/// A server function a page loads its data from: one reading its arguments
/// as a browser posts a form and answering in postcard, as a form's do.
pub trait Loadable: Sendable<Output: Serialize> {}

impl<F: Sendable<Output: Serialize>> Loadable for F {}

/// What a page loads from `F`: its answer, or why there is none.
pub type Answer<F> = Result<<F as ServerFn>::Output, AppError>;

/// Where a page's data comes from: a server function to ask, or an answer
/// the page has without asking (nothing chosen yet, say).
pub enum Ask<F: ServerFn> {
    Server(F),
    Known(Answer<F>),
}

/// Loads what the server function `call(source())` answers: on the server
/// as the page renders, in the browser whenever the source changes. Used
/// in place of `Resource::new`.
pub fn load<S, F>(
    source: impl Fn() -> S + Send + Sync + 'static,
    call: impl Fn(S) -> F + Send + Sync + 'static,
) -> Loaded<Answer<F>>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    F: Loadable,
{
    loaded(source, move |source| Ask::Server(call(source)), false)
}

/// As [`load`], where the page may know the answer without asking.
pub fn load_or<S, F>(
    source: impl Fn() -> S + Send + Sync + 'static,
    call: impl Fn(S) -> Ask<F> + Send + Sync + 'static,
) -> Loaded<Answer<F>>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    F: Loadable,
{
    loaded(source, call, false)
}

/// As [`load_or`], for data the page can't start without (its title, or a
/// link's check): the server waits for it before sending any of the page.
pub fn load_blocking<S, F>(
    source: impl Fn() -> S + Send + Sync + 'static,
    call: impl Fn(S) -> Ask<F> + Send + Sync + 'static,
) -> Loaded<Answer<F>>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    F: Loadable,
{
    loaded(source, call, true)
}

fn loaded<S, F>(
    source: impl Fn() -> S + Send + Sync + 'static,
    call: impl Fn(S) -> Ask<F> + Send + Sync + 'static,
    blocking: bool,
) -> Loaded<Answer<F>>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    F: Loadable,
{
    let fetch = move |source: Source| -> Fetching {
        match source.0.as_any().downcast_ref::<S>().cloned().map(&call) {
            Some(Ask::Server(function)) => ask(function),
            Some(Ask::Known(answer)) => Box::pin(std::future::ready(Held::fetched(answer))),
            // Only `loaded` makes a Source, always from `S`.
            None => Box::pin(std::future::pending()),
        }
    };
    Loaded {
        held: held(
            Arc::new(move || Source(Arc::new(source()))),
            Arc::new(fetch),
            blocking,
        ),
        data: PhantomData,
    }
}

/// On the server the function runs where the page is rendered.
#[cfg(feature = "ssr")]
fn ask<F: Loadable>(function: F) -> Fetching {
    Box::pin(async move { Held::fetched(function.run_body().await) })
}

/// In the browser the function is asked as a form would ask it, by the
/// same code for every function; only reading its answer is the
/// function's own (`answer`, with the decoder that reads the data written
/// into the first HTML).
#[cfg(not(feature = "ssr"))]
fn ask<F: Loadable>(function: F) -> Fetching {
    // Arguments that can't be written as a form are a mistake here, not the
    // person's: they see the general message.
    let fields = serde_qs::to_string(&function).ok();
    Box::pin(answered(F::PATH, fields, answer::<F::Output>))
}

#[cfg(not(feature = "ssr"))]
async fn answered(
    url: &'static str,
    fields: Option<String>,
    answer: fn(Result<&[u8], AppError>) -> Held,
) -> Held {
    match fields {
        Some(fields) => match super::form::post(url, fields).await {
            Ok(output) => answer(Ok(&output)),
            Err(refusal) => answer(Err(refusal)),
        },
        None => answer(Err(AppError::Unexpected)),
    }
}

/// A server function's answer (its output's postcard, or a refusal) as the
/// page reads it. An answer that doesn't read (from another build of
/// Markwell, in a tab opened before it) is a refusal like any other, so the
/// page says so rather than asking again.
#[cfg(any(test, not(feature = "ssr")))]
fn answer<O>(answered: Result<&[u8], AppError>) -> Held
where
    O: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let answer = answered
        .and_then(|output| postcard::from_bytes::<O>(output).map_err(|_| AppError::Unexpected));
    Held::fetched(answer)
}

/// A value the server works out as it renders (the signed-in person, say),
/// written into the page as a page's data is and read back as the browser
/// hydrates, without asking the server again. Where the browser renders
/// the page itself (moving to it from another), `initial` runs there.
pub fn shared<T>(initial: impl Fn() -> T) -> T
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    SharedValue::<Held, Kept>::new_with_encoding(|| Held::fetched(initial()))
        .into_inner()
        .read()
        // Written by another build (which the page's own WebAssembly never
        // meets): worked out afresh.
        .unwrap_or_else(initial)
}

/// The one resource every page's data is loaded through.
#[inline(never)]
fn held(
    source: Arc<dyn Fn() -> Source + Send + Sync>,
    fetch: Arc<dyn Fn(Source) -> Fetching + Send + Sync>,
    blocking: bool,
) -> Resource<Held, Kept> {
    Resource::new_with_options(move || source(), move |source| fetch(source), blocking)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, FieldProblem};
    use server_fn::{codec::PostcardEncoding, Decodes, Encodes};

    fn written<T: Serialize + Send + Sync + 'static>(data: T) -> Vec<u8> {
        <Kept as Encoder<Held>>::encode(&Held::fetched(data)).unwrap()
    }

    fn read<T: DeserializeOwned + Clone + 'static>(written: &[u8]) -> Option<T> {
        <Kept as Decoder<Held>>::decode(written).unwrap().read()
    }

    /// What the server writes into the page is read back as it was, and
    /// it is the very bytes a server function answers with.
    #[test]
    fn a_page_reads_back_what_the_server_wrote() {
        let loaded: Result<Vec<(String, Option<i64>)>, AppError> = Ok(vec![
            ("Ava \"A\" Brook".into(), Some(3)),
            ("Ümit".into(), None),
        ]);
        let written = written(loaded.clone());
        let answered = <PostcardEncoding as Encodes<_>>::encode(&loaded).unwrap();
        assert_eq!(written, answered.to_vec());
        assert_eq!(read(&written), Some(loaded.clone()));
        let read: Result<Vec<(String, Option<i64>)>, AppError> =
            <PostcardEncoding as Decodes<_>>::decode(answered).unwrap();
        assert_eq!(read, loaded);
    }

    /// A server function's answer, as it comes to the browser, is read as
    /// the page's `Ok` of it; one that doesn't read is a refusal.
    #[test]
    fn an_answer_reads_as_its_ok_or_as_refused() {
        type Rows = Vec<(String, Option<i64>)>;
        let output: Rows = vec![("Ava".to_owned(), Some(3_i64))];
        let answered = <PostcardEncoding as Encodes<_>>::encode(&output).unwrap();
        assert_eq!(
            answer::<Rows>(Ok(&answered)).read::<Result<Rows, AppError>>(),
            Some(Ok(output))
        );
        assert_eq!(
            answer::<Rows>(Ok(&[0xff, 0xff])).read::<Result<Rows, AppError>>(),
            Some(Err(AppError::Unexpected))
        );
        assert_eq!(
            answer::<Rows>(Err(AppError::NotFound)).read::<Result<Rows, AppError>>(),
            Some(Err(AppError::NotFound))
        );
    }

    /// Data fetched in the browser is read as the type it was fetched as,
    /// and as no other.
    #[test]
    fn fetched_data_is_read_as_its_own_type() {
        let held = Held::fetched(Ok::<_, AppError>(vec![7_i64]));
        assert_eq!(held.read(), Some(Ok::<_, AppError>(vec![7_i64])));
        assert_eq!(held.read::<Result<Vec<String>, AppError>>(), None);
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
            assert_eq!(read(&written(refused.clone())), Some(refused));
        }
    }

    /// A resource fetches again only when its source gives something else.
    #[test]
    fn sources_compare_by_value_and_type() {
        let source = |value: Arc<dyn SourceValue>| Source(value);
        assert!(
            source(Arc::new((3_i64, "a".to_owned()))) == source(Arc::new((3_i64, "a".to_owned())))
        );
        assert!(source(Arc::new(3_i64)) != source(Arc::new(4_i64)));
        assert!(source(Arc::new(3_i64)) != source(Arc::new(3_i32)));
    }
}
