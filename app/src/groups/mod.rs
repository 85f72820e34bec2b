//! Groups: classes and sets of pupils, and who teaches them.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod store;
