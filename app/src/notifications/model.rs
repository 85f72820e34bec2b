use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    ids::{NotificationId, PupilId},
};

/// Where a parent's pages listen for new notifications (server-sent events).
pub const LIVE_PATH: &str = "/notifications/live";

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    Behaviour,
    Achievement,
    Report,
    Homework,
}

impl NotificationKind {
    pub fn stored(self) -> &'static str {
        match self {
            NotificationKind::Behaviour => "behaviour",
            NotificationKind::Achievement => "achievement",
            NotificationKind::Report => "report",
            NotificationKind::Homework => "homework",
        }
    }

    pub fn from_stored(stored: &str) -> NotificationKind {
        match stored {
            "achievement" => NotificationKind::Achievement,
            "report" => NotificationKind::Report,
            "homework" => NotificationKind::Homework,
            _ => NotificationKind::Behaviour,
        }
    }

    /// How the list introduces it.
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::Behaviour => "Behaviour",
            NotificationKind::Achievement => "Achievement",
            NotificationKind::Report => "New report",
            NotificationKind::Homework => "Homework set",
        }
    }
}

/// One notification, as the parent's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub pupil: PupilId,
    /// The child's first name.
    pub child: String,
    pub kind: NotificationKind,
    pub what: String,
    /// When, as people read it.
    pub when: String,
    /// Not yet seen in the list.
    pub unread: bool,
}

impl Notification {
    /// Where opening it goes: the child's page.
    pub fn link(&self) -> String {
        format!("/children/{}", self.pupil)
    }
}

/// What a parent also wants by email (their Settings): an email when a
/// report is published, and a daily summary of the kinds ticked. Only areas
/// the school shows parents are offered or sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChoices {
    pub reports: bool,
    pub behaviour: bool,
    pub achievements: bool,
    pub homework: bool,
}

/// The daily summary's kinds as the form names them, and their labels.
pub const SUMMARY_KINDS: [(&str, &str); 3] = [
    ("behaviour", "Behaviour"),
    ("achievements", "Achievements"),
    ("homework", "Homework set"),
];

/// Every box on the form: the summary's kinds and the report email.
const EMAIL_BOXES: [(&str, &str); 4] = [
    SUMMARY_KINDS[0],
    SUMMARY_KINDS[1],
    SUMMARY_KINDS[2],
    ("reports", "An email when a report is published"),
];

impl EmailChoices {
    /// A parent who hasn't chosen: report emails, no summary.
    pub const DEFAULT: EmailChoices = EmailChoices {
        reports: true,
        behaviour: false,
        achievements: false,
        homework: false,
    };

    /// Whether the box the form names `name` is ticked.
    pub fn wants(&self, name: &str) -> bool {
        match name {
            "reports" => self.reports,
            "behaviour" => self.behaviour,
            "achievements" => self.achievements,
            "homework" => self.homework,
            _ => false,
        }
    }

    /// The boxes ticked on the form; anything else is a mistake.
    pub fn ticked(names: &[String]) -> Result<EmailChoices, AppError> {
        let ticked = crate::error::ticked("emails", names, &EMAIL_BOXES, "something we email")?;
        Ok(EmailChoices {
            reports: ticked("reports"),
            behaviour: ticked("behaviour"),
            achievements: ticked("achievements"),
            homework: ticked("homework"),
        })
    }
}

/// The email part of a parent's Settings: their choices, and which areas
/// the school shows parents at all (only those are offered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    pub choices: EmailChoices,
    pub shown: crate::school::model::ParentAreas,
}
