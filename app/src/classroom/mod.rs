//! Classroom records: behaviour points and achievements, recorded by
//! teachers for the pupils of their groups and seen by the pupils' parents
//! on each child's page.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod store;
