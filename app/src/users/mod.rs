//! Users (admins only): the school's staff accounts — invitations, role and
//! SLT, active or inactive, and the groups each teaches.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
mod store;
