//! Frameworks (admins): subjects, their criteria by year and strand, and the
//! school's scale. Criteria are retired rather than deleted, so judgements
//! against them keep their history.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod default;
#[cfg(feature = "ssr")]
mod store;
