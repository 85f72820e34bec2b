//! The server functions behind Parents. Every one starts with the admin check.

#[cfg(feature = "ssr")]
use super::model::ParentDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{
    ChildSent, InvitationsSent, LetterSheet, LettersPrinted, ParentDetail, ParentList, ReissuedCode,
};
use crate::{
    error::AppError,
    ids::{PupilId, UserId},
};

/// One page of parents matching the search and the Active / Inactive filter.
#[server(endpoint = "parents/list_parents", output = Postcard)]
pub async fn list_parents(
    search: String,
    status: String,
    page: i64,
) -> Result<ParentList, AppError> {
    use super::model::StatusFilter;
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        let status = StatusFilter::parse(&status);
        super::store::parents(&mut conn, &rights, &search, status, page).await
    })
    .await
}

/// "Remove" beside a parent who deleted their account: the row that said so
/// goes. Only such a row can be removed this way.
#[server(endpoint = "parents/remove_deleted_parent", output = Postcard)]
pub async fn remove_deleted_parent(id: UserId) -> Result<(), AppError> {
    use crate::{
        auth::{store, Viewer},
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        if !store::remove_deleted_parent(&mut tx, &rights, id).await? {
            return Err(AppError::NotFound.into());
        }
        tx.audit(Audit::DeletedAccountRemoved { user: id }).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// One parent and their links, for the form.
#[server(endpoint = "parents/open_parent", output = Postcard)]
pub async fn open_parent(id: UserId) -> Result<ParentDetail, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::parent(&mut conn, &rights, id)
            .await?
            .ok_or_else(|| AppError::NotFound.into())
    })
    .await
}

/// "Save": creates or updates the parent and all their links in one
/// transaction, so a problem with any part saves nothing. The links come as
/// one entry per child in the selected list (`ChildSent`).
#[server(endpoint = "parents/save_parent", output = Postcard)]
pub async fn save_parent(
    id: Option<UserId>,
    first_name: String,
    surname: String,
    email: String,
    status: String,
    #[server(default)] children: Vec<ChildSent>,
) -> Result<(), AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let form =
            super::saving::ParentForm::check(&first_name, &surname, &email, &status, &children)?;
        let mut write = viewer.write().await?;
        let id = super::saving::save(&mut write, &rights, id, &form).await?;
        write.commit().await?;
        leptos_axum::redirect(&ParentDone::Saved.on(&format!("/parents/{id}")));
        Ok(())
    })
    .await
}

/// "Send invitation": an email with a link to set a password, to each
/// chosen parent who is active, has an email address and hasn't signed up.
/// `everyone` means every parent matching `search` and `status`, on every
/// page; otherwise the parents in `ids`.
#[server(endpoint = "parents/send_invitations", output = Postcard)]
pub async fn send_invitations(
    #[server(default)] ids: Vec<UserId>,
    everyone: bool,
    search: String,
    status: String,
) -> Result<InvitationsSent, AppError> {
    use crate::{
        auth::{recovery, Viewer},
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let now = tx.now;
        let chosen =
            super::saving::chosen(&mut tx, &rights, ids, everyone, &search, &status).await?;
        let mut sent = InvitationsSent::default();
        for id in chosen {
            let Some(parent) = super::store::parent(&mut tx, &rights, id).await? else {
                continue;
            };
            let email = match (&parent.email, parent.active, parent.signed_up) {
                (_, false, _) => {
                    sent.inactive += 1;
                    continue;
                }
                (_, _, true) => {
                    sent.already_signed_up += 1;
                    continue;
                }
                (None, _, _) => {
                    sent.without_email += 1;
                    continue;
                }
                (Some(email), true, false) => email,
            };
            recovery::queue_invitation(&mut tx, now, id, &parent.first_name, email).await?;
            tx.audit(Audit::InvitationSent { user: id }).await?;
            sent.sent += 1;
        }
        outbox::commit(tx).await?;
        Ok(sent)
    })
    .await
}

/// "Make letters": makes a new access code for each child of each chosen
/// parent and answers the letters. Codes on earlier letters keep working
/// until these are confirmed printed (`confirm_letters`). Inactive parents
/// and parents linked to no child are left out.
#[server(endpoint = "parents/make_letters", output = Postcard)]
pub async fn make_letters(
    #[server(default)] ids: Vec<UserId>,
    everyone: bool,
    search: String,
    status: String,
) -> Result<LetterSheet, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let chosen =
            super::saving::chosen(&mut tx, &rights, ids, everyone, &search, &status).await?;
        let batch = super::letters::make(&mut tx, &rights, &chosen).await?;
        tx.commit().await?;
        batch.into_sheet()
    })
    .await
}

/// "Letters printed": the letters of a batch are in hand, so the codes on
/// earlier letters for the same children stop working.
#[server(endpoint = "parents/confirm_letters", output = Postcard)]
pub async fn confirm_letters(batch: i64) -> Result<LettersPrinted, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let printed = super::letters::confirm_printed(&mut tx, &rights, batch).await?;
        tx.commit().await?;
        Ok(printed)
    })
    .await
}

/// "Reissue code": a new access code for one link, shown once; the old code
/// stops working.
#[server(endpoint = "parents/reissue_code", output = Postcard)]
pub async fn reissue_code(id: UserId, pupil: PupilId) -> Result<ReissuedCode, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let code = super::letters::reissue(&mut tx, &rights, id, pupil).await?;
        tx.commit().await?;
        Ok(code)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::{ChildSent, SaveParent};
    use crate::ids::PupilId;

    fn read(sent: &str) -> SaveParent {
        serde_qs::Config::new(5, false)
            .deserialize_str(sent)
            .expect("a readable form")
    }

    /// The browser sends each child in the selected list as
    /// `children[PUPIL][field]=…` (brackets escaped); the form is then
    /// re-encoded for the server, which must read the same children back.
    #[test]
    fn the_selected_list_reads_as_the_browser_sends_it() {
        let sent = "first_name=Ann&surname=Smith&email=&status=active\
                    &children%5B3%5D%5Bpupil%5D=3&children%5B3%5D%5Brelationship%5D=mother\
                    &children%5B3%5D%5Bresponsible%5D=true\
                    &children%5B5%5D%5Bpupil%5D=5&children%5B5%5D%5Brelationship%5D=carer";
        let form = read(sent);
        let child = |pupil, relationship: &str, responsible| ChildSent {
            pupil: PupilId(pupil),
            relationship: relationship.to_owned(),
            responsible,
        };
        assert_eq!(
            form.children,
            [child(3, "mother", true), child(5, "carer", false)]
        );
        assert_eq!(form.id, None);
        let again = read(&serde_qs::to_string(&form).unwrap());
        assert_eq!(again.children, form.children);
    }

    #[test]
    fn a_parent_with_no_children_yet_reads_as_empty_lists() {
        let form = read("id=7&first_name=Ann&surname=Smith&email=&status=inactive");
        assert!(form.children.is_empty());
        let again = read(&serde_qs::to_string(&form).unwrap());
        assert!(again.children.is_empty());
        assert_eq!(again.id.map(|id| id.0), Some(7));
    }
}

/// A parent signs up with the access code from their letter and their
/// child's date of birth, then signs in with the email and password chosen.
#[server(endpoint = "auth/sign_up", output = Postcard)]
pub async fn sign_up(
    code: String,
    date_of_birth: String,
    first_name: String,
    surname: String,
    email: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use super::signup::{self, SignUpForm};
    use crate::{auth::model::SignInDone, ssr::respond};
    respond(async move {
        signup::sign_up(SignUpForm {
            code,
            date_of_birth,
            first_name,
            surname,
            email,
            password,
            confirm,
        })
        .await?;
        leptos_axum::redirect(&SignInDone::SignedUp.on("/sign-in"));
        Ok(())
    })
    .await
}
