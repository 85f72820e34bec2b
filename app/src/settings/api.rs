//! The server functions behind Settings. Each acts on the signed-in person's
//! own account only; the account is never named in the request.

#[cfg(feature = "ssr")]
use super::model::SettingsDone;
#[cfg(feature = "ssr")]
use crate::auth::model::SignInDone;
use leptos::prelude::*;

use super::model::MySettings;
use crate::{auth::model::LinkStatus, error::AppError};

#[server(endpoint = "settings/load_settings")]
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
#[server(endpoint = "settings/save_my_name")]
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
/// emailed to it is opened; until then the old one stays in use.
#[server(endpoint = "settings/request_email_change")]
pub async fn request_email_change(
    new_email: String,
    current_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{accounts, details, tokens, Viewer},
        ssr::{
            audit::Audit,
            base_url, db,
            outbox::{self, Letter, Template},
            respond,
        },
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let new_email = {
            let mut conn = db()?.acquire().await?;
            details::check_email_free(&mut conn, "new_email", &new_email, Some(viewer.id)).await?
        };
        accounts::confirm_current_password(viewer.id, current_password, "current_password").await?;
        let purpose = tokens::Purpose::NewEmail;
        let mut tx = viewer.write().await?;
        let (now, at) = (tx.now, tx.at.clone());
        let token = tokens::issue(&mut tx, now, viewer.id, purpose, Some(&new_email)).await?;
        let link = format!("{}/confirm-email/{}", base_url()?, token.as_str());
        let letter = Letter {
            template: Template::NewEmail,
            to_address: &new_email,
            to_name: &viewer.first_name,
            link: Some(&link),
            expires: Some(purpose.lifetime_in_words()),
            about: None,
        };
        outbox::queue(&mut tx, &at, letter).await?;
        tx.audit(Audit::EmailChangeRequested { user: viewer.id })
            .await?;
        outbox::commit(tx).await?;
        leptos_axum::redirect(&SettingsDone::EmailSent.on("/settings"));
        Ok(())
    })
    .await
}

/// Whether a confirmation link for a new email address can still be used.
#[server(endpoint = "settings/check_email_link")]
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
#[server(endpoint = "settings/confirm_email_change")]
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
#[server(endpoint = "settings/change_my_password")]
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
