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

/// The time zone a school's times are shown in.
const SCHOOL_TIME_ZONE: &str = "Europe/London";

/// A stored timestamp as people read it, in the school's time zone:
/// "23 Nov 2026, 14:05". Anything unreadable is shown as stored.
pub fn for_people(stored: &str) -> String {
    let shown = stored.parse::<jiff::Timestamp>().ok().and_then(|at| {
        let zone = jiff::tz::TimeZone::get(SCHOOL_TIME_ZONE).ok()?;
        Some(at.to_zoned(zone).strftime("%-d %b %Y, %H:%M").to_string())
    });
    shown.unwrap_or_else(|| stored.to_owned())
}

#[cfg(test)]
mod tests {
    use super::for_people;

    #[test]
    fn times_are_shown_in_uk_time() {
        assert_eq!(for_people("2026-11-23T14:05:00Z"), "23 Nov 2026, 14:05");
        assert_eq!(for_people("2026-07-01T08:30:00Z"), "1 Jul 2026, 09:30");
    }
}
