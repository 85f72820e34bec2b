use leptos::prelude::*;

use super::model::{ReportSummary, ReportView};
use crate::{
    error::AppError,
    ids::{PupilId, ReportId},
};

/// A child's published reports, for a parent linked to them or staff who
/// may read them.
#[server(endpoint = "reports/child_reports")]
pub async fn child_reports(pupil: PupilId) -> Result<Vec<ReportSummary>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let readable = viewer.pupil_to_read(pupil).await?;
        let mut conn = db()?.acquire().await?;
        super::store::published_for(&mut conn, readable).await
    })
    .await
}

/// One report: for a linked parent once it is published, for staff who may
/// read the pupil at any time.
#[server(endpoint = "reports/read_report")]
pub async fn read_report(pupil: PupilId, report: ReportId) -> Result<ReportView, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, keep_private, respond},
    };
    respond(async move {
        keep_private();
        let viewer = Viewer::current().await?;
        let readable = viewer.report_to_read(pupil, report).await?;
        let mut conn = db()?.acquire().await?;
        let parent = if readable.by_parent() {
            Some(viewer.parent()?)
        } else {
            None
        };
        super::store::view(&mut conn, readable, parent).await
    })
    .await
}
