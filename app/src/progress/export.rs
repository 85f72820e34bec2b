//! "Export to Excel" on the Progress page: the table on screen (the same
//! group or year, subject and Ext. data column) as a real .xlsx, with the
//! share secured as a percentage cell. A plain GET the browser saves, as
//! School Usage's and Parents' exports are.

use axum::{
    extract::{Query, State},
    response::Response,
};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use super::{
    api::{table_for, Asked},
    model::{target_label, ProgressTable, NOT_JUDGED},
};
use crate::{
    auth::Viewer,
    error::AppError,
    ssr::{
        download::{self, could_start_a_formula},
        respond, school_name, AppState,
    },
};

pub async fn download(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    // The Progress page's own address.
    Query(asked): Query<Asked>,
) -> Response {
    let made = respond(async move {
        let viewer = viewer?;
        let mut conn = state.pool.acquire().await?;
        let table = table_for(&mut conn, &viewer, &asked).await?;
        let Some(chosen) = &table.chosen else {
            return Err(AppError::NotFound.into());
        };
        let school = school_name(&mut conn).await?;
        let disposition = download::attachment(&school, |school| {
            format!(
                "{school} - Progress - {} - {}.xlsx",
                chosen.subject_name,
                table.whose()
            )
        });
        Ok((disposition, workbook(&table)?))
    })
    .await;
    download::answer(made, "/progress")
}

const HEADINGS: [(&str, f64); 8] = [
    ("Pupil", 26.0),
    ("Year", 10.0),
    ("Share secured", 14.0),
    ("Criteria secured", 16.0),
    ("Judgement", 18.0),
    ("Target", 18.0),
    ("On track", 14.0),
    ("Since last term", 30.0),
];

fn workbook(table: &ProgressTable) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Progress")?;
    let heading = Format::new().set_bold().set_text_wrap();
    let text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let percent = Format::new()
        .set_num_format("0%")
        .set_align(FormatAlign::Right);
    let external = table
        .assessment
        .and_then(|chosen| table.assessments.iter().find(|(id, _)| *id == chosen))
        .map(|(_, name)| name.as_str());
    let mut headings: Vec<(&str, f64)> = HEADINGS.to_vec();
    if let Some(name) = external {
        headings.push((name, 30.0));
    }
    for (col, (title, width)) in (0u16..).zip(headings) {
        sheet.write_string_with_format(0, col, title, &heading)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    for (row, pupil) in (1u32..).zip(&table.rows) {
        let mut write_text = |col: u16, value: String| {
            let format = if could_start_a_formula(&value) {
                &quoted
            } else {
                &text
            };
            sheet
                .write_string_with_format(row, col, value, format)
                .map(|_| ())
        };
        write_text(0, pupil.name.clone())?;
        write_text(1, crate::school::model::year_label(pupil.year_group))?;
        write_text(3, format!("{} of {}", pupil.secured, pupil.criteria))?;
        write_text(
            4,
            pupil
                .judgement
                .clone()
                .unwrap_or_else(|| NOT_JUDGED.to_owned()),
        )?;
        write_text(5, target_label(&table.scale, pupil))?;
        write_text(6, pupil.on_track().label().to_owned())?;
        write_text(7, pupil.change_words())?;
        if external.is_some() {
            let result = pupil
                .external
                .as_ref()
                .map_or_else(|| "No result".to_owned(), |e| e.words.clone());
            write_text(8, result)?;
        }
        // The share as a number, so a spreadsheet sorts and averages it.
        if pupil.criteria > 0 {
            let share = pupil.secured as f64 / pupil.criteria as f64;
            sheet.write_number_with_format(row, 2, share, &percent)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
