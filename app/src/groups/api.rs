use leptos::prelude::*;

use super::model::{GroupDetail, GroupSummary, StaffChoice};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, UserId},
};

/// The groups the signed-in staff member may open.
#[server(endpoint = "groups/my_groups")]
pub async fn my_groups() -> Result<Vec<GroupSummary>, AppError> {
    use crate::{
        auth::{model::Role, Viewer},
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let admin = viewer.role == Role::Admin;
        super::store::groups_in_reach(&mut conn, viewer.reach(), viewer.id, admin).await
    })
    .await
}

/// A group for its form: admins any group, teachers the groups they made.
#[server(endpoint = "groups/open_group")]
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
#[server(endpoint = "groups/group_staff")]
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
#[server(endpoint = "groups/save_group")]
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
    use super::{model::NAME_LENGTH, store::GroupForm};
    use crate::{
        auth::Viewer,
        ssr::{
            audit::{audited, Audit},
            db, respond,
        },
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let group = viewer.group_to_edit(&mut conn, id).await?;
        drop(conn);
        let by_admin = group.map_or(viewer.role == crate::auth::model::Role::Admin, |g| {
            g.by_admin
        });
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Enter the group's name.").into());
        }
        if name.chars().count() > NAME_LENGTH {
            return Err(AppError::invalid(
                "name",
                format!("Keep the name to {NAME_LENGTH} characters or fewer."),
            )
            .into());
        }
        // A teacher's new group is a set; their changes leave the kind alone.
        let kind = match (by_admin, kind.as_str()) {
            (false, _) if group.is_some() => None,
            (false, _) => Some("set"),
            (true, "class") => Some("class"),
            (true, "set") => Some("set"),
            (true, _) => return Err(AppError::invalid("kind", "Choose Class or Set.").into()),
        };
        let year_group = match year_group.trim() {
            "" => None,
            typed => Some(
                typed
                    .parse::<i64>()
                    .ok()
                    .filter(|y| (0..=13).contains(y))
                    .ok_or_else(|| {
                        AppError::invalid("year_group", "Choose a year from the list.")
                    })?,
            ),
        };
        let mut chosen = pupils;
        chosen.sort_unstable();
        chosen.dedup();
        let mut teachers = teachers;
        teachers.sort_unstable();
        teachers.dedup();
        let form = GroupForm {
            name,
            kind: kind.map(str::to_owned),
            year_group,
            teachers: (by_admin && teachers_shown).then_some(teachers),
            pupils: chosen,
        };
        let created = audited(viewer.id, async move |conn, at| {
            let (id, created) =
                super::store::save(conn, &staff, group, viewer.id, &form, at).await?;
            Ok((created, Audit::GroupSaved { group: id, created }))
        })
        .await?;
        leptos_axum::redirect(&format!(
            "/groups?done={}",
            if created { "created" } else { "saved" }
        ));
        Ok(())
    })
    .await
}
