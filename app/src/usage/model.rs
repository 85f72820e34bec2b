//! What School Usage shows: one month, for staff, parents or everyone, one
//! row per active person.

use serde::{Deserialize, Serialize};

use crate::{error::AppError, ids::UserId};

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar month in the school's own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UsageMonth {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl UsageMonth {
    /// Years Markwell could hold usage for; anything else is a typing error.
    const YEARS: std::ops::RangeInclusive<i32> = 2000..=2199;

    pub fn new(year: i32, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && Self::YEARS.contains(&year))
            .then_some(UsageMonth { year, month })
    }

    /// "October 2026".
    pub fn label(self) -> String {
        format!("{} {}", MONTHS[usize::from(self.month - 1)], self.year)
    }

    /// The first day, as stored: "2026-10-01".
    pub fn first_day(self) -> String {
        format!("{:04}-{:02}-01", self.year, self.month)
    }

    pub fn next(self) -> UsageMonth {
        if self.month == 12 {
            UsageMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            UsageMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

/// The month asked for in the address or the export link; this month when
/// neither year nor month is given.
pub fn month_asked(
    year: Option<&str>,
    month: Option<&str>,
    this_month: UsageMonth,
) -> Result<UsageMonth, AppError> {
    fn given(value: Option<&str>) -> Option<&str> {
        value.map(str::trim).filter(|v| !v.is_empty())
    }
    let year = match given(year) {
        None => this_month.year,
        Some(y) => y
            .parse()
            .map_err(|_| AppError::invalid("year", "Choose a year from the list."))?,
    };
    let month = match given(month) {
        None => this_month.month,
        Some(m) => m
            .parse()
            .map_err(|_| AppError::invalid("month", "Choose a month from the list."))?,
    };
    UsageMonth::new(year, month).ok_or_else(|| {
        if (1..=12).contains(&month) {
            AppError::invalid("year", "Choose a year from the list.")
        } else {
            AppError::invalid("month", "Choose a month from the list.")
        }
    })
}

/// Whose usage the table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    Staff,
    Parents,
    Everyone,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Staff, Audience::Parents, Audience::Everyone];

    /// Staff unless the address says otherwise: usage is mostly asked
    /// about for staff, and parents are many.
    pub fn parse(value: &str) -> Audience {
        match value {
            "parents" => Audience::Parents,
            "everyone" => Audience::Everyone,
            _ => Audience::Staff,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Staff => "staff",
            Audience::Parents => "parents",
            Audience::Everyone => "everyone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Staff => "Staff",
            Audience::Parents => "Parents",
            Audience::Everyone => "Staff and parents",
        }
    }
}

/// What was counted for one person, or for everyone listed, in the month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageCounts {
    pub sign_ins: i64,
    /// The last sign-in in the month, as stored (UTC), for sorting.
    pub last_sign_in_at: Option<String>,
    /// The same in UK time: "23 Nov 2026, 14:05".
    pub last_sign_in: Option<String>,
    /// Days with any use. In the totals, this and the two below count days
    /// on which anyone listed used Markwell (not a sum of people's days).
    pub days_active: i64,
    pub assessments: i64,
    pub comments: i64,
    /// Days used in a browser tab, and in the installed app (a day with
    /// both counts in both).
    pub browser: i64,
    pub app: i64,
}

/// One active person's use of Markwell in the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    pub id: UserId,
    pub first_name: String,
    pub surname: String,
    /// "Admin", "SLT", "Teacher" or "Parent".
    pub role: String,
    pub counts: UsageCounts,
}

/// "1 person", "15 people".
pub fn people(count: i64) -> String {
    match count {
        1 => "1 person".to_owned(),
        n => format!("{n} people"),
    }
}

impl UsageRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }
}

/// The totals row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageTotals {
    pub people: i64,
    pub counts: UsageCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub school: String,
    pub month: UsageMonth,
    pub audience: Audience,
    /// Sorted by surname, then first name.
    pub rows: Vec<UsageRow>,
    pub totals: UsageTotals,
}

/// What the Month and Year drop-downs offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageChoices {
    pub this_month: UsageMonth,
    /// From the first year anything was recorded to this year, oldest first.
    pub years: Vec<i32>,
}

impl UsageReport {
    /// The address of this month's Excel file.
    pub fn export_link(&self) -> String {
        usage_link(
            EXPORT_PATH,
            self.month.year,
            self.month.month,
            self.audience,
        )
    }
}

/// The page's or the export's address for a month and audience, in the shape
/// both read back (`year`, `month`, `show`).
pub fn usage_link(path: &str, year: i32, month: u8, show: Audience) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("year", &year.to_string())
        .append_pair("month", &month.to_string())
        .append_pair("show", show.as_str());
    format!("{path}?{}", query.finish())
}

/// Where "Export to Excel" downloads from (a plain GET, so the browser saves it).
pub const EXPORT_PATH: &str = "/school-usage/export";

/// The label people see for an account's role on this page.
pub fn role_label(role: &str, slt: bool) -> &'static str {
    match (role, slt) {
        ("admin", _) => "Admin",
        ("teacher", true) => "SLT",
        ("teacher", false) => "Teacher",
        _ => "Parent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_the_year() {
        let december = UsageMonth::new(2026, 12).unwrap();
        assert_eq!(december.label(), "December 2026");
        assert_eq!(december.first_day(), "2026-12-01");
        assert_eq!(december.next(), UsageMonth::new(2027, 1).unwrap());
        assert_eq!(december.next().first_day(), "2027-01-01");
        assert!(UsageMonth::new(2026, 13).is_none());
        assert!(UsageMonth::new(2026, 0).is_none());
        assert!(UsageMonth::new(99, 5).is_none());
    }

    #[test]
    fn the_month_asked_defaults_to_this_month() {
        let now = UsageMonth::new(2026, 11).unwrap();
        assert_eq!(month_asked(None, None, now), Ok(now));
        assert_eq!(month_asked(Some(""), Some(" "), now), Ok(now));
        assert_eq!(
            month_asked(Some("2025"), Some("2"), now),
            Ok(UsageMonth::new(2025, 2).unwrap())
        );
        assert_eq!(
            month_asked(None, Some("13"), now)
                .unwrap_err()
                .for_field("month"),
            Some("Choose a month from the list.".to_owned())
        );
        assert_eq!(
            month_asked(Some("twenty"), None, now)
                .unwrap_err()
                .for_field("year"),
            Some("Choose a year from the list.".to_owned())
        );
        assert!(month_asked(Some("1850"), Some("1"), now).is_err());
    }
}
