//! MIS sync: the school's MIS keeps Markwell's pupils, classes, parents and
//! their links right. A file is read into a `Roster` whatever its format,
//! checked against the database (what would change, in words), and applied
//! in one transaction.

pub mod api;
pub mod model;
pub mod page;

#[cfg(feature = "ssr")]
pub mod ctf;
#[cfg(feature = "ssr")]
pub mod duplicates;
#[cfg(all(test, feature = "ssr"))]
mod fuzz;
#[cfg(feature = "ssr")]
pub mod marks_csv;
#[cfg(feature = "ssr")]
pub mod oneroster;
#[cfg(feature = "ssr")]
pub mod roster;
#[cfg(feature = "ssr")]
pub mod simple_csv;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod sync;
#[cfg(feature = "ssr")]
pub mod upload;

#[cfg(feature = "ssr")]
pub use read::read;

#[cfg(feature = "ssr")]
mod read {
    use super::roster::{FileProblem, Roster};

    /// Reads an MIS file, recognising its format from what it holds.
    pub fn read(file_name: &str, bytes: &[u8]) -> Result<Roster, FileProblem> {
        if super::marks_csv::recognises(bytes) {
            return super::marks_csv::read(file_name, bytes);
        }
        if super::simple_csv::recognises(bytes) {
            return super::simple_csv::read(file_name, bytes);
        }
        if super::ctf::recognises(bytes) {
            return super::ctf::read(file_name, bytes);
        }
        if super::oneroster::recognises(bytes) {
            return super::oneroster::read_zip(file_name, bytes);
        }
        let what = if bytes.trim_ascii_start().starts_with(b"<") {
            "an XML file that isn't a Common Transfer File (its root isn't <CTfile>)"
        } else {
            "a file Markwell doesn't recognise"
        };
        Err(FileProblem(format!(
            "{file_name} is {what}. Markwell reads a OneRoster 1.1 or 1.2 CSV package (.zip), a DfE Common Transfer File (.xml) or the simple CSV described in its README (a header row with the columns upn, pupil_forename, pupil_surname, date_of_birth, year, class, contact_id, contact_forename, contact_surname, contact_email, relationship, parental_responsibility and access_allowed), or attendance marks as a CSV with the columns upn, date, session, code and minutes_late."
        )))
    }
}
