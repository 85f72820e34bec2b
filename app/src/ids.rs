//! Record ids as types, so a parent's id can't go where a pupil's belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A staff member's or parent's account.
    UserId,
    /// A pupil on the school roll.
    PupilId,
    /// A class or set.
    GroupId,
    /// A subject in the markbook (Reading, Writing, Maths, …).
    SubjectId,
    /// One statement pupils are assessed against.
    CriterionId,
    /// A step of the school's scale (Working towards, Expected, …).
    LevelId,
    /// A reporting session ("Summer 2026").
    ReportSessionId,
    /// One pupil's report in a reporting session.
    ReportId,
    /// A behaviour on the school's list ("Great effort +1").
    BehaviourId,
    /// One behaviour or achievement recorded for one pupil.
    EntryId,
    /// One thing a parent is told about ("Ava: Kindness +1").
    NotificationId,
    /// A piece of homework set for a group.
    HomeworkId,
);

impl PupilId {
    /// Where the pupil's page is, for staff who reach them (the route is
    /// `/pupils/:pupil`): linked from Progress, Parents and the markbook.
    pub fn page(self) -> String {
        format!("/pupils/{self}")
    }
}
