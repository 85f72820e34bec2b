use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    ids::{PupilId, UserId},
    school::model::PupilMatch,
};

/// Parents shown per page of the list.
pub const PAGE_SIZE: i64 = 25;

/// How a parent is related to a child, as (stored value, label). "Parent"
/// is what a link holds until the school records more: a new link starts as
/// it, so the office can save straight after Add to List.
pub const RELATIONSHIPS: [(&str, &str); 6] = [
    ("parent", "Parent"),
    ("mother", "Mother"),
    ("father", "Father"),
    ("carer", "Carer"),
    ("grandparent", "Grandparent"),
    ("other", "Other"),
];

pub fn relationship_label(value: &str) -> &'static str {
    RELATIONSHIPS
        .iter()
        .find(|(stored, _)| *stored == value)
        .map(|(_, label)| *label)
        .unwrap_or("Other")
}

/// The relationship a newly listed child starts with: the one most of the
/// parent's other links have (siblings usually share it), else "Parent".
pub fn usual_relationship<'a>(others: impl Iterator<Item = &'a str>) -> &'static str {
    let mut counts = [0usize; RELATIONSHIPS.len()];
    for other in others {
        if let Some(i) = RELATIONSHIPS.iter().position(|(value, _)| *value == other) {
            counts[i] += 1;
        }
    }
    // The first of the most common, in the list's order.
    let (most, _) = counts.iter().enumerate().fold(
        (0, 0),
        |best, (i, &n)| if n > best.1 { (i, n) } else { best },
    );
    RELATIONSHIPS[most].0
}

/// Which parents the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Inactive,
    /// Has set a password.
    SignedUp,
    /// Sent an invitation or given a letter, and not signed up yet.
    Invited,
    /// Active, not signed up, and given no way in yet: needs a letter.
    NotInvited,
}

impl StatusFilter {
    /// Every filter, with the words the Parents page offers it in.
    pub const CHOICES: [(StatusFilter, &'static str); 6] = [
        (StatusFilter::All, "Everyone"),
        (StatusFilter::Active, "Active"),
        (StatusFilter::Inactive, "Inactive"),
        (StatusFilter::SignedUp, "Signed up"),
        (StatusFilter::Invited, "Invited, not signed up yet"),
        (StatusFilter::NotInvited, "Not invited yet"),
    ];

    pub fn parse(value: &str) -> StatusFilter {
        Self::CHOICES
            .iter()
            .map(|(filter, _)| *filter)
            .find(|filter| filter.as_str() == value)
            .unwrap_or_default()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "",
            StatusFilter::Active => "active",
            StatusFilter::Inactive => "inactive",
            StatusFilter::SignedUp => "signed-up",
            StatusFilter::Invited => "invited",
            StatusFilter::NotInvited => "not-invited",
        }
    }
}

/// Access codes are 12 characters from 31 that can't be mistaken for each
/// other (no 0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LENGTH: usize = 12;

/// A code as typed (any case, with or without dashes and spaces), or None
/// if it can't be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// Sign-up's access code, parsed for its form alone (whether it matches is
/// the server's to say). The server parses it so, and the sign-up page says
/// the same as soon as the parent leaves the field.
pub fn parse_access_code(typed: &str) -> Result<String, AppError> {
    normalise_code(typed).ok_or_else(|| {
        AppError::invalid(
            "code",
            "Enter the access code as it is printed on your letter: 12 letters and numbers, like ABCD-EFGH-JKMN.",
        )
    })
}

/// Sign-up's date of birth as stored ("2019-05-04"), parsed like the code.
pub fn parse_date_of_birth(typed: &str) -> Result<String, AppError> {
    crate::school::model::parse_uk_date(typed).ok_or_else(|| {
        AppError::invalid(
            "date_of_birth",
            "Enter your child's date of birth as DD/MM/YYYY, for example 04/05/2019.",
        )
    })
}

/// One child in the parent form's selected list, as the browser sends it:
/// `children[N][pupil]`, `children[N][relationship]` and, when the box is
/// ticked, `children[N][responsible]=true` (N is the pupil's id, which keeps
/// a row's fields together however the list changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSent {
    pub pupil: PupilId,
    #[serde(default)]
    pub relationship: String,
    #[serde(default)]
    pub responsible: bool,
}

/// One row of the Parents list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentRow {
    pub id: UserId,
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub active: bool,
    /// Has set a password, so can sign in.
    pub signed_up: bool,
    /// Deleted their own account: the row says so until an admin removes it.
    pub deleted: bool,
    /// "Oliver Smith (Year 3)", one per linked child.
    pub children: Vec<String>,
    /// When last sent an invitation or given a letter ("2 Dec 2026, 14:05").
    pub invited: Option<String>,
    /// When last signed in or using Markwell.
    pub last_seen: Option<String>,
}

impl ParentRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }
}

/// One page of the Parents list.
/// "Export to Excel" on the Parents page: the list as searched and
/// filtered, every page of it.
pub const EXPORT_PATH: &str = "/parents/export";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentList {
    pub rows: Vec<ParentRow>,
    /// Parents matching the search and filter, over every page.
    pub total: i64,
    /// Counted from 0.
    pub page: i64,
    /// Letters made but not yet confirmed printed, newest first: the codes
    /// on earlier letters still work until they are.
    pub waiting_letters: Vec<WaitingLetters>,
}

/// A batch of letters waiting for "Letters printed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingLetters {
    pub batch: i64,
    /// When they were made ("2 Dec 2026, 10:20").
    pub made: String,
    pub letters: i64,
}

impl ParentList {
    pub fn pages(&self) -> i64 {
        ((self.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }
}

/// A child on the parent form, with the link's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedPupil {
    pub pupil: PupilMatch,
    pub relationship: String,
    pub responsibility: bool,
    /// When the current access code was made ("23 Nov 2026, 14:05"), if any.
    pub code_issued: Option<String>,
    /// When a letter with a newer code was made, while it waits for
    /// "Letters printed".
    pub letter_waiting: Option<String>,
}

/// Everything the parent form shows when editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentDetail {
    pub id: UserId,
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub active: bool,
    pub signed_up: bool,
    pub links: Vec<LinkedPupil>,
    /// Emails to this parent that haven't reached them.
    pub undelivered: Vec<crate::email::Undelivered>,
}

impl ParentDetail {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }
}

/// Which parents a bulk action (invitations, letters) is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Chosen {
    /// The ticked rows.
    These(Vec<UserId>),
    /// Everyone matching the list's search and filter, on every page.
    Matching { search: String, status: String },
}

/// What "Send invitation" did for the parents chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsSent {
    pub sent: usize,
    pub without_email: usize,
    pub inactive: usize,
    pub already_signed_up: usize,
}

impl InvitationsSent {
    /// The sentence shown after sending.
    pub fn summary(&self) -> String {
        let mut parts = vec![match self.sent {
            1 => "1 invitation sent.".to_owned(),
            n => format!("{n} invitations sent."),
        }];
        let skipped = [
            (self.already_signed_up, "already signed up"),
            (self.without_email, "no email address"),
            (self.inactive, "inactive"),
        ];
        for (count, why) in skipped {
            if count > 0 {
                parts.push(format!("Not sent to {count} ({why})."));
            }
        }
        parts.join(" ")
    }
}

/// One child on a printed letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterChild {
    pub name: String,
    pub year: String,
    /// Grouped for reading aloud and typing: "ABCD-EFGH-JKMN".
    pub access_code: String,
    /// The sign-up link with this code filled in.
    pub sign_up_link: String,
    /// That link as a QR code, an SVG drawn on the server.
    pub qr_svg: String,
}

/// One printed page, for one parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentLetter {
    pub parent_name: String,
    pub children: Vec<LetterChild>,
}

/// The letters for printing, made (with new access codes) when asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterSheet {
    /// What "Letters printed" confirms.
    pub batch: i64,
    pub school: String,
    /// Where parents sign up, for those typing it by hand.
    pub sign_up_page: String,
    pub letters: Vec<ParentLetter>,
    /// Parents chosen but left out: inactive, or linked to no child on the roll.
    pub left_out: usize,
}

/// What "Letters printed" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LettersPrinted {
    /// Links whose code is now the one on these letters.
    pub codes: u64,
    /// Confirmed before (the answer to an earlier press was lost).
    pub already: bool,
}

impl LettersPrinted {
    pub fn summary(&self) -> String {
        match (self.already, self.codes) {
            (true, _) => "These letters were already confirmed as printed.".to_owned(),
            (false, 0) => "Confirmed. No code changed: every code on these letters had been used, or replaced by a later one.".to_owned(),
            (false, 1) => "Confirmed. Only the code on this letter works now: the code on any earlier letter for that child has stopped working.".to_owned(),
            (false, n) => format!("Confirmed. Only the codes on these letters work now: codes on earlier letters for those {n} children have stopped working."),
        }
    }
}

/// A code made by "Reissue code", shown once to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReissuedCode {
    pub pupil: PupilId,
    pub pupil_name: String,
    pub access_code: String,
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum ParentDone {
        Saved => ("saved", "Saved. The parent's links are up to date."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_was_left_out() {
        let sent = InvitationsSent {
            sent: 3,
            without_email: 1,
            inactive: 0,
            already_signed_up: 2,
        };
        assert_eq!(
            sent.summary(),
            "3 invitations sent. Not sent to 2 (already signed up). Not sent to 1 (no email address)."
        );
    }

    #[test]
    fn a_new_link_starts_with_the_usual_relationship() {
        assert_eq!(usual_relationship([].into_iter()), "parent");
        assert_eq!(usual_relationship(["mother"].into_iter()), "mother");
        assert_eq!(
            usual_relationship(["father", "carer", "carer"].into_iter()),
            "carer"
        );
        // A tie goes to the one first in the list.
        assert_eq!(
            usual_relationship(["father", "mother"].into_iter()),
            "mother"
        );
        assert_eq!(usual_relationship(["unknown"].into_iter()), "parent");
    }
}
