use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{Child, ChildRecord};
use crate::{error::AppError, ids::PupilId};

/// The children the signed-in parent is linked to.
#[server(endpoint = "portal/my_children", output = Postcard)]
pub async fn my_children() -> Result<Vec<Child>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        let mut conn = db()?.acquire().await?;
        super::store::children(&mut conn, super::store::Which::LinkedTo(parent)).await
    })
    .await
}

/// One child with their classroom records and published reports, for a parent linked to them or
/// staff who may read them: one check of who may see the child for both.
#[server(endpoint = "portal/child_details", output = Postcard)]
pub async fn child_details(pupil: PupilId) -> Result<ChildRecord, AppError> {
    use crate::{
        auth::Viewer,
        school::model::ParentAreas,
        ssr::{clock, db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let readable = viewer.pupil_to_read(pupil).await?;
        let periods = clock::school_periods(&viewer.arrival.at)?;
        let mut conn = db()?.acquire().await?;
        let child = super::store::children(&mut conn, super::store::Which::One(readable))
            .await?
            .pop()
            .ok_or(AppError::NotFound)?;
        // Parents see the areas the school shows them; staff see them all.
        let shown = match viewer.parent() {
            Ok(_) => crate::school::store::parent_areas(&mut conn).await?,
            Err(_) => ParentAreas::ALL,
        };
        let reports = if shown.reports {
            crate::reports::store::published_for(&mut conn, readable).await?
        } else {
            Vec::new()
        };
        let mut classroom =
            crate::classroom::store::for_child(&mut conn, readable, &periods).await?;
        if !shown.behaviour {
            classroom.behaviour.clear();
            classroom.this_week = Default::default();
            classroom.this_term = Default::default();
        }
        if !shown.achievements {
            classroom.achievements.clear();
        }
        let today = clock::school_day(&viewer.arrival.at)?;
        let attendance = if shown.attendance {
            crate::attendance::store::for_child(&mut conn, readable, &today).await?
        } else {
            Default::default()
        };
        let homework = if shown.homework {
            crate::homework::store::for_child(&mut conn, readable, &today).await?
        } else {
            Default::default()
        };
        let children = match viewer.parent() {
            Ok(parent) => crate::reports::store::children_of(&mut conn, &parent).await?,
            Err(_) => Vec::new(),
        };
        Ok(ChildRecord {
            child,
            reports,
            children,
            classroom,
            attendance,
            homework,
            shown,
        })
    })
    .await
}

/// "Add pupil": links another child to the signed-in parent with the access
/// code and date of birth from that child's letter, then opens the child's
/// page.
#[server(endpoint = "portal/add_pupil", output = Postcard)]
pub async fn add_pupil(code: String, date_of_birth: String) -> Result<(), AppError> {
    use super::model::PortalDone;
    use crate::{auth::Viewer, parents::own_account, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        let pupil = own_account::add_pupil(&viewer, parent, &code, &date_of_birth).await?;
        leptos_axum::redirect(&PortalDone::Added.on(&format!("/children/{pupil}")));
        Ok(())
    })
    .await
}
