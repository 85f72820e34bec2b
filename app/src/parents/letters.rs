//! Printed invitation letters and access codes. Codes are stored hashed, so
//! a letter can't be printed again with the same codes: each printing makes
//! new ones, and the page says so before the admin goes ahead.

use super::{
    codes,
    model::{LetterChild, LetterSheet, ParentLetter, ReissuedCode},
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

pub async fn make(
    write: &mut Write,
    rights: &AdminRights,
    parents: &[UserId],
) -> anyhow::Result<LetterSheet> {
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
    let sign_up_page = sign_up_page()?;
    let mut letters = Vec::new();
    let mut left_out = 0;
    for id in parents {
        let Some(parent) = store::parent(write, rights, *id).await? else {
            left_out += 1;
            continue;
        };
        let links: Vec<store::Link> = store::links(write, rights, *id)
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
            let code = codes::issue(write, link.id, at).await?;
            let pupil = link.linked.pupil;
            write
                .audit(Audit::AccessCodeIssued {
                    user: *id,
                    pupil: pupil.id,
                    reissued: false,
                })
                .await?;
            let sign_up_link = format!("{sign_up_page}?code={code}");
            children.push(LetterChild {
                name: pupil.full_name(),
                year: year_label(pupil.year_group),
                qr_svg: codes::qr_svg(&sign_up_link)?,
                access_code: code,
                sign_up_link,
            });
        }
        letters.push(ParentLetter {
            parent_name: parent.full_name(),
            children,
        });
    }
    let school = crate::ssr::school_name(write).await?;
    Ok(LetterSheet {
        school,
        sign_up_page,
        letters,
        left_out,
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
    let access_code = codes::issue(write, link.id, at).await?;
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
