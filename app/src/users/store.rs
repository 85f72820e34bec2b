use sqlx::SqliteConnection;

use super::model::{GroupChoice, StaffMember, StaffStatus};
use crate::{
    auth::{self, model::Role, store::AccountDetails, AdminRights},
    groups,
    ids::{GroupId, UserId},
    ssr::clock::for_people,
};

struct StaffRow {
    id: UserId,
    first_name: String,
    surname: String,
    email: Option<String>,
    role: String,
    is_slt: bool,
    active: bool,
    has_password: bool,
    last_sign_in_at: Option<String>,
}

impl From<StaffRow> for StaffMember {
    fn from(row: StaffRow) -> Self {
        StaffMember {
            id: row.id,
            first_name: row.first_name,
            surname: row.surname,
            email: row.email.unwrap_or_default(),
            role: Role::parse(&row.role).unwrap_or(Role::Teacher),
            slt: row.is_slt,
            status: StaffStatus::from_row(row.active, row.has_password),
            last_sign_in: row.last_sign_in_at.as_deref().map(for_people),
        }
    }
}

/// Staff whose name or email contains `search` (all staff when it's empty),
/// by surname.
pub async fn staff(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    search: &str,
) -> anyhow::Result<Vec<StaffMember>> {
    let pattern = crate::ssr::contains(search);
    let rows = sqlx::query_as!(
        StaffRow,
        r#"SELECT id AS "id!: UserId", first_name, surname, email, role,
                  is_slt AS "is_slt: bool", active AS "active: bool",
                  password_hash IS NOT NULL AS "has_password!: bool", last_sign_in_at
           FROM users
           WHERE role <> 'parent'
             AND (first_name || ' ' || surname LIKE ?1 ESCAPE '\' OR email LIKE ?1 ESCAPE '\')
           ORDER BY surname COLLATE NOCASE, first_name COLLATE NOCASE"#,
        pattern
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(StaffMember::from).collect())
}

/// One staff account, or None if there's no staff account with that id.
pub async fn staff_member(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
) -> anyhow::Result<Option<StaffMember>> {
    let row = sqlx::query_as!(
        StaffRow,
        r#"SELECT id AS "id!: UserId", first_name, surname, email, role,
                  is_slt AS "is_slt: bool", active AS "active: bool",
                  password_hash IS NOT NULL AS "has_password!: bool", last_sign_in_at
           FROM users WHERE id = ? AND role <> 'parent'"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(StaffMember::from))
}

/// The groups a staff member teaches, and the school's other groups.
pub async fn groups_of(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
) -> anyhow::Result<(Vec<GroupChoice>, Vec<GroupChoice>)> {
    let rows = sqlx::query!(
        r#"SELECT g.id AS "id!: GroupId", g.name,
                  EXISTS (SELECT 1 FROM group_teachers gt
                          WHERE gt.group_id = g.id AND gt.user_id = ?) AS "assigned!: bool"
           FROM groups g ORDER BY g.year_group, g.name"#,
        id
    )
    .fetch_all(conn)
    .await?;
    let mut assigned = Vec::new();
    let mut others = Vec::new();
    for row in rows {
        let choice = GroupChoice {
            id: row.id,
            name: row.name,
        };
        if row.assigned {
            assigned.push(choice);
        } else {
            others.push(choice);
        }
    }
    Ok((assigned, others))
}

pub struct NewStaff<'a> {
    pub first_name: &'a str,
    pub surname: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub slt: bool,
}

impl NewStaff<'_> {
    fn account(&self) -> AccountDetails<'_> {
        AccountDetails {
            role: self.role,
            slt: self.slt,
            first_name: self.first_name,
            surname: self.surname,
            email: Some(self.email),
        }
    }
}

/// A staff account with no password: it can't sign in until the invitation
/// is accepted.
pub async fn create_staff(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    staff: NewStaff<'_>,
    at: &str,
) -> anyhow::Result<UserId> {
    auth::store::create_account(conn, &staff.account(), true, None, at).await
}

pub async fn update_details(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
    staff: &NewStaff<'_>,
) -> anyhow::Result<()> {
    auth::store::update_account(conn, id, &staff.account()).await
}

pub async fn set_active(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
    active: bool,
) -> anyhow::Result<()> {
    auth::store::set_active(conn, id, false, active).await
}

/// Assigns or unassigns a group; answers whether anything changed.
pub async fn set_group(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
    group: GroupId,
    assigned: bool,
) -> anyhow::Result<bool> {
    groups::store::set_teacher(conn, group, id, assigned).await
}
