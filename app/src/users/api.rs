//! The server functions behind Users. Every one starts with the admin check.

#[cfg(feature = "ssr")]
use super::model::StaffDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{StaffDetail, StaffMember};
use crate::{
    error::AppError,
    ids::{GroupId, UserId},
};

/// Staff whose name or email contains `search`.
#[server(endpoint = "users/list_staff", output = Postcard)]
pub async fn list_staff(search: String) -> Result<Vec<StaffMember>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::staff(&mut conn, &rights, &search).await
    })
    .await
}

/// One staff member with their groups.
#[server(endpoint = "users/open_staff_member", output = Postcard)]
pub async fn open_staff_member(id: UserId) -> Result<StaffDetail, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut conn = db()?.acquire().await?;
        let member = super::store::staff_member(&mut conn, &rights, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (groups, other_groups) = super::store::groups_of(&mut conn, &rights, id).await?;
        let undelivered = crate::ssr::outbox::undelivered(&mut conn, &member.email).await?;
        Ok(StaffDetail {
            is_you: member.id == viewer.id,
            member,
            groups,
            other_groups,
            undelivered,
        })
    })
    .await
}

/// "Send invitation": creates the staff account, with no password until the
/// person sets one from the emailed link, and opens their page.
#[server(endpoint = "users/invite_staff", output = Postcard)]
pub async fn invite_staff(
    first_name: String,
    surname: String,
    email: String,
    role: String,
    slt: Option<String>,
) -> Result<(), AppError> {
    use super::store::{self, NewStaff};
    use crate::{
        auth::{details, recovery, Viewer},
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        // The address's form is checked with the rest; whether another
        // account has it, inside the write.
        let mut problems = crate::error::Problems::default();
        let checked = problems.take(checked_details(&first_name, &surname, &role));
        problems.take(details::check_email_form("email", &email));
        let (first_name, surname, role) = problems.finish_with(|| checked)?;
        let mut tx = viewer.write().await?;
        let (now, at) = (tx.now, tx.at.clone());
        let email = details::check_email_free(&mut tx, "email", &email, None).await?;
        let staff = NewStaff {
            first_name: &first_name,
            surname: &surname,
            email: &email,
            role,
            slt: slt.is_some(),
        };
        let id = store::create_staff(&mut tx, &rights, staff, &at).await?;
        recovery::queue_invitation(&mut tx, now, id, &first_name, &email).await?;
        tx.audit(Audit::StaffCreated { user: id }).await?;
        tx.audit(Audit::InvitationSent { user: id }).await?;
        outbox::commit(tx).await?;
        leptos_axum::redirect(&StaffDone::Invited.on(&format!("/users/{id}")));
        Ok(())
    })
    .await
}

/// The name and role typed into a staff form, trimmed and checked; the
/// invitation and the edit form check them the same way.
#[cfg(feature = "ssr")]
fn checked_details(
    first_name: &str,
    surname: &str,
    role: &str,
) -> Result<(String, String, crate::auth::model::Role), AppError> {
    use crate::{auth::details::check_names, error::Problems};
    let mut problems = Problems::default();
    let names = problems.take(check_names(first_name, surname));
    let role = super::model::staff_role(role);
    if role.is_none() {
        problems.add("role", "Choose Teacher or Admin.");
    }
    problems.finish_with(|| {
        let (first_name, surname) = names?;
        Some((first_name, surname, role?))
    })
}

/// Saves a staff member's name, role and SLT flag (and their email while
/// they are still invited). An admin can't take away their own admin role.
#[server(endpoint = "users/save_staff", output = Postcard)]
pub async fn save_staff(
    id: UserId,
    first_name: String,
    surname: String,
    email: Option<String>,
    role: String,
    slt: Option<String>,
) -> Result<(), AppError> {
    use super::{
        model::StaffStatus,
        store::{self, NewStaff},
    };
    use crate::{
        auth::{details, model::Role, recovery, Viewer},
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let (first_name, surname, role) = checked_details(&first_name, &surname, &role)?;
        if id == viewer.id && role != Role::Admin {
            return Err(AppError::invalid(
                "role",
                "You can't remove your own admin role. Ask another admin to do it.",
            )
            .into());
        }
        let mut tx = viewer.write().await?;
        let before = store::staff_member(&mut tx, &rights, id)
            .await?
            .ok_or(AppError::NotFound)?;
        // Only an invitation not yet accepted can go to a corrected address;
        // after that, people change their own email in Settings.
        let email = match email {
            Some(email) if before.status == StaffStatus::Invited => {
                details::check_email_free(&mut tx, "email", &email, Some(id)).await?
            }
            _ => before.email.clone(),
        };
        let slt = slt.is_some();
        let staff = NewStaff {
            first_name: &first_name,
            surname: &surname,
            email: &email,
            role,
            slt,
        };
        store::update_details(&mut tx, &rights, id, &staff).await?;
        let mut changes = Vec::new();
        if first_name != before.first_name || surname != before.surname {
            changes.push(Audit::NameChanged { user: id });
        }
        let readdressed = !email.eq_ignore_ascii_case(&before.email);
        if readdressed {
            // The link sent to the old address stops working, and a fresh
            // invitation goes to the corrected one.
            let now = tx.now;
            recovery::queue_invitation(&mut tx, now, id, &first_name, &email).await?;
            changes.push(Audit::EmailChanged { user: id });
            changes.push(Audit::InvitationSent { user: id });
        }
        if role != before.role {
            changes.push(Audit::RoleChanged {
                user: id,
                role: role.as_str(),
            });
        }
        if slt != before.slt {
            changes.push(Audit::SltChanged { user: id, slt });
        }
        for change in changes {
            tx.audit(change).await?;
        }
        outbox::commit(tx).await?;
        let done = if readdressed {
            StaffDone::Readdressed
        } else {
            StaffDone::Saved
        };
        leptos_axum::redirect(&done.on(&format!("/users/{id}")));
        Ok(())
    })
    .await
}

/// "Make inactive" ends every session of the account at once; "Make active"
/// lets the person sign in again (with a new session). Admins can't make
/// themselves inactive.
#[server(endpoint = "users/set_staff_active", output = Postcard)]
pub async fn set_staff_active(id: UserId, active: bool) -> Result<(), AppError> {
    use crate::{
        auth::{store::end_all_sessions, Viewer},
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        if id == viewer.id && !active {
            return Err(AppError::invalid(
                "",
                "You can't make your own account inactive. Ask another admin to do it.",
            )
            .into());
        }
        let mut tx = viewer.write().await?;
        let member = super::store::staff_member(&mut tx, &rights, id)
            .await?
            .ok_or(AppError::NotFound)?;
        super::store::set_active(&mut tx, &rights, id, active).await?;
        let at = tx.at.clone();
        end_all_sessions(&mut tx, id, None, &at).await?;
        if !active {
            outbox::withdraw(&mut tx, &member.email).await?;
        }
        let event = if active {
            Audit::MadeActive { user: id }
        } else {
            Audit::MadeInactive { user: id }
        };
        tx.audit(event).await?;
        tx.commit().await?;
        let done = if active {
            StaffDone::Activated
        } else {
            StaffDone::Deactivated
        };
        leptos_axum::redirect(&done.on(&format!("/users/{id}")));
        Ok(())
    })
    .await
}

/// "Resend invitation": a new link (the old one stops working), for someone
/// who hasn't set their password yet.
#[server(endpoint = "users/resend_invitation", output = Postcard)]
pub async fn resend_invitation(id: UserId) -> Result<(), AppError> {
    use super::model::StaffStatus;
    use crate::{
        auth::{recovery, Viewer},
        ssr::{audit::Audit, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let member = super::store::staff_member(&mut tx, &rights, id)
            .await?
            .ok_or(AppError::NotFound)?;
        match member.status {
            StaffStatus::Invited => {}
            StaffStatus::Active => return Err(AppError::invalid(
                "",
                "This person has already set their password, so there's no invitation to resend.",
            )
            .into()),
            StaffStatus::Inactive => {
                return Err(AppError::invalid(
                    "",
                    "This account is inactive. Make it active before sending an invitation.",
                )
                .into())
            }
        }
        let now = tx.now;
        recovery::queue_invitation(&mut tx, now, id, &member.first_name, &member.email).await?;
        tx.audit(Audit::InvitationSent { user: id }).await?;
        outbox::commit(tx).await?;
        leptos_axum::redirect(&StaffDone::Resent.on(&format!("/users/{id}")));
        Ok(())
    })
    .await
}

/// Assigns a group to a staff member, or takes it away.
#[server(endpoint = "users/assign_group", output = Postcard)]
pub async fn assign_group(id: UserId, group: GroupId, assigned: bool) -> Result<(), AppError> {
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        super::store::staff_member(&mut tx, &rights, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if super::store::set_group(&mut tx, &rights, id, group, assigned).await? {
            tx.audit(Audit::GroupAssigned { user: id, assigned })
                .await?;
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/users/{id}#groups"));
        Ok(())
    })
    .await
}
