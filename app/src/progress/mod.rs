//! Progress: for a group and a subject, each pupil's share of their year's
//! criteria secured and the overall judgement it comes to (the rule the
//! reports use), sortable by any column. Teachers see their groups; SLT and
//! admins every group: the markbook's reach. A pupil's own page gathers
//! every subject.

pub mod api;
pub mod characteristics;
pub mod model;
pub mod page;
pub mod pupil_page;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod store;
