//! Saving the parent form: the parent's details and every link, checked
//! first and then written in the caller's transaction, with an audit entry
//! for each change.

use std::collections::HashSet;

use sqlx::SqliteConnection;

use super::{
    model::{ChildSent, StatusFilter, RELATIONSHIPS},
    store::{self, LinkDetails, ParentDetails},
};
use crate::{
    auth::{details, store::end_all_sessions, tokens, AdminRights},
    error::{AppError, Problems},
    ids::{PupilId, UserId},
    ssr::{audit::Audit, outbox, Write},
};

/// One link as chosen on the form.
pub struct ChosenLink {
    pub pupil: PupilId,
    pub relationship: &'static str,
    pub responsibility: bool,
}

/// The form, trimmed and checked (all but what needs the database).
pub struct ParentForm {
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub active: bool,
    pub links: Vec<ChosenLink>,
}

impl ParentForm {
    pub fn check(
        first_name: &str,
        surname: &str,
        email: &str,
        status: &str,
        children: &[ChildSent],
    ) -> Result<ParentForm, AppError> {
        // Every mistake is gathered, so the form shows them all at once.
        let mut problems = Problems::default();
        let names = problems.take(details::check_names(first_name, surname));
        // A parent may have no email address: they can still sign up with
        // the access code on their letter.
        let email = problems.take(match email.trim() {
            "" => Ok(None),
            typed => details::check_email_form("email", typed).map(Some),
        });
        let active = problems.take(match status {
            "active" => Ok(true),
            "inactive" => Ok(false),
            _ => Err(AppError::invalid("status", "Choose Active or Inactive.")),
        });
        let mut seen = HashSet::new();
        let mut links = Vec::new();
        for ChildSent {
            pupil,
            relationship,
            responsible,
        } in children
        {
            // A pupil already in the list is not linked twice.
            if !seen.insert(*pupil) {
                continue;
            }
            // The form always sends one: a new link starts as "parent".
            let relationship = RELATIONSHIPS
                .iter()
                .find(|(value, _)| *value == relationship.as_str())
                .map(|(value, _)| *value);
            let Some(relationship) = relationship else {
                // Beside that child's drop-down in the list.
                problems.add(
                    &format!("relationship-{pupil}"),
                    "Choose how the parent is related to this child.",
                );
                continue;
            };
            links.push(ChosenLink {
                pupil: *pupil,
                relationship,
                responsibility: *responsible,
            });
        }
        problems.finish_with(|| {
            let (first_name, surname) = names?;
            Some(ParentForm {
                first_name,
                surname,
                email: email?,
                active: active?,
                links,
            })
        })
    }
}

/// Creates the parent (`id` None) or updates them, and makes their links
/// match the form. Answers the parent's id.
pub async fn save(
    write: &mut Write,
    rights: &AdminRights,
    id: Option<UserId>,
    form: &ParentForm,
) -> anyhow::Result<UserId> {
    let at = &write.at.clone();
    let conn: &mut SqliteConnection = write;
    let email = match &form.email {
        Some(email) => Some(details::check_email_free(&mut *conn, "email", email, id).await?),
        None => None,
    };
    let details = ParentDetails {
        first_name: &form.first_name,
        surname: &form.surname,
        email: email.as_deref(),
        active: form.active,
    };
    let mut changes = Vec::new();
    let id = match id {
        None => {
            let id = store::create_parent(&mut *conn, rights, &details, at).await?;
            changes.push(Audit::ParentCreated { user: id });
            if !form.active {
                changes.push(Audit::MadeInactive { user: id });
            }
            id
        }
        Some(id) => {
            let before = store::parent(&mut *conn, rights, id)
                .await?
                .ok_or(AppError::NotFound)?;
            store::update_parent(&mut *conn, rights, id, &details).await?;
            if form.first_name != before.first_name || form.surname != before.surname {
                changes.push(Audit::NameChanged { user: id });
            }
            let same_email = match (&before.email, &email) {
                (Some(old), Some(new)) => old.eq_ignore_ascii_case(new),
                (old, new) => old.is_none() && new.is_none(),
            };
            if !same_email {
                if before.signed_up {
                    // Their sign-in address is theirs to change, confirmed
                    // by a link, as staff do.
                    return Err(AppError::invalid(
                        "email",
                        "This parent has signed up, so only they can change their email address, in Settings.",
                    )
                    .into());
                }
                // An invitation sent to the old address must not let
                // whoever reads that mailbox in.
                tokens::end_open(&mut *conn, at, id, tokens::Purpose::Invitation).await?;
                changes.push(Audit::EmailChanged { user: id });
            }
            let made_inactive = before.active && !form.active;
            if let Some(old) = before
                .email
                .as_deref()
                .filter(|_| made_inactive || !same_email)
            {
                outbox::withdraw(&mut *conn, old).await?;
            }
            if form.active != before.active {
                if made_inactive {
                    // Signed out everywhere at their next request.
                    end_all_sessions(&mut *conn, id, None, at).await?;
                    changes.push(Audit::MadeInactive { user: id });
                } else {
                    changes.push(Audit::MadeActive { user: id });
                }
            }
            id
        }
    };
    let existing = store::links(&mut *conn, rights, id).await?;
    for link in &existing {
        let pupil = link.linked.pupil.id;
        match form.links.iter().find(|chosen| chosen.pupil == pupil) {
            None => {
                store::remove_link(&mut *conn, rights, link.id).await?;
                // Their open pages stop hearing about this child at once.
                crate::ssr::live::access_changed(id);
                changes.push(Audit::PupilLinked {
                    user: id,
                    pupil,
                    linked: false,
                });
            }
            Some(chosen)
                if chosen.relationship != link.linked.relationship
                    || chosen.responsibility != link.linked.responsibility =>
            {
                store::update_link(&mut *conn, rights, link.id, &details_of(chosen)).await?;
                changes.push(Audit::LinkChanged { user: id, pupil });
            }
            Some(_) => {}
        }
    }
    for chosen in &form.links {
        if existing
            .iter()
            .any(|link| link.linked.pupil.id == chosen.pupil)
        {
            continue;
        }
        if !store::pupil_on_roll(&mut *conn, rights, chosen.pupil).await? {
            return Err(AppError::invalid(
                "pupils",
                "One of the children in the list is no longer on the school roll. Remove them and save again.",
            )
            .into());
        }
        store::add_link(&mut *conn, rights, id, &details_of(chosen), at).await?;
        changes.push(Audit::PupilLinked {
            user: id,
            pupil: chosen.pupil,
            linked: true,
        });
    }
    for change in changes {
        write.audit(change).await?;
    }
    Ok(id)
}

fn details_of(chosen: &ChosenLink) -> LinkDetails<'static> {
    LinkDetails {
        pupil: chosen.pupil,
        relationship: chosen.relationship,
        responsibility: chosen.responsibility,
    }
}

/// The parents a bulk action is for: the ticked ones, or everyone matching
/// the list's search and filter.
pub async fn chosen(
    conn: &mut SqliteConnection,
    rights: &AdminRights,
    ids: Vec<UserId>,
    everyone: bool,
    search: &str,
    status: &str,
) -> anyhow::Result<Vec<UserId>> {
    if everyone {
        return store::matching_ids(conn, rights, search, StatusFilter::parse(status)).await;
    }
    if ids.is_empty() {
        return Err(AppError::invalid("", "Tick at least one parent first.").into());
    }
    // A parent named twice gets one letter or invitation, not two where the
    // second cancels the first.
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(
        pupils: &[i64],
        relationships: &[&str],
        responsible: &[i64],
    ) -> Result<ParentForm, AppError> {
        let children: Vec<ChildSent> = pupils
            .iter()
            .zip(relationships)
            .map(|(id, relationship)| ChildSent {
                pupil: PupilId(*id),
                relationship: relationship.to_string(),
                responsible: responsible.contains(id),
            })
            .collect();
        ParentForm::check("Ann", "Smith", "", "active", &children)
    }

    #[test]
    fn a_pupil_listed_twice_is_linked_once() {
        let form = form(&[3, 5, 3], &["mother", "carer", "father"], &[5]).unwrap();
        let linked: Vec<(i64, &str, bool)> = form
            .links
            .iter()
            .map(|l| (l.pupil.0, l.relationship, l.responsibility))
            .collect();
        assert_eq!(linked, [(3, "mother", false), (5, "carer", true)]);
        assert_eq!(form.email, None);
    }

    #[test]
    fn parent_is_a_relationship() {
        let form = form(&[3], &["parent"], &[3]).unwrap();
        assert_eq!(form.links[0].relationship, "parent");
    }

    #[test]
    fn every_mistake_is_named_at_once() {
        let error = ParentForm::check(" ", "", "not-an-email", "active", &[])
            .err()
            .unwrap();
        let fields: Vec<&str> = error.problems().map(|p| p.field).collect();
        assert_eq!(fields, ["first_name", "surname", "email"]);
        assert_eq!(
            error.for_field("email").as_deref(),
            Some("Enter an email address in the right form, like name@example.com.")
        );
    }

    #[test]
    fn an_unknown_relationship_is_refused() {
        let error = form(&[3], &["uncle"], &[]).err().unwrap();
        assert!(error.for_field("relationship-3").is_some());
    }
}
