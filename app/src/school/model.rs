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

    fn england() -> Vec<Term> {
        parse_terms(
            &["Autumn".into(), "Spring".into(), "Summer".into()],
            &["20/12".into(), "10/04".into(), "31/07".into()],
        )
        .unwrap()
    }

    #[test]
    fn the_last_term_is_the_latest_to_have_ended_before_today() {
        let terms = england();
        let last = |today: &str| last_term(&terms, today).map(|t| (t.name, t.on, t.years_ago));
        let term = |name: &str, on: &str, years_ago: i64| {
            Some((name.to_owned(), on.to_owned(), years_ago))
        };
        // In the autumn term, last term was last school year's summer.
        assert_eq!(last("2026-12-04"), term("Summer", "2026-07-31", 1));
        // A term ends at the end of its day.
        assert_eq!(last("2026-12-20"), term("Summer", "2026-07-31", 1));
        assert_eq!(last("2026-12-21"), term("Autumn", "2026-12-20", 0));
        assert_eq!(last("2027-04-11"), term("Spring", "2027-04-10", 0));
        assert_eq!(last("2027-08-31"), term("Summer", "2027-07-31", 0));
        // From September, the summer just gone is last school year's.
        assert_eq!(last("2027-09-01"), term("Summer", "2027-07-31", 1));
        assert_eq!(last_term(&[], "2026-12-04"), None);
        // Term by term: last school year's and this one's so far.
        let ended: Vec<String> = terms_ended(&terms, "2027-04-11")
            .iter()
            .map(TermEnded::label)
            .collect();
        assert_eq!(
            ended,
            [
                "Autumn 2025",
                "Spring 2026",
                "Summer 2026",
                "Autumn 2026",
                "Spring 2027"
            ]
        );
    }

    #[test]
    fn the_terms_form_names_every_rows_mistake() {
        let form = |rows: &[(&str, &str)]| {
            let names: Vec<String> = rows.iter().map(|r| r.0.to_owned()).collect();
            let ends: Vec<String> = rows.iter().map(|r| r.1.to_owned()).collect();
            parse_terms(&names, &ends)
        };
        let terms = form(&[("Autumn 1", "23/10"), ("", ""), (" Autumn 2 ", "19/12")]).unwrap();
        assert_eq!(
            terms,
            [
                Term {
                    name: "Autumn 1".into(),
                    ends: TermEnd { month: 10, day: 23 }
                },
                Term {
                    name: "Autumn 2".into(),
                    ends: TermEnd { month: 12, day: 19 }
                },
            ],
            "blank rows are left out"
        );
        let message = |rows: &[(&str, &str)]| form(rows).unwrap_err().for_field("terms").unwrap();
        assert_eq!(
            message(&[("", "19/12"), ("Spring", "31/02"), ("Summer", "1/9")]),
            "Row 1: give the term a name.\nRow 2: write the day Spring ends as day/month, for example 19/12."
        );
        assert_eq!(
            message(&[("Spring", "10/04"), ("Autumn", "20/12")]),
            "Row 2: Autumn must end after Spring; list the terms in the order of the school year, from September."
        );
        assert_eq!(
            message(&[("", "")]),
            "Give the school year at least one term."
        );
        assert_eq!(
            message(&[("Autumn", "20/12"), ("autumn", "10/04")]),
            "Row 2: another term is already called autumn."
        );
        assert_eq!(TermEnd::parse("29/02"), None, "not every year has one");
        assert_eq!(TermEnd::parse("19/12/2026"), None);
        let end = TermEnd { month: 4, day: 10 };
        assert_eq!(TermEnd::from_stored(&end.stored()), Some(end));
        assert_eq!(end.words(), "10/04");
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

/// The day a term ends, the same every school year: Progress takes each
/// pupil's picture at the end of it. Any day of the holiday that follows
/// does as well, since nothing is judged in a holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermEnd {
    pub month: u8,
    pub day: u8,
}

impl TermEnd {
    /// Typed as UK schools write it, day first: "19/12".
    pub fn parse(typed: &str) -> Option<TermEnd> {
        let (day, month) = typed.trim().split_once('/')?;
        let end = TermEnd {
            month: month.trim().parse().ok()?,
            day: day.trim().parse().ok()?,
        };
        // 29 February would be missing three years in four.
        let days = match end.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&end.day).then_some(end)
    }

    /// As stored and as typed back: "19/12".
    pub fn words(self) -> String {
        format!("{:02}/{:02}", self.day, self.month)
    }

    pub fn stored(self) -> String {
        format!("{:02}-{:02}", self.month, self.day)
    }

    pub fn from_stored(stored: &str) -> Option<TermEnd> {
        let (month, day) = stored.split_once('-')?;
        TermEnd::parse(&format!("{day}/{month}"))
    }

    /// Its place in the school year, which starts on 1 September.
    fn place(self) -> (u8, u8) {
        ((self.month + 3) % 12, self.day)
    }

    /// The date it falls on ("2027-03-26") in the school year that starts
    /// in September of `year`.
    pub fn in_school_year(self, year: i32) -> String {
        let year = if self.month >= 9 { year } else { year + 1 };
        format!("{year:04}-{:02}-{:02}", self.month, self.day)
    }
}

/// One of the school's terms, in School settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub name: String,
    pub ends: TermEnd,
}

/// The most terms a school year holds: six half-terms.
pub const MOST_TERMS: usize = 6;

/// The longest name a term may have.
const TERM_NAME_LONGEST: usize = 40;

/// How the Terms form's mistakes name their row ("Row 2: …"), so the form
/// marks the right row's fields.
pub fn term_row(row: usize) -> String {
    format!("Row {row}: ")
}

/// Whether the Terms form's mistakes name this row (counted from 1).
pub fn term_row_is_wrong(message: &str, row: usize) -> bool {
    message.lines().any(|line| line.starts_with(&term_row(row)))
}

/// The Terms form, checked: each filled row a term, in the order of the
/// school year. Every row's mistake is named at once, under "terms".
pub fn parse_terms(names: &[String], ends: &[String]) -> Result<Vec<Term>, AppError> {
    let mut problems = Vec::new();
    let mut terms: Vec<Term> = Vec::new();
    let rows = names.len().max(ends.len());
    for n in 0..rows {
        let name = names.get(n).map(|s| s.trim()).unwrap_or_default();
        let ends = ends.get(n).map(|s| s.trim()).unwrap_or_default();
        let row = term_row(n + 1);
        if name.is_empty() && ends.is_empty() {
            continue;
        }
        if name.is_empty() {
            problems.push(format!("{row}give the term a name."));
            continue;
        }
        if name.chars().count() > TERM_NAME_LONGEST {
            problems.push(format!(
                "{row}keep the name to {TERM_NAME_LONGEST} characters."
            ));
            continue;
        }
        let Some(end) = TermEnd::parse(ends) else {
            problems.push(format!(
                "{row}write the day {name} ends as day/month, for example 19/12."
            ));
            continue;
        };
        if let Some(before) = terms.last().filter(|t| t.ends.place() >= end.place()) {
            problems.push(format!(
                "{row}{name} must end after {}; list the terms in the order of the school year, from September.",
                before.name
            ));
            continue;
        }
        if terms.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            problems.push(format!("{row}another term is already called {name}."));
            continue;
        }
        terms.push(Term {
            name: name.to_owned(),
            ends: end,
        });
    }
    if rows > MOST_TERMS {
        problems.push(format!("A school year has at most {MOST_TERMS} terms."));
    }
    if problems.is_empty() && terms.is_empty() {
        problems.push("Give the school year at least one term.".to_owned());
    }
    if problems.is_empty() {
        Ok(terms)
    } else {
        let problems: Vec<&str> = problems.iter().map(String::as_str).collect();
        Err(AppError::invalid_lines("terms", &problems))
    }
}

/// The school year (by the calendar year it starts in) a date ("2026-12-04")
/// falls in: from 1 September to 31 August.
pub fn school_year_of(date: &str) -> Option<i32> {
    let year: i32 = date.get(0..4)?.parse().ok()?;
    let month: u8 = date.get(5..7)?.parse().ok()?;
    Some(if month >= 9 { year } else { year - 1 })
}

/// The term that ended most recently before `today`, with what its
/// picture needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermEnded {
    pub name: String,
    /// The day it ended ("2026-07-31"): judgements recorded up to the end
    /// of that day count.
    pub on: String,
    /// How many school years ago it was: 1 when it ended last school year,
    /// so pupils were then in the year below.
    pub years_ago: i64,
}

impl TermEnded {
    /// The term with the year it ended in: "Summer 2026".
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.on.get(0..4).unwrap_or_default())
    }
}

/// The terms that have ended before `today` ("2026-12-04") in this school
/// year and the last one, oldest first: a term ends at the end of its day.
pub fn terms_ended(terms: &[Term], today: &str) -> Vec<TermEnded> {
    let Some(this_year) = school_year_of(today) else {
        return Vec::new();
    };
    [this_year - 1, this_year]
        .into_iter()
        .flat_map(|year| {
            terms.iter().map(move |term| TermEnded {
                name: term.name.clone(),
                on: term.ends.in_school_year(year),
                years_ago: i64::from(this_year - year),
            })
        })
        .filter(|term| term.on.as_str() < today)
        .collect()
}

/// The last term to have ended before `today`; None when the school has
/// no terms.
pub fn last_term(terms: &[Term], today: &str) -> Option<TermEnded> {
    terms_ended(terms, today).pop()
}

/// What School settings holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSettings {
    /// One of [`SET_RULES`]' values.
    pub teachers_add_to_sets: String,
    pub parents_see: ParentAreas,
    /// The school's terms, in the order of the school year.
    pub terms: Vec<Term>,
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
