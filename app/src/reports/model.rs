use serde::{Deserialize, Serialize};

use crate::{
    error::{required_text, AppError, Problems},
    ids::{GroupId, PupilId, ReportId, ReportSessionId},
    school::model::{is_year_group, parse_uk_date},
};

/// The longest comment a teacher can save (the guide is shorter).
pub const COMMENT_LENGTH: usize = 6000;
/// The longest note SLT send back with a comment.
pub const NOTE_LENGTH: usize = 1000;

/// Where a report is on its way to parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportStatus {
    /// No comment yet.
    NotStarted,
    Writing,
    Ready,
    SentBack,
    Approved,
    Published,
}

impl ReportStatus {
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "Not started",
            ReportStatus::Writing => "Being written",
            ReportStatus::Ready => "Ready for review",
            ReportStatus::SentBack => "Sent back",
            ReportStatus::Approved => "Approved",
            ReportStatus::Published => "Published",
        }
    }

    /// From the stored status and whether there is a comment.
    pub fn from_stored(status: &str, has_comment: bool) -> ReportStatus {
        match status {
            "ready" => ReportStatus::Ready,
            "returned" => ReportStatus::SentBack,
            "approved" => ReportStatus::Approved,
            "published" => ReportStatus::Published,
            _ if has_comment => ReportStatus::Writing,
            _ => ReportStatus::NotStarted,
        }
    }

    /// Whether the teacher can still change the comment.
    pub fn writable(self) -> bool {
        matches!(
            self,
            ReportStatus::NotStarted
                | ReportStatus::Writing
                | ReportStatus::Ready
                | ReportStatus::SentBack
        )
    }
}

/// The longest name a reporting session can have.
pub const SESSION_NAME_LENGTH: usize = 60;

/// The sections a report can have: (form value, label on the session form).
pub const SECTIONS: [(&str, &str); 5] = [
    (
        "attainment",
        "Attainment in each subject, from the markbook",
    ),
    ("external", "External results"),
    ("comment", "Teacher's comment"),
    ("attendance", "Attendance, where recorded"),
    ("behaviour", "Behaviour, where recorded"),
];

/// A reporting session as the admin's form shows it. Dates are as typed,
/// DD/MM/YYYY.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub id: ReportSessionId,
    pub name: String,
    pub groups: Vec<GroupId>,
    pub years: Vec<i64>,
    pub sections: Vec<String>,
    pub opens_on: String,
    pub closes_on: String,
    pub publish_on: String,
    pub guide: i64,
    pub published: bool,
}

/// One of the viewer's groups in a session, with its comments written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupProgress {
    pub id: GroupId,
    pub name: String,
    pub written: i64,
    pub reports: i64,
}

/// A group the session form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: GroupId,
    pub name: String,
    pub year: String,
}

/// What the session form needs: the session (none for a new one) and the
/// school's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionForm {
    pub detail: Option<SessionDetail>,
    pub groups: Vec<GroupChoice>,
}

/// A reporting session, as listed on Reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: ReportSessionId,
    pub name: String,
    /// "Writing 13/11/2026 to 11/12/2026 · publish 18/12/2026".
    pub dates: String,
    pub published: bool,
    /// Reports in the session, and how many have a comment, are approved
    /// and are published.
    pub reports: i64,
    pub written: i64,
    pub approved: i64,
    pub published_count: i64,
    /// The viewer's groups in this session, for "Write comments".
    pub my_groups: Vec<GroupProgress>,
}

/// A group's reports in a session, for the comment writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Writer {
    pub session: String,
    pub group: String,
    /// The length to keep a comment to.
    pub guide: usize,
    /// False for SLT reading a group they don't teach, or a session's
    /// published reports.
    pub can_write: bool,
    /// Whether the session's reports have a teacher's comment; without one a
    /// report only needs marking ready.
    pub with_comment: bool,
    pub pupils: Vec<WriterPupil>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriterPupil {
    pub report: ReportId,
    pub first_name: String,
    pub surname: String,
    pub status: ReportStatus,
    pub comment: String,
    /// Saves must name the version they change, so an older autosave never
    /// overwrites a newer comment.
    pub version: i64,
    pub review_note: Option<String>,
    pub attainment: Vec<SubjectAttainment>,
}

/// What a save answers: the version now stored and the report's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentSaved {
    pub version: i64,
    pub status: ReportStatus,
}

/// A report as SLT review it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub report: ReportId,
    pub pupil: PupilId,
    pub name: String,
    pub group: Option<String>,
    pub status: ReportStatus,
    pub comment: String,
    pub written_by: Option<String>,
    pub review_note: Option<String>,
    /// The comment's version as read, so Approve approves what was read.
    pub version: i64,
}

/// A session's reports for review, and what publishing would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub session: String,
    pub published: bool,
    pub items: Vec<ReviewItem>,
}

/// What Publish did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub reports: i64,
    pub emails: i64,
}

/// A published report, as listed on a child's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub id: ReportId,
    pub session: String,
    /// "13 July 2026".
    pub published_on: String,
}

/// One subject of a report: how the pupil is doing, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectAttainment {
    pub subject: String,
    pub words: String,
    pub secured: i64,
    pub judged: i64,
}

impl SubjectAttainment {
    /// "Secure in 14 of the 20 things assessed so far."
    pub fn detail(&self) -> String {
        format!(
            "Secure in {} of the {} thing{} assessed so far.",
            self.secured,
            self.judged,
            if self.judged == 1 { "" } else { "s" }
        )
    }
}

/// A child, for the switcher on a parent's pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildLink {
    pub id: PupilId,
    pub name: String,
}

/// A whole report, as a parent reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: ReportId,
    pub pupil: PupilId,
    pub first_name: String,
    pub surname: String,
    /// "Year 5", the year the report was written in.
    pub year: String,
    pub class_name: Option<String>,
    pub session: String,
    /// "13 July 2026", or None while it is being written (staff only).
    pub published_on: Option<String>,
    /// Present when the session has the section.
    pub attainment: Option<Vec<SubjectAttainment>>,
    /// Results from Ext. data, a line each ("Phonics Screening Check
    /// (08/06/2026): 36 (Working at the expected standard)"), when the
    /// session has the section; empty without it or without results.
    #[serde(default)]
    pub external: Vec<String>,
    /// "96.3% this school year (2026/27): attended …", when the session has
    /// the section and attendance is held.
    pub attendance: Option<String>,
    /// "This term: 14 positive, 2 negative points. Achievements: …", when
    /// the session has the section and something was recorded.
    pub behaviour: Option<String>,
    pub comment: Option<String>,
    /// Who wrote the comment: "Mrs Rebecca Jones" is more than the school
    /// keeps, so first name and surname.
    pub written_by: Option<String>,
    /// The reader's other children (parents only), for the switcher.
    pub children: Vec<ChildLink>,
}

/// A level of the school's scale in words a parent understands. The default
/// scale's labels get the national curriculum's phrasing; a label an admin
/// wrote themselves is shown as written.
pub fn parent_words(label: &str, year: &str) -> String {
    match label.trim().to_ascii_lowercase().as_str() {
        "working towards" => format!("Working towards the expected standard for {year}"),
        "expected" => format!("Working at the expected standard for {year}"),
        "greater depth" => format!("Working at greater depth for {year}"),
        _ => label.trim().to_owned(),
    }
}

/// What the session form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct SessionSent {
    pub name: String,
    pub groups: Vec<GroupId>,
    pub years: Vec<i64>,
    pub sections: Vec<String>,
    pub opens_on: String,
    pub closes_on: String,
    pub publish_on: String,
    pub guide: String,
}

/// The session form, parsed: dates stored as 'YYYY-MM-DD', lists sorted
/// without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChange {
    pub name: String,
    pub groups: Vec<GroupId>,
    pub years: Vec<i64>,
    pub sections: Vec<String>,
    pub opens_on: String,
    pub closes_on: String,
    pub publish_on: String,
    pub guide: i64,
}

impl SessionChange {
    /// Every mistake on the form at once, each beside its field.
    pub fn parse(sent: SessionSent) -> Result<SessionChange, AppError> {
        let mut problems = Problems::default();
        let name = problems.take(required_text(
            "name",
            &sent.name,
            "name",
            SESSION_NAME_LENGTH,
            "Enter the session's name, such as Summer 2027.",
        ));
        if sent.groups.is_empty() && sent.years.is_empty() {
            problems.add("groups", "Choose at least one year group or group.");
        } else if !sent.years.iter().all(|y| is_year_group(*y)) {
            problems.add("groups", "Choose year groups from the list.");
        }
        let mut sections = sent.sections;
        sections.retain(|s| SECTIONS.iter().any(|(value, _)| value == s));
        if sections.is_empty() {
            problems.add("sections", "Choose at least one section.");
        }
        let mut date = |field: &'static str, typed: &str| {
            let parsed = parse_uk_date(typed);
            if parsed.is_none() {
                problems.add(field, "Enter a date as DD/MM/YYYY, such as 13/07/2027.");
            }
            parsed
        };
        let opens_on = date("opens_on", &sent.opens_on);
        let closes_on = date("closes_on", &sent.closes_on);
        let publish_on = date("publish_on", &sent.publish_on);
        if let (Some(opens), Some(closes)) = (&opens_on, &closes_on) {
            if closes < opens {
                problems.add(
                    "closes_on",
                    "Writing must close on or after the day it opens.",
                );
            }
        }
        if let (Some(closes), Some(publish)) = (&closes_on, &publish_on) {
            if publish < closes {
                problems.add(
                    "publish_on",
                    "The publish date must be on or after writing closes.",
                );
            }
        }
        let guide = sent
            .guide
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|g| (200..=4000).contains(g));
        if guide.is_none() {
            problems.add("guide", "Enter a number of characters from 200 to 4000.");
        }
        let mut groups = sent.groups;
        groups.sort_unstable();
        groups.dedup();
        let mut years = sent.years;
        years.sort_unstable();
        years.dedup();
        problems.finish_with(|| {
            Some(SessionChange {
                name: name?,
                groups,
                years,
                sections,
                opens_on: opens_on?,
                closes_on: closes_on?,
                publish_on: publish_on?,
                guide: guide?,
            })
        })
    }
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum ReportsDone {
        Created => ("created", "Reporting session created. Its teachers can start writing."),
        Saved => ("saved", "Reporting session saved."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_read_the_default_scale_in_words() {
        assert_eq!(
            parent_words("Working towards", "Year 5"),
            "Working towards the expected standard for Year 5"
        );
        assert_eq!(
            parent_words("expected", "Year 2"),
            "Working at the expected standard for Year 2"
        );
        assert_eq!(
            parent_words("Greater depth", "Year 6"),
            "Working at greater depth for Year 6"
        );
        assert_eq!(parent_words(" Emerging ", "Year 1"), "Emerging");
    }

    #[test]
    fn the_detail_counts_in_words() {
        let one = SubjectAttainment {
            subject: "Maths".into(),
            words: String::new(),
            secured: 1,
            judged: 1,
        };
        assert_eq!(one.detail(), "Secure in 1 of the 1 thing assessed so far.");
    }

    #[test]
    fn a_session_form_names_every_mistake_at_once() {
        let sent = SessionSent {
            name: "".into(),
            opens_on: "31/02/2027".into(),
            closes_on: "01/07/2027".into(),
            publish_on: "30/06/2027".into(),
            guide: "50".into(),
            ..SessionSent::default()
        };
        let error = SessionChange::parse(sent).unwrap_err();
        let fields: Vec<&str> = error.problems().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "groups",
                "sections",
                "opens_on",
                "publish_on",
                "guide"
            ]
        );
    }

    #[test]
    fn a_good_session_form_parses() {
        let sent = SessionSent {
            name: " Summer 2027 ".into(),
            groups: vec![GroupId(3), GroupId(1), GroupId(3)],
            years: vec![],
            sections: vec!["comment".into(), "nonsense".into()],
            opens_on: "1/6/2027".into(),
            closes_on: "01/07/2027".into(),
            publish_on: "13/07/2027".into(),
            guide: "1200".into(),
        };
        let change = SessionChange::parse(sent).unwrap();
        assert_eq!(change.name, "Summer 2027");
        assert_eq!(change.groups, [GroupId(1), GroupId(3)]);
        assert_eq!(change.sections, ["comment"]);
        assert_eq!(change.opens_on, "2027-06-01");
        assert_eq!(change.guide, 1200);
    }
}
