//! The server functions behind School Usage: SLT and admins only.

use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{UsageChoices, UsageReport};
use crate::error::AppError;

/// A month of usage (this month unless `year` and `month` say otherwise) for
/// `show`: "staff" (the default), "parents" or "everyone".
#[server(endpoint = "usage/school_usage", output = Postcard)]
pub async fn school_usage(
    year: Option<String>,
    month: Option<String>,
    show: Option<String>,
) -> Result<UsageReport, AppError> {
    use super::{
        model::{month_asked, Audience},
        store,
    };
    use crate::{
        auth::Viewer,
        ssr::{clock, db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.leadership()?;
        let this_month = store::month_of(&clock()?.stamp())?;
        let month = month_asked(year.as_deref(), month.as_deref(), this_month)?;
        let audience = Audience::parse(show.as_deref().unwrap_or_default());
        let mut conn = db()?.acquire().await?;
        store::report(&mut conn, &rights, month, audience).await
    })
    .await
}

/// This month and the years the Year drop-down offers.
#[server(endpoint = "usage/month_choices", output = Postcard)]
pub async fn month_choices() -> Result<UsageChoices, AppError> {
    use super::store;
    use crate::{
        auth::Viewer,
        ssr::{clock, db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.leadership()?;
        let this_month = store::month_of(&clock()?.stamp())?;
        let mut conn = db()?.acquire().await?;
        store::choices(&mut conn, &rights, this_month).await
    })
    .await
}
