//! The DfE's Common Transfer File (CTF): `<CTfile>`, a header, and each
//! pupil with their contacts. A CTF is a transfer file, not the whole roll:
//! a *full* one speaks for its pupils' contacts, a *partial* one removes
//! nothing. Contacts carry no identifier, so their email address is their
//! key. Unknown elements (a supplier's `SuppInfo`, addresses, results) are
//! left alone.

use std::collections::btree_map::Entry;

use roxmltree::{Document, Node};

use super::roster::{
    self, Access, Contact, ContactKey, FileProblem, Format, Link, Pupil, Roster, Speaks,
    YearFigures,
};
use crate::{attendance::codes::Sessions, progress::characteristics::Characteristics};

/// Whether the bytes look like a CTF: XML whose root is `CTfile`.
pub fn recognises(bytes: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    start.contains("<ctfile")
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// The trimmed text of the element at `path` (names separated by '/').
fn text(node: Node, path: &str) -> Option<String> {
    let mut at = node;
    for name in path.split('/') {
        at = child(at, name)?;
    }
    at.text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A contact's phone number: a mobile if they have one, else the first.
fn phone(contact: Node) -> Option<String> {
    let phones: Vec<Node> = child(contact, "Phones")
        .map(|p| p.children().filter(|n| n.has_tag_name("Phone")).collect())
        .unwrap_or_default();
    let mobile = phones
        .iter()
        .find(|p| text(**p, "TelephoneType").as_deref() == Some("M"));
    mobile
        .or(phones.first())
        .and_then(|p| text(*p, "PhoneNo"))
        .and_then(|n| roster::phone(&n))
}

/// A line of the file, for messages: roxmltree counts from 1.
fn line(doc: &Document, node: Node) -> u32 {
    doc.text_pos_at(node.range().start).row
}

/// The CTF's relationship codes (CBDS CS012) as a link's relationship.
fn relationship(code: Option<&str>) -> &'static str {
    match code.map(str::to_ascii_uppercase).as_deref() {
        None | Some("") => "parent",
        Some("PAM") => "mother",
        Some("PAF") => "father",
        Some("CAR" | "FOM" | "FOF" | "STM" | "STF") => "carer",
        _ => "other",
    }
}

/// What a pupil's record says for Progress's filters: `<Sex>` (`<Gender>`
/// in older files), the SEN provision of the newest `<SENhistory>` entry,
/// and EAL from the first language (`<BasicDetails>`' `<Languages>`, type
/// F): English or believed English is not EAL; not obtained or refused
/// says nothing. A CTF carries no pupil premium.
fn characteristics(pupil: Node, mut warn: impl FnMut(String)) -> Characteristics {
    let mut said = Characteristics::default();
    if let Some(written) = text(pupil, "Sex").or_else(|| text(pupil, "Gender")) {
        match roster::sex(&written) {
            Ok(sex) => said.sex = sex,
            Err(_) => warn(format!("has <Sex> \"{written}\", not F or M")),
        }
    }
    let newest_sen = child(pupil, "SENhistory")
        .into_iter()
        .flat_map(|h| h.children().filter(|n| n.has_tag_name("SEN")))
        .max_by_key(|sen| text(*sen, "StartDate").unwrap_or_default());
    if let Some(written) = newest_sen.and_then(|sen| text(sen, "SENprovision")) {
        match roster::sen(&written) {
            Ok(sen) => said.sen = sen,
            Err(_) => warn(format!("has <SENprovision> \"{written}\", not N, K or E")),
        }
    }
    let first_language = child(pupil, "BasicDetails")
        .and_then(|details| child(details, "Languages"))
        .into_iter()
        .flat_map(|l| l.children().filter(|n| n.has_tag_name("Type")))
        .find(|t| text(*t, "LanguageType").as_deref() == Some("F"))
        .and_then(|t| text(t, "Language"));
    said.eal = match first_language.map(|l| l.to_ascii_uppercase()).as_deref() {
        None | Some("NOT" | "REF") => None,
        Some("ENG" | "ENB") => Some(false),
        Some(_) => Some(true),
    };
    said
}

/// A pupil's `<Attendance>` summary: each `<YearData>` a school year's
/// sessions at one school. A pupil who moved school mid-year has one per
/// school for that year, and the year's figures are their sum.
fn attendance_years(roster: &mut Roster, pupil: Node, upn: &str, problem: &mut impl FnMut(String)) {
    let years = child(pupil, "Attendance")
        .into_iter()
        .flat_map(|a| a.children().filter(|n| n.has_tag_name("YearData")));
    let mut by_year: std::collections::BTreeMap<i64, Sessions> = Default::default();
    for data in years {
        let number =
            |name: &str| text(data, name).map(|t| t.parse::<i64>().ok().filter(|n| *n >= 0));
        let (Some(Some(year)), Some(Some(possible))) = (number("Year"), number("SessionsPossible"))
        else {
            problem(format!("the attendance of the pupil with UPN {upn} has a <YearData> without a <Year> and <SessionsPossible>"));
            continue;
        };
        let count = |name: &str| number(name).flatten().unwrap_or(0);
        let sessions = by_year.entry(year).or_default();
        sessions.possible += possible;
        sessions.attended += count("SessionsAttended");
        sessions.authorised += count("SessionsAuthorised");
        sessions.unauthorised += count("SessionsUnauthorised");
    }
    roster
        .attendance_years
        .extend(by_year.into_iter().map(|(year, sessions)| YearFigures {
            upn: upn.to_owned(),
            year,
            sessions,
        }));
}

pub fn read(file_name: &str, bytes: &[u8]) -> Result<Roster, FileProblem> {
    let text_of = std::str::from_utf8(bytes)
        .map_err(|_| FileProblem(format!("{file_name} isn't UTF-8 text, as a CTF must be.")))?;
    let doc = Document::parse(text_of.trim_start_matches('\u{feff}'))
        .map_err(|e| FileProblem(format!("{file_name} isn't well-formed XML: {e}.")))?;
    let root = doc.root_element();
    if !root.has_tag_name("CTfile") {
        return Err(FileProblem(format!(
            "{file_name}: the XML's root is <{}>, where a Common Transfer File's is <CTfile>.",
            root.tag_name().name()
        )));
    }
    let mut warnings = Vec::new();
    let qualifier = text(root, "Header/DocumentQualifier").map(|q| q.to_ascii_lowercase());
    let speaks = match qualifier.as_deref() {
        Some("full") => Speaks::PupilsInFile,
        Some("partial") => Speaks::OnlyWhatItSays,
        _ => {
            warnings.push(format!(
                "{file_name}: the header doesn't say whether the file is full or partial, so it was read as partial: no link is removed."
            ));
            Speaks::OnlyWhatItSays
        }
    };
    let mut roster = Roster::new(Format::Ctf, speaks, warnings);
    let mut problems = Vec::new();
    let pupils: Vec<_> = child(root, "CTFpupilData")
        .map(|data| {
            data.children()
                .filter(|n| n.has_tag_name("Pupil"))
                .collect()
        })
        .unwrap_or_default();
    if pupils.is_empty() {
        return Err(FileProblem(format!(
            "{file_name}: the file holds no pupils."
        )));
    }
    for node in pupils {
        let at = line(&doc, node);
        let mut problem = |what: String| problems.push(format!("{file_name} line {at}: {what}"));
        let Some(upn) = text(node, "UPN").map(|u| u.to_ascii_uppercase()) else {
            problem("a pupil has no <UPN>".to_owned());
            continue;
        };
        let (Some(first_name), Some(surname)) = (text(node, "Forename"), text(node, "Surname"))
        else {
            problem(format!(
                "the pupil with UPN {upn} has no <Forename> or <Surname>"
            ));
            continue;
        };
        let Some(date_of_birth) = text(node, "DOB").and_then(|d| roster::date(&d)) else {
            problem(format!(
                "the pupil with UPN {upn} has no <DOB> as YYYY-MM-DD"
            ));
            continue;
        };
        let year = text(node, "BasicDetails/NCyearActual").unwrap_or_default();
        let year_group = match year.to_ascii_uppercase().as_str() {
            "R" => 0,
            number => match number.parse::<i64>() {
                Ok(y) if (1..=13).contains(&y) => y,
                _ => {
                    roster.warnings.push(format!(
                        "{file_name} line {at}: the pupil with UPN {upn} has <NCyearActual> \"{year}\", not Reception to Year 13, so was left out."
                    ));
                    continue;
                }
            },
        };
        if !roster::upn_check_letter_right(&upn) {
            roster.warnings.push(format!(
                "{file_name} line {at}: the UPN {upn} doesn't pass the DfE check letter test; it was imported as written."
            ));
        }
        let characteristics = characteristics(node, |what| {
            roster.warnings.push(format!(
                "{file_name} line {at}: the pupil with UPN {upn} {what}, so Markwell keeps what it held."
            ))
        });
        roster.pupils.insert(
            upn.clone(),
            Pupil {
                upn: upn.clone(),
                first_name: roster::name(&first_name),
                surname: roster::name(&surname),
                date_of_birth,
                year_group,
                characteristics,
            },
        );
        attendance_years(&mut roster, node, &upn, &mut problem);
        let contacts: Vec<_> = child(node, "Contacts")
            .map(|c| c.children().filter(|n| n.has_tag_name("Contact")).collect())
            .unwrap_or_default();
        for (n, contact) in contacts.into_iter().enumerate() {
            let (Some(first_name), Some(surname)) =
                (text(contact, "Forename"), text(contact, "Surname"))
            else {
                let at = line(&doc, contact);
                problems.push(format!(
                    "{file_name} line {at}: a contact of the pupil with UPN {upn} has no <Forename> or <Surname>"
                ));
                continue;
            };
            let email = text(contact, "Email");
            if let Some(email) = &email {
                if !crate::auth::details::looks_like_email(email) {
                    roster.warnings.push(format!(
                        "{file_name}: contact {first_name} {surname}'s <Email> \"{email}\" isn't an email address, so it was left out."
                    ));
                }
            }
            let email = email.filter(|e| crate::auth::details::looks_like_email(e));
            // No id in a CTF: the address is the key, and without one the
            // contact is this pupil's alone.
            let key = match &email {
                Some(email) => ContactKey::Email(email.to_lowercase()),
                None => ContactKey::MisId(format!("ctf:{upn}:{n}")),
            };
            let responsible = text(contact, "Responsibility")
                .or_else(|| text(contact, "Responsible"))
                .and_then(|r| roster::yes_or_no(&r));
            let court_order = text(contact, "SuppInfo/CourtOrder")
                .and_then(|c| roster::yes_or_no(&c))
                .unwrap_or(false);
            let access = match (responsible, court_order) {
                (_, true) => Access::CourtOrder,
                (None, false) => Access::Unknown,
                (Some(false), false) => Access::NoResponsibility,
                (Some(true), false) => Access::Allowed,
            };
            if let Entry::Vacant(slot) = roster.contacts.entry(key.clone()) {
                slot.insert(Contact {
                    key: key.clone(),
                    first_name: roster::name(&first_name),
                    surname: roster::name(&surname),
                    email,
                    phone: phone(contact),
                });
            }
            let code = text(contact, "Relationship");
            match roster
                .links
                .iter_mut()
                .find(|l| l.contact == key && l.upn == upn)
            {
                // Listed twice for one pupil: the stricter answer stands.
                Some(link) if link.access == Access::Allowed => link.access = access,
                Some(_) => {}
                None => roster.links.push(Link {
                    contact: key,
                    upn: upn.clone(),
                    relationship: relationship(code.as_deref()),
                    access,
                }),
            }
        }
    }
    if !problems.is_empty() {
        problems.truncate(20);
        return Err(FileProblem(problems.join("\n")));
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::characteristics::{Sen, Sex};

    const FILE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<CTfile><Header><DocumentQualifier>full</DocumentQualifier></Header>
<CTFpupilData>
<Pupil><UPN>g001234567890</UPN><Surname>OKAFOR</Surname><Forename>Amy</Forename><DOB>2019-05-04</DOB>
<BasicDetails><NCyearActual>R</NCyearActual></BasicDetails>
<Contacts>
<Contact><Order>2</Order><Surname>Okafor</Surname><Forename>Grace</Forename><Relationship>PAM</Relationship>
<Responsibility>true</Responsibility><Email> Grace@Example.org </Email><SuppInfo><CourtOrder>N</CourtOrder></SuppInfo></Contact>
<Contact><Order>1</Order><Surname>Okafor</Surname><Forename>Sam</Forename><Responsible>1</Responsible>
<Email>sam@example.org</Email><SuppInfo><SuppID>SIMS</SuppID><CourtOrder>Y</CourtOrder></SuppInfo></Contact>
</Contacts></Pupil>
</CTFpupilData></CTfile>"#;

    #[test]
    fn a_full_ctf_reads_its_pupils_and_contacts() {
        assert!(recognises(FILE.as_bytes()));
        let roster = read("transfer.xml", FILE.as_bytes()).unwrap();
        assert_eq!(roster.speaks, Speaks::PupilsInFile);
        let amy = &roster.pupils["G001234567890"];
        assert_eq!((amy.surname.as_str(), amy.year_group), ("Okafor", 0));
        assert_eq!(roster.links.len(), 2);
        assert_eq!(roster.links[0].relationship, "mother");
        assert_eq!(roster.links[0].access, Access::Allowed);
        assert_eq!(
            roster.links[0].contact,
            ContactKey::Email("grace@example.org".into())
        );
        // `Responsible` is read as `Responsibility`; a court order wins.
        assert_eq!(roster.links[1].relationship, "parent");
        assert_eq!(roster.links[1].access, Access::CourtOrder);
    }

    #[test]
    fn sex_the_newest_sen_provision_and_a_first_language_are_read() {
        // As the DfE's schema places them: languages in the basic details.
        let with = FILE
            .replace(
                "<BasicDetails>",
                "<Sex>F</Sex><SENhistory><SEN><StartDate>2024-09-01</StartDate><SENprovision>K</SENprovision></SEN>\
                 <SEN><StartDate>2025-09-01</StartDate><SENprovision>E</SENprovision></SEN></SENhistory><BasicDetails>",
            )
            .replace(
                "</BasicDetails>",
                "<Languages><Type><LanguageType>H</LanguageType><Language>ENG</Language></Type>\
                 <Type><LanguageType>F</LanguageType><Language>POL</Language></Type></Languages></BasicDetails>",
            );
        let roster = read("transfer.xml", with.as_bytes()).unwrap();
        let amy = roster.pupils["G001234567890"].characteristics;
        assert_eq!(amy.sex, Some(Sex::Female));
        assert_eq!(amy.sen, Some(Sen::EhcPlan));
        assert_eq!(amy.eal, Some(true));
        // A CTF carries no pupil premium, and says nothing of what it lacks.
        assert_eq!(amy.pupil_premium, None);
        let silent = read("transfer.xml", FILE.as_bytes()).unwrap();
        assert_eq!(
            silent.pupils["G001234567890"].characteristics,
            Characteristics::default()
        );
        let odd = FILE.replace("<BasicDetails>", "<Sex>Q</Sex><BasicDetails>");
        let roster = read("transfer.xml", odd.as_bytes()).unwrap();
        assert!(
            roster
                .warnings
                .iter()
                .any(|w| w.contains("has <Sex> \"Q\", not F or M")),
            "{:?}",
            roster.warnings
        );
    }

    #[test]
    fn a_contact_without_responsibility_said_is_left_as_it_is() {
        let unsaid = FILE.replace("<Responsibility>true</Responsibility>", "");
        let roster = read("t.xml", unsaid.as_bytes()).unwrap();
        assert_eq!(roster.links[0].access, Access::Unknown);
        assert_eq!(roster.links[0].access.refusal(), None);
    }

    #[test]
    fn a_partial_ctf_speaks_only_for_itself_and_bad_xml_is_named() {
        let partial = FILE.replace("full", "partial");
        assert_eq!(
            read("t.xml", partial.as_bytes()).unwrap().speaks,
            Speaks::OnlyWhatItSays
        );
        let broken = read("t.xml", b"<CTfile><Header></CTfile>").unwrap_err().0;
        assert!(
            broken.starts_with("t.xml isn't well-formed XML"),
            "{broken}"
        );
        let no_dob = FILE.replace("<DOB>2019-05-04</DOB>", "");
        let problem = read("t.xml", no_dob.as_bytes()).unwrap_err().0;
        assert!(
            problem.contains("t.xml line 4: the pupil with UPN G001234567890 has no <DOB>"),
            "{problem}"
        );
    }
}
