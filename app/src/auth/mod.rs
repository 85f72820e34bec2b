//! Sign-in and sign-out, who is asking, and what they may see.
//!
//! `Viewer::current()` is the one way a server function learns who is asking;
//! its check methods return proof values that the queries needing them take.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod details;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
mod viewer;

#[cfg(feature = "ssr")]
pub use viewer::{
    AdminRights, EditableGroup, LeadershipRights, OpenGroup, ParentRights, ReadablePupil,
    ReadableReport, StaffRights, Viewer, WritableGroup, WritableReport,
};
