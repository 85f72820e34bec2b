//! Printed invitation letters and access codes. Codes are stored hashed, so
//! a letter can't be printed again with the same codes: each printing makes
//! new ones. They work beside the codes on earlier letters until the admin
//! confirms the letters printed, so a reply lost on the way to the printer
//! leaves every letter parents already hold working.

use super::{
    codes::{self, NewCode},
    model::{LetterChild, LetterSheet, LettersPrinted, ParentLetter, ReissuedCode},
    store,
};
use crate::{
    auth::AdminRights,
    error::AppError,
    ids::{PupilId, UserId},
    school::model::year_label,
    ssr::{audit::Audit, base_url, Write},
};

/// Letters made in one go; more would be a very long print run and a very
/// large page.
pub const MOST_LETTERS: usize = 500;

/// Where a parent signs up with a code.
pub fn sign_up_page() -> anyhow::Result<String> {
    Ok(format!("{}/sign-up", base_url()?))
}

/// Letters whose codes are stored, before their QR codes are drawn: drawing
/// hundreds takes a while, and the single writer mustn't wait on it.
pub struct Batch {
    id: i64,
    school: String,
    sign_up_page: String,
    letters: Vec<(String, Vec<CodeFor>)>,
    left_out: usize,
}

struct CodeFor {
    name: String,
    year: String,
    code: String,
}

/// Makes a batch: a new code on a letter for each child on the roll of each
/// chosen parent. Inactive parents and those with no such child are left out.
pub async fn make(
    write: &mut Write,
    rights: &AdminRights,
    parents: &[UserId],
) -> anyhow::Result<Batch> {
    let at = &write.at.clone();
    if parents.len() > MOST_LETTERS {
        return Err(AppError::invalid(
            "",
            format!(
                "That's {} parents. Print at most {MOST_LETTERS} letters at a time: narrow the search or tick fewer.",
                parents.len()
            ),
        )
        .into());
    }
    let made_by = write.actor();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO letter_batches (made_by, made_at, letters) VALUES (?, ?, 0)
           RETURNING id AS "id!""#,
        made_by,
        at
    )
    .fetch_one(&mut **write)
    .await?;
    let mut letters = Vec::new();
    let mut left_out = 0;
    for parent_id in parents {
        let Some(parent) = store::parent(write, rights, *parent_id).await? else {
            left_out += 1;
            continue;
        };
        let links: Vec<store::Link> = store::links(write, rights, *parent_id)
            .await?
            .into_iter()
            .filter(|link| link.on_roll)
            .collect();
        if !parent.active || links.is_empty() {
            left_out += 1;
            continue;
        }
        let mut children = Vec::new();
        for link in links {
            let code = codes::issue(write, link.id, at, NewCode::OnLetter { batch: id }).await?;
            let pupil = link.linked.pupil;
            write
                .audit(Audit::AccessCodeIssued {
                    user: *parent_id,
                    pupil: pupil.id,
                    reissued: false,
                })
                .await?;
            children.push(CodeFor {
                name: pupil.full_name(),
                year: year_label(pupil.year_group),
                code,
            });
        }
        letters.push((parent.full_name(), children));
    }
    let count = letters.len() as i64;
    sqlx::query!(
        "UPDATE letter_batches SET letters = ? WHERE id = ?",
        count,
        id
    )
    .execute(&mut **write)
    .await?;
    Ok(Batch {
        id,
        school: crate::ssr::school_name(write).await?,
        sign_up_page: sign_up_page()?,
        letters,
        left_out,
    })
}

impl Batch {
    /// The letters as printed, with a QR code of each child's sign-up link:
    /// done once the codes are committed, holding no connection.
    pub fn into_sheet(self) -> anyhow::Result<LetterSheet> {
        let sign_up_page = self.sign_up_page;
        let letters = self
            .letters
            .into_iter()
            .map(|(parent_name, children)| {
                let children = children
                    .into_iter()
                    .map(|child| {
                        let sign_up_link = format!("{sign_up_page}?code={}", child.code);
                        Ok(LetterChild {
                            name: child.name,
                            year: child.year,
                            qr_svg: codes::qr_svg(&sign_up_link)?,
                            access_code: child.code,
                            sign_up_link,
                        })
                    })
                    .collect::<anyhow::Result<_>>()?;
                Ok(ParentLetter {
                    parent_name,
                    children,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(LetterSheet {
            batch: self.id,
            school: self.school,
            sign_up_page,
            letters,
            left_out: self.left_out,
        })
    }
}

/// "Letters printed": the batch's codes replace the codes on earlier letters.
/// Pressing it again (its answer lost) changes nothing and says so.
pub async fn confirm_printed(
    write: &mut Write,
    _: &AdminRights,
    batch: i64,
) -> anyhow::Result<LettersPrinted> {
    let at = write.at.clone();
    let by = write.actor();
    let confirmed = sqlx::query_scalar!(
        r#"SELECT confirmed_at IS NOT NULL AS "confirmed!: bool" FROM letter_batches WHERE id = ?"#,
        batch
    )
    .fetch_optional(&mut **write)
    .await?
    .ok_or(AppError::NotFound)?;
    if confirmed {
        return Ok(LettersPrinted {
            codes: 0,
            already: true,
        });
    }
    let codes = codes::confirm_printed(write, batch).await?;
    sqlx::query!(
        "UPDATE letter_batches SET confirmed_at = ?, confirmed_by = ? WHERE id = ?",
        at,
        by,
        batch
    )
    .execute(&mut **write)
    .await?;
    write.audit(Audit::LettersPrinted { batch, codes }).await?;
    Ok(LettersPrinted {
        codes,
        already: false,
    })
}

pub async fn reissue(
    write: &mut Write,
    rights: &AdminRights,
    parent: UserId,
    pupil: PupilId,
) -> anyhow::Result<ReissuedCode> {
    let at = &write.at.clone();
    let link = store::links(write, rights, parent)
        .await?
        .into_iter()
        .find(|link| link.linked.pupil.id == pupil)
        .ok_or(AppError::NotFound)?;
    if !link.on_roll {
        return Err(AppError::invalid(
            "",
            "This child is no longer on the school roll, so a code for them would not work.",
        )
        .into());
    }
    let access_code = codes::issue(write, link.id, at, NewCode::Now).await?;
    write
        .audit(Audit::AccessCodeIssued {
            user: parent,
            pupil,
            reissued: true,
        })
        .await?;
    Ok(ReissuedCode {
        pupil,
        pupil_name: link.linked.pupil.full_name(),
        access_code,
    })
}
