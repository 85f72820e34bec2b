//! The MIS file readers never panic, whatever the bytes: an admin's upload
//! or a night's export gets a message, never a 500. Each reader is fed
//! random bytes and real files with random damage (bytes changed, cut
//! short, lines repeated or dropped). Inputs that once broke a reader are
//! kept below as tests of their own.

use proptest::prelude::*;

use crate::fuzzing::{damage, damaged};

const SIMPLE_CSV: &str = "\u{feff}UPN,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n\
G001234567890,Amy,Okafor,04/05/2019,2,2 Elm,C-101,Grace,Okafor,grace@example.org,mother,yes,yes\n\
G001234567890,Amy,Okafor,2019-05-04,2,2 Elm,C-102,\"Sam, Jr\",Okafor,,father,no,yes\n\
N801234567891,Tom,Okafor,2016-11-30,R,,,,,,,,\n";

const CTF: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<CTfile><Header><DocumentQualifier>full</DocumentQualifier></Header>
<CTFpupilData><Pupil><UPN>G001234567890</UPN><Surname>OKAFOR</Surname><Forename>Amy</Forename>
<DOB>2019-05-04</DOB><BasicDetails><NCyearActual>2</NCyearActual></BasicDetails>
<Contacts><Contact><Surname>Okafor</Surname><Forename>Grace</Forename><Relationship>PAM</Relationship>
<Responsibility>true</Responsibility><Email>grace@example.org</Email>
<SuppInfo><CourtOrder>N</CourtOrder></SuppInfo></Contact></Contacts></Pupil></CTFpupilData></CTfile>"#;

const ONEROSTER_MANIFEST: &str =
    "propertyName,value\r\noneroster.version,1.1\r\nfile.users,bulk\r\n";
const ONEROSTER_USERS: &str =
    "sourcedId,status,role,givenName,familyName,email,agentSourcedIds,grades,identifier\r\n\
p1,active,student,Amy,Okafor,,,02,G001234567890\r\n\
g1,active,guardian,Grace,Okafor,grace@example.org,p1,,\r\n\
t1,active,teacher,Tess,Ward,tess@school.example,p1,,\r\n";
const ONEROSTER_CLASSES: &str = "sourcedId,status,title\r\nc1,active,2 Elm\r\n";
const ONEROSTER_ENROLMENTS: &str =
    "sourcedId,classSourcedId,userSourcedId,role\r\ne1,c1,p1,student\r\ne2,c1,t1,teacher\r\n";

/// A OneRoster package zipped, its users.csv as given.
fn oneroster(users: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in [
        ("manifest.csv", ONEROSTER_MANIFEST.as_bytes()),
        ("users.csv", users),
        ("classes.csv", ONEROSTER_CLASSES.as_bytes()),
        ("enrollments.csv", ONEROSTER_ENROLMENTS.as_bytes()),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_get_an_answer(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = super::read("file", &bytes);
    }

    #[test]
    fn a_damaged_simple_csv_gets_an_answer(damages in proptest::collection::vec(damage(), 1..6)) {
        let _ = super::read("roster.csv", &damaged(SIMPLE_CSV, &damages));
    }

    #[test]
    fn a_damaged_ctf_gets_an_answer(damages in proptest::collection::vec(damage(), 1..6)) {
        let _ = super::read("transfer.xml", &damaged(CTF, &damages));
    }

    #[test]
    fn a_damaged_oneroster_package_gets_an_answer(
        inside in proptest::collection::vec(damage(), 0..4),
        outside in proptest::collection::vec(damage(), 0..3),
    ) {
        let package = oneroster(&damaged(ONEROSTER_USERS, &inside));
        let _ = super::read("package.zip", &damaged(package, &outside));
    }
}

/// The files before damage are read, so the damage is what's tried.
#[test]
fn the_files_fuzzed_are_read_whole() {
    let csv = super::read("roster.csv", SIMPLE_CSV.as_bytes()).unwrap();
    assert_eq!((csv.pupils.len(), csv.links.len()), (2, 2));
    let ctf = super::read("transfer.xml", CTF.as_bytes()).unwrap();
    assert_eq!((ctf.pupils.len(), ctf.links.len()), (1, 1));
    let package = super::read("package.zip", &oneroster(ONEROSTER_USERS.as_bytes())).unwrap();
    assert_eq!(
        (
            package.pupils.len(),
            package.links.len(),
            package.staff.len()
        ),
        (1, 1, 1)
    );
    assert_eq!(package.classes["c1"].teachers, ["t1"]);
}
