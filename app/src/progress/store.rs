use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::characteristics::{Characteristics, Held};
use super::model::{
    Chosen, Cohort, OverallJudgement, ProgressRow, PupilProgress, SubjectProgress, Target,
    TargetChoice, TermJudgement,
};
use crate::{
    auth::{LeadershipRights, OpenGroup, ReadablePupil, StaffRights, WritableGroup},
    error::AppError,
    ids::{GroupId, LevelId, PupilId, SubjectId},
    markbook::model::overall,
    school::model::TermEnded,
};

/// The pupils a table covers, with the right to read them: a group the
/// viewer opened, a whole year group for SLT and admins, or one pupil.
pub struct Roll {
    of: Of,
    can_set_targets: bool,
}

enum Of {
    Cohort(Cohort),
    Pupil(PupilId),
}

impl Roll {
    pub fn group(open: &OpenGroup) -> Roll {
        Roll {
            of: Of::Cohort(Cohort::Group(open.id())),
            can_set_targets: open.can_edit(),
        }
    }

    pub fn year(_rights: &LeadershipRights, year: i64) -> Roll {
        Roll {
            of: Of::Cohort(Cohort::Year(year)),
            can_set_targets: false,
        }
    }

    /// The whole year of a group the viewer opened, for the counts set
    /// beside the group's own; its rows never leave the server.
    pub fn year_beside(_open: &OpenGroup, year: i64) -> Roll {
        Roll {
            of: Of::Cohort(Cohort::Year(year)),
            can_set_targets: false,
        }
    }

    /// One pupil the viewer reads, on roll or not, for their own page.
    pub fn pupil(pupil: &ReadablePupil) -> Roll {
        Roll {
            of: Of::Pupil(pupil.id()),
            can_set_targets: false,
        }
    }

    /// The query's three choices; one of them is set.
    fn choices(&self) -> (Option<GroupId>, Option<i64>, Option<PupilId>) {
        match self.of {
            Of::Cohort(Cohort::Group(group)) => (Some(group), None, None),
            Of::Cohort(Cohort::Year(year)) => (None, Some(year), None),
            Of::Pupil(pupil) => (None, None, Some(pupil)),
        }
    }
}

/// The year groups that have pupils on roll, youngest first.
pub async fn years(conn: &mut SqliteConnection) -> anyhow::Result<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT DISTINCT year_group AS "year!: i64" FROM pupils WHERE active = 1
           ORDER BY year_group"#
    )
    .fetch_all(conn)
    .await?)
}

/// The table of a group or a year in the subject, with what it shows.
pub async fn table(
    conn: &mut SqliteConnection,
    roll: &Roll,
    subject: SubjectId,
    last_term: Option<&TermEnded>,
) -> anyhow::Result<(Chosen, Vec<ProgressRow>)> {
    let Of::Cohort(cohort) = roll.of else {
        return Err(AppError::NotFound.into());
    };
    let (group, _, _) = roll.choices();
    let names = sqlx::query!(
        r#"SELECT (SELECT g.name FROM groups g WHERE g.id = ?1) AS "group_name?: String",
                  s.name AS "subject_name!: String"
           FROM subjects s WHERE s.id = ?2"#,
        group,
        subject
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let rows = rows(conn, roll, subject, last_term).await?;
    let name = match cohort {
        Cohort::Group(_) => names.group_name.ok_or(AppError::NotFound)?,
        Cohort::Year(year) => crate::school::model::year_label(year),
    };
    let chosen = Chosen {
        cohort,
        name,
        subject,
        subject_name: names.subject_name,
        can_set_targets: roll.can_set_targets,
    };
    Ok((chosen, rows))
}

/// Which characteristics the school holds for some pupil on the roll, so
/// Progress offers only the filters that mean something.
pub async fn held(conn: &mut SqliteConnection) -> anyhow::Result<Held> {
    let counts = sqlx::query!(
        r#"SELECT COUNT(sex) AS "sex!: i64", COUNT(sen) AS "sen!: i64",
                  COUNT(pupil_premium) AS "pupil_premium!: i64", COUNT(eal) AS "eal!: i64"
           FROM pupils WHERE active = 1"#
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Held {
        sex: counts.sex > 0,
        sen: counts.sen > 0,
        pupil_premium: counts.pupil_premium > 0,
        eal: counts.eal > 0,
    })
}

/// Each pupil on the roll against their own year's criteria in the
/// subject: how many are secured, the overall judgement, the target, and
/// the overall judgement at the end of `last_term`.
pub async fn rows(
    conn: &mut SqliteConnection,
    roll: &Roll,
    subject: SubjectId,
    last_term: Option<&TermEnded>,
) -> anyhow::Result<Vec<ProgressRow>> {
    let (group, year, pupil) = roll.choices();
    let pupils = sqlx::query!(
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String",
                  p.year_group,
                  (SELECT COUNT(*) FROM criteria c
                   WHERE c.subject_id = ?2 AND c.year_group = p.year_group
                     AND c.retired_at IS NULL) AS "criteria!: i64",
                  (SELECT COUNT(*) FROM judgements j
                   JOIN criteria c ON c.id = j.criterion_id
                   JOIN scale_levels l ON l.id = j.level_id
                   WHERE j.pupil_id = p.id AND c.subject_id = ?2 AND c.year_group = p.year_group
                     AND c.retired_at IS NULL AND l.secured = 1) AS "secured!: i64",
                  t.level_id AS "target_level?: LevelId", tl.position AS "target_rank?: i64",
                  p.sex, p.sen, p.pupil_premium, p.eal
           FROM pupils p
           LEFT JOIN pupil_targets t ON t.pupil_id = p.id AND t.subject_id = ?2
           LEFT JOIN scale_levels tl ON tl.id = t.level_id
           WHERE (p.active = 1
                  AND (p.id IN (SELECT gp.pupil_id FROM group_pupils gp WHERE gp.group_id = ?1)
                       OR p.year_group = ?3))
              OR p.id = ?4
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"#,
        group,
        subject,
        year,
        pupil
    )
    .fetch_all(&mut *conn)
    .await?;
    // Every judgement of the roll in the subject.
    let judged = sqlx::query!(
        r#"SELECT j.pupil_id AS "pupil!: PupilId", l.position AS "position!: i64",
                  l.label AS "label!: String"
           FROM pupils p
           JOIN judgements j ON j.pupil_id = p.id
           JOIN criteria c ON c.id = j.criterion_id
           JOIN scale_levels l ON l.id = j.level_id
           WHERE ((p.active = 1
                   AND (p.id IN (SELECT gp.pupil_id FROM group_pupils gp WHERE gp.group_id = ?1)
                        OR p.year_group = ?3))
                  OR p.id = ?4)
             AND c.subject_id = ?2 AND c.year_group = p.year_group AND c.retired_at IS NULL"#,
        group,
        subject,
        year,
        pupil
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut now = overall_by_pupil(judged.into_iter().map(|j| (j.pupil, j.position, j.label)));
    let mut then = match last_term {
        Some(term) => at_end_of(conn, roll, subject, term).await?,
        None => HashMap::new(),
    };
    let rows = pupils
        .into_iter()
        .map(|p| {
            let judged = now.remove(&p.id);
            ProgressRow {
                pupil: p.id,
                name: p.name,
                year_group: p.year_group,
                secured: p.secured,
                criteria: p.criteria,
                judgement_rank: judged.as_ref().map(|j| j.rank),
                judgement: judged.map(|j| j.label),
                target: p
                    .target_level
                    .zip(p.target_rank)
                    .map(|(level, rank)| Target { level, rank }),
                last_term: then.remove(&p.id),
                external: None,
                characteristics: Characteristics::from_stored(
                    p.sex.as_deref(),
                    p.sen.as_deref(),
                    p.pupil_premium,
                    p.eal,
                ),
            }
        })
        .collect();
    Ok(rows)
}

/// Each pupil's overall judgement at the end of a term, replayed from the
/// history: the last change to each criterion up to the end of that day
/// (a clearing leaves it unjudged), against the criteria of the year the
/// pupil was in then that were not yet retired.
async fn at_end_of(
    conn: &mut SqliteConnection,
    roll: &Roll,
    subject: SubjectId,
    term: &TermEnded,
) -> anyhow::Result<HashMap<PupilId, OverallJudgement>> {
    let (group, year, pupil) = roll.choices();
    // The end of the term's day on the school's clock, as stored.
    let day: jiff::civil::Date = term.on.parse()?;
    let cutoff = crate::ssr::clock::stamp_at_school(day.tomorrow()?.at(0, 0, 0, 0))?;
    let judged = sqlx::query!(
        r#"SELECT h.pupil_id AS "pupil!: PupilId", l.position AS "position!: i64",
                  l.label AS "label!: String"
           FROM pupils p
           JOIN judgement_history h ON h.pupil_id = p.id
           JOIN criteria c ON c.id = h.criterion_id
           JOIN scale_levels l ON l.id = h.level_id
           WHERE ((p.active = 1
                   AND (p.id IN (SELECT gp.pupil_id FROM group_pupils gp WHERE gp.group_id = ?1)
                        OR p.year_group = ?3))
                  OR p.id = ?4)
             AND c.subject_id = ?2 AND c.year_group = p.year_group - ?5
             AND (c.retired_at IS NULL OR c.retired_at >= ?6)
             AND h.id = (SELECT MAX(h2.id) FROM judgement_history h2
                         WHERE h2.pupil_id = h.pupil_id AND h2.criterion_id = h.criterion_id
                           AND h2.set_at < ?6)"#,
        group,
        subject,
        year,
        pupil,
        term.years_ago,
        cutoff
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(overall_by_pupil(
        judged.into_iter().map(|j| (j.pupil, j.position, j.label)),
    ))
}

/// Each pupil's overall judgement from their judgements, given as (pupil,
/// scale position, label) in any order.
fn overall_by_pupil(
    judged: impl Iterator<Item = (PupilId, i64, String)>,
) -> HashMap<PupilId, OverallJudgement> {
    let mut by_pupil: HashMap<PupilId, Vec<(i64, String)>> = HashMap::new();
    for (pupil, position, label) in judged {
        by_pupil.entry(pupil).or_default().push((position, label));
    }
    by_pupil
        .into_iter()
        .filter_map(|(pupil, mine)| {
            let rank = overall(mine.iter().map(|(position, _)| *position).collect())?;
            let label = mine.into_iter().find(|(position, _)| *position == rank)?.1;
            Some((pupil, OverallJudgement { label, rank }))
        })
        .collect()
}

/// A pupil's page: every subject's row, and the group in the viewer's
/// reach (their class first) where their markbook rows open.
pub async fn pupil(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    pupil: &ReadablePupil,
    terms: Vec<TermEnded>,
) -> anyhow::Result<PupilProgress> {
    let id = pupil.id();
    let viewer = staff.viewer();
    let found = sqlx::query!(
        r#"SELECT p.first_name || ' ' || p.surname AS "name!: String", p.year_group,
                  (SELECT gp.group_id FROM group_pupils gp
                   JOIN groups g ON g.id = gp.group_id
                   JOIN group_reach r ON r.group_id = gp.group_id AND r.viewer_id = ?2
                   WHERE gp.pupil_id = p.id
                   ORDER BY g.kind = 'class' DESC, g.id LIMIT 1) AS "markbook_group?: GroupId",
                  p.sex, p.sen, p.pupil_premium, p.eal
           FROM pupils p WHERE p.id = ?1"#,
        id,
        viewer
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let roll = Roll::pupil(pupil);
    let last_term = terms.last().cloned();
    let mut subjects = Vec::new();
    for subject in crate::markbook::store::subjects(conn).await? {
        // Each term's picture once: the last term's is also the row's.
        let Some(mut row) = rows(conn, &roll, subject.id, None).await?.pop() else {
            continue;
        };
        let mut by_term = Vec::with_capacity(terms.len());
        for term in &terms {
            by_term.push(TermJudgement {
                term: term.label(),
                judgement: at_end_of(conn, &roll, subject.id, term).await?.remove(&id),
            });
        }
        row.last_term = by_term.last().and_then(|t| t.judgement.clone());
        subjects.push(SubjectProgress {
            subject: subject.id,
            name: subject.name,
            row,
            by_term,
        });
    }
    Ok(PupilProgress {
        pupil: id,
        name: found.name,
        year_group: found.year_group,
        markbook_group: found.markbook_group,
        characteristics: Characteristics::from_stored(
            found.sex.as_deref(),
            found.sen.as_deref(),
            found.pupil_premium,
            found.eal,
        ),
        subjects,
        scale: scale(conn).await?,
        last_term,
        external: crate::external::store::pupil_results(conn, pupil).await?,
    })
}

/// The school's scale, as the Target drop-downs offer it.
pub async fn scale(conn: &mut SqliteConnection) -> anyhow::Result<Vec<TargetChoice>> {
    Ok(crate::markbook::store::scale(conn)
        .await?
        .into_iter()
        .map(|level| TargetChoice {
            level: level.id,
            label: level.label,
        })
        .collect())
}

/// "Save targets": sets or clears each listed pupil's target in the
/// subject, answering how many changed. A target changed by hand is no
/// longer an import's (undoing that import leaves it). The caller checked the pupils are
/// on the group's roll; a level not on the scale refuses the whole form.
pub async fn save_targets(
    conn: &mut SqliteConnection,
    group: &WritableGroup,
    subject: SubjectId,
    targets: &[(PupilId, Option<LevelId>)],
    at: &str,
) -> anyhow::Result<u64> {
    let by = group.viewer();
    let known = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM subjects WHERE id = ?"#,
        subject
    )
    .fetch_optional(&mut *conn)
    .await?;
    if known.is_none() {
        return Err(AppError::NotFound.into());
    }
    let on_scale: Vec<LevelId> = scale(conn).await?.into_iter().map(|l| l.level).collect();
    let mut changed = 0;
    for (pupil, target) in targets {
        changed += match target {
            None => sqlx::query!(
                "DELETE FROM pupil_targets WHERE pupil_id = ? AND subject_id = ?",
                pupil,
                subject
            )
            .execute(&mut *conn)
            .await?
            .rows_affected(),
            Some(level) => {
                if !on_scale.contains(level) {
                    return Err(AppError::invalid(
                        "targets",
                        "Choose a target from the list for each pupil.",
                    )
                    .into());
                }
                sqlx::query!(
                    "INSERT INTO pupil_targets (pupil_id, subject_id, level_id, set_by, set_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (pupil_id, subject_id) DO UPDATE
                     SET level_id = excluded.level_id, set_by = excluded.set_by,
                         set_at = excluded.set_at, import_id = NULL
                     WHERE level_id <> excluded.level_id",
                    pupil,
                    subject,
                    level,
                    by,
                    at
                )
                .execute(&mut *conn)
                .await?
                .rows_affected()
            }
        };
    }
    Ok(changed)
}
