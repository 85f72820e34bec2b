//! What parents are told: each behaviour entry, achievement and published
//! report about a child makes one notification for each parent linked to
//! the child. They arrive without reloading, over a stream each parent's
//! pages hold open, and show as an unread count in the parent's top bar.
//! Each parent chooses in Settings what also comes by email (`summary`).

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod summary;
