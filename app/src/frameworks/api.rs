//! The server functions behind Frameworks: admins only, each change in one
//! transaction with its audit entry.

use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::Framework;
use crate::{
    error::AppError,
    ids::{CriterionId, SubjectId},
};

/// A subject's criteria for one year (the first subject and Year 1 when not given).
#[server(endpoint = "frameworks/framework", output = Postcard)]
pub async fn open_framework(
    subject: Option<SubjectId>,
    year: Option<i64>,
) -> Result<Framework, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let year = year.unwrap_or(1);
        if !crate::school::model::is_year_group(year) {
            return Err(AppError::invalid("year", "Choose a year from the list.").into());
        }
        let mut conn = db()?.acquire().await?;
        super::store::framework(&mut conn, &rights, subject, year).await
    })
    .await
}

/// Runs one framework change with its audit entry, for an admin. What was
/// sent is parsed by `parse` before the writer is taken, so nothing waits on
/// a typo; `work` makes the change and answers the id the entry is about.
#[cfg(feature = "ssr")]
async fn change<F, T>(
    what: &'static str,
    parse: impl FnOnce() -> Result<F, AppError>,
    work: impl AsyncFnOnce(
        &mut sqlx::SqliteConnection,
        &crate::auth::AdminRights,
        F,
        &str,
    ) -> anyhow::Result<(T, i64)>,
) -> Result<T, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let form = parse()?;
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        let (answer, id) = work(&mut write, &rights, form, &at).await?;
        write.audit(Audit::FrameworkChanged { what, id }).await?;
        write.commit().await?;
        Ok(answer)
    })
    .await
}

/// Adds a criterion (no `id`) or changes one.
#[server(endpoint = "frameworks/save_criterion", output = Postcard)]
pub async fn save_criterion(
    id: Option<CriterionId>,
    subject: SubjectId,
    year_group: String,
    strand: String,
    statement: String,
) -> Result<(), AppError> {
    use super::model::{STATEMENT_LENGTH, STRAND_LENGTH};
    use crate::{
        error::{required_text, Problems},
        school::model::parse_year_group,
    };
    let parse = move || {
        let mut problems = Problems::default();
        let year = match problems.take(parse_year_group("year_group", &year_group)) {
            Some(None) => {
                problems.add("year_group", "Choose a year from the list.");
                None
            }
            year => year.flatten(),
        };
        let strand = problems.take(required_text(
            "strand",
            &strand,
            "strand",
            STRAND_LENGTH,
            "Enter the strand, such as Geometry.",
        ));
        let statement = problems.take(required_text(
            "statement",
            &statement,
            "statement",
            STATEMENT_LENGTH,
            "Enter the statement pupils are judged against.",
        ));
        problems.finish_with(|| {
            Some(super::store::CriterionForm {
                subject,
                year: year?,
                strand: strand?,
                statement: statement?,
            })
        })
    };
    change("criterion", parse, async move |conn, rights, form, at| {
        let saved = super::store::save_criterion(conn, rights, id, &form, at).await?;
        Ok(((), saved.0))
    })
    .await
}

/// Moves a criterion one place earlier (`up`) or later in its year.
#[server(endpoint = "frameworks/move_criterion", output = Postcard)]
pub async fn move_criterion(id: CriterionId, up: bool) -> Result<(), AppError> {
    change(
        "criterion",
        || Ok(()),
        async move |conn, rights, (), _| {
            super::store::move_criterion(conn, rights, id, up).await?;
            Ok(((), id.0))
        },
    )
    .await
}

/// Retires a criterion or brings it back.
#[server(endpoint = "frameworks/retire_criterion", output = Postcard)]
pub async fn retire_criterion(id: CriterionId, retired: bool) -> Result<(), AppError> {
    change(
        "criterion",
        || Ok(()),
        async move |conn, rights, (), at| {
            super::store::set_retired(conn, rights, id, retired, at).await?;
            Ok(((), id.0))
        },
    )
    .await
}

/// The whole scale, in order, one entry per level (`LevelSent`). A level
/// with no id is new.
#[server(endpoint = "frameworks/save_scale", output = Postcard)]
pub async fn save_scale(
    #[server(default)] levels: Vec<super::model::LevelSent>,
) -> Result<(), AppError> {
    use super::{
        model::{key_problem, LABEL_LENGTH},
        store::LevelForm,
    };
    use crate::ids::LevelId;
    use crate::markbook::model::COLOURS;
    let sent = levels;
    let parse = move || {
        // Every row's mistakes at once, each beside its own field.
        let mut problems = crate::error::Problems::default();
        let mut levels: Vec<LevelForm> = Vec::new();
        for (i, row) in sent.iter().enumerate() {
            let id = &row.id;
            let key = row.key.trim().to_owned();
            let label = row.label.trim().to_owned();
            // A new row left empty adds nothing.
            if id.is_empty() && key.is_empty() && label.is_empty() {
                continue;
            }
            let field = |name: &str| format!("{name}-{i}");
            let mut fine = true;
            if let Some(problem) = key_problem(&key) {
                problems.add(&field("key"), problem);
                fine = false;
            } else if levels.iter().any(|l| l.key.eq_ignore_ascii_case(&key)) {
                problems.add(&field("key"), "Two levels can't share a key.");
                fine = false;
            }
            if label.is_empty() || label.chars().count() > LABEL_LENGTH {
                problems.add(
                    &field("label"),
                    format!("Give each level a label of up to {LABEL_LENGTH} characters."),
                );
                fine = false;
            } else if levels.iter().any(|l| l.label.eq_ignore_ascii_case(&label)) {
                // Targets are imported by label: one label, one level.
                problems.add(&field("label"), "Two levels can't share a label.");
                fine = false;
            }
            if !COLOURS.contains(&row.colour.as_str()) {
                problems.add(&field("colour"), "Choose a colour from the list.");
                fine = false;
            }
            let id = match id.as_str() {
                "" => None,
                typed => Some(LevelId(typed.parse().map_err(|_| AppError::NotFound)?)),
            };
            if fine {
                levels.push(LevelForm {
                    id,
                    secured: row.secured,
                    key,
                    label,
                    colour: row.colour.clone(),
                });
            }
        }
        if problems.is_empty() && levels.len() < 2 {
            problems.add("", "A scale needs at least two levels.");
        }
        problems.finish()?;
        Ok(levels)
    };
    change("scale", parse, async move |conn, rights, levels, _| {
        super::store::save_scale(conn, rights, &levels).await?;
        Ok(((), 0))
    })
    .await
}

/// Adds a subject, such as Science.
#[server(endpoint = "frameworks/add_subject", output = Postcard)]
pub async fn add_subject(subject_name: String) -> Result<SubjectId, AppError> {
    use super::model::SUBJECT_LENGTH;
    let parse = move || {
        let name = subject_name.trim().to_owned();
        if name.is_empty() || name.chars().count() > SUBJECT_LENGTH {
            return Err(AppError::invalid(
                "subject_name",
                format!("Enter the subject's name, up to {SUBJECT_LENGTH} characters."),
            ));
        }
        Ok(name)
    };
    change("subject", parse, async move |conn, rights, name, _| {
        let id = super::store::add_subject(conn, rights, &name).await?;
        Ok((id, id.0))
    })
    .await
}
