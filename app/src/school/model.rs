use serde::{Deserialize, Serialize};

use crate::{error::AppError, ids::PupilId};

/// The most pupils a search shows; a longer list means the search should be
/// narrowed, and the message says so.
pub const MATCHES_SHOWN: i64 = 30;

/// Counts for the admin's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolOverview {
    pub pupils: i64,
    pub groups: i64,
    pub staff: i64,
    pub parents: i64,
    /// Parents with a password set, so they can sign in.
    pub parents_signed_up: i64,
}

/// A year group as schools say it: "Reception", "Year 1" … "Year 13".
pub fn year_label(year_group: i64) -> String {
    match year_group {
        0 => "Reception".to_owned(),
        year => format!("Year {year}"),
    }
}

/// Whether a number is a year group a school has: Reception (0) to Year 13.
pub fn is_year_group(year: i64) -> bool {
    (0..=13).contains(&year)
}

/// A year group chosen from a form's list, or `None` when left blank.
pub fn parse_year_group(field: &str, typed: &str) -> Result<Option<i64>, AppError> {
    match typed.trim() {
        "" => Ok(None),
        typed => typed
            .parse()
            .ok()
            .filter(|year| is_year_group(*year))
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "Choose a year from the list.")),
    }
}

/// A stored date ("2019-05-04") the way UK schools write it ("04/05/2019").
pub fn uk_date(stored: &str) -> String {
    match (stored.get(0..4), stored.get(5..7), stored.get(8..10)) {
        (Some(year), Some(month), Some(day)) => format!("{day}/{month}/{year}"),
        _ => stored.to_owned(),
    }
}

/// A date typed the way UK schools write it ("04/05/2019", or "4/5/2019")
/// as stored ("2019-05-04"), if it is a real date.
pub fn parse_uk_date(typed: &str) -> Option<String> {
    let mut parts = typed.trim().split('/');
    let day: u32 = parts.next()?.trim().parse().ok()?;
    let month: u32 = parts.next()?.trim().parse().ok()?;
    let year: u32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1900..=2100).contains(&year) {
        return None;
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&day)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A date as a date input sends it ("2019-05-04") or as UK schools write
/// it ("04/05/2019"), as stored, if it is a real date.
pub fn parse_date(written: &str) -> Option<String> {
    let written = written.trim();
    let iso = written.len() == 10 && written.as_bytes()[4] == b'-' && written.as_bytes()[7] == b'-';
    if iso {
        parse_uk_date(&uk_date(written))
    } else {
        parse_uk_date(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_day_first() {
        assert_eq!(uk_date("2019-05-04"), "04/05/2019");
        assert_eq!(year_label(0), "Reception");
        assert_eq!(year_label(4), "Year 4");
    }

    #[test]
    fn typed_dates_are_read_day_first() {
        assert_eq!(parse_uk_date("04/05/2019").as_deref(), Some("2019-05-04"));
        assert_eq!(parse_uk_date(" 4/5/2019 ").as_deref(), Some("2019-05-04"));
        assert_eq!(parse_uk_date("29/02/2020").as_deref(), Some("2020-02-29"));
        assert_eq!(parse_uk_date("29/02/2019"), None);
        assert_eq!(parse_uk_date("31/04/2019"), None);
        assert_eq!(parse_uk_date("2019-05-04"), None);
        assert_eq!(parse_uk_date("04/05/19"), None);
    }
}

/// A pupil as a search of the roll shows them: enough to tell namesakes apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilMatch {
    pub id: PupilId,
    pub first_name: String,
    pub surname: String,
    pub year_group: i64,
    pub class_name: Option<String>,
    /// As stored ("2019-05-04").
    pub date_of_birth: String,
}

impl PupilMatch {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }

    /// "Year 3, 3 Oak, born 04/05/2019".
    pub fn description(&self) -> String {
        let class = self
            .class_name
            .as_deref()
            .map(|class| format!(", {class}"))
            .unwrap_or_default();
        format!(
            "{}{class}, born {}",
            year_label(self.year_group),
            uk_date(&self.date_of_birth)
        )
    }
}

/// What a pupil search found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilSearch {
    pub pupils: Vec<PupilMatch>,
    /// More pupils matched than are shown.
    pub more: bool,
}

/// "Teachers may add to their own sets" (School settings): who a teacher
/// may put in a set they made, as (stored value, label).
pub const SET_RULES: [(&str, &str); 2] = [
    ("year-groups", "Pupils in their classes' year groups"),
    ("anyone", "Any pupil in the school"),
];

/// What School settings holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSettings {
    /// One of [`SET_RULES`]' values.
    pub teachers_add_to_sets: String,
    pub parents_see: ParentAreas,
}

/// The areas of a child's records parents see, each switched on or off by
/// an admin in School settings. Staff always see them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentAreas {
    pub reports: bool,
    pub behaviour: bool,
    pub achievements: bool,
    pub attendance: bool,
    pub homework: bool,
}

/// Each area as the form names it, and its label.
pub const PARENT_AREAS: [(&str, &str); 5] = [
    ("reports", "Reports"),
    ("behaviour", "Behaviour"),
    ("achievements", "Achievements"),
    ("attendance", "Attendance"),
    ("homework", "Homework"),
];

impl ParentAreas {
    pub const ALL: ParentAreas = ParentAreas {
        reports: true,
        behaviour: true,
        achievements: true,
        attendance: true,
        homework: true,
    };

    /// Whether the area the form names `name` is shown.
    pub fn shows(&self, name: &str) -> bool {
        match name {
            "reports" => self.reports,
            "behaviour" => self.behaviour,
            "achievements" => self.achievements,
            "attendance" => self.attendance,
            "homework" => self.homework,
            _ => false,
        }
    }

    /// The areas ticked on the form; anything else is a mistake.
    pub fn ticked(names: &[String]) -> Result<ParentAreas, AppError> {
        let ticked = crate::error::ticked("areas", names, &PARENT_AREAS, "an area parents see")?;
        Ok(ParentAreas {
            reports: ticked("reports"),
            behaviour: ticked("behaviour"),
            achievements: ticked("achievements"),
            attendance: ticked("attendance"),
            homework: ticked("homework"),
        })
    }
}

crate::ui::done_notices! {
    /// What School settings says after a save.
    pub enum SchoolSettingsDone {
        Saved => ("saved", "School settings saved."),
    }
}
