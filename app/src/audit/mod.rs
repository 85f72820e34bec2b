//! The audit log viewer (admins only): every change to accounts, and every
//! sign-in, filterable by person, action and date. Entries are written by
//! `ssr::audit` in the transaction of the change they describe.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
mod store;
