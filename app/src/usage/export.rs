//! "Export to Excel": the month on screen as a real .xlsx. A plain GET that
//! the browser saves, so it is an axum handler rather than a server function
//! (a server function answers a browser's own request with a redirect).

use axum::{
    extract::{Query, State},
    response::Response,
};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};
use serde::Deserialize;

use super::{
    model::{month_asked, people, Audience, UsageCounts, UsageReport},
    store,
};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{
        clock,
        download::{self, could_start_a_formula},
        respond, AppState,
    },
};

/// The same choices as the page's address.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    year: Option<String>,
    month: Option<String>,
    show: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let made = respond(async move {
        let viewer = viewer?;
        let rights = viewer.leadership()?;
        let this_month = store::month_of(&viewer.arrival.at)?;
        let month = month_asked(query.year.as_deref(), query.month.as_deref(), this_month)?;
        let audience = Audience::parse(query.show.as_deref().unwrap_or_default());
        let mut conn = state.pool.acquire().await?;
        let report = store::report(&mut conn, &rights, month, audience).await?;
        Ok((content_disposition(&report), workbook(&report)?))
    })
    .await;
    download::answer(made, "/school-usage")
}

/// "Oakfield Primary School - School Usage - October 2026 - Staff.xlsx".
fn file_name(school: &str, report: &UsageReport) -> String {
    let who = match report.audience {
        Audience::Everyone => String::new(),
        other => format!(" - {}", other.label()),
    };
    format!(
        "{} - School Usage - {}{who}.xlsx",
        school.trim(),
        report.month.label()
    )
}

/// `attachment` with the month's file name, safe in a header (see
/// [`download::attachment`]).
pub fn content_disposition(report: &UsageReport) -> String {
    download::attachment(&report.school, |school| file_name(school, report))
}

const HEADINGS: [(&str, f64); 9] = [
    ("Name", 28.0),
    ("Role", 10.0),
    ("Sign-ins", 10.0),
    ("Last sign-in", 18.0),
    ("Days active", 12.0),
    ("Assessments recorded", 22.0),
    ("Comments written", 18.0),
    ("Days in browser", 16.0),
    ("Days in app", 12.0),
];

fn workbook(report: &UsageReport) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(report.month.label())?;
    let heading = Format::new().set_bold().set_text_wrap();
    let text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let date = Format::new()
        .set_num_format("dd/mm/yyyy hh:mm")
        .set_align(FormatAlign::Left);
    let total = Format::new().set_bold();
    let total_date = date.clone().set_bold();

    for (col, (title, width)) in (0u16..).zip(HEADINGS) {
        sheet.write_string_with_format(0, col, title, &heading)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let mut row = 1u32;
    for person in &report.rows {
        for (col, value) in [(0u16, person.full_name()), (1, person.role.clone())] {
            let format = if could_start_a_formula(&value) {
                &quoted
            } else {
                &text
            };
            sheet.write_string_with_format(row, col, value, format)?;
        }
        write_counts(sheet, row, &person.counts, &text, &date)?;
        row += 1;
    }

    let totals = &report.totals;
    sheet.write_string_with_format(row, 0, format!("Total ({})", people(totals.people)), &total)?;
    write_counts(sheet, row, &totals.counts, &total, &total_date)?;
    Ok(book.save_to_buffer()?)
}

/// A row's counts from the Sign-ins column on: numbers, and the last
/// sign-in as a date and time.
fn write_counts(
    sheet: &mut Worksheet,
    row: u32,
    counts: &UsageCounts,
    number: &Format,
    date: &Format,
) -> anyhow::Result<()> {
    let numbers = [
        (2u16, counts.sign_ins),
        (4, counts.days_active),
        (5, counts.assessments),
        (6, counts.comments),
        (7, counts.browser),
        (8, counts.app),
    ];
    for (col, count) in numbers {
        sheet.write_number_with_format(row, col, count as f64, number)?;
    }
    if let Some(at) = counts.last_sign_in_at.as_deref().and_then(excel_time) {
        sheet.write_datetime_with_format(row, 3, at, date)?;
    }
    Ok(())
}

/// A stored timestamp as Excel's date and time on the school's clock
/// (Excel has no time zones).
fn excel_time(stored: &str) -> Option<ExcelDateTime> {
    let at = clock::at_school(stored)?;
    ExcelDateTime::from_ymd(
        u16::try_from(at.year()).ok()?,
        at.month() as u8,
        at.day() as u8,
    )
    .and_then(|d| d.and_hms(at.hour() as u16, at.minute() as u8, at.second() as f64))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::content_disposition;
    use crate::ssr::download::could_start_a_formula;
    use crate::usage::model::{Audience, UsageMonth, UsageReport, UsageTotals};

    #[test]
    fn the_file_name_is_safe_in_a_header() {
        let report = |school: &str, audience| UsageReport {
            school: school.to_owned(),
            month: UsageMonth::new(2026, 10).unwrap(),
            audience,
            rows: Vec::new(),
            totals: UsageTotals::default(),
        };
        assert_eq!(
            content_disposition(&report("Oakfield Primary School", Audience::Staff)),
            "attachment; filename=\"Oakfield Primary School - School Usage - October 2026 - Staff.xlsx\"; \
             filename*=UTF-8''Oakfield%20Primary%20School%20-%20School%20Usage%20-%20October%202026%20-%20Staff.xlsx"
        );
        let welsh = content_disposition(&report("Ysgol Glan Ŵy", Audience::Everyone));
        assert!(welsh.contains("filename=\"Ysgol Glan y - School Usage - October 2026.xlsx\""));
        assert!(welsh.contains("filename*=UTF-8''Ysgol%20Glan%20%C5%B4y%20-%20School"));
        let hostile = content_disposition(&report(
            "St Mary's \"Lower\"\r\nSet-Cookie: x/../y",
            Audience::Everyone,
        ));
        assert!(hostile.contains("filename=\"St Mary's LowerSet-Cookie x..y - School Usage"));
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert_eq!(hostile.matches('"').count(), 2, "{hostile}");
    }

    #[test]
    fn formula_starts_are_spotted() {
        for text in ["=SUM(A1)", "+44", "-1", "@cmd", "\tx", "\rx"] {
            assert!(could_start_a_formula(text), "{text:?}");
        }
        for text in ["Helen Whitaker", "O'Neill", " =x", ""] {
            assert!(!could_start_a_formula(text), "{text:?}");
        }
    }
}
