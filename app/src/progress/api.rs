use leptos::prelude::*;

use super::model::ProgressTable;
use crate::{
    error::AppError,
    ids::{GroupId, SubjectId},
};

/// The Progress page: the groups in the viewer's reach, the subjects, and
/// the chosen group's table in the chosen subject (the first of each when
/// none is chosen, or the subject asked for is gone). A group out of reach
/// is not found.
#[server(endpoint = "progress/open")]
pub async fn open_progress(
    group: Option<GroupId>,
    subject: Option<SubjectId>,
) -> Result<ProgressTable, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let groups = crate::classroom::store::groups(&mut conn, &staff).await?;
        let subjects: Vec<(SubjectId, String)> = crate::markbook::store::subjects(&mut conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let chosen_group = group.or_else(|| groups.first().map(|g| g.id));
        // A subject no longer there (an old link) opens the first.
        let chosen_subject = subject
            .filter(|asked| subjects.iter().any(|(id, _)| id == asked))
            .or_else(|| subjects.first().map(|s| s.0));
        let (Some(group), Some(subject)) = (chosen_group, chosen_subject) else {
            return Ok(ProgressTable {
                groups,
                subjects,
                chosen: None,
                rows: Vec::new(),
            });
        };
        let open = viewer.group_to_open(&mut conn, group).await?;
        let (chosen, rows) = super::store::table(&mut conn, &open, subject).await?;
        Ok(ProgressTable {
            groups,
            subjects,
            chosen: Some(chosen),
            rows,
        })
    })
    .await
}
