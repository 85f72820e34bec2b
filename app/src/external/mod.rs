//! Ext. data: results of assessments taken outside the markbook (the
//! Phonics Screening Check, the Multiplication Tables Check, KS2 tests,
//! standardised tests), imported from CSV or Excel. A file is uploaded,
//! its columns are mapped, a preview gives every bad row its reason, and
//! the import writes the good rows in one change that can be undone as a
//! whole. Staff import for the pupils they reach. A subject's targets are
//! imported the same way.

pub mod api;
#[cfg(all(test, feature = "ssr"))]
mod fuzz;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod targets;
#[cfg(feature = "ssr")]
pub mod upload;
