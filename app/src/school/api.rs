use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{PupilSearch, SchoolOverview};
use crate::error::AppError;

/// Counts of pupils, groups, staff and parents, for admins.
#[server(endpoint = "school/overview", output = Postcard)]
pub async fn school_at_a_glance() -> Result<SchoolOverview, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let admin = viewer.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::overview(&mut conn, &admin).await
    })
    .await
}

/// Pupils on the roll whose forename or surname contains what was typed, for
/// any member of staff: admins linking parents, teachers making a group.
#[server(endpoint = "school/find_pupils", output = Postcard)]
pub async fn find_pupils(search: String) -> Result<PupilSearch, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.staff()?;
        if search.trim().chars().count() < 2 {
            return Ok(super::model::PupilSearch {
                pupils: Vec::new(),
                more: false,
            });
        }
        let mut conn = db()?.acquire().await?;
        super::store::find_pupils(&mut conn, &rights, &search).await
    })
    .await
}

/// School settings, for admins.
#[server(endpoint = "school/load_school_settings", output = Postcard)]
pub async fn load_school_settings() -> Result<super::model::SchoolSettings, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::settings(&mut conn, &rights).await
    })
    .await
}

/// "Save" on School settings.
#[server(endpoint = "school/save_school_settings", output = Postcard)]
pub async fn save_school_settings(teachers_add_to_sets: String) -> Result<(), AppError> {
    use super::model::{SchoolSettingsDone, SET_RULES};
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        if !SET_RULES
            .iter()
            .any(|(value, _)| *value == teachers_add_to_sets)
        {
            return Err(AppError::invalid(
                "teachers_add_to_sets",
                "Choose who teachers may add to their own sets.",
            )
            .into());
        }
        let mut tx = viewer.write().await?;
        super::store::save_settings(&mut tx, &rights, &teachers_add_to_sets).await?;
        tx.audit(Audit::SchoolSettingsChanged).await?;
        tx.commit().await?;
        leptos_axum::redirect(&SchoolSettingsDone::Saved.on("/school-settings"));
        Ok(())
    })
    .await
}

/// "Save" under What parents see: the areas ticked are shown to parents;
/// the others vanish from their pages and make no notifications.
#[server(endpoint = "school/save_parent_areas", output = Postcard)]
pub async fn save_parent_areas(#[server(default)] areas: Vec<String>) -> Result<(), AppError> {
    use super::model::{ParentAreas, SchoolSettingsDone};
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let areas = ParentAreas::ticked(&areas)?;
        let mut tx = viewer.write().await?;
        super::store::save_parent_areas(&mut tx, &rights, &areas).await?;
        tx.audit(Audit::SchoolSettingsChanged).await?;
        tx.commit().await?;
        leptos_axum::redirect(&SchoolSettingsDone::Saved.on("/school-settings"));
        Ok(())
    })
    .await
}

/// "Save terms": the school's terms, each by the day it ends, which
/// Progress's "since last term" is taken from. Rows left blank are dropped.
#[server(endpoint = "school/save_terms", output = Postcard)]
pub async fn save_terms(
    #[server(default)] names: Vec<String>,
    #[server(default)] ends: Vec<String>,
) -> Result<(), AppError> {
    use super::model::{parse_terms, SchoolSettingsDone};
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let terms = parse_terms(&names, &ends)?;
        let mut tx = viewer.write().await?;
        super::store::save_terms(&mut tx, &rights, &terms).await?;
        tx.audit(Audit::SchoolSettingsChanged).await?;
        tx.commit().await?;
        leptos_axum::redirect(&SchoolSettingsDone::Saved.on("/school-settings"));
        Ok(())
    })
    .await
}
