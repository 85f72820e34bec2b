//! Online reports: a report per pupil in a reporting session, with their
//! attainment in words and their teacher's comment, read by their parents
//! once published.

// The session form's server function takes each of the form's fields.
#[allow(clippy::too_many_arguments)]
pub mod api;
pub mod model;
pub mod page;
pub mod review;
pub mod sessions;
pub mod writer;

#[cfg(feature = "ssr")]
pub mod store;
