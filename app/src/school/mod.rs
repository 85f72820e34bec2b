//! The school as a whole: what the admin sees at a glance, School settings,
//! and the search of its roll that lists of pupils are made from.

pub mod api;
pub mod finder;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod store;
