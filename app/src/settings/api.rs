//! The server functions behind Settings. Each acts on the signed-in person's
//! own account only; the account is never named in the request.

#[cfg(feature = "ssr")]
use super::model::SettingsDone;
#[cfg(feature = "ssr")]
use crate::auth::model::SignInDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{MySettings, SignedInDevice};
use crate::{auth::model::LinkStatus, error::AppError, notifications::model::EmailSettings};

#[server(endpoint = "settings/load_settings", output = Postcard)]
pub async fn load_settings() -> Result<MySettings, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut conn = db()?.acquire().await?;
        super::store::my_settings(&mut conn, viewer.id, &viewer.arrival.at).await
    })
    .await
}

/// "Save name".
#[server(endpoint = "settings/save_my_name", output = Postcard)]
pub async fn save_my_name(first_name: String, surname: String) -> Result<(), AppError> {
    use crate::{
        auth::{details, Viewer},
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let (first_name, surname) = details::check_names(&first_name, &surname)?;
        let mut tx = viewer.write().await?;
        crate::auth::store::set_name(&mut tx, viewer.id, &first_name, &surname).await?;
        tx.audit(Audit::NameChanged { user: viewer.id }).await?;
        tx.commit().await?;
        leptos_axum::redirect(&SettingsDone::Name.on("/settings"));
        Ok(())
    })
    .await
}

/// "Send confirmation link": the new address takes effect only when the link
/// emailed to it is opened; until then the old one stays in use. The current
/// password comes first, requests are limited, and the answer is the same
/// whoever holds the address: Settings can't be used to learn who has an
/// account. An address another account uses is sent nothing.
#[server(endpoint = "settings/request_email_change", output = Postcard)]
pub async fn request_email_change(
    new_email: String,
    current_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{accounts, details, tokens, Viewer},
        ssr::{
            audit::Audit,
            base_url,
            outbox::{self, Letter, Template},
            respond,
        },
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let new_email = details::check_email_form("new_email", &new_email)?;
        accounts::confirm_current_password(viewer.id, current_password, "current_password").await?;
        let purpose = tokens::Purpose::NewEmail;
        let mut tx = viewer.write().await?;
        let (now, at) = (tx.now, tx.at.clone());
        let since = crate::ssr::clock::stamp(now - time::Duration::hours(1));
        if tokens::issued_since(&mut tx, viewer.id, purpose, &since).await?
            >= EMAIL_CHANGES_PER_HOUR
        {
            return Err(AppError::TooManyAttempts { minutes: 60 }.into());
        }
        let free = details::check_email_free(&mut tx, "new_email", &new_email, Some(viewer.id))
            .await
            .is_ok();
        let token = tokens::issue(&mut tx, now, viewer.id, purpose, Some(&new_email)).await?;
        if free {
            let link = format!("{}/confirm-email/{}", base_url()?, token.as_str());
            let letter = Letter {
                template: Template::NewEmail,
                to_address: &new_email,
                to_name: &viewer.first_name,
                link: Some(&link),
                expires: Some(purpose.lifetime_in_words()),
                about: None,
                lines: &[],
            };
            outbox::queue(&mut tx, &at, letter).await?;
        }
        tx.audit(Audit::EmailChangeRequested { user: viewer.id })
            .await?;
        outbox::commit(tx).await?;
        leptos_axum::redirect(&SettingsDone::EmailSent.on("/settings"));
        Ok(())
    })
    .await
}

/// New-email links a person may ask for in an hour.
#[cfg(feature = "ssr")]
const EMAIL_CHANGES_PER_HOUR: i64 = 5;

/// Whether a confirmation link for a new email address can still be used.
#[server(endpoint = "settings/check_email_link", output = Postcard)]
pub async fn check_email_link(token: String) -> Result<LinkStatus, AppError> {
    use crate::{
        auth::{recovery, tokens::Purpose},
        ssr::respond,
    };
    respond(async move {
        Ok(recovery::link_state(&token, Purpose::NewEmail)
            .await?
            .status())
    })
    .await
}

/// "Confirm new email address": the link proves the new address is theirs.
/// The old address is told of the change, in case it wasn't them.
#[server(endpoint = "settings/confirm_email_change", output = Postcard)]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    use crate::{
        auth::{
            details,
            tokens::{self, LinkState},
            Viewer,
        },
        ssr::{
            audit::Audit,
            outbox::{self, Letter, Template},
            respond, Arrival, Write,
        },
    };
    respond(async move {
        // The link, not a session, says whose change this is.
        let mut tx = Write::begin(None, &Arrival::now().await?).await?;
        let (now, at) = (tx.now, tx.at.clone());
        let link = match tokens::check(&mut tx, now, &token, tokens::Purpose::NewEmail).await? {
            LinkState::Ready(link) => link,
            other => return Err(other.refusal().into()),
        };
        let new_email = link.new_email.clone().unwrap_or_default();
        // Someone else may have taken the address since the link was sent.
        let new_email = details::check_email_free(&mut tx, "", &new_email, Some(link.user)).await?;
        tokens::use_up(&mut tx, &link, &at).await?;
        let old = crate::auth::store::set_email(&mut tx, link.user, &new_email).await?;
        let person = super::store::my_settings(&mut tx, link.user, &at).await?;
        if let Some(old) = old.filter(|old| !old.eq_ignore_ascii_case(&new_email)) {
            let letter = Letter {
                template: Template::EmailChanged,
                to_address: &old,
                to_name: &person.first_name,
                link: None,
                expires: None,
                about: None,
                lines: &[],
            };
            outbox::queue(&mut tx, &at, letter).await?;
        }
        tx.audit_by(Some(link.user), Audit::EmailChanged { user: link.user })
            .await?;
        outbox::commit(tx).await?;
        let signed_in = Viewer::current().await.is_ok();
        leptos_axum::redirect(&if signed_in {
            SettingsDone::EmailChanged.on("/settings")
        } else {
            SignInDone::EmailChanged.on("/sign-in")
        });
        Ok(())
    })
    .await
}

/// "Change password": the current password is required, and every other
/// session of the account ends.
#[server(endpoint = "settings/change_my_password", output = Postcard)]
pub async fn change_my_password(
    current_password: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{accounts, Viewer},
        ssr::respond,
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        accounts::confirm_current_password(viewer.id, current_password, "current_password").await?;
        accounts::change_password(viewer.id, password, &confirm).await?;
        leptos_axum::redirect(&SettingsDone::Password.on("/settings"));
        Ok(())
    })
    .await
}

/// "Where you're signed in": the person's open sessions, this one marked.
#[server(endpoint = "settings/where_signed_in", output = Postcard)]
pub async fn where_signed_in() -> Result<Vec<SignedInDevice>, AppError> {
    use crate::{
        auth::{sessions, Viewer},
        ssr::{clock::for_people, db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let this_one = sessions::current(&sessions::this_session().await?).await?;
        let mut conn = db()?.acquire().await?;
        let open = sessions::open(&mut conn, viewer.id, viewer.arrival.now).await?;
        let mut devices: Vec<SignedInDevice> = open
            .into_iter()
            .map(|row| SignedInDevice {
                this_device: Some(row.id) == this_one,
                id: row.id,
                device: row.device,
                installed_app: row.installed_app,
                signed_in: for_people(&row.signed_in_at),
                last_used: for_people(&row.last_used_at),
            })
            .collect();
        // The device in hand first, then the rest as they were last used.
        devices.sort_by_key(|device| !device.this_device);
        Ok(devices)
    })
    .await
}

/// "Sign out" beside one of the person's other sessions: it is signed out at
/// its next request. Another person's session is not found.
#[server(endpoint = "settings/sign_out_device", output = Postcard)]
pub async fn sign_out_device(id: i64) -> Result<(), AppError> {
    use crate::{
        auth::{sessions, Viewer},
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut tx = viewer.write().await?;
        let at = tx.at.clone();
        if !sessions::end_one(&mut tx, viewer.id, id, &at).await? {
            return Err(AppError::NotFound.into());
        }
        tx.audit(Audit::SignedOutElsewhere { all_others: false })
            .await?;
        tx.commit().await?;
        let here = sessions::current(&sessions::this_session().await?).await?;
        if here == Some(id) {
            // Their own session, ended from its own page: the next request
            // finds it ended, so sign-in is where they go.
            leptos_axum::redirect("/sign-in");
        } else {
            leptos_axum::redirect(&SettingsDone::SignedOutDevice.on("/settings"));
        }
        Ok(())
    })
    .await
}

/// "Sign out everywhere else": every session of the person but this one.
#[server(endpoint = "settings/sign_out_everywhere_else", output = Postcard)]
pub async fn sign_out_everywhere_else() -> Result<(), AppError> {
    use crate::{
        auth::{sessions, Viewer},
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let here = sessions::current(&sessions::this_session().await?).await?;
        let mut tx = viewer.write().await?;
        let at = tx.at.clone();
        sessions::end_all_but(&mut tx, viewer.id, here, &at).await?;
        tx.audit(Audit::SignedOutElsewhere { all_others: true })
            .await?;
        tx.commit().await?;
        leptos_axum::redirect(&SettingsDone::SignedOutOthers.on("/settings"));
        Ok(())
    })
    .await
}

/// "Delete account", for parents: their account, sign-in and links go for
/// good; the school's records about their children stay. The password is
/// asked for, under sign-in's limits.
#[server(endpoint = "settings/delete_my_account", output = Postcard)]
pub async fn delete_my_account(current_password: String) -> Result<(), AppError> {
    use crate::{
        auth::{accounts, store, Viewer},
        parents::own_account,
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        accounts::confirm_current_password(viewer.id, current_password, "current_password").await?;
        let mut tx = viewer.write().await?;
        let at = tx.at.clone();
        let email = store::account_names(&mut tx, viewer.id).await?.email;
        own_account::unlink_all(&mut tx, &parent).await?;
        store::delete_parent_account(&mut tx, &parent, &at).await?;
        if let Some(email) = email {
            outbox::withdraw(&mut tx, &email).await?;
        }
        tx.audit(Audit::AccountDeleted { user: viewer.id }).await?;
        tx.commit().await?;
        accounts::sign_out().await?;
        leptos_axum::redirect(&SignInDone::AccountDeleted.on("/sign-in"));
        Ok(())
    })
    .await
}

/// "What we email you", for parents: their choices, offered only for the
/// areas the school shows parents.
#[server(endpoint = "settings/load_email_choices", output = Postcard)]
pub async fn load_email_choices() -> Result<EmailSettings, AppError> {
    use crate::{
        auth::Viewer,
        notifications::summary,
        school::store::parent_areas,
        ssr::{db, respond},
    };
    respond(async move {
        let parent = Viewer::current().await?.parent()?;
        let mut conn = db()?.acquire().await?;
        Ok(EmailSettings {
            choices: summary::email_choices(&mut conn, &parent).await?,
            shown: parent_areas(&mut conn).await?,
        })
    })
    .await
}

/// "Save email choices": the boxes ticked are what the parent wants by
/// email. A box for an area the school doesn't show keeps its old answer,
/// ready for when the school shows it again.
#[server(endpoint = "settings/save_email_choices", output = Postcard)]
pub async fn save_email_choices(#[server(default)] emails: Vec<String>) -> Result<(), AppError> {
    use crate::{
        auth::Viewer,
        notifications::{model::EmailChoices, summary},
        school::store::parent_areas,
        ssr::respond,
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        let ticked = EmailChoices::ticked(&emails)?;
        let mut tx = viewer.write().await?;
        let at = tx.at.clone();
        let shown = parent_areas(&mut tx).await?;
        let before = summary::email_choices(&mut tx, &parent).await?;
        let offered =
            |area: &str, now: bool, before: bool| if shown.shows(area) { now } else { before };
        let choices = EmailChoices {
            reports: offered("reports", ticked.reports, before.reports),
            behaviour: offered("behaviour", ticked.behaviour, before.behaviour),
            achievements: offered("achievements", ticked.achievements, before.achievements),
            homework: offered("homework", ticked.homework, before.homework),
        };
        summary::save_email_choices(&mut tx, &parent, &choices, &at).await?;
        tx.commit().await?;
        leptos_axum::redirect(&SettingsDone::EmailChoices.on("/settings"));
        Ok(())
    })
    .await
}
