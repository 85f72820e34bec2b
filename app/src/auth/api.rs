//! The server functions for signing in and out and for "who am I".

use leptos::prelude::*;

use super::model::Person;
use crate::error::AppError;

/// Signs in with email and password; Remember me keeps the session for 30
/// days, otherwise it ends with the browser.
#[server(endpoint = "auth/sign_in")]
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
#[server(endpoint = "auth/sign_out")]
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
#[server(endpoint = "auth/who_am_i")]
pub async fn who_am_i() -> Result<Person, AppError> {
    use super::Viewer;
    use crate::ssr::respond;
    respond(async move {
        let viewer = Viewer::current().await?;
        let school_name = viewer.school_name().await?;
        Ok(Person {
            id: viewer.id,
            first_name: viewer.first_name,
            surname: viewer.surname,
            role: viewer.role,
            slt: viewer.slt,
            school_name,
        })
    })
    .await
}
