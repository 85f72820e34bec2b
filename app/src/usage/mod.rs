//! School Usage (SLT and admins): who used Markwell in a month, in a browser
//! or the installed app, and the same as an Excel file. Usage is recorded
//! where it happens, through `events`.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
mod store;
