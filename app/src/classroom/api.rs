use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{BehaviourChoice, GroupRecords};
use crate::{
    error::AppError,
    ids::{BehaviourId, EntryId, GroupId, PupilId},
};

/// The Behaviour page: the groups the viewer may record for (the
/// markbook's reach: teachers their groups, SLT and admins every group),
/// and the chosen group's pupils, behaviours and recent entries. No group
/// chosen opens the first.
#[server(endpoint = "classroom/records", output = Postcard)]
pub async fn open_records(group: Option<GroupId>) -> Result<GroupRecords, AppError> {
    use super::{model::UNDO_MINUTES, store};
    use crate::{
        auth::Viewer,
        ssr::{clock, db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let groups = store::groups(&mut conn, &staff).await?;
        let Some(chosen) = group.or_else(|| groups.first().map(|g| g.id)) else {
            return Ok(GroupRecords {
                groups,
                group: None,
                pupils: Vec::new(),
                behaviours: Vec::new(),
                recent: Vec::new(),
            });
        };
        let open = viewer.group_to_open(&mut conn, chosen).await?;
        let today = clock::school_periods(&viewer.arrival.at)?.today;
        let undo_since = clock::stamp(viewer.arrival.now - time::Duration::minutes(UNDO_MINUTES));
        Ok(GroupRecords {
            groups,
            group: Some(chosen),
            pupils: store::pupils(&mut conn, &open, &today).await?,
            behaviours: store::behaviours(&mut conn).await?,
            recent: store::recent(&mut conn, &open, staff.is_admin(), &undo_since).await?,
        })
    })
    .await
}

/// "Award": the chosen behaviour for every pupil ticked, at once.
#[server(endpoint = "classroom/award", output = Postcard)]
pub async fn award(
    group: GroupId,
    #[server(default)] pupils: Vec<PupilId>,
    #[server(default)] behaviour: Option<BehaviourId>,
    #[server(default)] note: String,
) -> Result<usize, AppError> {
    use super::model::EntryForm;
    use crate::ssr::respond;
    respond(record(group, &pupils, |pupils| {
        EntryForm::award(pupils, behaviour, &note)
    }))
    .await
}

/// "Record achievement": a named achievement for every pupil ticked.
#[server(endpoint = "classroom/record_achievement", output = Postcard)]
pub async fn record_achievement(
    group: GroupId,
    #[server(default)] pupils: Vec<PupilId>,
    #[server(default)] achievement: String,
    #[server(default)] note: String,
) -> Result<usize, AppError> {
    use super::model::EntryForm;
    use crate::ssr::respond;
    respond(record(group, &pupils, |pupils| {
        EntryForm::achievement(pupils, &achievement, &note)
    }))
    .await
}

/// Records a form's entry for the group's pupils: anyone who may open the
/// group records for its pupils on the roll. A pupil who isn't is out of
/// reach, and nothing is written.
#[cfg(feature = "ssr")]
async fn record(
    group: GroupId,
    pupils: &[PupilId],
    parse: impl FnOnce(&[PupilId]) -> Result<super::model::EntryForm, AppError>,
) -> anyhow::Result<usize> {
    use crate::auth::Viewer;
    let viewer = Viewer::current().await?;
    let (mut write, (open, form)) = viewer
        .write_checked(async |conn| {
            let open = viewer.group_to_open(conn, group).await?;
            let form = parse(pupils)?;
            match crate::groups::store::not_on_roll(conn, open.id(), &form.pupils).await? {
                Some(stranger) => viewer.out_of_reach(conn, "pupil", stranger.0).await,
                None => Ok((open, form)),
            }
        })
        .await?;
    let at = write.at.clone();
    let notified = super::store::record(&mut write, &open, &form, &at).await?;
    write.commit().await?;
    crate::notifications::live::announce(&crate::ssr::live()?, notified);
    Ok(form.pupils.len())
}

/// "Undo" (whoever recorded the entry, within a few minutes) or "Remove"
/// (an admin, at any time, audited).
#[server(endpoint = "classroom/take_back", output = Postcard)]
pub async fn take_back(entry: EntryId) -> Result<(), AppError> {
    use super::{model::UNDO_MINUTES, store};
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, clock, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let undo_since =
            clock::stamp(viewer.arrival.now - time::Duration::minutes(UNDO_MINUTES));
        let (mut write, (pupil, audited)) = viewer
            .write_checked(async |conn| {
                let Some(found) = store::entry(conn, entry).await? else {
                    return viewer.out_of_reach(conn, "entry", entry.0).await;
                };
                let pupil = viewer.pupil_in(conn, found.pupil).await?.id();
                let undo = found.recorded_by == Some(viewer.id) && found.recorded_at >= undo_since;
                if undo {
                    Ok((pupil, false))
                } else if staff.is_admin() {
                    Ok((pupil, true))
                } else {
                    Err(AppError::invalid(
                        "entry",
                        format!(
                            "Only the teacher who recorded an entry can undo it, within {UNDO_MINUTES} minutes. After that, ask an admin to remove it."
                        ),
                    )
                    .into())
                }
            })
            .await?;
        store::remove(&mut write, entry).await?;
        if audited {
            write
                .audit(Audit::ClassroomEntryRemoved { pupil, entry })
                .await?;
        }
        write.commit().await?;
        Ok(())
    })
    .await
}

/// The school's behaviour list, for admins to change in School settings.
#[server(endpoint = "classroom/behaviour_list", output = Postcard)]
pub async fn behaviour_list() -> Result<Vec<BehaviourChoice>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::behaviours(&mut conn).await
    })
    .await
}

/// "Add behaviour": a name and its points, at the end of the list.
#[server(endpoint = "classroom/add_behaviour", output = Postcard)]
pub async fn add_behaviour(
    #[server(default)] name: String,
    #[server(default)] points: String,
) -> Result<BehaviourId, AppError> {
    use super::model::BehaviourForm;
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let form = BehaviourForm::parse(&name, &points)?;
        let mut write = viewer.write().await?;
        let id = super::store::add_behaviour(&mut write, &rights, &form).await?;
        write.audit(Audit::SchoolSettingsChanged).await?;
        write.commit().await?;
        Ok(id)
    })
    .await
}

/// "Remove" beside a behaviour on the list: teachers no longer choose it;
/// what was recorded with it stays as it was.
#[server(endpoint = "classroom/retire_behaviour", output = Postcard)]
pub async fn retire_behaviour(behaviour: BehaviourId) -> Result<(), AppError> {
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        super::store::retire_behaviour(&mut write, &rights, behaviour, &at).await?;
        write.audit(Audit::SchoolSettingsChanged).await?;
        write.commit().await?;
        Ok(())
    })
    .await
}
