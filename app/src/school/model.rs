use serde::{Deserialize, Serialize};

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

/// A stored date ("2019-05-04") the way UK schools write it ("04/05/2019").
pub fn uk_date(stored: &str) -> String {
    match (stored.get(0..4), stored.get(5..7), stored.get(8..10)) {
        (Some(year), Some(month), Some(day)) => format!("{day}/{month}/{year}"),
        _ => stored.to_owned(),
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
}
