//! Ext. data in the database: uploaded files waiting to be imported,
//! assessments, imports and their results. Pupils are read through the
//! one reach rule (`pupil_reach`), so an import only ever finds pupils the
//! importer may see. An assessment is there while one of its imports is in
//! place: undoing the import that made it (and any since) takes it out of
//! every list, as if it had never been imported.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::{
    model::{
        taken_words, targets_words, AssessmentRow, ExternalCell, ImportRow, Imported, PupilResult,
    },
    plan::{labels, Marking, NewAssessment, Pupil, Value, Writing},
};
use crate::{
    auth::{ReadablePupil, StaffRights},
    ids::PupilId,
    school::model::uk_date,
    ssr::{
        audit::Audit,
        clock::{for_people, stamp},
        Write,
    },
};

/// Keeps an uploaded file for its uploader, for a day.
pub async fn keep_file(
    write: &mut Write,
    staff: &StaffRights,
    file_name: &str,
    bytes: &[u8],
) -> anyhow::Result<i64> {
    let (viewer, at) = (staff.viewer(), write.at.clone());
    let id = sqlx::query_scalar!(
        "INSERT INTO result_files (uploaded_by, uploaded_at, file_name, bytes)
         VALUES (?, ?, ?, ?) RETURNING id AS \"id!\"",
        viewer,
        at,
        file_name,
        bytes
    )
    .fetch_one(&mut **write)
    .await?;
    Ok(id)
}

/// A kept file, only for the person who uploaded it, and only for a day
/// (housekeeping deletes it after).
pub async fn kept_file(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    file: i64,
    now: time::OffsetDateTime,
) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let viewer = staff.viewer();
    let day_ago = stamp(now - time::Duration::days(1));
    let row = sqlx::query!(
        "SELECT file_name, bytes FROM result_files
         WHERE id = ? AND uploaded_by = ? AND uploaded_at >= ?",
        file,
        viewer,
        day_ago
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.file_name, r.bytes)))
}

/// The assessments, newest first, with how many results each holds for
/// pupils the viewer reaches.
pub async fn assessments(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
) -> anyhow::Result<Vec<AssessmentRow>> {
    let viewer = staff.viewer();
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id!", a.name, a.taken_on, a.lowest, a.highest, a.pass_mark, a.pass_words,
                  a.grades,
                  (SELECT COUNT(*) FROM external_results r
                   JOIN pupil_reach pr ON pr.pupil_id = r.pupil_id AND pr.viewer_id = ?1
                   WHERE r.assessment_id = a.id) AS "results!: i64"
           FROM assessments a
           WHERE EXISTS (SELECT 1 FROM result_imports i
                         WHERE i.assessment_id = a.id AND i.undone_at IS NULL)
           ORDER BY a.taken_on DESC, a.name"#,
        viewer
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let marking = marking(r.lowest, r.highest, r.pass_mark, r.pass_words, r.grades);
            AssessmentRow {
                id: r.id,
                name: r.name,
                taken_on: uk_date(&r.taken_on),
                marking: marking.words(),
                results: r.results,
            }
        })
        .collect())
}

fn marking(
    lowest: Option<i64>,
    highest: Option<i64>,
    pass_mark: Option<i64>,
    pass_words: Option<String>,
    grades: Option<String>,
) -> Marking {
    match (lowest, highest) {
        (Some(lowest), Some(highest)) => Marking::Scores {
            lowest,
            highest,
            pass: pass_mark.map(|mark| (mark, pass_words.unwrap_or_default())),
        },
        _ => Marking::Grades(
            grades
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect(),
        ),
    }
}

/// An assessment's name and day in words ("Phonics Screening Check, taken
/// 09/06/2026") and how it is marked.
pub async fn assessment(
    conn: &mut SqliteConnection,
    id: i64,
) -> anyhow::Result<Option<(String, Marking)>> {
    let row = sqlx::query!(
        "SELECT name, taken_on, lowest, highest, pass_mark, pass_words, grades
         FROM assessments a
         WHERE id = ? AND EXISTS (SELECT 1 FROM result_imports i
                                  WHERE i.assessment_id = a.id AND i.undone_at IS NULL)",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            taken_words(&r.name, &r.taken_on),
            marking(r.lowest, r.highest, r.pass_mark, r.pass_words, r.grades),
        )
    }))
}

/// Spreadsheets uploaded more than a day ago and never imported: they hold
/// children's names, so they go (housekeeping, hourly).
pub async fn forget_old_files(conn: &mut SqliteConnection, day_ago: &str) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM result_files WHERE uploaded_at < ?", day_ago)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether an assessment of this name was taken that day already.
pub async fn already_defined(
    conn: &mut SqliteConnection,
    new: &NewAssessment,
) -> anyhow::Result<bool> {
    let found = sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM assessments a
           WHERE name = ? COLLATE NOCASE AND taken_on = ?
             AND EXISTS (SELECT 1 FROM result_imports i
                         WHERE i.assessment_id = a.id AND i.undone_at IS NULL)"#,
        new.name,
        new.taken_on
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The active pupils an import may name: those the viewer reaches, or
/// for `targets` those whose targets the viewer may set (`pupil_write_reach`).
pub async fn pupils_in_reach(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    targets: bool,
) -> anyhow::Result<Vec<Pupil>> {
    let viewer = staff.viewer();
    Ok(sqlx::query_as!(
        Pupil,
        r#"SELECT p.id AS "id!: PupilId", p.upn, p.first_name, p.surname,
                  p.date_of_birth AS birth
           FROM pupils p
           WHERE p.active = 1
             AND p.id IN (SELECT pupil_id FROM pupil_reach WHERE viewer_id = ?1 AND NOT ?2
                          UNION ALL
                          SELECT pupil_id FROM pupil_write_reach WHERE viewer_id = ?1 AND ?2)"#,
        viewer,
        targets
    )
    .fetch_all(conn)
    .await?)
}

/// The results an assessment holds.
pub async fn results_of(
    conn: &mut SqliteConnection,
    assessment: i64,
) -> anyhow::Result<HashMap<PupilId, Value>> {
    let rows = sqlx::query!(
        "SELECT pupil_id, score, grade FROM external_results WHERE assessment_id = ?",
        assessment
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (PupilId(r.pupil_id), Value::from_stored(r.score, r.grade)))
        .collect())
}

/// A new assessment, as the import form defined it. One of the same name
/// and day whose imports were all undone is taken up again, marked anew.
pub async fn create_assessment(write: &mut Write, new: &NewAssessment) -> anyhow::Result<i64> {
    let (lowest, highest, pass, grades) = match &new.marking {
        Marking::Scores {
            lowest,
            highest,
            pass,
        } => (Some(*lowest), Some(*highest), pass.clone(), None),
        Marking::Grades(grades) => (None, None, None, Some(grades.join("\n"))),
        // The form never defines one on the scale; were it, its levels'
        // labels would be its grades.
        Marking::Scale(levels) => (None, None, None, Some(labels(levels).join("\n"))),
    };
    let (pass_mark, pass_words) = pass.unzip();
    let (by, at) = (write.actor(), write.at.clone());
    let id = sqlx::query_scalar!(
        "INSERT INTO assessments (name, taken_on, lowest, highest, pass_mark, pass_words, grades,
                                  created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (name COLLATE NOCASE, taken_on) DO UPDATE
         SET lowest = ?3, highest = ?4, pass_mark = ?5, pass_words = ?6, grades = ?7,
             created_by = ?8, created_at = ?9
         RETURNING id AS \"id!\"",
        new.name,
        new.taken_on,
        lowest,
        highest,
        pass_mark,
        pass_words,
        grades,
        by,
        at
    )
    .fetch_one(&mut **write)
    .await?;
    Ok(id)
}

/// Writes an import's results, remembering what each replaced, and lets
/// the kept file go.
pub async fn import(
    write: &mut Write,
    assessment: i64,
    file: i64,
    file_name: &str,
    writes: &[Writing],
    skipped: usize,
) -> anyhow::Result<Imported> {
    let replaced = writes.iter().filter(|w| w.replaces.is_some()).count() as i64;
    let added = writes.len() as i64 - replaced;
    let skipped = skipped as i64;
    let (by, at) = (write.actor(), write.at.clone());
    let import = sqlx::query_scalar!(
        "INSERT INTO result_imports (assessment_id, file_name, imported_by, imported_at, added,
                                     replaced, skipped)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS \"id!\"",
        assessment,
        file_name,
        by,
        at,
        added,
        replaced,
        skipped
    )
    .fetch_one(&mut **write)
    .await?;
    for writing in writes {
        let (score, grade) = writing.value.stored();
        if writing.replaces.is_some() {
            // Kept as it is now, with the import that wrote it.
            sqlx::query!(
                "INSERT INTO replaced_results (import_id, pupil_id, score, grade, from_import)
                 SELECT ?1, pupil_id, score, grade, import_id FROM external_results
                 WHERE assessment_id = ?2 AND pupil_id = ?3",
                import,
                assessment,
                writing.pupil
            )
            .execute(&mut **write)
            .await?;
        }
        sqlx::query!(
            "INSERT INTO external_results (assessment_id, pupil_id, score, grade, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (assessment_id, pupil_id)
             DO UPDATE SET score = ?3, grade = ?4, import_id = ?5",
            assessment,
            writing.pupil,
            score,
            grade,
            import
        )
        .execute(&mut **write)
        .await?;
    }
    sqlx::query!("DELETE FROM result_files WHERE id = ?", file)
        .execute(&mut **write)
        .await?;
    write.audit(Audit::ResultsImported { import }).await?;
    Ok(Imported {
        import,
        added,
        replaced,
        skipped,
    })
}

/// The imports the viewer sees, of results and of targets (SLT and admins
/// every one, other teachers their own), newest first (results before
/// targets made the same second).
pub async fn imports(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    everyone: bool,
) -> anyhow::Result<Vec<ImportRow>> {
    let viewer = staff.viewer();
    let rows = sqlx::query_as!(
        Listed,
        r#"SELECT id AS "id!", name AS "name!: String", taken_on AS "taken_on?: String",
                  file_name AS "file_name!: String", imported_by AS "imported_by?: i64",
                  by AS "by!: String", imported_at AS "imported_at!: String",
                  added AS "added!: i64", replaced AS "replaced!: i64", skipped AS "skipped!: i64",
                  undone_at AS "undone_at?: String", undone_by AS "undone_by!: String",
                  later AS "later!: bool"
           FROM (SELECT i.id, a.name, a.taken_on, i.file_name, i.imported_by,
                        COALESCE(u.first_name || ' ' || u.surname, 'Someone who has left') AS by,
                        i.imported_at, i.added, i.replaced, i.skipped, i.undone_at,
                        COALESCE(un.first_name || ' ' || un.surname, 'Someone who has left') AS undone_by,
                        EXISTS (SELECT 1 FROM replaced_results r
                                JOIN result_imports later ON later.id = r.import_id
                                WHERE r.from_import = i.id AND later.undone_at IS NULL) AS later
                 FROM result_imports i
                 JOIN assessments a ON a.id = i.assessment_id
                 LEFT JOIN users u ON u.id = i.imported_by
                 LEFT JOIN users un ON un.id = i.undone_by
                 WHERE ?1 OR i.imported_by = ?2
                 UNION ALL
                 SELECT i.id, s.name, NULL, i.file_name, i.imported_by,
                        COALESCE(u.first_name || ' ' || u.surname, 'Someone who has left'),
                        i.imported_at, i.added, i.replaced, i.skipped, i.undone_at,
                        COALESCE(un.first_name || ' ' || un.surname, 'Someone who has left'),
                        EXISTS (SELECT 1 FROM replaced_targets r
                                JOIN target_imports later ON later.id = r.import_id
                                WHERE r.from_import = i.id AND later.undone_at IS NULL)
                 FROM target_imports i
                 JOIN subjects s ON s.id = i.subject_id
                 LEFT JOIN users u ON u.id = i.imported_by
                 LEFT JOIN users un ON un.id = i.undone_by
                 WHERE ?1 OR i.imported_by = ?2)
           ORDER BY imported_at DESC, taken_on IS NULL, id DESC LIMIT 50"#,
        everyone,
        viewer
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|listed| listed.row(staff)).collect())
}

/// An import as listed, of results or of targets.
struct Listed {
    id: i64,
    /// The assessment's name, or the subject's for targets.
    name: String,
    /// The day the assessment was taken; None for targets.
    taken_on: Option<String>,
    file_name: String,
    imported_by: Option<i64>,
    by: String,
    /// As stored.
    imported_at: String,
    added: i64,
    replaced: i64,
    skipped: i64,
    undone_at: Option<String>,
    undone_by: String,
    /// A later import still in place replaced some of what it wrote.
    later: bool,
}

impl Listed {
    /// As the page lists it, with whether this viewer may undo it now
    /// (their own, or any for an admin; nothing later in the way).
    fn row(self, staff: &StaffRights) -> ImportRow {
        ImportRow {
            id: self.id,
            assessment: match &self.taken_on {
                Some(day) => taken_words(&self.name, day),
                None => targets_words(&self.name),
            },
            targets: self.taken_on.is_none(),
            file_name: self.file_name,
            by: self.by,
            at: for_people(&self.imported_at),
            added: self.added,
            replaced: self.replaced,
            skipped: self.skipped,
            can_undo: self.undone_at.is_none()
                && !self.later
                && (staff.is_admin() || self.imported_by == Some(staff.viewer().0)),
            undone: self
                .undone_at
                .map(|at| format!("Undone by {} on {}", self.undone_by, for_people(&at))),
        }
    }
}

/// Why an import can't be undone, if it can't.
pub enum NotUndone {
    /// Not found, already undone, or not the viewer's to undo.
    OutOfReach,
    /// A later import still in place replaced some of what it wrote.
    LaterImport,
}

/// Undoes an import: its results removed, the ones it replaced put back.
pub async fn undo(
    write: &mut Write,
    staff: &StaffRights,
    import: i64,
) -> anyhow::Result<Result<(), NotUndone>> {
    let viewer = staff.viewer();
    let admin = staff.is_admin();
    // A teacher undoes only their own import, and only while they still
    // reach every pupil it wrote or put back.
    let found = sqlx::query!(
        r#"SELECT assessment_id,
                  EXISTS (SELECT 1 FROM replaced_results r
                          JOIN result_imports later ON later.id = r.import_id
                          WHERE r.from_import = i.id AND later.undone_at IS NULL) AS "later!: bool"
           FROM result_imports i
           WHERE i.id = ?1 AND i.undone_at IS NULL
             AND (?2 OR (i.imported_by = ?3
                  AND NOT EXISTS (
                      SELECT pupil_id FROM external_results WHERE import_id = i.id
                      UNION SELECT pupil_id FROM replaced_results WHERE import_id = i.id
                      EXCEPT SELECT pupil_id FROM pupil_reach WHERE viewer_id = ?3)))"#,
        import,
        admin,
        viewer
    )
    .fetch_optional(&mut **write)
    .await?;
    let Some(found) = found else {
        return Ok(Err(NotUndone::OutOfReach));
    };
    if found.later {
        return Ok(Err(NotUndone::LaterImport));
    }
    sqlx::query!("DELETE FROM external_results WHERE import_id = ?", import)
        .execute(&mut **write)
        .await?;
    sqlx::query!(
        "INSERT INTO external_results (assessment_id, pupil_id, score, grade, import_id)
         SELECT ?1, pupil_id, score, grade, from_import FROM replaced_results WHERE import_id = ?2",
        found.assessment_id,
        import
    )
    .execute(&mut **write)
    .await?;
    let at = write.at.clone();
    sqlx::query!(
        "UPDATE result_imports SET undone_at = ?, undone_by = ? WHERE id = ?",
        at,
        viewer,
        import
    )
    .execute(&mut **write)
    .await?;
    write.audit(Audit::ImportUndone { import }).await?;
    Ok(Ok(()))
}

/// The assessments, newest first, as Progress offers them for a column.
pub async fn choices(conn: &mut SqliteConnection) -> anyhow::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", name, taken_on FROM assessments a
           WHERE EXISTS (SELECT 1 FROM result_imports i
                         WHERE i.assessment_id = a.id AND i.undone_at IS NULL)
           ORDER BY taken_on DESC, name"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, taken_words(&r.name, &r.taken_on)))
        .collect())
}

/// An assessment's results for these pupils (Progress's rows, already
/// in the viewer's reach), as Progress shows them.
pub async fn results_for(
    conn: &mut SqliteConnection,
    assessment: i64,
    pupils: &[PupilId],
) -> anyhow::Result<HashMap<PupilId, ExternalCell>> {
    let Some((_, marking)) = self::assessment(conn, assessment).await? else {
        return Ok(HashMap::new());
    };
    let results = results_of(conn, assessment).await?;
    Ok(pupils
        .iter()
        .filter_map(|pupil| {
            let value = results.get(pupil)?;
            let figure = match (value, &marking) {
                (Value::Score(score), _) => *score,
                (Value::Grade(grade), Marking::Grades(grades)) => {
                    grades.iter().position(|g| g == grade).unwrap_or(0) as i64
                }
                (Value::Grade(_), _) => 0,
            };
            let words = marking.result_words(value);
            Some((*pupil, ExternalCell { words, figure }))
        })
        .collect())
}

/// A pupil's external results, newest first.
pub async fn pupil_results(
    conn: &mut SqliteConnection,
    pupil: &ReadablePupil,
) -> anyhow::Result<Vec<PupilResult>> {
    results_of_pupil(conn, pupil.id()).await
}

/// A report's External results section, a line a result: "Phonics
/// Screening Check (08/06/2026): 36 (Working at the expected standard)".
/// For the reports module, once it has checked the report itself.
pub async fn report_lines(
    conn: &mut SqliteConnection,
    pupil: PupilId,
) -> anyhow::Result<Vec<String>> {
    Ok(results_of_pupil(conn, pupil)
        .await?
        .into_iter()
        .map(|r| format!("{} ({}): {}", r.assessment, r.taken_on, r.result))
        .collect())
}

async fn results_of_pupil(
    conn: &mut SqliteConnection,
    pupil: PupilId,
) -> anyhow::Result<Vec<PupilResult>> {
    let rows = sqlx::query!(
        "SELECT a.name, a.taken_on, a.lowest, a.highest, a.pass_mark, a.pass_words, a.grades,
                r.score, r.grade
         FROM external_results r JOIN assessments a ON a.id = r.assessment_id
         WHERE r.pupil_id = ? ORDER BY a.taken_on DESC, a.name",
        pupil
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let marking = marking(r.lowest, r.highest, r.pass_mark, r.pass_words, r.grades);
            PupilResult {
                assessment: r.name,
                taken_on: uk_date(&r.taken_on),
                result: marking.result_words(&Value::from_stored(r.score, r.grade)),
                marking: marking.words(),
            }
        })
        .collect())
}
