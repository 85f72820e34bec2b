use serde::{Deserialize, Serialize};

/// A child's attendance this school year, for their page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildAttendance {
    /// The school year: "2026/27".
    pub year: String,
    /// The DfE's figure: "96.3%"; None when nothing is held for the year.
    pub percentage: Option<String>,
    pub attended: i64,
    pub possible: i64,
    /// The figure is the year's summary from a Common Transfer File, not
    /// worked out from daily marks.
    pub from_summary: bool,
    /// The latest absences and lates, newest first.
    pub recent: Vec<AttendanceLine>,
}

/// One absence or late arrival in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceLine {
    /// "Tuesday 1 December, morning" or "…, all day".
    pub when: String,
    /// "Absent — illness", "Late before the register closed, 12 minutes".
    pub words: String,
}

/// How many absences and lates the child's page lists.
pub const RECENT: usize = 10;
