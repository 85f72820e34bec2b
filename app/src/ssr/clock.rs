//! "Now", from one place. Tests use a fixed clock they can move forward, so
//! expiry and month boundaries are checked without sleeping.

use std::sync::{Arc, Mutex};

use time::{format_description::FormatItem, macros::format_description, Duration, OffsetDateTime};

/// Timestamps are stored as UTC text in this one shape, so they sort as text.
pub const STORED: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    pub fn fixed(at: OffsetDateTime) -> Self {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(at) => *at.lock().expect("clock lock"),
        }
    }

    /// Moves a fixed clock on; the system clock moves by itself.
    pub fn advance(&self, by: Duration) {
        if let Clock::Fixed(at) = self {
            let mut at = at.lock().expect("clock lock");
            *at += by;
        }
    }

    /// Now, in the stored text shape.
    pub fn stamp(&self) -> String {
        stamp(self.now())
    }
}

pub fn stamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(STORED)
        .expect("a UTC time always formats")
}
