//! The frame around every signed-in page: the staff icon strip with its menu
//! button on narrow screens, and the parent's top bar.

pub mod layout;

/// The script that keeps clicks and keys made on the markbook grid while the
/// WebAssembly loads, and replays them once the page is interactive.
pub const EARLY_INPUT: &str = include_str!("early_input.js");
