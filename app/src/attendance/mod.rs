//! Attendance: the daily session marks the school's MIS keeps (the
//! statutory register), imported by the MIS sync and read by parents and
//! staff as a percentage for the school year and recent absences and lates
//! in words, never as bare codes.

pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod store;
