//! "Export to Excel" on the Parents page: every parent the search and filter
//! match, with their children and how far they have got (invited, signed
//! up, last seen), so the office can see who still needs a letter.

use axum::{
    extract::{Query, State},
    response::Response,
};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;

use super::{
    model::{ParentRow, StatusFilter},
    store,
};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{
        download::{self, could_start_a_formula},
        respond, school_name, AppState,
    },
};

/// The Parents page's own address: search and filter.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    q: Option<String>,
    status: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let made = respond(async move {
        let rights = viewer?.admin()?;
        let status = StatusFilter::parse(query.status.as_deref().unwrap_or_default());
        let search = query.q.unwrap_or_default();
        let mut conn = state.pool.acquire().await?;
        let rows = store::all_matching(&mut conn, &rights, search.trim(), status).await?;
        let school = school_name(&mut conn).await?;
        let disposition =
            download::attachment(&school, |school| format!("{school} - Parents.xlsx"));
        Ok((disposition, workbook(&rows)?))
    })
    .await;
    download::answer(made, "/parents")
}

const HEADINGS: [(&str, f64); 8] = [
    ("First name", 16.0),
    ("Surname", 18.0),
    ("Email address", 30.0),
    ("Children", 40.0),
    ("Status", 10.0),
    ("Invited", 18.0),
    ("Signed up", 10.0),
    ("Last seen", 18.0),
];

fn workbook(rows: &[ParentRow]) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Parents")?;
    let heading = Format::new().set_bold();
    let text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    for (col, (title, width)) in (0u16..).zip(HEADINGS) {
        sheet.write_string_with_format(0, col, title, &heading)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (row, parent) in (1u32..).zip(rows) {
        let status = match (parent.deleted, parent.active) {
            (true, _) => "Deleted their account",
            (false, true) => "Active",
            (false, false) => "Inactive",
        };
        let cells = [
            parent.first_name.clone(),
            parent.surname.clone(),
            parent.email.clone().unwrap_or_default(),
            parent.children.join(", "),
            status.to_owned(),
            parent.invited.clone().unwrap_or_default(),
            if parent.signed_up { "Yes" } else { "No" }.to_owned(),
            parent.last_seen.clone().unwrap_or_default(),
        ];
        for (col, value) in (0u16..).zip(cells) {
            let format = if could_start_a_formula(&value) {
                &quoted
            } else {
                &text
            };
            sheet.write_string_with_format(row, col, value, format)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
