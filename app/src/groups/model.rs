use serde::{Deserialize, Serialize};

use crate::{
    error::{required_text, AppError, Problems},
    ids::{GroupId, PupilId, UserId},
    school::model::{parse_year_group, PupilMatch},
};

/// One group as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    /// "class" or "set".
    pub kind: String,
    pub year_group: Option<i64>,
    pub pupils: i64,
    /// Teachers' names, as "Ms Jones, Mr Khan".
    pub teachers: String,
    /// Whether the viewer may change the group (admins; the teacher who made it).
    pub can_edit: bool,
}

/// What the group form shows when editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub id: GroupId,
    pub name: String,
    pub kind: String,
    pub year_group: Option<i64>,
    pub teachers: Vec<UserId>,
    pub pupils: Vec<PupilMatch>,
}

/// A member of staff who may be given a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: UserId,
    pub name: String,
}

/// A group's kind as a list says it.
pub fn kind_label(kind: &str) -> &'static str {
    if kind == "class" {
        "Class"
    } else {
        "Set"
    }
}

/// The longest group name.
pub const NAME_LENGTH: usize = 60;

/// The group form, parsed: what `save` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupForm {
    pub name: String,
    /// None leaves an existing group's kind as it is.
    pub kind: Option<&'static str>,
    pub year_group: Option<i64>,
    /// Only an admin's form chooses teachers.
    pub teachers: Option<Vec<UserId>>,
    pub pupils: Vec<PupilId>,
}

/// What the group form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct GroupFormSent {
    pub name: String,
    pub kind: String,
    pub year_group: String,
    pub teachers: Vec<UserId>,
    /// Sent with the teachers' tick boxes: without it (the boxes never
    /// loaded) the teachers stay as they were rather than all being taken off.
    pub teachers_shown: bool,
    pub pupils: Vec<PupilId>,
}

impl GroupForm {
    /// Every mistake at once. A teacher's new group is a set they teach,
    /// and their changes leave the kind and teachers alone: those are an
    /// admin's to choose.
    pub fn parse(sent: GroupFormSent, by_admin: bool, new: bool) -> Result<GroupForm, AppError> {
        let mut problems = Problems::default();
        let name = problems.take(required_text(
            "name",
            &sent.name,
            "name",
            NAME_LENGTH,
            "Enter the group's name.",
        ));
        let kind = match (by_admin, sent.kind.as_str()) {
            (false, _) if !new => None,
            (false, _) => Some("set"),
            (true, "class") => Some("class"),
            (true, "set") => Some("set"),
            (true, _) => {
                problems.add("kind", "Choose Class or Set.");
                None
            }
        };
        let year_group = problems.take(parse_year_group("year_group", &sent.year_group));
        let mut pupils = sent.pupils;
        pupils.sort_unstable();
        pupils.dedup();
        let mut teachers = sent.teachers;
        teachers.sort_unstable();
        teachers.dedup();
        problems.finish_with(|| {
            Some(GroupForm {
                name: name?,
                kind,
                year_group: year_group?,
                teachers: (by_admin && sent.teachers_shown).then_some(teachers),
                pupils,
            })
        })
    }
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum GroupsDone {
        Created => ("created", "Group created. Open it in Markbook to record judgements."),
        Saved => ("saved", "Group saved."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mistake_is_named_at_once() {
        let sent = GroupFormSent {
            name: " ".into(),
            kind: "club".into(),
            year_group: "14".into(),
            ..GroupFormSent::default()
        };
        let error = GroupForm::parse(sent, true, true).unwrap_err();
        let fields: Vec<&str> = error.problems().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "kind", "year_group"]);
    }

    #[test]
    fn a_teachers_new_group_is_a_set_whatever_was_sent() {
        let sent = GroupFormSent {
            name: "Phonics".into(),
            kind: "class".into(),
            teachers: vec![UserId(4)],
            teachers_shown: true,
            pupils: vec![PupilId(3), PupilId(1), PupilId(3)],
            ..GroupFormSent::default()
        };
        let form = GroupForm::parse(sent.clone(), false, true).unwrap();
        assert_eq!(form.kind, Some("set"));
        assert_eq!(form.teachers, None);
        assert_eq!(form.pupils, [PupilId(1), PupilId(3)]);
        assert_eq!(GroupForm::parse(sent, false, false).unwrap().kind, None);
    }
}
