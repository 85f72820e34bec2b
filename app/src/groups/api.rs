#[cfg(feature = "ssr")]
use super::model::GroupsDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{GroupDetail, GroupSummary, StaffChoice};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, UserId},
};

/// The groups the signed-in staff member may open.
#[server(endpoint = "groups/my_groups", output = Postcard)]
pub async fn my_groups() -> Result<Vec<GroupSummary>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let staff = Viewer::current().await?.staff()?;
        let mut conn = db()?.acquire().await?;
        super::store::groups_in_reach(&mut conn, &staff).await
    })
    .await
}

/// A group for its form: admins any group, teachers the groups they made.
#[server(endpoint = "groups/open_group", output = Postcard)]
pub async fn open_group(id: GroupId) -> Result<GroupDetail, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut conn = db()?.acquire().await?;
        let group = viewer
            .group_to_edit(&mut conn, Some(id))
            .await?
            .ok_or(AppError::NotFound)?;
        super::store::detail(&mut conn, &group).await
    })
    .await
}

/// Staff an admin may make a group's teachers.
#[server(endpoint = "groups/group_staff", output = Postcard)]
pub async fn group_staff() -> Result<Vec<StaffChoice>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::staff_choices(&mut conn, &rights).await
    })
    .await
}

/// "Save": the group with its teachers and pupils, in one transaction. A
/// teacher's own group is a set they teach: the kind and teachers sent are
/// an admin's to choose.
#[server(endpoint = "groups/save_group", output = Postcard)]
pub async fn save_group(
    id: Option<GroupId>,
    name: String,
    #[server(default)] kind: String,
    #[server(default)] year_group: String,
    #[server(default)] teachers: Vec<UserId>,
    /// Sent with the teachers' tick boxes: without it (the boxes never
    /// loaded) the teachers stay as they were rather than all being taken off.
    #[server(default)]
    teachers_shown: bool,
    #[server(default)] pupils: Vec<PupilId>,
) -> Result<(), AppError> {
    use super::model::{GroupForm, GroupFormSent};
    use crate::{
        auth::{model::Role, Viewer},
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        // Parsed before the writer is taken: nothing waits on a typo.
        let sent = GroupFormSent {
            name,
            kind,
            year_group,
            teachers,
            teachers_shown,
            pupils,
        };
        let form = GroupForm::parse(sent, viewer.role == Role::Admin, id.is_none())?;
        let (mut write, group) = viewer
            .write_checked(async |conn| viewer.group_to_edit(conn, id).await)
            .await?;
        let at = write.at.clone();
        let super::store::Saved { id, created, added } =
            super::store::save(&mut write, &staff, group, &form, &at).await?;
        write
            .audit(Audit::GroupSaved { group: id, created })
            .await?;
        for pupil in added {
            write
                .audit(Audit::PupilAddedToGroup { group: id, pupil })
                .await?;
        }
        write.commit().await?;
        let done = if created {
            GroupsDone::Created
        } else {
            GroupsDone::Saved
        };
        leptos_axum::redirect(&done.on("/groups"));
        Ok(())
    })
    .await
}
