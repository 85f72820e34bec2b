//! The markbook: groups' pupils against a subject's criteria, judged on the
//! school's scale, saved as teachers type and shared live between them.

pub mod api;
mod grid;
pub mod layout;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod store;
