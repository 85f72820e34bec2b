//! The frame around every signed-in page: the staff icon strip with its menu
//! button on narrow screens, the parent's top bar, and each role's home page.

pub mod home;
pub mod layout;
