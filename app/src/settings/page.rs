//! Settings, and the page a new-email confirmation link opens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::model::SettingsDone;
use super::{
    api::{
        check_email_link, load_settings, ChangeMyPassword, ConfirmEmailChange, RequestEmailChange,
        SaveMyName,
    },
    model::MySettings,
};
use crate::ui::use_done;
use crate::{
    auth::{model::LinkStatus, page::NewPasswordFields},
    ui::{ErrorNote, ErrorPanel, Notice, TextField},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save_name = ServerAction::<SaveMyName>::new();
    let change_email = ServerAction::<RequestEmailChange>::new();
    let change_password = ServerAction::<ChangeMyPassword>::new();
    let settings = Resource::new(
        move || (save_name.version().get(), change_email.version().get()),
        |_| load_settings(),
    );
    let done = use_done::<SettingsDone>();
    view! {
        <Title text="Settings · Markwell" />
        <h1>"Settings"</h1>
        <Notice message=done />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(mine) => view! {
                        <NameSection mine=mine.clone() action=save_name />
                        <EmailSection mine action=change_email />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        <PasswordSection action=change_password />
    }
}

#[component]
fn NameSection(mine: MySettings, action: ServerAction<SaveMyName>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="name-heading" class="settings-section">
            <h2 id="name-heading">"Your name"</h2>
            <ActionForm action attr:novalidate=true attr:class="form">
                <ErrorNote error id="name-form-error" />
                <TextField name="first_name" label="First name" autocomplete="given-name" error value=mine.first_name />
                <TextField name="surname" label="Surname" autocomplete="family-name" error value=mine.surname />
                <button type="submit" class="primary" disabled=move || action.pending().get()>"Save name"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn EmailSection(mine: MySettings, action: ServerAction<RequestEmailChange>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="email-heading" class="settings-section">
            <h2 id="email-heading">"Email address"</h2>
            <p>"You sign in with " <strong>{mine.email}</strong> "."</p>
            {mine.pending_email.map(|pending| view! {
                <p class="hint">
                    "Waiting for you to confirm " <strong>{pending}</strong>
                    " from the link we emailed there."
                </p>
            })}
            <ActionForm action attr:novalidate=true attr:class="form">
                <ErrorNote error id="email-form-error" />
                <TextField name="new_email" label="New email address" kind="email" autocomplete="email" error />
                <TextField
                    name="current_password"
                    id="email-current-password"
                    label="Your current password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    "Send confirmation link"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordSection(action: ServerAction<ChangeMyPassword>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="password-heading" class="settings-section">
            <h2 id="password-heading">"Change password"</h2>
            <p>"Changing your password signs you out on every other device."</p>
            <ActionForm action attr:novalidate=true attr:class="form">
                <ErrorNote error id="password-form-error" />
                <TextField
                    name="current_password"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <NewPasswordFields error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    "Change password"
                </button>
            </ActionForm>
        </section>
    }
}

/// The page a confirmation link opens. Confirming takes a click, so an email
/// scanner that follows links can't confirm the address by itself.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new_blocking(token, check_email_link);
    let action = ServerAction::<ConfirmEmailChange>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <Title text="Confirm your new email address · Markwell" />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(LinkStatus::Ready) => view! {
                                <h1>"Confirm your new email address"</h1>
                                <p>"Once confirmed, you'll sign in with this address."</p>
                                <ActionForm action>
                                    <ErrorNote error id="confirm-error" />
                                    <input type="hidden" name="token" value=token() />
                                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                                        "Confirm new email address"
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Ok(spent) => {
                                let heading = match spent {
                                    LinkStatus::Used => "This link has already been used",
                                    LinkStatus::Expired => "This link has expired",
                                    _ => "This link doesn't work",
                                };
                                view! {
                                    <h1>{heading}</h1>
                                    <p>"To change your email address, sign in and ask for a new link in Settings."</p>
                                    <p><a class="button" href="/settings">"Go to Settings"</a></p>
                                }.into_any()
                            }
                            Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}
