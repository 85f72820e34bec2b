use serde::{Deserialize, Serialize};

use crate::{
    auth::model::Role,
    ids::{GroupId, UserId},
};

/// Where a staff account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffStatus {
    /// Can sign in.
    Active,
    /// Invited, and hasn't set a password yet.
    Invited,
    /// Can't sign in and doesn't count in School Usage.
    Inactive,
}

impl StaffStatus {
    pub fn label(self) -> &'static str {
        match self {
            StaffStatus::Active => "Active",
            StaffStatus::Invited => "Invited",
            StaffStatus::Inactive => "Inactive",
        }
    }

    pub fn from_row(active: bool, has_password: bool) -> StaffStatus {
        match (active, has_password) {
            (false, _) => StaffStatus::Inactive,
            (true, false) => StaffStatus::Invited,
            (true, true) => StaffStatus::Active,
        }
    }
}

/// One row of the Users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: UserId,
    pub first_name: String,
    pub surname: String,
    pub email: String,
    pub role: Role,
    pub slt: bool,
    pub status: StaffStatus,
    /// As people read it ("23 Nov 2026, 14:05"), or None if never.
    pub last_sign_in: Option<String>,
}

impl StaffMember {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }

    pub fn role_label(&self) -> &'static str {
        match self.role {
            Role::Admin => "Admin",
            _ => "Teacher",
        }
    }
}

/// A group as a staff member's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: GroupId,
    pub name: String,
}

/// Everything the page for one staff member shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDetail {
    pub member: StaffMember,
    /// Whether this is the admin looking at the page (who can't make
    /// themselves inactive or stop being an admin).
    pub is_you: bool,
    pub groups: Vec<GroupChoice>,
    /// Groups not yet assigned, for "Assign group".
    pub other_groups: Vec<GroupChoice>,
    /// Emails to this person that haven't reached them.
    pub undelivered: Vec<crate::email::Undelivered>,
}

/// Reads the role chosen in the form; staff accounts are Teacher or Admin.
pub fn staff_role(chosen: &str) -> Option<Role> {
    match chosen {
        "teacher" => Some(Role::Teacher),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum StaffDone {
        Invited => ("invited", "Invitation sent. They can sign in once they've set their password."),
        Resent => ("resent", "A new invitation is on its way. The earlier link no longer works."),
        Saved => ("saved", "Changes saved."),
        Readdressed => ("readdressed", "Changes saved. A new invitation went to the corrected address; the earlier link no longer works."),
        Deactivated => ("deactivated", "The account is inactive. Its sessions have ended and it can't sign in."),
        Activated => ("activated", "The account is active again."),
    }
}
