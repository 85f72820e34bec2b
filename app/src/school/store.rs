use sqlx::SqliteConnection;

use super::model::{
    ParentAreas, PupilMatch, PupilSearch, SchoolOverview, SchoolSettings, Term, TermEnd, TermEnded,
    MATCHES_SHOWN,
};
use crate::{
    auth::{AdminRights, StaffRights},
    ids::PupilId,
    ssr::contains,
};

pub async fn overview(
    conn: &mut SqliteConnection,
    _admin: &AdminRights,
) -> anyhow::Result<SchoolOverview> {
    Ok(sqlx::query_as!(
        SchoolOverview,
        r#"SELECT
             (SELECT COUNT(*) FROM pupils WHERE active = 1) AS "pupils!: i64",
             (SELECT COUNT(*) FROM groups) AS "groups!: i64",
             (SELECT COUNT(*) FROM users WHERE role <> 'parent' AND active = 1) AS "staff!: i64",
             (SELECT COUNT(*) FROM users WHERE role = 'parent' AND active = 1) AS "parents!: i64",
             (SELECT COUNT(*) FROM users WHERE role = 'parent' AND active = 1
                AND password_hash IS NOT NULL) AS "parents_signed_up!: i64""#
    )
    .fetch_one(conn)
    .await?)
}

/// Pupils on the roll whose forename or surname contains `search`, among
/// those the person may add to a group (the `pupil_addable` view): a
/// teacher is offered only pupils they may put in their own sets.
pub async fn find_pupils(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    search: &str,
) -> anyhow::Result<PupilSearch> {
    let pattern = contains(search);
    let limit = MATCHES_SHOWN + 1;
    let viewer = staff.viewer();
    let mut pupils = sqlx::query_as!(
        PupilMatch,
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name: String",
                  p.date_of_birth
           FROM pupils p JOIN pupil_addable a ON a.pupil_id = p.id AND a.viewer_id = ?3
           WHERE p.active = 1
             AND (p.surname LIKE ?1 ESCAPE '\' OR p.first_name LIKE ?1 ESCAPE '\'
                  OR p.first_name || ' ' || p.surname LIKE ?1 ESCAPE '\')
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.date_of_birth
           LIMIT ?2"#,
        pattern,
        limit,
        viewer
    )
    .fetch_all(conn)
    .await?;
    let more = pupils.len() as i64 > MATCHES_SHOWN;
    pupils.truncate(MATCHES_SHOWN as usize);
    Ok(PupilSearch { pupils, more })
}

pub async fn settings(
    conn: &mut SqliteConnection,
    _: &AdminRights,
) -> anyhow::Result<SchoolSettings> {
    let teachers_add_to_sets =
        sqlx::query_scalar!("SELECT teachers_add_to_sets FROM school WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(SchoolSettings {
        teachers_add_to_sets,
        parents_see: parent_areas(&mut *conn).await?,
        terms: terms(conn).await?,
    })
}

/// What parents see of their children's records.
pub async fn parent_areas(conn: &mut SqliteConnection) -> anyhow::Result<ParentAreas> {
    Ok(sqlx::query_as!(
        ParentAreas,
        r#"SELECT parents_see_reports AS "reports!: bool", parents_see_behaviour AS "behaviour!: bool",
                  parents_see_achievements AS "achievements!: bool",
                  parents_see_attendance AS "attendance!: bool", parents_see_homework AS "homework!: bool"
           FROM school WHERE id = 1"#
    )
    .fetch_one(conn)
    .await?)
}

pub async fn save_parent_areas(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    areas: &ParentAreas,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE school SET parents_see_reports = ?, parents_see_behaviour = ?,
                parents_see_achievements = ?, parents_see_attendance = ?, parents_see_homework = ?
         WHERE id = 1",
        areas.reports,
        areas.behaviour,
        areas.achievements,
        areas.attendance,
        areas.homework
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_settings(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    teachers_add_to_sets: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE school SET teachers_add_to_sets = ? WHERE id = 1",
        teachers_add_to_sets
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The school's terms, in the order of the school year.
pub async fn terms(conn: &mut SqliteConnection) -> anyhow::Result<Vec<Term>> {
    let rows = sqlx::query!("SELECT name, ends_on FROM school_terms ORDER BY position")
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let ends = TermEnd::from_stored(&row.ends_on)
                .ok_or_else(|| anyhow::anyhow!("a term's end is stored as {:?}", row.ends_on))?;
            Ok(Term {
                name: row.name,
                ends,
            })
        })
        .collect()
}

/// The term that ended last before `today` ("2026-12-04"), if any.
pub async fn last_term(
    conn: &mut SqliteConnection,
    today: &str,
) -> anyhow::Result<Option<TermEnded>> {
    Ok(super::model::last_term(&terms(conn).await?, today))
}

/// The terms ended before `today` this school year and last, oldest first.
pub async fn terms_ended(
    conn: &mut SqliteConnection,
    today: &str,
) -> anyhow::Result<Vec<TermEnded>> {
    Ok(super::model::terms_ended(&terms(conn).await?, today))
}

/// Replaces the school's terms with those of the form, in its order.
pub async fn save_terms(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    terms: &[Term],
) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM school_terms")
        .execute(&mut *conn)
        .await?;
    for (position, term) in (1_i64..).zip(terms) {
        let ends = term.ends.stored();
        sqlx::query!(
            "INSERT INTO school_terms (position, name, ends_on) VALUES (?, ?, ?)",
            position,
            term.name,
            ends
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
