//! The school as a whole: what the admin sees at a glance, and the search
//! of its roll that lists of pupils are made from.

pub mod api;
pub mod finder;
pub mod model;

#[cfg(feature = "ssr")]
mod store;
