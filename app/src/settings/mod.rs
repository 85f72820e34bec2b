//! Settings, for everyone signed in: their name, their email address
//! (confirmed by a link before it takes effect) and their password.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
mod store;
