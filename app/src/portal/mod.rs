//! The parent portal: a parent's linked children, on a phone first.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod store;
