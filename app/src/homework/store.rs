use sqlx::SqliteConnection;

use super::model::{
    ChildHomework, ChildTask, GroupHomework, HandIn, HandInList, HomeworkForm, HomeworkSummary,
    PupilHandIn,
};
use crate::{
    auth::{OpenGroup, ReadablePupil},
    classroom::model::GroupChoice,
    ids::{GroupId, HomeworkId, PupilId, UserId},
};

/// How many pieces of homework a group's list and a child's page show.
const SHOWN: i64 = 30;

/// "Friday 11 December".
fn due_words(date: &str) -> String {
    date.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%A %-d %B").to_string())
        .unwrap_or_else(|_| date.to_owned())
}

/// The group's homework (or the one piece asked for), latest due first,
/// with how many of its pupils on the roll have handed each in.
async fn summaries(
    conn: &mut SqliteConnection,
    group: GroupId,
    only: Option<HomeworkId>,
) -> anyhow::Result<Vec<HomeworkSummary>> {
    let rows = sqlx::query!(
        r#"SELECT h.id AS "id!: HomeworkId", h.title, h.description, h.due_on,
                  COALESCE(u.first_name || ' ' || u.surname, 'Someone who has left') AS "set_by!: String",
                  (SELECT COUNT(*) FROM homework_hand_ins i JOIN group_pupils gp
                     ON gp.pupil_id = i.pupil_id AND gp.group_id = h.group_id
                   WHERE i.homework_id = h.id) AS "handed_in!: i64",
                  (SELECT COUNT(*) FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
                   WHERE gp.group_id = h.group_id AND p.active = 1) AS "pupils!: i64"
           FROM homework h LEFT JOIN users u ON u.id = h.set_by
           WHERE h.group_id = ?1 AND (?2 IS NULL OR h.id = ?2)
           ORDER BY h.due_on DESC, h.id DESC LIMIT ?3"#,
        group,
        only,
        SHOWN
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HomeworkSummary {
            id: r.id,
            due: due_words(&r.due_on),
            title: r.title,
            description: r.description,
            set_by: r.set_by,
            handed_in: r.handed_in,
            pupils: r.pupils,
        })
        .collect())
}

/// The Homework page for the group the viewer opened.
pub async fn for_group(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    groups: Vec<GroupChoice>,
) -> anyhow::Result<GroupHomework> {
    Ok(GroupHomework {
        groups,
        group: Some(open.id()),
        homework: summaries(conn, open.id(), None).await?,
    })
}

/// Sets homework for the group and tells its pupils' parents, in the
/// caller's transaction. Answers the homework and the parents told.
pub async fn set(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    form: &HomeworkForm,
    at: &str,
) -> anyhow::Result<(HomeworkId, Vec<UserId>)> {
    let (group, by) = (open.id(), open.viewer());
    let id = sqlx::query_scalar!(
        r#"INSERT INTO homework (group_id, title, description, due_on, set_by, set_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: HomeworkId""#,
        group,
        form.title,
        form.description,
        form.due,
        by,
        at
    )
    .fetch_one(&mut *conn)
    .await?;
    let what = format!("{}, due {}", form.title, due_words(&form.due));
    let told = crate::notifications::store::tell_about_homework(conn, id, &what).await?;
    Ok((id, told))
}

/// The group a piece of homework was set for, to check the viewer's reach.
pub async fn group_of(
    conn: &mut SqliteConnection,
    homework: HomeworkId,
) -> anyhow::Result<Option<GroupId>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT group_id AS "group!: GroupId" FROM homework WHERE id = ?"#,
        homework
    )
    .fetch_optional(conn)
    .await?)
}

/// The homework with each pupil of its group on the roll and where their
/// hand-in stands.
pub async fn hand_in_list(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    homework: HomeworkId,
) -> anyhow::Result<Option<HandInList>> {
    let group = open.id();
    let Some(summary) = summaries(conn, group, Some(homework)).await?.pop() else {
        return Ok(None);
    };
    let group_name = sqlx::query_scalar!("SELECT name FROM groups WHERE id = ?", group)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String",
                  i.status AS "status?: String"
           FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           LEFT JOIN homework_hand_ins i ON i.pupil_id = p.id AND i.homework_id = ?2
           WHERE gp.group_id = ?1 AND p.active = 1
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"#,
        group,
        homework
    )
    .fetch_all(conn)
    .await?;
    Ok(Some(HandInList {
        homework: summary,
        group,
        group_name,
        pupils: rows
            .into_iter()
            .map(|r| PupilHandIn {
                pupil: r.id,
                name: r.name,
                status: r
                    .status
                    .as_deref()
                    .and_then(HandIn::from_stored)
                    .unwrap_or(HandIn::NotHandedIn),
            })
            .collect(),
    }))
}

/// Records each pupil's hand-in, all of them checked to be on the group's
/// roll. Answers how many changed.
pub async fn save_hand_ins(
    conn: &mut SqliteConnection,
    homework: HomeworkId,
    hand_ins: &[(PupilId, HandIn)],
    by: UserId,
    at: &str,
) -> anyhow::Result<u64> {
    let mut changed = 0;
    for (pupil, status) in hand_ins {
        changed += match status {
            HandIn::NotHandedIn => sqlx::query!(
                "DELETE FROM homework_hand_ins WHERE homework_id = ? AND pupil_id = ?",
                homework,
                pupil
            )
            .execute(&mut *conn)
            .await?
            .rows_affected(),
            HandIn::HandedIn | HandIn::Late => {
                let stored = status.stored();
                sqlx::query!(
                    "INSERT INTO homework_hand_ins (homework_id, pupil_id, status, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (homework_id, pupil_id) DO UPDATE
                     SET status = excluded.status, recorded_by = excluded.recorded_by,
                         recorded_at = excluded.recorded_at
                     WHERE status <> excluded.status",
                    homework,
                    pupil,
                    stored,
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

/// A child's homework for their groups as they stand: what is due, what is
/// overdue, what was handed in. `today` is the school's date.
pub async fn for_child(
    conn: &mut SqliteConnection,
    pupil: ReadablePupil,
    today: &str,
) -> anyhow::Result<ChildHomework> {
    let pupil = pupil.id();
    let rows = sqlx::query!(
        r#"SELECT h.title, h.description, h.due_on, g.name AS "group!: String",
                  i.status AS "status?: String"
           FROM homework h
           JOIN group_pupils gp ON gp.group_id = h.group_id AND gp.pupil_id = ?1
           JOIN groups g ON g.id = h.group_id
           LEFT JOIN homework_hand_ins i ON i.homework_id = h.id AND i.pupil_id = ?1
           ORDER BY h.due_on DESC, h.id DESC LIMIT ?2"#,
        pupil,
        SHOWN
    )
    .fetch_all(conn)
    .await?;
    let mut child = ChildHomework::default();
    for r in rows {
        let status = r
            .status
            .as_deref()
            .and_then(HandIn::from_stored)
            .unwrap_or(HandIn::NotHandedIn);
        let overdue = r.due_on.as_str() < today;
        let task = ChildTask {
            title: r.title,
            description: r.description,
            group: r.group,
            due: due_words(&r.due_on),
            status,
        };
        match status {
            HandIn::NotHandedIn if overdue => child.overdue.push(task),
            HandIn::NotHandedIn => child.due.push(task),
            HandIn::HandedIn | HandIn::Late => child.handed_in.push(task),
        }
    }
    // What is still to do reads soonest first.
    child.due.reverse();
    Ok(child)
}
