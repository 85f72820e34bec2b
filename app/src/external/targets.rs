//! Targets imported on Ext. data: one subject's targets set from a file,
//! in one change that can be undone, through the same upload, mapping and
//! preview as results. Targets are Progress's (`pupil_targets`); an import
//! sets them only for the pupils whose targets the importer may set by
//! hand on Progress: an admin every pupil, a teacher the pupils of the
//! groups they teach (the `pupil_write_reach` view, the rule
//! `OpenGroup::to_write` keeps for one group).

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::{
    model::{targets_words, Imported},
    plan::{Marking, Value, Writing},
    store::NotUndone,
};
use crate::{
    auth::StaffRights,
    error::AppError,
    ids::{PupilId, SubjectId},
    ssr::{audit::Audit, Write},
};

/// The subjects whose targets may be imported, in the markbook's order.
pub async fn subjects(conn: &mut SqliteConnection) -> anyhow::Result<Vec<(SubjectId, String)>> {
    Ok(crate::markbook::store::subjects(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// "Targets in Maths", and how a file may write a target (the school's
/// scale); None when there is no such subject.
pub async fn chosen(
    conn: &mut SqliteConnection,
    subject: SubjectId,
) -> anyhow::Result<Option<(String, Marking)>> {
    let name = sqlx::query_scalar!("SELECT name FROM subjects WHERE id = ?", subject)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(name) = name else {
        return Ok(None);
    };
    let levels = crate::markbook::store::scale(conn)
        .await?
        .into_iter()
        .map(|level| (level.key, level.label))
        .collect();
    Ok(Some((targets_words(&name), Marking::Scale(levels))))
}

/// The subject's targets, each as its level's label.
pub async fn targets_of(
    conn: &mut SqliteConnection,
    subject: SubjectId,
) -> anyhow::Result<HashMap<PupilId, Value>> {
    let rows = sqlx::query!(
        r#"SELECT t.pupil_id AS "pupil!: PupilId", l.label
           FROM pupil_targets t JOIN scale_levels l ON l.id = t.level_id
           WHERE t.subject_id = ?"#,
        subject
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.pupil, Value::Grade(r.label)))
        .collect())
}

/// Writes an import's targets, keeping each it replaced as it was, and
/// lets the kept file go.
pub async fn import(
    write: &mut Write,
    subject: SubjectId,
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
        "INSERT INTO target_imports (subject_id, file_name, imported_by, imported_at, added,
                                     replaced, skipped)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS \"id!\"",
        subject,
        file_name,
        by,
        at,
        added,
        replaced,
        skipped
    )
    .fetch_one(&mut **write)
    .await?;
    let levels: HashMap<String, i64> = crate::markbook::store::scale(write)
        .await?
        .into_iter()
        .map(|level| (level.label, level.id.0))
        .collect();
    for writing in writes {
        // The plan only gives levels of the scale it was checked against,
        // read in this same change.
        let Some(level) = levels.get(&writing.value.words()) else {
            return Err(AppError::invalid(
                "preview",
                "The school's scale changed since the preview: press Preview again.",
            )
            .into());
        };
        if writing.replaces.is_some() {
            sqlx::query!(
                "INSERT INTO replaced_targets (import_id, pupil_id, level_id, set_by, set_at,
                                               from_import)
                 SELECT ?1, pupil_id, level_id, set_by, set_at, import_id FROM pupil_targets
                 WHERE pupil_id = ?2 AND subject_id = ?3",
                import,
                writing.pupil,
                subject
            )
            .execute(&mut **write)
            .await?;
        }
        sqlx::query!(
            "INSERT INTO pupil_targets (pupil_id, subject_id, level_id, set_by, set_at, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (pupil_id, subject_id) DO UPDATE
             SET level_id = ?3, set_by = ?4, set_at = ?5, import_id = ?6",
            writing.pupil,
            subject,
            level,
            by,
            at,
            import
        )
        .execute(&mut **write)
        .await?;
    }
    sqlx::query!("DELETE FROM result_files WHERE id = ?", file)
        .execute(&mut **write)
        .await?;
    write.audit(Audit::TargetsImported { import }).await?;
    Ok(Imported {
        import,
        added,
        replaced,
        skipped,
    })
}

/// Undoes an import of targets: each pupil who still has the target it
/// set gets back what it replaced (or none). A target changed by hand
/// since is the teacher's, and stays.
pub async fn undo(
    write: &mut Write,
    staff: &StaffRights,
    import: i64,
) -> anyhow::Result<Result<(), NotUndone>> {
    let (viewer, admin) = (staff.viewer(), staff.is_admin());
    // A teacher undoes only their own import, and only while they may
    // still set the targets of every pupil still holding what it wrote.
    let found = sqlx::query!(
        r#"SELECT subject_id,
                  EXISTS (SELECT 1 FROM replaced_targets r
                          JOIN target_imports later ON later.id = r.import_id
                          WHERE r.from_import = i.id AND later.undone_at IS NULL) AS "later!: bool"
           FROM target_imports i
           WHERE i.id = ?1 AND i.undone_at IS NULL
             AND (?2 OR (i.imported_by = ?3
                  AND NOT EXISTS (
                      SELECT pupil_id FROM pupil_targets WHERE import_id = i.id
                      EXCEPT SELECT pupil_id FROM pupil_write_reach WHERE viewer_id = ?3)))"#,
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
    // What it replaced goes back first (those rows then carry the import
    // that set them before), and what it added goes.
    sqlx::query!(
        "UPDATE pupil_targets
         SET (level_id, set_by, set_at, import_id) =
             (SELECT r.level_id, r.set_by, r.set_at, r.from_import FROM replaced_targets r
              WHERE r.import_id = ?1 AND r.pupil_id = pupil_targets.pupil_id)
         WHERE import_id = ?1 AND subject_id = ?2
           AND pupil_id IN (SELECT pupil_id FROM replaced_targets WHERE import_id = ?1)",
        import,
        found.subject_id
    )
    .execute(&mut **write)
    .await?;
    sqlx::query!("DELETE FROM pupil_targets WHERE import_id = ?", import)
        .execute(&mut **write)
        .await?;
    let at = write.at.clone();
    sqlx::query!(
        "UPDATE target_imports SET undone_at = ?, undone_by = ? WHERE id = ?",
        at,
        viewer,
        import
    )
    .execute(&mut **write)
    .await?;
    write.audit(Audit::TargetsImportUndone { import }).await?;
    Ok(Ok(()))
}
