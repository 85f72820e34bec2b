use sqlx::SqliteConnection;

use super::model::{
    points_label, BehaviourChoice, BehaviourForm, ChildClassroom, ChildEntry, EntryForm, EntryKind,
    GroupChoice, Points, PupilTile, RecentEntry, Recorded, TakeBackKind,
};
use crate::{
    auth::{AdminRights, OpenGroup, ReadablePupil, StaffRights},
    error::AppError,
    ids::{BehaviourId, EntryId, GroupId, PupilId, UserId},
    notifications::{model::NotificationKind, store::tell_about_entry},
    ssr::clock::{day_for_people, for_people, SchoolPeriods},
};

/// How many entries the recorder's list and a child's page show.
const RECENT_SHOWN: i64 = 20;

/// The groups the viewer may record for: the markbook's reach.
pub async fn groups(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
) -> anyhow::Result<Vec<GroupChoice>> {
    Ok(crate::groups::store::groups_in_reach(conn, staff)
        .await?
        .into_iter()
        .map(|g| GroupChoice {
            id: g.id,
            name: g.name,
        })
        .collect())
}

/// The school's behaviours in their order, retired ones left out.
pub async fn behaviours(conn: &mut SqliteConnection) -> anyhow::Result<Vec<BehaviourChoice>> {
    Ok(sqlx::query_as!(
        BehaviourChoice,
        r#"SELECT id AS "id!: _", name, points FROM behaviours
           WHERE retired_at IS NULL ORDER BY position, id"#
    )
    .fetch_all(conn)
    .await?)
}

/// Adds a behaviour to the end of the school's list (admins, in School
/// settings). A name already on the list is refused beside the field.
pub async fn add_behaviour(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    form: &BehaviourForm,
) -> anyhow::Result<BehaviourId> {
    let taken = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM behaviours WHERE retired_at IS NULL AND name = ? COLLATE NOCASE"#,
        form.name
    )
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "name",
            format!("\"{}\" is already on the list.", form.name),
        )
        .into());
    }
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO behaviours (name, points, position)
           VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM behaviours))
           RETURNING id AS "id!: BehaviourId""#,
        form.name,
        form.points
    )
    .fetch_one(conn)
    .await?)
}

/// Takes a behaviour off the list. Entries recorded with it keep their
/// words and points; the last behaviour stays, so teachers always have one.
pub async fn retire_behaviour(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: BehaviourId,
    at: &str,
) -> anyhow::Result<()> {
    let left = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM behaviours WHERE retired_at IS NULL"#
    )
    .fetch_one(&mut *conn)
    .await?;
    if left <= 1 {
        return Err(AppError::invalid(
            "behaviour",
            "Keep at least one behaviour on the list: add another before removing this one.",
        )
        .into());
    }
    let retired = sqlx::query!(
        "UPDATE behaviours SET retired_at = ? WHERE id = ? AND retired_at IS NULL",
        at,
        id
    )
    .execute(conn)
    .await?;
    if retired.rows_affected() == 0 {
        return Err(AppError::NotFound.into());
    }
    Ok(())
}

/// The group's pupils on the roll, with their points since `today`.
pub async fn pupils(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    today: &str,
) -> anyhow::Result<Vec<PupilTile>> {
    let group = open.id();
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String",
                  COALESCE(SUM(e.points) FILTER (WHERE e.points > 0), 0) AS "positive!: i64",
                  COALESCE(-SUM(e.points) FILTER (WHERE e.points < 0), 0) AS "negative!: i64"
           FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           LEFT JOIN classroom_entries e ON e.pupil_id = p.id AND e.recorded_at >= ?2
           WHERE gp.group_id = ?1 AND p.active = 1
           GROUP BY p.id
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"#,
        group,
        today
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PupilTile {
            id: r.id,
            name: r.name,
            today: Points {
                positive: r.positive,
                negative: r.negative,
            },
        })
        .collect())
}

/// The latest entries recorded in the group. `undo_since` is the start of
/// the undo window; admins may remove any entry.
pub async fn recent(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    admin: bool,
    undo_since: &str,
) -> anyhow::Result<Vec<RecentEntry>> {
    let (group, viewer) = (open.id(), open.viewer());
    let rows = sqlx::query!(
        r#"SELECT e.id AS "id!: EntryId", p.first_name || ' ' || p.surname AS "pupil!: String",
                  e.pupil_id AS "pupil_id!: PupilId", e.kind, e.title, e.points, e.note, e.recorded_at,
                  COALESCE(u.first_name || ' ' || u.surname, 'Someone who has left') AS "by!: String",
                  (e.recorded_by IS ?2 AND e.recorded_at >= ?4) AS "undoable!: bool"
           FROM classroom_entries e JOIN pupils p ON p.id = e.pupil_id
           LEFT JOIN users u ON u.id = e.recorded_by
           WHERE e.group_id = ?1
           ORDER BY e.recorded_at DESC, e.id DESC
           LIMIT ?5"#,
        group,
        viewer,
        admin,
        undo_since,
        RECENT_SHOWN
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RecentEntry {
            id: r.id,
            pupil: r.pupil,
            pupil_id: r.pupil_id,
            kind: EntryKind::from_stored(&r.kind),
            title: r.title,
            points: r.points,
            note: r.note,
            when: for_people(&r.recorded_at),
            by: r.by,
            take_back: if r.undoable {
                Some(TakeBackKind::Undo)
            } else {
                admin.then_some(TakeBackKind::Remove)
            },
        })
        .collect())
}

/// One entry as written: what `record` writes for each pupil ticked, and
/// what the demo school loads.
pub struct NewEntry<'a> {
    pub pupil: PupilId,
    pub group: GroupId,
    pub kind: EntryKind,
    /// The behaviour on the school's list; None for an achievement.
    pub behaviour: Option<BehaviourId>,
    pub title: &'a str,
    pub points: i64,
    pub note: Option<&'a str>,
    pub by: Option<UserId>,
    pub at: &'a str,
}

impl NewEntry<'_> {
    /// What the parents' notification says: "Kindness +1", "Star of the week".
    pub fn notice(&self) -> (NotificationKind, String) {
        match self.kind {
            EntryKind::Behaviour => (
                NotificationKind::Behaviour,
                format!("{} {}", self.title, points_label(self.points)),
            ),
            EntryKind::Achievement => (NotificationKind::Achievement, self.title.to_owned()),
        }
    }
}

pub async fn write_entry(
    conn: &mut SqliteConnection,
    entry: &NewEntry<'_>,
) -> anyhow::Result<EntryId> {
    let kind = entry.kind.stored();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO classroom_entries
             (pupil_id, group_id, kind, behaviour_id, title, points, note, recorded_by, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!: EntryId""#,
        entry.pupil,
        entry.group,
        kind,
        entry.behaviour,
        entry.title,
        entry.points,
        entry.note,
        entry.by,
        entry.at
    )
    .fetch_one(conn)
    .await?)
}

/// Records the form's entry for each of its pupils, all of whom the caller
/// checked are on the group's roll, and notifies each pupil's parents.
/// Answers the parents notified.
pub async fn record(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    form: &EntryForm,
    at: &str,
) -> anyhow::Result<Vec<UserId>> {
    let (kind, behaviour, title, points) = match &form.what {
        Recorded::Behaviour(id) => {
            let chosen = sqlx::query!(
                "SELECT name, points FROM behaviours WHERE id = ? AND retired_at IS NULL",
                id
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "behaviour",
                    "That behaviour is no longer on the school's list. Reload to see the current list.",
                )
            })?;
            (EntryKind::Behaviour, Some(*id), chosen.name, chosen.points)
        }
        Recorded::Achievement(title) => (EntryKind::Achievement, None, title.clone(), 0),
    };
    let mut notified = Vec::new();
    for pupil in &form.pupils {
        let entry = NewEntry {
            pupil: *pupil,
            group: open.id(),
            kind,
            behaviour,
            title: &title,
            points,
            note: form.note.as_deref(),
            by: Some(open.viewer()),
            at,
        };
        let id = write_entry(conn, &entry).await?;
        let (told, what) = entry.notice();
        notified.extend(tell_about_entry(conn, id, told, &what).await?);
    }
    Ok(notified)
}

/// An entry as the rule for taking it back needs it.
pub struct EntryToRemove {
    pub pupil: PupilId,
    pub group: Option<GroupId>,
    pub recorded_by: Option<UserId>,
    pub recorded_at: String,
}

pub async fn entry(
    conn: &mut SqliteConnection,
    id: EntryId,
) -> anyhow::Result<Option<EntryToRemove>> {
    Ok(sqlx::query_as!(
        EntryToRemove,
        r#"SELECT pupil_id AS "pupil!: PupilId", group_id AS "group: GroupId",
                  recorded_by AS "recorded_by: UserId", recorded_at
           FROM classroom_entries WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn remove(conn: &mut SqliteConnection, id: EntryId) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM classroom_entries WHERE id = ?", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A child's points this week and this term, and their latest behaviour
/// entries and achievements.
/// A report's Behaviour section: this term's points, positive and negative
/// side by side as on the child's page, and the achievements by name.
/// None when nothing was recorded this term.
pub async fn report_words(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    periods: &SchoolPeriods,
) -> anyhow::Result<Option<String>> {
    let term = sqlx::query!(
        r#"SELECT COALESCE(SUM(points) FILTER (WHERE points > 0), 0) AS "positive!: i64",
                  COALESCE(-SUM(points) FILTER (WHERE points < 0), 0) AS "negative!: i64",
                  COUNT(*) FILTER (WHERE kind = 'behaviour') AS "entries!: i64"
           FROM classroom_entries WHERE pupil_id = ? AND recorded_at >= ?"#,
        pupil,
        periods.term
    )
    .fetch_one(&mut *conn)
    .await?;
    let achievements = sqlx::query_scalar!(
        r#"SELECT title AS "title!: String" FROM classroom_entries
           WHERE pupil_id = ? AND kind = 'achievement' AND recorded_at >= ?
           GROUP BY title ORDER BY MIN(recorded_at)"#,
        pupil,
        periods.term
    )
    .fetch_all(conn)
    .await?;
    let mut words = Vec::new();
    if term.entries > 0 {
        let points = Points {
            positive: term.positive,
            negative: term.negative,
        };
        words.push(format!("This term: {} points.", points.words()));
    }
    if !achievements.is_empty() {
        words.push(format!("Achievements: {}.", achievements.join(", ")));
    }
    Ok((!words.is_empty()).then(|| words.join(" ")))
}

pub async fn for_child(
    conn: &mut SqliteConnection,
    pupil: ReadablePupil,
    periods: &SchoolPeriods,
) -> anyhow::Result<ChildClassroom> {
    let pupil = pupil.id();
    let totals = sqlx::query!(
        r#"SELECT COALESCE(SUM(points) FILTER (WHERE points > 0 AND recorded_at >= ?2), 0) AS "week_positive!: i64",
                  COALESCE(-SUM(points) FILTER (WHERE points < 0 AND recorded_at >= ?2), 0) AS "week_negative!: i64",
                  COALESCE(SUM(points) FILTER (WHERE points > 0), 0) AS "term_positive!: i64",
                  COALESCE(-SUM(points) FILTER (WHERE points < 0), 0) AS "term_negative!: i64"
           FROM classroom_entries
           WHERE pupil_id = ?1 AND kind = 'behaviour' AND recorded_at >= ?3"#,
        pupil,
        periods.week,
        periods.term
    )
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT kind AS "kind!: String", title AS "title!: String", points AS "points!: i64",
                  note AS "note: String", recorded_at AS "recorded_at!: String", by AS "by!: String"
           FROM (SELECT e.id, e.kind, e.title, e.points, e.note, e.recorded_at,
                        COALESCE(u.first_name || ' ' || u.surname, 'A teacher') AS by,
                        ROW_NUMBER() OVER (PARTITION BY e.kind
                                           ORDER BY e.recorded_at DESC, e.id DESC) AS rank
                 FROM classroom_entries e LEFT JOIN users u ON u.id = e.recorded_by
                 WHERE e.pupil_id = ?1)
           WHERE rank <= ?2
           ORDER BY recorded_at DESC, id DESC"#,
        pupil,
        RECENT_SHOWN
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut classroom = ChildClassroom {
        this_week: Points {
            positive: totals.week_positive,
            negative: totals.week_negative,
        },
        this_term: Points {
            positive: totals.term_positive,
            negative: totals.term_negative,
        },
        ..ChildClassroom::default()
    };
    for row in rows {
        let kind = EntryKind::from_stored(&row.kind);
        let entry = ChildEntry {
            kind,
            title: row.title,
            points: row.points,
            note: row.note,
            day: day_for_people(&row.recorded_at),
            by: row.by,
        };
        match kind {
            EntryKind::Behaviour => classroom.behaviour.push(entry),
            EntryKind::Achievement => classroom.achievements.push(entry),
        }
    }
    Ok(classroom)
}
