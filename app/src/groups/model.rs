use serde::{Deserialize, Serialize};

use crate::ids::GroupId;

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
}
