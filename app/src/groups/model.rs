use serde::{Deserialize, Serialize};

use crate::{
    ids::{GroupId, UserId},
    school::model::PupilMatch,
};

/// One group as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    /// "class" or "set".
    pub kind: String,
    pub year_group: Option<i64>,
    pub pupils: i64,
    /// Teachers' names, as "Ms Jones, Mr Khan".
    pub teachers: String,
    /// Whether the viewer may change the group (admins; the teacher who made it).
    pub can_edit: bool,
}

/// What the group form shows when editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub id: GroupId,
    pub name: String,
    pub kind: String,
    pub year_group: Option<i64>,
    pub teachers: Vec<UserId>,
    pub pupils: Vec<PupilMatch>,
}

/// A member of staff who may be given a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: UserId,
    pub name: String,
}

/// A group's kind as a list says it.
pub fn kind_label(kind: &str) -> &'static str {
    if kind == "class" {
        "Class"
    } else {
        "Set"
    }
}

/// The longest group name.
pub const NAME_LENGTH: usize = 60;
