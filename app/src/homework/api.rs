use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{GroupHomework, HandInList};
use crate::{
    error::AppError,
    ids::{GroupId, HomeworkId, PupilId},
};

/// The Homework page: the groups the viewer may set homework for (the
/// markbook's reach) and the chosen group's homework. No group chosen
/// opens the first.
#[server(endpoint = "homework/open", output = Postcard)]
pub async fn open_homework(group: Option<GroupId>) -> Result<GroupHomework, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let groups = crate::classroom::store::groups(&mut conn, &staff).await?;
        let Some(chosen) = group.or_else(|| groups.first().map(|g| g.id)) else {
            return Ok(GroupHomework {
                groups,
                group: None,
                homework: Vec::new(),
            });
        };
        let open = viewer.group_to_open(&mut conn, chosen).await?;
        super::store::for_group(&mut conn, &open, groups).await
    })
    .await
}

/// "Set homework": for the group, with its parents told at once.
#[server(endpoint = "homework/set", output = Postcard)]
pub async fn set_homework(
    group: GroupId,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] due: String,
) -> Result<HomeworkId, AppError> {
    use super::model::{HomeworkForm, FURTHEST_DAYS};
    use crate::{
        auth::Viewer,
        ssr::{clock, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let today = clock::school_day(&viewer.arrival.at)?;
        let furthest = clock::school_day(&clock::stamp(
            viewer.arrival.now + time::Duration::days(FURTHEST_DAYS),
        ))?;
        let (mut write, (open, form)) = viewer
            .write_checked(async |conn| {
                let open = viewer.group_to_open(conn, group).await?;
                let form = HomeworkForm::parse(&title, &description, &due, &today, &furthest)?;
                Ok((open, form))
            })
            .await?;
        let at = write.at.clone();
        let (id, told) = super::store::set(&mut write, &open, &form, &at).await?;
        write.commit().await?;
        crate::notifications::live::announce(&crate::ssr::live()?, told);
        Ok(id)
    })
    .await
}

/// A piece of homework and its group's pupils, to record hand-ins: for
/// anyone who may open the group.
#[server(endpoint = "homework/hand_ins", output = Postcard)]
pub async fn open_hand_ins(homework: HomeworkId) -> Result<HandInList, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let Some(group) = super::store::group_of(&mut conn, homework).await? else {
            return viewer.out_of_reach(&mut conn, "homework", homework.0).await;
        };
        let open = viewer.group_to_open(&mut conn, group).await?;
        super::store::hand_in_list(&mut conn, &open, homework)
            .await?
            .ok_or_else(|| AppError::NotFound.into())
    })
    .await
}

/// "Save hand-ins": a status for each pupil listed, in one change. A pupil
/// not on the group's roll is out of reach, and nothing is written.
#[server(endpoint = "homework/save_hand_ins", output = Postcard)]
pub async fn save_hand_ins(
    homework: HomeworkId,
    #[server(default)] pupils: Vec<PupilId>,
    #[server(default)] statuses: Vec<String>,
) -> Result<u64, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        viewer.staff()?;
        let (mut write, hand_ins) = viewer
            .write_checked(async |conn| {
                let Some(group) = super::store::group_of(conn, homework).await? else {
                    return viewer.out_of_reach(conn, "homework", homework.0).await;
                };
                let open = viewer.group_to_open(conn, group).await?;
                let hand_ins = super::model::hand_ins(&pupils, &statuses)?;
                match crate::groups::store::not_on_roll(conn, open.id(), &pupils).await? {
                    Some(stranger) => viewer.out_of_reach(conn, "pupil", stranger.0).await,
                    None => Ok(hand_ins),
                }
            })
            .await?;
        let at = write.at.clone();
        let changed =
            super::store::save_hand_ins(&mut write, homework, &hand_ins, viewer.id, &at).await?;
        write.commit().await?;
        Ok(changed)
    })
    .await
}
