//! The server functions for signing in and out and for "who am I".

#[cfg(feature = "ssr")]
use super::model::SignInDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{LinkStatus, PasswordLink, Person};
use crate::error::AppError;

/// Signs in with email and password; Remember me keeps the session for 30
/// days, otherwise it ends with the browser.
#[server(endpoint = "auth/sign_in", output = Postcard)]
pub async fn sign_in(
    email: String,
    password: String,
    remember: Option<String>,
    client: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::accounts::{self, SignInForm};
    use crate::ssr::{respond, usage::Client};
    respond(async move {
        accounts::sign_in(SignInForm {
            email,
            password,
            remember: remember.is_some(),
            client: Client::from_form(client.as_deref()),
        })
        .await?;
        leptos_axum::redirect(&super::model::safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

/// Logout: ends the session on the server.
#[server(endpoint = "auth/sign_out", output = Postcard)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::respond;
    respond(async move {
        super::accounts::sign_out().await?;
        leptos_axum::redirect("/sign-in");
        Ok(())
    })
    .await
}

/// The signed-in person, or `SignedOut`.
#[server(endpoint = "auth/who_am_i", output = Postcard)]
pub async fn who_am_i() -> Result<Person, AppError> {
    use crate::ssr::respond;
    respond(async move { Ok(super::accounts::signed_in_person()?) }).await
}

/// "Send reset password link": answers the same whether or not the address
/// has an account, and sends the link only when it does.
#[server(endpoint = "auth/request_password_reset", output = Postcard)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::respond;
    respond(async move {
        super::recovery::request_reset(&email).await?;
        leptos_axum::redirect("/forgot-password?sent=1");
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
fn purpose_of(link: PasswordLink) -> super::tokens::Purpose {
    match link {
        PasswordLink::Reset => super::tokens::Purpose::PasswordReset,
        PasswordLink::Invitation => super::tokens::Purpose::Invitation,
    }
}

/// Whether an emailed link can still be used.
#[server(endpoint = "auth/check_password_link", output = Postcard)]
pub async fn check_password_link(
    token: String,
    link: PasswordLink,
) -> Result<LinkStatus, AppError> {
    use crate::ssr::respond;
    respond(async move {
        Ok(super::recovery::link_state(&token, purpose_of(link))
            .await?
            .status())
    })
    .await
}

/// "Create a new password" (or, from an invitation, "Set your password"):
/// uses the link up, ends every session of the account and goes back to
/// sign-in with a confirmation.
#[server(endpoint = "auth/set_password", output = Postcard)]
pub async fn set_password(
    token: String,
    link: PasswordLink,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::respond;
    respond(async move {
        super::recovery::set_password_from_link(&token, purpose_of(link), password, &confirm)
            .await?;
        let done = match link {
            PasswordLink::Reset => SignInDone::PasswordReset,
            PasswordLink::Invitation => SignInDone::PasswordSet,
        };
        leptos_axum::redirect(&done.on("/sign-in"));
        Ok(())
    })
    .await
}
