use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{ExtDataView, ImportForm, Preview};
use crate::error::AppError;

/// The Ext. data page: the file being imported (read, with its columns
/// and a guess at which is which), the assessments, and the imports.
#[server(endpoint = "external/page", output = Postcard)]
pub async fn ext_data_page(file: Option<i64>) -> Result<ExtDataView, AppError> {
    use super::{model::UploadedFile, sheet, store, targets};
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let everyone = viewer.leadership().is_ok();
        let mut conn = db()?.acquire().await?;
        let file = match file {
            None => None,
            Some(id) => {
                let kept = store::kept_file(&mut conn, &staff, id, viewer.arrival.now).await?;
                let Some((file_name, bytes)) = kept else {
                    return viewer.out_of_reach(&mut conn, "results file", id).await;
                };
                Some(sheet::read(&file_name, &bytes).map(|sheet| UploadedFile {
                    id,
                    heading_row: sheet.heading_row().map_or(0, |at| sheet.rows[at].0),
                    rows: sheet.body().count(),
                    columns: sheet.columns(),
                    guess: sheet.guess(),
                    file_name,
                }))
            }
        };
        Ok(ExtDataView {
            file,
            assessments: store::assessments(&mut conn, &staff).await?,
            subjects: targets::subjects(&mut conn).await?,
            imports: store::imports(&mut conn, &staff, everyone).await?,
        })
    })
    .await
}

/// The import form's two buttons. **Preview** (`step` "preview") answers
/// what importing the file with these choices would do, every bad row with
/// its reason, and changes nothing. **Import** (`step` "import") writes the
/// previewed results in one change and opens the page on the imports; if
/// anything changed since the preview (the form, the school's pupils, the
/// results already there), nothing is imported and the page asks for a
/// new preview.
#[server(endpoint = "external/import", output = Postcard)]
pub async fn import_results(
    file: i64,
    #[server(default)] step: String,
    #[server(default)] digest: String,
    #[server(flatten)] form: ImportForm,
) -> Result<Option<Preview>, AppError> {
    use super::{model::ExtDataDone, plan::Chosen, store, targets};
    use crate::{
        auth::Viewer,
        ssr::{
            db, respond,
            usage::{self, UsageKind},
        },
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let read = planning::read(&mut *db()?.acquire().await?, &viewer, file, &form).await?;
        if step != "import" {
            let mut conn = db()?.acquire().await?;
            let checked = planning::checked(&mut conn, &viewer, &read).await?;
            return Ok(Some(checked.preview));
        }
        let client = usage::current_client().await?;
        // Checked again on the writing connection: the reach, the results
        // already there and the writes are the same moment's.
        let (mut write, checked) = viewer
            .write_checked(async |conn| planning::checked(conn, &viewer, &read).await)
            .await?;
        if checked.preview.digest != digest {
            return Err(AppError::invalid(
                "preview",
                "Something changed since the preview (the choices above, the school's pupils, or results already there). Press Preview again to see what Import would do now.",
            )
            .into());
        }
        if checked.writes.is_empty() {
            return Err(AppError::invalid(
                "preview",
                "There is nothing to import: every row is bad, skipped or already as the file says.",
            )
            .into());
        }
        let (writes, skipped) = (&checked.writes, checked.skipped);
        let done = match &read.plan.assessment {
            Chosen::Targets(subject) => {
                targets::import(&mut write, *subject, file, &read.file_name, writes, skipped)
                    .await?;
                ExtDataDone::TargetsImported
            }
            Chosen::Existing(assessment) => {
                store::import(&mut write, *assessment, file, &read.file_name, writes, skipped)
                    .await?;
                ExtDataDone::Imported
            }
            Chosen::New(new) => {
                let assessment = store::create_assessment(&mut write, new).await?;
                store::import(&mut write, assessment, file, &read.file_name, writes, skipped)
                    .await?;
                ExtDataDone::Imported
            }
        };
        let at = write.at.clone();
        usage::record(&mut write, &at, viewer.id, UsageKind::Import, client, 1).await?;
        write.commit().await?;
        leptos_axum::redirect(&done.on(super::model::PATH));
        Ok(None)
    })
    .await
}

/// **Undo import**: its results removed and those it replaced put back.
/// The importer or an admin may undo the newest import of an assessment
/// still in place.
#[server(endpoint = "external/undo", output = Postcard)]
pub async fn undo_import(import: i64) -> Result<(), AppError> {
    undoing::undo(import, false).await
}

/// **Undo import** of targets: each pupil still holding the target it set
/// gets back what it replaced (or none). The importer or an admin may
/// undo the newest import of a subject's targets still in place.
#[server(endpoint = "external/undo_targets", output = Postcard)]
pub async fn undo_targets_import(import: i64) -> Result<(), AppError> {
    undoing::undo(import, true).await
}

/// The one way an import is undone.
#[cfg(feature = "ssr")]
mod undoing {
    use super::super::{model::ExtDataDone, store, targets};
    use crate::{auth::Viewer, error::AppError, ssr::respond};

    /// Undoes an import of results, or (`of_targets`) of targets.
    pub async fn undo(import: i64, of_targets: bool) -> Result<(), AppError> {
        respond(async move {
            let viewer = Viewer::current().await?;
            let staff = viewer.staff()?;
            let mut write = viewer.write().await?;
            let (undone, what, done, later) = match of_targets {
                true => (
                    targets::undo(&mut write, &staff, import).await?,
                    "target import",
                    ExtDataDone::TargetsUndone,
                    "A later import changed some of these targets and is still in place: undo that one first.",
                ),
                false => (
                    store::undo(&mut write, &staff, import).await?,
                    "import",
                    ExtDataDone::Undone,
                    "A later import changed some of these results and is still in place: undo that one first.",
                ),
            };
            match undone {
                Ok(()) => write.commit().await?,
                Err(store::NotUndone::OutOfReach) => {
                    // The refusal's audit entry is kept.
                    let refused = viewer.out_of_reach(&mut write, what, import).await;
                    write.commit().await?;
                    return refused;
                }
                Err(store::NotUndone::LaterImport) => {
                    return Err(AppError::invalid("undo", later).into())
                }
            }
            leptos_axum::redirect(&done.on(super::super::model::PATH));
            Ok(())
        })
        .await
    }
}

/// The one way a preview and an import are worked out.
#[cfg(feature = "ssr")]
mod planning {
    use sqlx::SqliteConnection;

    use super::super::{
        model::{taken_words, ImportForm},
        plan::{check_rows, Checked, Chosen, Plan},
        sheet::{self, Sheet},
        store, targets,
    };
    use crate::{auth::Viewer, error::AppError};

    /// A kept file, read, and the form checked against it: the slow part,
    /// done before the change takes its turn with the one writer.
    pub struct Read {
        pub file_name: String,
        pub sheet: Sheet,
        pub plan: Plan,
    }

    pub async fn read(
        conn: &mut SqliteConnection,
        viewer: &Viewer,
        file: i64,
        form: &ImportForm,
    ) -> anyhow::Result<Read> {
        let staff = viewer.staff()?;
        let Some((file_name, bytes)) =
            store::kept_file(conn, &staff, file, viewer.arrival.now).await?
        else {
            return viewer.out_of_reach(conn, "results file", file).await;
        };
        let sheet =
            sheet::read(&file_name, &bytes).map_err(|reason| AppError::invalid("file", reason))?;
        let plan = form.check(sheet.columns().len())?;
        Ok(Read {
            file_name,
            sheet,
            plan,
        })
    }

    /// The file's rows checked against the pupils the viewer reaches and
    /// the results already there.
    pub async fn checked(
        conn: &mut SqliteConnection,
        viewer: &Viewer,
        read: &Read,
    ) -> anyhow::Result<Checked> {
        let staff = viewer.staff()?;
        let (words, marking, existing) = match &read.plan.assessment {
            Chosen::Existing(id) => {
                let Some((words, marking)) = store::assessment(conn, *id).await? else {
                    return Err(AppError::invalid(
                        "assessment",
                        "Choose an assessment from the list.",
                    )
                    .into());
                };
                (words, marking, store::results_of(conn, *id).await?)
            }
            Chosen::New(new) => {
                if store::already_defined(conn, new).await? {
                    return Err(AppError::invalid(
                        "name",
                        format!(
                            "There is already a {} taken on {}: choose it under Assessment instead.",
                            new.name,
                            crate::school::model::uk_date(&new.taken_on)
                        ),
                    )
                    .into());
                }
                let words = taken_words(&new.name, &new.taken_on);
                (words, new.marking.clone(), Default::default())
            }
            Chosen::Targets(subject) => {
                let Some((words, marking)) = targets::chosen(conn, *subject).await? else {
                    return Err(
                        AppError::invalid("assessment", "Choose a subject from the list.").into(),
                    );
                };
                (words, marking, targets::targets_of(conn, *subject).await?)
            }
        };
        // Targets only for the pupils whose targets the viewer may set by
        // hand; `whole_school` is whether that is every pupil (so "unknown
        // pupil" means the school's, not the viewer's groups').
        let targets = matches!(read.plan.assessment, Chosen::Targets(_));
        let pupils = store::pupils_in_reach(conn, &staff, targets).await?;
        let whole_school = match targets {
            true => staff.is_admin(),
            false => viewer.leadership().is_ok(),
        };
        Ok(check_rows(
            &read.sheet,
            &read.plan,
            &marking,
            words,
            &pupils,
            &existing,
            whole_school,
        ))
    }
}
