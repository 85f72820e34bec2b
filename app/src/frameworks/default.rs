//! The framework Markwell ships with: the default scale, and Reading, Writing
//! and Maths criteria for Years 1 to 6 from `default_framework.csv`, the data
//! file a school can read and we can review like any other.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::SqliteConnection;

const DEFAULT_FRAMEWORK: &str = include_str!("default_framework.csv");

/// The default scale: key, label, colour, secured.
const DEFAULT_SCALE: [(&str, &str, &str, bool); 3] = [
    ("1", "Working towards", "amber", false),
    ("2", "Expected", "green", true),
    ("3", "Greater depth", "blue", true),
];

#[derive(Debug, Deserialize)]
struct Row {
    subject: String,
    year: i64,
    strand: String,
    statement: String,
}

fn default_rows() -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for row in csv::Reader::from_reader(DEFAULT_FRAMEWORK.as_bytes()).deserialize() {
        rows.push(row?);
    }
    Ok(rows)
}

/// Gives a school without a framework the default one: a new database, or
/// one made before the markbook existed. A school that has any subject or
/// scale level keeps what it has.
pub async fn install_default(conn: &mut SqliteConnection, at: &str) -> anyhow::Result<bool> {
    let existing = sqlx::query_scalar!(
        r#"SELECT (SELECT COUNT(*) FROM subjects) + (SELECT COUNT(*) FROM scale_levels) AS "n!: i64""#
    )
    .fetch_one(&mut *conn)
    .await?;
    if existing > 0 {
        return Ok(false);
    }
    for (position, (key, label, colour, secured)) in (1_i64..).zip(DEFAULT_SCALE) {
        sqlx::query!(
            "INSERT INTO scale_levels (key, label, colour, secured, position) VALUES (?, ?, ?, ?, ?)",
            key,
            label,
            colour,
            secured,
            position
        )
        .execute(&mut *conn)
        .await?;
    }
    let mut subjects: HashMap<String, i64> = HashMap::new();
    let mut positions: HashMap<(i64, i64), i64> = HashMap::new();
    for row in default_rows()? {
        let next = subjects.len() as i64 + 1;
        let subject = match subjects.get(&row.subject) {
            Some(id) => *id,
            None => {
                let id = sqlx::query_scalar!(
                    r#"INSERT INTO subjects (name, position) VALUES (?, ?) RETURNING id AS "id!: i64""#,
                    row.subject,
                    next
                )
                .fetch_one(&mut *conn)
                .await?;
                subjects.insert(row.subject.clone(), id);
                id
            }
        };
        let position = positions.entry((subject, row.year)).or_insert(0);
        *position += 1;
        sqlx::query!(
            "INSERT INTO criteria (subject_id, year_group, strand, statement, position, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            subject,
            row.year,
            row.strand,
            row.statement,
            *position,
            at
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_framework_reads_and_covers_years_one_to_six() {
        let rows = default_rows().expect("the CSV parses");
        for subject in ["Reading", "Writing", "Maths"] {
            for year in 1..=6 {
                let n = rows
                    .iter()
                    .filter(|r| r.subject == subject && r.year == year)
                    .count();
                assert!(n >= 6, "{subject} year {year} has {n} criteria");
            }
        }
        assert!(rows
            .iter()
            .all(|r| !r.strand.is_empty() && !r.statement.is_empty() && r.statement.len() <= 100));
    }
}
