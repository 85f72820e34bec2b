//! Homework: set by a teacher for a group with a title, a description and
//! a due date; each pupil's hand-in recorded from a list of the group; seen
//! by parents as due, handed in or overdue on each child's page.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod store;
