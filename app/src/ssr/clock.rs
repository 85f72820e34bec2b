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

fn school_zone() -> Option<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::get(SCHOOL_TIME_ZONE).ok()
}

/// A stored timestamp as a date and time on the school's clock.
pub fn at_school(stored: &str) -> Option<jiff::civil::DateTime> {
    let at = stored.parse::<jiff::Timestamp>().ok()?;
    Some(at.to_zoned(school_zone()?).datetime())
}

/// A date and time on the school's clock as a stored timestamp (UTC).
pub fn stamp_at_school(at: jiff::civil::DateTime) -> anyhow::Result<String> {
    let zone = school_zone().ok_or_else(|| anyhow::anyhow!("no UK time zone data"))?;
    Ok(at
        .to_zoned(zone)?
        .timestamp()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string())
}

/// The school's calendar date at a stored timestamp, as stored: "2026-11-23".
/// A day at school starts at midnight UK time, not UTC.
pub fn school_day(stored: &str) -> anyhow::Result<String> {
    at_school(stored)
        .map(|at| at.date().to_string())
        .ok_or_else(|| anyhow::anyhow!("not a stored timestamp: {stored}"))
}

/// A stored timestamp as people read it, in the school's time zone:
/// "23 Nov 2026, 14:05". Anything unreadable is shown as stored.
pub fn for_people(stored: &str) -> String {
    at_school(stored)
        .map(|at| at.strftime("%-d %b %Y, %H:%M").to_string())
        .unwrap_or_else(|| stored.to_owned())
}

/// The school's date at a stored timestamp, written out: "13 July 2026".
pub fn day_for_people(stored: &str) -> String {
    at_school(stored)
        .map(|at| at.strftime("%-d %B %Y").to_string())
        .unwrap_or_else(|| stored.to_owned())
}

/// Where today, this week and this term began on the school's clock, as
/// stored timestamps, for "points this week" and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolPeriods {
    pub today: String,
    /// Monday, midnight.
    pub week: String,
    /// Terms by month: autumn from 1 September, spring from 1 January,
    /// summer from 1 April (Easter moves; the month is what parents expect).
    pub term: String,
}

pub fn school_periods(stored_now: &str) -> anyhow::Result<SchoolPeriods> {
    let day = at_school(stored_now)
        .ok_or_else(|| anyhow::anyhow!("not a stored timestamp: {stored_now}"))?
        .date();
    let since_monday = i64::from(day.weekday().to_monday_zero_offset());
    let monday = day.checked_sub(jiff::Span::new().days(since_monday))?;
    let term_month = match day.month() {
        9..=12 => 9,
        1..=3 => 1,
        _ => 4,
    };
    let term = jiff::civil::date(day.year(), term_month, 1);
    let midnight = |date: jiff::civil::Date| stamp_at_school(date.at(0, 0, 0, 0));
    Ok(SchoolPeriods {
        today: midnight(day)?,
        week: midnight(monday)?,
        term: midnight(term)?,
    })
}

#[cfg(test)]
mod tests {
    use super::{day_for_people, for_people, school_day, school_periods, stamp_at_school};

    #[test]
    fn weeks_start_on_monday_and_terms_by_month() {
        // Thursday 3 December 2026, in UK winter time (UTC).
        let periods = school_periods("2026-12-03T10:00:00Z").unwrap();
        assert_eq!(periods.today, "2026-12-03T00:00:00Z");
        assert_eq!(periods.week, "2026-11-30T00:00:00Z");
        // 1 September is still British Summer Time.
        assert_eq!(periods.term, "2026-08-31T23:00:00Z");
        // A Sunday in May, in British Summer Time: midnight is 23:00 UTC.
        let periods = school_periods("2026-05-10T12:00:00Z").unwrap();
        assert_eq!(periods.week, "2026-05-03T23:00:00Z");
        assert_eq!(periods.term, "2026-03-31T23:00:00Z");
        // A Monday in February is the week's own start.
        let periods = school_periods("2027-02-01T08:00:00Z").unwrap();
        assert_eq!(periods.week, "2027-02-01T00:00:00Z");
        assert_eq!(periods.term, "2027-01-01T00:00:00Z");
    }

    #[test]
    fn days_are_written_out_in_uk_time() {
        assert_eq!(day_for_people("2026-07-12T23:30:00Z"), "13 July 2026");
    }

    #[test]
    fn times_are_shown_in_uk_time() {
        assert_eq!(for_people("2026-11-23T14:05:00Z"), "23 Nov 2026, 14:05");
        assert_eq!(for_people("2026-07-01T08:30:00Z"), "1 Jul 2026, 09:30");
    }

    #[test]
    fn a_school_day_starts_at_uk_midnight() {
        // British Summer Time: half past midnight on 1 April is still 31 March in UTC.
        assert_eq!(school_day("2026-03-31T23:30:00Z").unwrap(), "2026-04-01");
        // Winter: UK time is UTC.
        assert_eq!(school_day("2026-12-31T23:30:00Z").unwrap(), "2026-12-31");
        assert!(school_day("yesterday").is_err());
    }

    #[test]
    fn school_times_are_stored_in_utc() {
        let summer = jiff::civil::date(2026, 7, 1).at(9, 30, 0, 0);
        assert_eq!(stamp_at_school(summer).unwrap(), "2026-07-01T08:30:00Z");
        let winter = jiff::civil::date(2026, 12, 1).at(9, 30, 0, 0);
        assert_eq!(stamp_at_school(winter).unwrap(), "2026-12-01T09:30:00Z");
    }
}
