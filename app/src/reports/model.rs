use serde::{Deserialize, Serialize};

use crate::ids::{PupilId, ReportId};

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

/// The overall judgement from a pupil's judgements in a subject: the middle
/// one (the lower of the two middles) by the scale's order. `levels` are
/// scale positions, one per judgement.
pub fn overall(mut levels: Vec<i64>) -> Option<i64> {
    if levels.is_empty() {
        return None;
    }
    levels.sort_unstable();
    Some(levels[(levels.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_judgement_is_the_middle_of_the_pupils_judgements() {
        assert_eq!(overall(vec![]), None);
        assert_eq!(overall(vec![3]), Some(3));
        assert_eq!(overall(vec![1, 3, 2, 2, 3]), Some(2));
        // An even count takes the lower middle: no rounding up a child.
        assert_eq!(overall(vec![1, 1, 3, 3]), Some(1));
    }

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
}
