use serde::{Deserialize, Serialize};

use crate::ids::PupilId;

/// A child as their parent sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: PupilId,
    pub first_name: String,
    pub surname: String,
    pub year_group: i64,
    /// The child's class, when they have one.
    pub class_name: Option<String>,
    /// The class teachers' names.
    pub teachers: String,
}

/// One child's page: who they are, their classroom records and their
/// published reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildRecord {
    pub child: Child,
    pub reports: Vec<crate::reports::model::ReportSummary>,
    /// The reader's children, for the switcher (parents only).
    pub children: Vec<crate::reports::model::ChildLink>,
    /// Behaviour points and achievements.
    pub classroom: crate::classroom::model::ChildClassroom,
    pub attendance: crate::attendance::model::ChildAttendance,
    pub homework: crate::homework::model::ChildHomework,
    /// The areas the page shows: for a parent, those the school shows them.
    pub shown: crate::school::model::ParentAreas,
}

impl Child {
    pub fn year_label(&self) -> String {
        crate::school::model::year_label(self.year_group)
    }
}

crate::ui::done_notices! {
    /// What a child's page says after "Add pupil" opens it.
    pub enum PortalDone {
        Added => ("added", "This child is now linked to your account."),
    }
}
