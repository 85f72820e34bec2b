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

/// One child's page: who they are and their published reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildRecord {
    pub child: Child,
    pub reports: Vec<crate::reports::model::ReportSummary>,
}

impl Child {
    pub fn year_label(&self) -> String {
        crate::school::model::year_label(self.year_group)
    }
}
