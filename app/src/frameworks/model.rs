use serde::{Deserialize, Serialize};

use crate::{
    ids::{CriterionId, SubjectId},
    markbook::model::{Level, MenuSubject},
};

/// One row of the scale form as the browser sends it:
/// `levels[i][id]` (empty for a new level), `levels[i][key]`,
/// `levels[i][label]`, `levels[i][colour]` and, when ticked,
/// `levels[i][secured]=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelSent {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub colour: String,
    #[serde(default)]
    pub secured: bool,
}

/// One criterion as the framework editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionRow {
    pub id: CriterionId,
    pub year_group: i64,
    pub strand: String,
    pub statement: String,
    pub retired: bool,
    /// Pupils judged against it: retiring keeps these.
    pub judgements: i64,
}

/// A subject's criteria for one year, with the scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    pub subjects: Vec<MenuSubject>,
    pub subject: SubjectId,
    pub year: i64,
    pub criteria: Vec<CriterionRow>,
    pub scale: Vec<Level>,
}

pub const STRAND_LENGTH: usize = 60;
pub const STATEMENT_LENGTH: usize = 200;
pub const LABEL_LENGTH: usize = 30;
pub const SUBJECT_LENGTH: usize = 40;

/// Keys the grid keeps for itself, so a scale level can't take them.
pub fn key_problem(key: &str) -> Option<&'static str> {
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some("Give each level a key."),
        (Some(_), Some(_)) => Some("A key is one character, such as 2 or E."),
        (Some(c), None) if c.is_whitespace() => Some("Give each level a key."),
        (Some(c), None) if c.eq_ignore_ascii_case(&'h') => {
            Some("H shows a cell's history in the grid, so it can't be a key.")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::key_problem;

    #[test]
    fn keys_are_one_character_and_not_the_grids_own() {
        assert_eq!(key_problem("2"), None);
        assert_eq!(key_problem("E"), None);
        assert!(key_problem("").is_some());
        assert!(key_problem("22").is_some());
        assert!(key_problem("h").is_some());
        assert!(key_problem(" ").is_some());
    }
}
