//! The sign-in page and "Having trouble logging in?": the reset request and
//! the page an emailed link opens to set a password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{CheckPasswordLink, RequestPasswordReset, SetPassword, SignIn},
    model::{LinkStatus, PasswordLink, SignInDone, PASSWORD_HINT},
};
use crate::ui::{
    form::{FormAction, SendForm},
    loading::{load_blocking, Ask},
    use_done, ErrorNote, ErrorPanel, TextField,
};

/// The confirmation sign-in shows after a journey that ends there.

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = FormAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(|result| result.err()));
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let done = use_done::<SignInDone>();
    // "app" when running as an installed web app, for the usage statistics.
    let client = RwSignal::new("browser".to_owned());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            if let Ok(Some(query)) = window.match_media("(display-mode: standalone)") {
                if query.matches() {
                    client.set("app".to_owned());
                }
            }
        }
    });
    view! {
        <Title text="Sign in · Markwell" />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <h1>"Sign in"</h1>
                {move || done.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
                <SendForm action=action attr:novalidate=true>
                    <ErrorNote error id="sign-in-error" />
                    <TextField
                        name="email"
                        label="Email address"
                        kind="email"
                        autocomplete="username"
                        error
                    />
                    <TextField
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="current-password"
                        error
                    />
                    <div class="check">
                        <input id="remember" name="remember" type="checkbox" value="on" />
                        <label for="remember">"Remember me"</label>
                    </div>
                    <input type="hidden" name="client" prop:value=client />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </SendForm>
                <p class="links">
                    <a href="/forgot-password">"Having trouble logging in?"</a>
                </p>
                <p class="links">
                    "A parent with a letter from school? "
                    <a href="/sign-up">"Sign up with your access code"</a>
                </p>
            </div>
        </main>
    }
}

/// "Having trouble logging in?": an email field and Send reset password link,
/// then the same confirmation whatever the address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = FormAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(|result| result.err()));
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="Having trouble logging in? · Markwell" />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <Show
                    when=sent
                    fallback=move || view! {
                        <h1>"Having trouble logging in?"</h1>
                        <p>
                            "Enter the email address you use for Markwell. We'll email you a link to create a new password."
                        </p>
                        <SendForm action=action attr:novalidate=true>
                            <ErrorNote error id="reset-error" />
                            <TextField
                                name="email"
                                label="Email address"
                                kind="email"
                                autocomplete="email"
                                error
                            />
                            <button type="submit" class="primary" disabled=move || action.pending().get()>
                                "Send reset password link"
                            </button>
                        </SendForm>
                        <p class="links"><a href="/sign-in">"Back to sign in"</a></p>
                    }
                >
                    <h1>"Check your email"</h1>
                    <p role="status">
                        "If that address belongs to a Markwell account, we've sent it a link to create a new password. The link works once and expires after 24 hours."
                    </p>
                    <p>
                        "Nothing after a few minutes? Check your spam folder, try again, or ask the school office which address they have for you."
                    </p>
                    <p class="links"><a href="/sign-in">"Back to sign in"</a></p>
                </Show>
            </div>
        </main>
    }
}

/// The page an emailed link opens: "Create a new password" from a reset,
/// "Set your password" from an invitation. A used, expired or forged link
/// gets its own explanation and a way to ask for a new one.
#[component]
pub fn SetPasswordPage(link: PasswordLink) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = load_blocking(token, move |token| {
        Ask::Server(CheckPasswordLink { token, link })
    });
    view! {
        <Title text=match link {
            PasswordLink::Reset => "Create a new password · Markwell",
            PasswordLink::Invitation => "Set your password · Markwell",
        } />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(LinkStatus::Ready) => {
                                view! { <NewPasswordForm token=token() link /> }.into_any()
                            }
                            Ok(spent) => view! { <SpentLink status=spent link /> }.into_any(),
                            Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn NewPasswordForm(token: String, link: PasswordLink) -> impl IntoView {
    let action = FormAction::<SetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(|result| result.err()));
    let (heading, button) = match link {
        PasswordLink::Reset => ("Create a new password", "Save new password"),
        PasswordLink::Invitation => ("Set your password", "Set password"),
    };
    let link_value = match link {
        PasswordLink::Reset => "reset",
        PasswordLink::Invitation => "invitation",
    };
    view! {
        <h1>{heading}</h1>
        <SendForm action=action attr:novalidate=true>
            <ErrorNote error id="password-form-error" />
            <input type="hidden" name="token" value=token />
            <input type="hidden" name="link" value=link_value />
            <NewPasswordFields error />
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                {button}
            </button>
        </SendForm>
    }
}

/// "New password" with the rules under it, and "Type the new password
/// again": the same two fields wherever a password is set.
#[component]
pub fn NewPasswordFields(error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    view! {
        <TextField
            name="password"
            label="New password"
            kind="password"
            autocomplete="new-password"
            hint=PASSWORD_HINT
            error
        />
        <TextField
            name="confirm"
            label="Type the new password again"
            kind="password"
            autocomplete="new-password"
            error
        />
    }
}

#[component]
fn SpentLink(status: LinkStatus, link: PasswordLink) -> impl IntoView {
    let (heading, help) = match (status, link) {
        (LinkStatus::Used, PasswordLink::Invitation) => (
            "This invitation has already been used",
            "Your password was set with it. Sign in with your email address and password. If you've forgotten the password, ask for a link to create a new one.",
        ),
        (LinkStatus::Used, PasswordLink::Reset) => (
            "This link has already been used",
            "Each link works once. If you still need a new password, ask for another link.",
        ),
        (LinkStatus::Expired, PasswordLink::Invitation) => (
            "This invitation has expired",
            "Invitations work for 7 days. Ask for a link to set your password below, or ask the school office to send a new invitation.",
        ),
        (LinkStatus::Expired, PasswordLink::Reset) => (
            "This link has expired",
            "Links to create a new password work for 24 hours, and only the newest one works. Ask for a new link below.",
        ),
        _ => (
            "This link doesn't work",
            "It may have been copied incompletely or mistyped. Open it again from the email, or ask for a new link below.",
        ),
    };
    view! {
        <h1>{heading}</h1>
        <p>{help}</p>
        <p><a class="button" href="/forgot-password">"Send a new link"</a></p>
        <p class="links"><a href="/sign-in">"Back to sign in"</a></p>
    }
}
