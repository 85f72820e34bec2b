use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::{
    characteristics::PupilFilter,
    model::{ProgressTable, PupilProgress},
};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, SubjectId},
};

/// The Progress page: the groups in the viewer's reach (and, for SLT and
/// admins, whole year groups), the subjects, and the chosen table in the
/// chosen subject (the viewer's first group and the first subject when
/// none is chosen, or the subject asked for is gone). A group out of reach
/// is not found; a year group is forbidden to other teachers.
#[server(endpoint = "progress/open", output = Postcard)]
pub async fn open_progress(
    group: Option<GroupId>,
    year: Option<i64>,
    subject: Option<SubjectId>,
    /// An Ext. data assessment to show as a column.
    assessment: Option<i64>,
    /// Only these pupils (SEN, pupil premium, EAL, girls or boys).
    pupils: Option<PupilFilter>,
) -> Result<ProgressTable, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut conn = db()?.acquire().await?;
        let asked = Asked {
            group,
            year,
            subject,
            assessment,
            pupils,
        };
        table_for(&mut conn, &viewer, &asked).await
    })
    .await
}

/// The Progress table `viewer` asked for: the page's, and the export's.
#[cfg(feature = "ssr")]
pub async fn table_for(
    conn: &mut sqlx::SqliteConnection,
    viewer: &crate::auth::Viewer,
    asked: &Asked,
) -> anyhow::Result<ProgressTable> {
    let Asked {
        group,
        year,
        subject,
        assessment,
        pupils: filter,
    } = *asked;
    use super::{
        model::Spread,
        store::{self, Roll},
    };
    let staff = viewer.staff()?;
    let leader = viewer.leadership().ok();
    let groups = crate::classroom::store::groups(&mut *conn, &staff).await?;
    let years = match leader {
        Some(_) => store::years(&mut *conn).await?,
        None => Vec::new(),
    };
    let subjects: Vec<(SubjectId, String)> = crate::markbook::store::subjects(&mut *conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    // A subject no longer there (an old link) opens the first.
    let chosen_subject = subject
        .filter(|asked| subjects.iter().any(|(id, _)| id == asked))
        .or_else(|| subjects.first().map(|s| s.0));
    let mut opened = None;
    let roll = match (year, &leader) {
        (Some(year), Some(rights)) if years.contains(&year) => Some(Roll::year(rights, year)),
        (Some(_), Some(_)) => return Err(AppError::NotFound.into()),
        (Some(_), None) => return Err(AppError::Forbidden.into()),
        (None, _) => match group.or_else(|| groups.first().map(|g| g.id)) {
            Some(group) => {
                let open = viewer.group_to_open(&mut *conn, group).await?;
                opened = Some(open);
                Some(Roll::group(&open))
            }
            None => None,
        },
    };
    let (Some(roll), Some(subject)) = (roll, chosen_subject) else {
        return Ok(ProgressTable {
            groups,
            years,
            subjects,
            chosen: None,
            rows: Vec::new(),
            scale: Vec::new(),
            year_spread: None,
            last_term: None,
            assessments: Vec::new(),
            assessment: None,
            filters: Vec::new(),
            filter: None,
        });
    };
    let today = crate::ssr::clock::school_day(&viewer.arrival.at)?;
    let last_term = crate::school::store::last_term(&mut *conn, &today).await?;
    let (chosen, mut rows) = store::table(&mut *conn, &roll, subject, last_term.as_ref()).await?;
    // A group of one year is set beside its whole year, whoever the filter
    // leaves.
    let one_year = rows
        .first()
        .map(|r| r.year_group)
        .filter(|year| rows.iter().all(|r| r.year_group == *year));
    // A filter the school holds nothing for (an old link) filters nothing.
    let filters = PupilFilter::offered(store::held(&mut *conn).await?);
    let filter = filter.filter(|asked| filters.contains(asked));
    let admitted =
        |row: &super::model::ProgressRow| filter.is_none_or(|f| f.admits(&row.characteristics));
    rows.retain(admitted);
    // An assessment no longer there (an old link) shows no column.
    let assessments = crate::external::store::choices(&mut *conn).await?;
    let assessment = assessment.filter(|asked| assessments.iter().any(|(id, _)| id == asked));
    if let Some(assessment) = assessment {
        let pupils: Vec<_> = rows.iter().map(|r| r.pupil).collect();
        let mut results =
            crate::external::store::results_for(&mut *conn, assessment, &pupils).await?;
        for row in &mut rows {
            row.external = results.remove(&row.pupil);
        }
    }
    let scale = store::scale(&mut *conn).await?;
    let year_spread = match (opened, one_year) {
        (Some(open), Some(year)) => {
            let beside = Roll::year_beside(&open, year);
            let (_, mut year_rows) = store::table(&mut *conn, &beside, subject, None).await?;
            year_rows.retain(admitted);
            let name = PupilFilter::naming(&crate::school::model::year_label(year), filter);
            Some(Spread::of(name, &year_rows, &scale))
        }
        _ => None,
    };
    Ok(ProgressTable {
        groups,
        years,
        subjects,
        chosen: Some(chosen),
        rows,
        scale,
        year_spread,
        last_term,
        assessments,
        assessment,
        filters,
        filter,
    })
}

/// What the Progress page and its export ask for: the page's address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Asked {
    pub group: Option<GroupId>,
    pub year: Option<i64>,
    pub subject: Option<SubjectId>,
    /// An Ext. data assessment to show as a column.
    pub assessment: Option<i64>,
    /// A filter Markwell doesn't know (an old or mistyped link) is none.
    #[serde(default, deserialize_with = "known_filter")]
    pub pupils: Option<PupilFilter>,
}

fn known_filter<'de, D: serde::Deserializer<'de>>(
    asked: D,
) -> Result<Option<PupilFilter>, D::Error> {
    use serde::Deserialize;
    let key = Option::<String>::deserialize(asked)?;
    Ok(key.as_deref().and_then(PupilFilter::from_key))
}

impl Asked {
    /// The same, for a group's or a whole year's table.
    pub fn with_cohort(self, cohort: super::model::Cohort) -> Asked {
        use super::model::Cohort;
        let (group, year) = match cohort {
            Cohort::Group(group) => (Some(group), None),
            Cohort::Year(year) => (None, Some(year)),
        };
        Asked {
            group,
            year,
            ..self
        }
    }

    /// The address of the page (or its export, at `path`) asking for it.
    pub fn href(&self, path: &str) -> String {
        let mut asks = Vec::new();
        if let Some(group) = self.group {
            asks.push(format!("group={group}"));
        }
        if let Some(year) = self.year {
            asks.push(format!("year={year}"));
        }
        if let Some(subject) = self.subject {
            asks.push(format!("subject={subject}"));
        }
        if let Some(assessment) = self.assessment {
            asks.push(format!("assessment={assessment}"));
        }
        if let Some(pupils) = self.pupils {
            asks.push(format!("pupils={}", pupils.key()));
        }
        match asks.is_empty() {
            true => path.to_owned(),
            false => format!("{path}?{}", asks.join("&")),
        }
    }
}

/// "Save targets": a target (or none) for each pupil listed, in one change.
/// The group's teachers and admins set them; a pupil not on the group's
/// roll is out of reach, and nothing is written.
#[server(endpoint = "progress/save_targets", output = Postcard)]
pub async fn save_targets(
    group: GroupId,
    subject: SubjectId,
    #[server(default)] pupils: Vec<PupilId>,
    #[server(default)] targets: Vec<String>,
) -> Result<u64, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let (mut write, (writable, targets)) = viewer
            .write_checked(async |conn| {
                let writable = viewer.group_to_open(conn, group).await?.to_write()?;
                let targets = super::model::targets(&pupils, &targets)?;
                match crate::groups::store::not_on_roll(conn, writable.id(), &pupils).await? {
                    Some(stranger) => viewer.out_of_reach(conn, "pupil", stranger.0).await,
                    None => Ok((writable, targets)),
                }
            })
            .await?;
        let at = write.at.clone();
        let changed =
            super::store::save_targets(&mut write, &writable, subject, &targets, &at).await?;
        write.commit().await?;
        Ok(changed)
    })
    .await
}

/// A pupil's page: every subject, for staff who reach the pupil (a
/// teacher the pupils of their groups; SLT and admins everyone). Out of
/// reach is not found, and audited.
#[server(endpoint = "progress/pupil", output = Postcard)]
pub async fn open_pupil(pupil: PupilId) -> Result<PupilProgress, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let staff = viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        let readable = viewer.pupil_in(&mut conn, pupil).await?;
        let today = crate::ssr::clock::school_day(&viewer.arrival.at)?;
        let terms = crate::school::store::terms_ended(&mut conn, &today).await?;
        super::store::pupil(&mut conn, &staff, &readable, terms).await
    })
    .await
}
