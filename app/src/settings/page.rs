//! Settings, and the page a new-email confirmation link opens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    api::{
        ChangeMyPassword, CheckEmailLink, ConfirmEmailChange, DeleteMyAccount, LoadEmailChoices,
        LoadSettings, RequestEmailChange, SaveEmailChoices, SaveMyName, SignOutDevice,
        SignOutEverywhereElse, WhereSignedIn,
    },
    model::{MySettings, SettingsDone, SignedInDevice},
};
use crate::{
    auth::{
        model::{LinkStatus, Role},
        page::NewPasswordFields,
    },
    notifications::model::{EmailSettings, SUMMARY_KINDS},
    shell::layout::use_person,
    ui::{
        form::{FormAction, SendForm},
        loading::{load, load_blocking, Ask},
        use_done, ErrorNote, ErrorPanel, Notice, TextField,
    },
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save_name = FormAction::<SaveMyName>::new();
    let change_email = FormAction::<RequestEmailChange>::new();
    let change_password = FormAction::<ChangeMyPassword>::new();
    let settings = load(
        move || (save_name.version().get(), change_email.version().get()),
        |_| LoadSettings {},
    );
    let done = use_done::<SettingsDone>();
    view! {
        <Title text="Settings · Markwell" />
        <h1>"Settings"</h1>
        <Notice message=done />
        {(use_person().role == Role::Admin).then(|| view! {
            <p>"For the whole school: " <a href="/school-settings">"School settings"</a></p>
        })}
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
        <SignedInSection />
        {(use_person().role == Role::Parent).then(|| view! {
            <EmailChoicesSection />
            <DeleteAccountSection />
        })}
    }
}

/// "Where you're signed in": each open session, with Sign out for any one
/// and Sign out everywhere else.
#[component]
fn SignedInSection() -> impl IntoView {
    let sign_out = FormAction::<SignOutDevice>::new();
    let everywhere_else = FormAction::<SignOutEverywhereElse>::new();
    let devices = load(
        move || (sign_out.version().get(), everywhere_else.version().get()),
        |_| WhereSignedIn {},
    );
    let error = Signal::derive(move || {
        sign_out
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| everywhere_else.value().get().and_then(|r| r.err()))
    });
    view! {
        <section aria-labelledby="signed-in-heading" class="settings-section">
            <h2 id="signed-in-heading">"Where you're signed in"</h2>
            <p>"If you see a device you don't recognise, sign it out and change your password."</p>
            <ErrorNote error id="signed-in-error" />
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match devices.await {
                        Ok(list) => {
                            let others = list.iter().filter(|d| !d.this_device).count();
                            view! {
                                <ul class="devices" aria-label="Your sessions">
                                    {list.into_iter().map(|d| view! { <DeviceRow device=d action=sign_out /> }).collect_view()}
                                </ul>
                                {(others > 0).then(|| view! {
                                    <SendForm action=everywhere_else>
                                        <button type="submit" class="secondary" disabled=move || everywhere_else.pending().get()>
                                            "Sign out everywhere else"
                                        </button>
                                    </SendForm>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DeviceRow(device: SignedInDevice, action: FormAction<SignOutDevice>) -> impl IntoView {
    let SignedInDevice {
        id,
        device,
        installed_app,
        signed_in,
        last_used,
        this_device,
    } = device;
    let how = if installed_app {
        "The installed app"
    } else {
        "In a browser"
    };
    let label = format!("Sign out {device}, signed in {signed_in}");
    view! {
        <li class="device">
            <div>
                <p class="device-name">
                    <strong>{device}</strong>
                    {this_device.then(|| view! { " " <span class="badge active">"This device"</span> })}
                </p>
                <p class="hint">{how} " · Signed in " {signed_in} " · Last used " {last_used}</p>
            </div>
            {(!this_device).then(|| view! {
                <SendForm action>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="secondary" aria-label=label disabled=move || action.pending().get()>
                        "Sign out"
                    </button>
                </SendForm>
            })}
        </li>
    }
}

/// "What we email you", for parents: the daily summary's kinds and the
/// report email, offered only for areas the school shows parents.
#[component]
fn EmailChoicesSection() -> impl IntoView {
    let action = FormAction::<SaveEmailChoices>::new();
    let settings = load(move || action.version().get(), |_| LoadEmailChoices {});
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="emails-heading" class="settings-section">
            <h2 id="emails-heading">"What we email you"</h2>
            <p>"Everything arrives in Markwell's Notifications as it happens. Choose what also comes by email."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(EmailSettings { choices, shown }) => {
                            let summary_kinds: Vec<_> = SUMMARY_KINDS
                                .into_iter()
                                .filter(|(name, _)| shown.shows(name))
                                .collect();
                            if summary_kinds.is_empty() && !shown.reports {
                                return view! { <p>"The school doesn't share anything with parents by email at the moment."</p> }.into_any();
                            }
                            view! {
                                <SendForm action attr:novalidate=true attr:class="form">
                                    <ErrorNote error id="emails-error" />
                                    <p id="emails-field-error" class="error-note" role="alert">
                                        {move || error.get().and_then(|e| e.for_field("emails"))}
                                    </p>
                                    {(!summary_kinds.is_empty()).then(|| view! {
                                        <fieldset class="field" aria-describedby="summary-hint emails-field-error">
                                            <legend>"A daily summary of"</legend>
                                            <p class="hint" id="summary-hint">
                                                "One email at most each day, after 4pm, listing what you haven't already seen in Markwell. No news, no email."
                                            </p>
                                            <ul class="plain choices">
                                                {summary_kinds.into_iter().map(|(name, label)| view! {
                                                    <EmailBox name label checked=choices.wants(name) />
                                                }).collect_view()}
                                            </ul>
                                        </fieldset>
                                    })}
                                    {shown.reports.then(|| view! {
                                        <fieldset class="field" aria-describedby="emails-field-error">
                                            <legend>"Reports"</legend>
                                            <ul class="plain choices">
                                                <EmailBox
                                                    name="reports"
                                                    label="An email when a report is published"
                                                    checked=choices.reports
                                                />
                                            </ul>
                                        </fieldset>
                                    })}
                                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                                        "Save email choices"
                                    </button>
                                </SendForm>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EmailBox(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    let id = format!("email-{name}");
    view! {
        <li class="check">
            <input id=id.clone() type="checkbox" name="emails[]" value=name checked=checked />
            <label for=id>{label}</label>
        </li>
    }
}

/// "Delete account", for parents: what goes, what stays, and the password.
#[component]
fn DeleteAccountSection() -> impl IntoView {
    let action = FormAction::<DeleteMyAccount>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="delete-heading" class="settings-section">
            <h2 id="delete-heading">"Delete account"</h2>
            <p>
                "Deleting your account removes your sign-in, your notifications and your links to your children, "
                "and signs you out everywhere. It can't be undone: to use Markwell again you'll need a new letter "
                "with an access code from the school."
            </p>
            <p>"The school's own records about your children (their marks and reports) stay with the school."</p>
            <SendForm action attr:novalidate=true attr:class="form">
                <ErrorNote error id="delete-form-error" />
                <TextField
                    name="current_password"
                    id="delete_password"
                    label="Your password"
                    kind="password"
                    autocomplete="current-password"
                    error
                />
                <button type="submit" class="danger" disabled=move || action.pending().get()>
                    "Delete my account"
                </button>
            </SendForm>
        </section>
    }
}

#[component]
fn NameSection(mine: MySettings, action: FormAction<SaveMyName>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="name-heading" class="settings-section">
            <h2 id="name-heading">"Your name"</h2>
            <SendForm action attr:novalidate=true attr:class="form">
                <ErrorNote error id="name-form-error" />
                <TextField name="first_name" label="First name" autocomplete="given-name" error value=mine.first_name />
                <TextField name="surname" label="Surname" autocomplete="family-name" error value=mine.surname />
                <button type="submit" class="primary" disabled=move || action.pending().get()>"Save name"</button>
            </SendForm>
        </section>
    }
}

#[component]
fn EmailSection(mine: MySettings, action: FormAction<RequestEmailChange>) -> impl IntoView {
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
            <SendForm action attr:novalidate=true attr:class="form">
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
            </SendForm>
        </section>
    }
}

#[component]
fn PasswordSection(action: FormAction<ChangeMyPassword>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="password-heading" class="settings-section">
            <h2 id="password-heading">"Change password"</h2>
            <p>"Changing your password signs you out on every other device."</p>
            <SendForm action attr:novalidate=true attr:class="form">
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
            </SendForm>
        </section>
    }
}

/// The page a confirmation link opens. Confirming takes a click, so an email
/// scanner that follows links can't confirm the address by itself.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = load_blocking(token, |token| Ask::Server(CheckEmailLink { token }));
    let action = FormAction::<ConfirmEmailChange>::new();
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
                                <SendForm action>
                                    <ErrorNote error id="confirm-error" />
                                    <input type="hidden" name="token" value=token() />
                                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                                        "Confirm new email address"
                                    </button>
                                </SendForm>
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
