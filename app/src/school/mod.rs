//! The school as a whole: what the admin sees at a glance.

pub mod api;
pub mod model;

#[cfg(feature = "ssr")]
mod store;
