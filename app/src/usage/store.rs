//! Reading a month of usage. The page and the Excel file both come from
//! [`report`], so the two always agree.

use sqlx::SqliteConnection;

use super::model::{
    role_label, Audience, UsageChoices, UsageCounts, UsageMonth, UsageReport, UsageRow, UsageTotals,
};
use crate::{auth::LeadershipRights, ids::UserId, ssr::clock};

/// Every active person in `audience` with their use of Markwell in `month`,
/// and the totals.
pub async fn report(
    conn: &mut SqliteConnection,
    _rights: &LeadershipRights,
    month: UsageMonth,
    audience: Audience,
) -> anyhow::Result<UsageReport> {
    let (from, to) = (month.first_day(), month.next().first_day());
    let audience_key = audience.as_str();
    let people = sqlx::query!(
        r#"SELECT u.id AS "id!: UserId", u.first_name, u.surname, u.role, u.is_slt AS "slt!: bool",
             COALESCE(SUM(CASE WHEN d.kind = 'sign-in' THEN d.count END), 0) AS "sign_ins!: i64",
             MAX(CASE WHEN d.kind = 'sign-in' THEN d.last_at END) AS "last_sign_in_at?: String",
             COUNT(DISTINCT d.day) AS "days_active!: i64",
             COALESCE(SUM(CASE WHEN d.kind = 'assessment' THEN d.count END), 0) AS "assessments!: i64",
             COALESCE(SUM(CASE WHEN d.kind = 'comment' THEN d.count END), 0) AS "comments!: i64",
             COUNT(DISTINCT CASE WHEN d.client = 'browser' THEN d.day END) AS "browser!: i64",
             COUNT(DISTINCT CASE WHEN d.client = 'app' THEN d.day END) AS "app!: i64"
           FROM users u
           LEFT JOIN usage_days d ON d.user_id = u.id AND d.day >= ?1 AND d.day < ?2
           WHERE u.active = 1
             AND (?3 = 'everyone' OR (?3 = 'staff') = (u.role <> 'parent'))
           GROUP BY u.id
           ORDER BY u.surname COLLATE NOCASE, u.first_name COLLATE NOCASE, u.id"#,
        from,
        to,
        audience_key
    )
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<UsageRow> = people
        .into_iter()
        .map(|p| UsageRow {
            id: p.id,
            role: role_label(&p.role, p.slt).to_owned(),
            first_name: p.first_name,
            surname: p.surname,
            counts: UsageCounts {
                sign_ins: p.sign_ins,
                last_sign_in: p.last_sign_in_at.as_deref().map(clock::for_people),
                last_sign_in_at: p.last_sign_in_at,
                days_active: p.days_active,
                assessments: p.assessments,
                comments: p.comments,
                browser: p.browser,
                app: p.app,
            },
        })
        .collect();

    let anyone = sqlx::query!(
        r#"SELECT COUNT(DISTINCT d.day) AS "days!: i64",
             COUNT(DISTINCT CASE WHEN d.client = 'browser' THEN d.day END) AS "browser!: i64",
             COUNT(DISTINCT CASE WHEN d.client = 'app' THEN d.day END) AS "app!: i64"
           FROM usage_days d JOIN users u ON u.id = d.user_id
           WHERE d.day >= ?1 AND d.day < ?2 AND u.active = 1
             AND (?3 = 'everyone' OR (?3 = 'staff') = (u.role <> 'parent'))"#,
        from,
        to,
        audience_key
    )
    .fetch_one(&mut *conn)
    .await?;
    let counts = rows.iter().map(|r| &r.counts);
    let last_sign_in_at = counts
        .clone()
        .filter_map(|c| c.last_sign_in_at.clone())
        .max();
    let totals = UsageTotals {
        people: rows.len() as i64,
        counts: UsageCounts {
            sign_ins: counts.clone().map(|c| c.sign_ins).sum(),
            last_sign_in: last_sign_in_at.as_deref().map(clock::for_people),
            last_sign_in_at,
            days_active: anyone.days,
            assessments: counts.clone().map(|c| c.assessments).sum(),
            comments: counts.clone().map(|c| c.comments).sum(),
            browser: anyone.browser,
            app: anyone.app,
        },
    };

    let school = crate::ssr::school_name(&mut *conn).await?;
    Ok(UsageReport {
        school,
        month,
        audience,
        rows,
        totals,
    })
}

/// The years the Year drop-down offers: from the first year anything was
/// recorded to this year.
pub async fn choices(
    conn: &mut SqliteConnection,
    _rights: &LeadershipRights,
    this_month: UsageMonth,
) -> anyhow::Result<UsageChoices> {
    let first_day = sqlx::query_scalar!(r#"SELECT MIN(day) AS "day?: String" FROM usage_days"#)
        .fetch_one(conn)
        .await?;
    let first_year = first_day
        .and_then(|day| day.get(..4).and_then(|y| y.parse::<i32>().ok()))
        .unwrap_or(this_month.year)
        .min(this_month.year);
    Ok(UsageChoices {
        this_month,
        years: (first_year..=this_month.year).collect(),
    })
}

/// The month a stored timestamp falls in on the school's clock.
pub fn month_of(stored: &str) -> anyhow::Result<UsageMonth> {
    clock::at_school(stored)
        .and_then(|at| UsageMonth::new(i32::from(at.year()), at.month() as u8))
        .ok_or_else(|| anyhow::anyhow!("no month for {stored}"))
}
