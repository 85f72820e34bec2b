//! Components every feature uses.

use leptos::prelude::*;

use crate::error::AppError;

/// An error shown beside what failed. With a `field`, only errors about that
/// field show here; without one, only errors that aren't about a field.
#[component]
pub fn ErrorNote(
    error: Signal<Option<AppError>>,
    /// The id of the message, for the field's `aria-describedby`.
    id: &'static str,
    #[prop(optional)] field: Option<&'static str>,
) -> impl IntoView {
    let message = move || {
        let error = error.get()?;
        match field {
            Some(name) => error.for_field(name),
            None => match &error {
                AppError::Invalid { field, message } if field.is_empty() => Some(message.clone()),
                AppError::Invalid { .. } => None,
                other => Some(other.to_string()),
            },
        }
    };
    view! {
        <p id=id class="error-note" role="alert" aria-live="assertive">
            {message}
        </p>
    }
}

/// A page-sized answer to 401, 403 and 404 that says what to do next, with
/// the matching HTTP status when rendered on the server.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(error.status());
    let (title, help) = match &error {
        AppError::SignedOut => ("Please sign in", "Your session has ended. Sign in again to carry on."),
        AppError::Forbidden => (
            "Not available to your account",
            "This part of Markwell is for other roles. If you think you should have it, ask your school's admin.",
        ),
        AppError::NotFound => (
            "We couldn't find that page",
            "It may have moved, or it may not be shared with your account. Go back to your home page and try from there.",
        ),
        _ => ("Something went wrong", "Please try again in a moment. Nothing was changed."),
    };
    let signed_out = error == AppError::SignedOut;
    view! {
        <section class="error-panel" aria-labelledby="error-title">
            <h1 id="error-title">{title}</h1>
            <p>{help}</p>
            <p>
                {if signed_out {
                    view! { <a class="button" href="/sign-in">"Sign in"</a> }.into_any()
                } else {
                    view! { <a class="button" href="/">"Go to your home page"</a> }.into_any()
                }}
            </p>
        </section>
    }
}
