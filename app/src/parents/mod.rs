//! Parents (admins only): the list of parents and the children they are
//! linked to, the parent form with its pupil search and "Add to List",
//! invitations by email and printed letters with access codes.

// The parent form's server function takes one argument per form field,
// which is more than clippy's default of seven.
#[allow(clippy::too_many_arguments)]
pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
mod letters;
#[cfg(feature = "ssr")]
pub mod own_account;
#[cfg(feature = "ssr")]
mod saving;
#[cfg(feature = "ssr")]
pub mod signup;
#[cfg(feature = "ssr")]
mod store;
