//! What an MIS file says, whatever its format: the pupils, their classes,
//! their contacts and which contacts may see them. Each format's reader
//! fills one of these; the sync (`sync`) compares it with the database.

use std::collections::BTreeMap;

use crate::progress::characteristics::{Characteristics, Sen, Sex};

/// Which kind of file it was, in the words the MIS sync page uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    SimpleCsv,
    /// The DfE's Common Transfer File.
    Ctf,
    /// A 1EdTech OneRoster CSV package (1.0 and 1.1 name it 1.1).
    OneRoster11,
    OneRoster12,
    /// Daily attendance marks (README, "Attendance").
    AttendanceMarks,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::SimpleCsv => "simple CSV",
            Format::Ctf => "Common Transfer File",
            Format::OneRoster11 => "OneRoster 1.1 package",
            Format::OneRoster12 => "OneRoster 1.2 package",
            Format::AttendanceMarks => "attendance marks CSV",
        }
    }
}

/// How much of the school the file speaks for, which decides what its
/// silence means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaks {
    /// The whole roll: a pupil it doesn't list has left, and an MIS link it
    /// doesn't list is removed.
    WholeSchool,
    /// Only the pupils it lists, whose contacts it lists in full (a full
    /// CTF): an MIS link of theirs it doesn't list is removed; nobody leaves.
    PupilsInFile,
    /// Only what it says (a partial CTF): it removes nothing.
    OnlyWhatItSays,
}

/// One pupil, keyed by UPN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pupil {
    pub upn: String,
    pub first_name: String,
    pub surname: String,
    /// As stored: "2019-05-04"; empty when the file doesn't give it (a
    /// OneRoster package without demographics), which keeps the stored one.
    pub date_of_birth: String,
    pub year_group: i64,
    /// What the file says of sex, SEN, pupil premium and EAL; each None
    /// where it says nothing, which keeps the stored one.
    pub characteristics: Characteristics,
}

/// One class, its pupils (UPNs) and its teachers (staff MIS ids), keyed by
/// the MIS's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub mis_id: String,
    pub name: String,
    pub pupils: Vec<String>,
    pub teachers: Vec<String>,
}

/// A member of staff, keyed by the MIS's identifier (only OneRoster
/// packages list staff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub mis_id: String,
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
}

/// How a contact is known from one sync to the next: the MIS's own id, or
/// failing that the email address (trimmed, in lower case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactKey {
    MisId(String),
    Email(String),
}

/// One person who may be linked to pupils.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub key: ContactKey,
    pub first_name: String,
    pub surname: String,
    /// Trimmed; None when the MIS has no address (the contact can't be
    /// imported: nobody could sign in).
    pub email: Option<String>,
    /// Digits only (`phone`): with the name, it finds a parent listed
    /// twice under different addresses.
    pub phone: Option<String>,
}

/// Whether the file lets a contact see a pupil, and if not, why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    NoResponsibility,
    NotAllowed,
    CourtOrder,
    /// The file doesn't say (a CTF contact without `<Responsibility>`): no
    /// link is made, and one that exists is left as it is.
    Unknown,
}

impl Access {
    /// Why a link is revoked, as the check lists it.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Access::Allowed | Access::Unknown => None,
            Access::NoResponsibility => Some("No parental responsibility"),
            Access::NotAllowed => Some("Access not allowed in MIS"),
            Access::CourtOrder => Some("Court order"),
        }
    }
}

/// A contact's tie to a pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub contact: ContactKey,
    pub upn: String,
    /// parent (unknown), mother, father, carer, grandparent or other.
    pub relationship: &'static str,
    pub access: Access,
}

/// One session's attendance mark from the MIS's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub upn: String,
    /// "2026-09-03".
    pub date: String,
    /// "AM" or "PM".
    pub session: &'static str,
    /// A national code as Markwell lists it (`attendance::codes`).
    pub code: &'static str,
    pub minutes_late: Option<i64>,
}

/// A school year's attendance figures for a pupil, from a CTF's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFigures {
    pub upn: String,
    /// The year the school year starts in: 2025 is 2025/26.
    pub year: i64,
    pub sessions: crate::attendance::codes::Sessions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub format: Format,
    pub speaks: Speaks,
    pub pupils: BTreeMap<String, Pupil>,
    pub classes: BTreeMap<String, Class>,
    pub staff: BTreeMap<String, Staff>,
    pub contacts: BTreeMap<ContactKey, Contact>,
    pub links: Vec<Link>,
    /// Attendance marks, which only ever add or replace a session's mark.
    pub marks: Vec<Mark>,
    pub attendance_years: Vec<YearFigures>,
    /// Things worth knowing that didn't stop the file being read.
    pub warnings: Vec<String>,
}

impl Roster {
    /// An empty roster for a reader to fill.
    pub fn new(format: Format, speaks: Speaks, warnings: Vec<String>) -> Roster {
        Roster {
            format,
            speaks,
            pupils: BTreeMap::new(),
            classes: BTreeMap::new(),
            staff: BTreeMap::new(),
            contacts: BTreeMap::new(),
            links: Vec::new(),
            marks: Vec::new(),
            attendance_years: Vec::new(),
            warnings,
        }
    }
}

/// Why a file can't be read, naming the file, row and column where there
/// is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem(pub String);

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FileProblem {}

/// The relationships a link may hold, as the MIS words them.
pub fn relationship(word: &str) -> Option<&'static str> {
    match word.trim().to_ascii_lowercase().as_str() {
        "" | "parent" => Some("parent"),
        "mother" | "mum" => Some("mother"),
        "father" | "dad" => Some("father"),
        "carer" | "guardian" => Some("carer"),
        "grandparent" | "grandmother" | "grandfather" => Some("grandparent"),
        "other" => Some("other"),
        _ => None,
    }
}

/// A phone number as digits, UK numbers written with +44 or 0044 as
/// dialled at home ("+44 7689 415 547" is "07689415547"); None for what
/// can't be a number.
pub fn phone(written: &str) -> Option<String> {
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    let international = written.trim_start().starts_with('+') || digits.starts_with("00");
    let digits = digits.trim_start_matches("00");
    let digits = match digits.strip_prefix("44") {
        Some(rest) if international => format!("0{rest}"),
        _ if international => format!("+{digits}"),
        _ => digits.to_owned(),
    };
    (digits.len() >= 6).then_some(digits)
}

/// A yes or no as MIS exports write it.
pub fn yes_or_no(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A file's sex cell: F or M, or the words; blank says nothing, and so do
/// the DfE's other codes (not known, not stated).
pub fn sex(written: &str) -> Result<Option<Sex>, String> {
    match written.trim().to_ascii_lowercase().as_str() {
        "f" | "female" | "girl" => Ok(Some(Sex::Female)),
        "m" | "male" | "boy" => Ok(Some(Sex::Male)),
        "" | "u" | "x" | "9" | "not known" | "unspecified" | "other" => Ok(None),
        _ => Err(format!("\"{}\" isn't a sex: write F or M", written.trim())),
    }
}

/// A file's SEN provision cell: the DfE's code (S, a statement, is now an
/// EHC plan) or the words; blank says nothing.
pub fn sen(written: &str) -> Result<Option<Sen>, String> {
    match written.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "n" | "no" | "none" | "no sen" => Ok(Some(Sen::NoSen)),
        "k" | "sen support" | "support" => Ok(Some(Sen::Support)),
        "e" | "s" | "ehc plan" | "ehcp" | "statement" => Ok(Some(Sen::EhcPlan)),
        _ => Err(format!(
            "\"{}\" isn't an SEN provision: write N (none), K (SEN support) or E (EHC plan)",
            written.trim()
        )),
    }
}

/// A file's optional yes-or-no cell; blank says nothing.
pub fn yes_no_or_blank(written: &str) -> Result<Option<bool>, String> {
    match written.trim() {
        "" => Ok(None),
        word => yes_or_no(word)
            .map(Some)
            .ok_or_else(|| format!("\"{word}\" isn't yes or no")),
    }
}

/// The DfE's check letter (the UPN's first character) against the twelve
/// characters after it. Temporary UPNs (a letter last) aren't checked.
pub fn upn_check_letter_right(upn: &str) -> bool {
    const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let bytes = upn.as_bytes();
    if bytes.len() != 13 || !bytes[1..12].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !bytes[12].is_ascii_digit() {
        return true;
    }
    let sum: usize = bytes[1..]
        .iter()
        .enumerate()
        .map(|(i, b)| usize::from(b - b'0') * (i + 2))
        .sum();
    bytes[0] == LETTERS[sum % 23]
}

/// A name as the school would write it: MIS exports sometimes hold names
/// in capitals ("O'NEILL-SMITH" becomes "O'Neill-Smith"); others are kept.
pub fn name(written: &str) -> String {
    let written = written.trim();
    if written.chars().any(char::is_lowercase) {
        return written.to_owned();
    }
    let mut out = String::with_capacity(written.len());
    let mut start = true;
    for c in written.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

/// A date as MIS exports write it, DD/MM/YYYY or YYYY-MM-DD, as stored.
pub fn date(written: &str) -> Option<String> {
    crate::school::model::parse_date(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upn_check_letters() {
        // Worked by hand: weights 2..13 over 0,0,1,2,3,4,5,6,7,8,9,0 sum to
        // 420, and 420 mod 23 = 6, the seventh letter: G.
        assert!(upn_check_letter_right("G001234567890"));
        assert!(!upn_check_letter_right("A001234567890"));
        assert!(upn_check_letter_right("G00123456789A"));
        assert!(!upn_check_letter_right("A123"));
    }

    #[test]
    fn dates_come_either_way_round() {
        assert_eq!(date("04/05/2019").as_deref(), Some("2019-05-04"));
        assert_eq!(date(" 2019-05-04 ").as_deref(), Some("2019-05-04"));
        assert_eq!(date("2019-02-30"), None);
        assert_eq!(date("05/04"), None);
        assert_eq!(date("2019-5-4x"), None);
    }

    #[test]
    fn phone_numbers_as_digits() {
        assert_eq!(phone("07689 415 547").as_deref(), Some("07689415547"));
        assert_eq!(phone("+44 7689 415547").as_deref(), Some("07689415547"));
        assert_eq!(phone("0044 7689 415547").as_deref(), Some("07689415547"));
        assert_eq!(phone("+1 603 222 1111").as_deref(), Some("+16032221111"));
        assert_eq!(phone("234981").as_deref(), Some("234981"));
        assert_eq!(phone("n/a"), None);
    }

    #[test]
    fn names_in_capitals_are_written_as_names() {
        assert_eq!(name(" O'NEILL-SMITH "), "O'Neill-Smith");
        assert_eq!(name("McDonald"), "McDonald");
        assert_eq!(name("JEAN PAUL"), "Jean Paul");
    }

    #[test]
    fn relationships_and_answers_in_the_mis_words() {
        assert_eq!(relationship("Mother"), Some("mother"));
        assert_eq!(relationship(""), Some("parent"));
        assert_eq!(relationship("aunt"), None);
        assert_eq!(yes_or_no(" YES"), Some(true));
        assert_eq!(yes_or_no("N"), Some(false));
        assert_eq!(yes_or_no("maybe"), None);
    }

    #[test]
    fn characteristics_cells_say_it_in_codes_or_words_and_blank_says_nothing() {
        assert_eq!(sex(" f "), Ok(Some(Sex::Female)));
        assert_eq!(sex("Male"), Ok(Some(Sex::Male)));
        assert_eq!(sex(""), Ok(None));
        assert_eq!(sex("U"), Ok(None));
        assert_eq!(sex("Q"), Err("\"Q\" isn't a sex: write F or M".to_owned()));
        assert_eq!(sen("k"), Ok(Some(Sen::Support)));
        assert_eq!(sen("EHC plan"), Ok(Some(Sen::EhcPlan)));
        assert_eq!(sen("S"), Ok(Some(Sen::EhcPlan)));
        assert_eq!(sen("N"), Ok(Some(Sen::NoSen)));
        assert_eq!(sen(""), Ok(None));
        assert!(sen("maybe").unwrap_err().contains("K (SEN support)"));
        assert_eq!(yes_no_or_blank("Yes"), Ok(Some(true)));
        assert_eq!(yes_no_or_blank("0"), Ok(Some(false)));
        assert_eq!(yes_no_or_blank(" "), Ok(None));
        assert_eq!(
            yes_no_or_blank("often"),
            Err("\"often\" isn't yes or no".to_owned())
        );
    }
}
