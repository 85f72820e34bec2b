//! Forms that change something: [`FormAction`] sends one to its server
//! function and holds the answer; [`SendForm`] is the `<form>` that does it.
//!
//! The form's fields go to the server as the browser would post them
//! without WebAssembly (`application/x-www-form-urlencoded`), and the
//! server reads them into the function's arguments. So the browser never
//! reads a form into arguments itself, and carries no reader for them
//! (Leptos's `ActionForm` does). Every form's action is one Leptos action
//! type whatever its server function: its reactive code is in the
//! WebAssembly once. The answer is read as its own type when it comes.

use std::{any::Any, marker::PhantomData, sync::Arc};

use leptos::{ev::SubmitEvent, prelude::*, server::ServerActionError};
use serde::{de::DeserializeOwned, Serialize};
use server_fn::{
    codec::{PostUrl, Postcard},
    error::ServerFnUrlError,
    Http, ServerFn,
};

use crate::error::AppError;

/// A server function's answer, of whatever type.
type Reply = Arc<dyn Any + Send + Sync>;

/// One form, on its way.
#[derive(Clone)]
struct Sending {
    url: &'static str,
    /// The fields, as a browser posts them.
    body: String,
    /// Reads the answer as its server function's type.
    read: fn(&[u8]) -> Option<Reply>,
}

type Sent = Action<Sending, Result<Reply, AppError>>;

/// A server function a form can send: one reading its arguments as a
/// browser posts a form, answering in postcard, refusing with [`AppError`].
pub trait Sendable:
    ServerFn<
        Protocol = Http<PostUrl, Postcard>,
        Error = AppError,
        Output: DeserializeOwned + Clone + Send + Sync + 'static,
    > + Serialize
    + 'static
{
}

impl<S> Sendable for S where
    S: ServerFn<
            Protocol = Http<PostUrl, Postcard>,
            Error = AppError,
            Output: DeserializeOwned + Clone + Send + Sync + 'static,
        > + Serialize
        + 'static
{
}

/// A server function a form sends, and its last answer.
pub struct FormAction<S> {
    sent: Sent,
    function: PhantomData<fn() -> S>,
}

impl<S> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for FormAction<S> {}

impl<S: Sendable> FormAction<S> {
    /// In place of Leptos's `ServerAction::new`. A form posted before the
    /// WebAssembly came, and refused, comes back to its page with the
    /// refusal in the address: the action starts with it.
    pub fn new() -> Self {
        FormAction {
            sent: sent(S::PATH),
            function: PhantomData,
        }
    }

    /// Sends `input` as the form would.
    pub fn dispatch(&self, input: S) {
        match serde_qs::to_string(&input) {
            Ok(body) => {
                self.sent.dispatch(Sending {
                    url: S::PATH,
                    body,
                    read: read::<S::Output>,
                });
            }
            // Arguments that can't be written as a form: a mistake here,
            // not the person's, so they see the general message.
            Err(_) => unsent(self.sent),
        }
    }

    /// The last answer, or none while nothing has been sent.
    pub fn value(&self) -> Answered<S::Output> {
        Answered {
            value: self.sent.value(),
            output: PhantomData,
        }
    }

    /// Whether the form is on its way.
    pub fn pending(&self) -> Memo<bool> {
        self.sent.pending()
    }

    /// How many answers have come (or refusals): watched to act on each.
    pub fn version(&self) -> RwSignal<usize> {
        self.sent.version()
    }
}

impl<S: Sendable> Default for FormAction<S> {
    fn default() -> Self {
        FormAction::new()
    }
}

/// A form that couldn't be sent answers as a refused one does, so what
/// watches for each answer sees it.
fn unsent(sent: Sent) {
    sent.value().set(Some(Err(AppError::Unexpected)));
    sent.version().update(|answers| *answers += 1);
}

fn read<O: DeserializeOwned + Send + Sync + 'static>(answer: &[u8]) -> Option<Reply> {
    postcard::from_bytes::<O>(answer)
        .ok()
        .map(|output| Arc::new(output) as Reply)
}

/// A form's last answer, read as its server function's type.
pub struct Answered<O> {
    value: MappedSignal<Option<Result<Reply, AppError>>>,
    output: PhantomData<fn() -> O>,
}

impl<O> Clone for Answered<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for Answered<O> {}

impl<O: Clone + 'static> Answered<O> {
    pub fn get(&self) -> Option<Result<O, AppError>> {
        self.value.with(|value| value.as_ref().map(typed))
    }

    pub fn get_untracked(&self) -> Option<Result<O, AppError>> {
        self.value.with_untracked(|value| value.as_ref().map(typed))
    }

    /// Forgets the answer, as if nothing had been sent.
    pub fn clear(&self) {
        self.value.set(None);
    }
}

fn typed<O: Clone + 'static>(answer: &Result<Reply, AppError>) -> Result<O, AppError> {
    match answer {
        Ok(reply) => reply
            .downcast_ref::<O>()
            .cloned()
            .ok_or(AppError::Unexpected),
        Err(refused) => Err(refused.clone()),
    }
}

/// The one action every form is sent by.
fn sent(url: &'static str) -> Sent {
    let refused = use_context::<ServerActionError>()
        .filter(|refused| refused.path() == url)
        .map(|refused| Err(ServerFnUrlError::<AppError>::decode_err(refused.err())));
    Action::new_with_value(refused, |sending: &Sending| {
        let sending = sending.clone();
        async move {
            let answer = post(sending.url, sending.body).await?;
            (sending.read)(&answer).ok_or(AppError::Unexpected)
        }
    })
}

/// Posts a form's fields to its server function, as server functions' own
/// calls do: a refusal is read as one, and a redirect is followed.
#[cfg(feature = "hydrate")]
pub(super) async fn post(url: &str, body: String) -> Result<server_fn::Bytes, AppError> {
    use server_fn::{
        client::{browser::BrowserClient, Client},
        error::FromServerFnError,
        redirect::call_redirect_hook,
        request::{browser::BrowserRequest, ClientReq},
        response::ClientRes,
        ContentType,
    };
    let request = <BrowserRequest as ClientReq<AppError>>::try_new_post(
        url,
        PostUrl::CONTENT_TYPE,
        Postcard::CONTENT_TYPE,
        body,
    )?;
    let answer = <BrowserClient as Client<AppError>>::send(request).await?;
    let status = <_ as ClientRes<AppError>>::status(&answer);
    let location = <_ as ClientRes<AppError>>::location(&answer);
    let redirected = <_ as ClientRes<AppError>>::has_redirect(&answer);
    let bytes = <_ as ClientRes<AppError>>::try_into_bytes(answer).await?;
    if (400..=599).contains(&status) {
        return Err(AppError::de(bytes));
    }
    if (300..=399).contains(&status) || redirected {
        call_redirect_hook(&location);
    }
    Ok(bytes)
}

/// Forms are only sent from the browser.
#[cfg(not(feature = "hydrate"))]
pub(super) async fn post(_url: &str, _body: String) -> Result<Vec<u8>, AppError> {
    Err(AppError::Unexpected)
}

/// What [`SendForm`] needs of a [`FormAction`], whatever its function.
pub struct Sender {
    url: &'static str,
    sent: Sent,
    read: fn(&[u8]) -> Option<Reply>,
}

impl<S: Sendable> From<FormAction<S>> for Sender {
    fn from(action: FormAction<S>) -> Sender {
        Sender {
            url: S::PATH,
            sent: action.sent,
            read: read::<S::Output>,
        }
    }
}

/// A form sent by `action`: posted to its server function as it stands
/// (so it works before the WebAssembly comes), and, once it has, sent
/// without leaving the page. In place of Leptos's `ActionForm`.
#[component]
pub fn SendForm(#[prop(into)] action: Sender, children: Children) -> impl IntoView {
    let Sender { url, sent, read } = action;
    let on_submit = move |ev: SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        match fields(&ev) {
            Some(body) => {
                sent.dispatch(Sending { url, body, read });
            }
            None => unsent(sent),
        }
    };
    view! {
        <form action=url method="post" on:submit=on_submit>
            {children()}
        </form>
    }
}

/// A search or filter form: without WebAssembly the browser opens `action`
/// (the page itself when empty) with the fields as its query, and once the
/// WebAssembly has come the router moves there without loading the page.
/// In place of Leptos's `Form`, which carries code for posting forms too,
/// none of which a query needs.
#[component]
pub fn QueryForm(
    action: &'static str,
    class: &'static str,
    #[prop(optional)] role: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let here = leptos_router::hooks::use_location().pathname;
    let on_submit = move |ev: SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        let Some(query) = fields(&ev) else {
            // The browser opens the page as it would without WebAssembly.
            return;
        };
        ev.prevent_default();
        let page = match action {
            "" => here.get_untracked(),
            page => page.to_owned(),
        };
        navigate(&format!("{page}?{query}"), Default::default());
    };
    view! {
        <form action=action method="get" class=class role=role on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The submitted form's fields as the browser would post them, the button
/// pressed included when it has a name.
fn fields(ev: &SubmitEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    use web_sys::{
        FormData, HtmlButtonElement, HtmlFormElement, HtmlInputElement, UrlSearchParams,
    };
    let form = ev.target()?.dyn_into::<HtmlFormElement>().ok()?;
    let data = FormData::new_with_form(&form).ok()?;
    let pressed = ev.submitter().and_then(|submitter| {
        if let Some(button) = submitter.dyn_ref::<HtmlButtonElement>() {
            Some((button.name(), button.value()))
        } else {
            submitter
                .dyn_ref::<HtmlInputElement>()
                .map(|input| (input.name(), input.value()))
        }
    });
    if let Some((name, value)) = pressed.filter(|(name, _)| !name.is_empty()) {
        data.append_with_str(&name, &value).ok()?;
    }
    let fields = UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    fields.to_string().as_string()
}
