use serde::{Deserialize, Serialize};

use crate::ids::{NotificationId, PupilId};

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
