use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::AuditPage;
use crate::error::AppError;

/// A page of the audit log. `from` and `to` are dates (YYYY-MM-DD), both
/// included; `page` counts back from the newest.
#[server(endpoint = "audit/audit_entries", output = Postcard)]
pub async fn audit_entries(
    person: String,
    action: String,
    from: String,
    to: String,
    page: i64,
) -> Result<AuditPage, AppError> {
    use super::{model::PAGE_SIZE, store};
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let from = day_start("from", &from, 0)?;
        let until = day_start("to", &to, 1)?;
        if !from.is_empty() && !until.is_empty() && until <= from {
            return Err(AppError::invalid(
                "to",
                "The end date must be on or after the start date.",
            )
            .into());
        }
        let page = page.max(0);
        let filter = store::Filter {
            person: &person,
            action: &action,
            from: &from,
            until: &until,
            page,
        };
        let mut conn = db()?.acquire().await?;
        let mut entries = store::entries(&mut conn, &rights, &filter).await?;
        let has_older = entries.len() as i64 > PAGE_SIZE;
        entries.truncate(PAGE_SIZE as usize);
        Ok(AuditPage {
            entries,
            page,
            has_older,
        })
    })
    .await
}

/// The stored timestamp of midnight UTC at the start of `date` plus `days`,
/// or "" when no date was given.
#[cfg(feature = "ssr")]
fn day_start(field: &str, date: &str, days: i64) -> Result<String, AppError> {
    use time::macros::format_description;
    let date = date.trim();
    if date.is_empty() {
        return Ok(String::new());
    }
    let day = time::Date::parse(date, format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::invalid(field, "Enter a date like 2026-11-23."))?;
    let start = (day + time::Duration::days(days)).midnight().assume_utc();
    Ok(crate::ssr::clock::stamp(start))
}
