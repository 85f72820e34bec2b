//! A 1EdTech OneRoster CSV package, 1.1 or 1.2, as a .zip or (from the
//! command) an unzipped folder: users and their roles, classes and
//! enrolments, and the agents that tie parents to pupils.
//!
//! Real packages stray from the specification (misspelt or reordered
//! headers, 1.0 column names, dates written three ways, a class marked for
//! deletion inside a bulk file), so columns are found by name, in any order
//! and case, and only what Markwell needs must be there. Passwords, which
//! some packages carry in plain text, are never read.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Read,
    path::Path,
};

use super::roster::{
    self, Access, Class, Contact, ContactKey, FileProblem, Format, Link, Pupil, Roster, Speaks,
    Staff,
};
use crate::progress::characteristics::Characteristics;

/// Whether the bytes are a zip archive, the form OneRoster packages travel in.
pub fn recognises(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a zipped package.
pub fn read_zip(file_name: &str, bytes: &[u8]) -> Result<Roster, FileProblem> {
    let unreadable = |e: zip::result::ZipError| {
        FileProblem(format!("{file_name}: the zip file can't be opened ({e})."))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(unreadable)?;
        if !entry.is_file() {
            continue;
        }
        let Some(name) = entry.name().ok().and_then(|n| csv_name(&n)) else {
            continue;
        };
        let mut content = Vec::new();
        entry
            .read_to_end(&mut content)
            .map_err(|e| FileProblem(format!("{file_name}: {name} can't be unzipped ({e}).")))?;
        files.insert(name, content);
    }
    read_package(file_name, &files)
}

/// Reads an unzipped package from a folder (`markwell import FOLDER`).
pub fn read_folder(folder: &Path) -> Result<Roster, FileProblem> {
    let shown = folder.display().to_string();
    let entries = std::fs::read_dir(folder)
        .map_err(|e| FileProblem(format!("{shown}: the folder can't be read ({e}).")))?;
    let mut files = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| csv_name(&n.to_string_lossy()))
        else {
            continue;
        };
        if path.is_file() {
            let content = std::fs::read(&path)
                .map_err(|e| FileProblem(format!("{shown}: {name} can't be read ({e}).")))?;
            files.insert(name, content);
        }
    }
    read_package(&shown, &files)
}

/// A package's file as the reader looks it up: its own name, in lower case
/// (one real package writes `userprofiles.csv`), without any folder.
fn csv_name(path: &str) -> Option<String> {
    let name = path.rsplit(['/', '\\']).next()?.to_ascii_lowercase();
    name.ends_with(".csv").then_some(name)
}

/// One CSV file of the package, its columns found by name.
struct Table<'a> {
    name: &'static str,
    columns: BTreeMap<String, usize>,
    rows: Vec<csv::StringRecord>,
    file_name: &'a str,
}

impl<'a> Table<'a> {
    fn read(
        file_name: &'a str,
        files: &BTreeMap<String, Vec<u8>>,
        name: &'static str,
    ) -> Result<Option<Table<'a>>, FileProblem> {
        let Some(bytes) = files.get(&name.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let problem =
            |e: csv::Error| FileProblem(format!("{file_name}: {name} can't be read ({e})."));
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let columns = reader
            .headers()
            .map_err(problem)?
            .iter()
            .enumerate()
            .map(|(at, column)| (column.trim().to_ascii_lowercase(), at))
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(problem)?;
            // Blank lines at the end of a file are nothing.
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            rows.push(record);
        }
        Ok(Some(Table {
            name,
            columns,
            rows,
            file_name,
        }))
    }

    /// The first of `names` (a column and the names real packages give it
    /// instead) that the file has.
    fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.columns.get(&n.to_ascii_lowercase()).copied())
    }

    fn require(&self, names: &[&str]) -> Result<usize, FileProblem> {
        self.column(names).ok_or_else(|| {
            FileProblem(format!(
                "{}: {} has no {} column.",
                self.file_name, self.name, names[0]
            ))
        })
    }

    /// The rows still in force: a row marked `tobedeleted` has gone, even
    /// in a bulk file.
    fn current(&self) -> impl Iterator<Item = &csv::StringRecord> {
        let status = self.column(&["status"]);
        self.rows.iter().filter(move |row| {
            status.is_none_or(|at| !cell(row, Some(at)).eq_ignore_ascii_case("tobedeleted"))
        })
    }
}

fn cell(row: &csv::StringRecord, at: Option<usize>) -> &str {
    at.and_then(|at| row.get(at)).unwrap_or("").trim()
}

/// A comma-separated list in one cell (`"09,10,11"`, `"a, b"`).
fn list(words: &str) -> impl Iterator<Item = &str> {
    words.split(',').map(str::trim).filter(|w| !w.is_empty())
}

/// Who a user is, from their roles: 1.1 has one `role` per user; 1.2 lists
/// them in `roles.csv`, primary and secondary.
#[derive(Default)]
struct Roles {
    primary: BTreeSet<String>,
    all: BTreeSet<String>,
}

impl Roles {
    fn is_pupil(&self) -> bool {
        self.primary.contains("student")
    }

    fn is_staff(&self) -> bool {
        !self.is_pupil()
            && self
                .primary
                .iter()
                .any(|r| STAFF_ROLES.contains(&r.as_str()))
    }

    /// The relationship a parental role gives (any role type: a teacher
    /// may be a pupil's guardian too).
    fn parental(&self) -> Option<&'static str> {
        if self.is_pupil() {
            return None;
        }
        ["parent", "guardian", "relative"]
            .into_iter()
            .find(|r| self.all.contains(*r))
            .map(|r| match r {
                "parent" => "parent",
                "guardian" => "carer",
                _ => "other",
            })
    }
}

const STAFF_ROLES: [&str; 6] = [
    "teacher",
    "aide",
    "administrator",
    "siteadministrator",
    "systemadministrator",
    "proctor",
];

/// A user row, read once.
struct User {
    id: String,
    first_name: String,
    surname: String,
    email: Option<String>,
    identifier: String,
    user_ids: String,
    grades: String,
    agents: Vec<String>,
    phone: Option<String>,
}

fn read_package(file_name: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<Roster, FileProblem> {
    let manifest = Table::read(file_name, files, "manifest.csv")?.ok_or_else(|| {
        FileProblem(format!(
            "{file_name} is a zip file without a manifest.csv, so it isn't a OneRoster package. Markwell reads a OneRoster 1.1 or 1.2 CSV package (.zip), a DfE Common Transfer File (.xml) or the simple CSV described in its README."
        ))
    })?;
    let property = manifest.require(&["propertyName"])?;
    let value = manifest.require(&["value"])?;
    let said: BTreeMap<String, String> = manifest
        .rows
        .iter()
        .map(|row| {
            (
                cell(row, Some(property)).to_ascii_lowercase(),
                cell(row, Some(value)).to_ascii_lowercase(),
            )
        })
        .collect();
    let version = said.get("oneroster.version").map(String::as_str);
    let format = match version {
        Some("1.2") => Format::OneRoster12,
        Some("1.0" | "1.1") => Format::OneRoster11,
        other => {
            return Err(FileProblem(format!(
                "{file_name}: the manifest gives oneroster.version {}, where Markwell reads 1.1 and 1.2.",
                other.map_or("no value".to_owned(), |v| format!("\"{v}\""))
            )))
        }
    };
    let mut warnings = Vec::new();
    let speaks = match said.get("file.users").map(String::as_str) {
        Some("bulk") => Speaks::WholeSchool,
        Some("delta") => {
            warnings.push(format!(
                "{file_name} is a delta package: it adds and updates, but removes nothing. A bulk package removes leavers and links taken away in the MIS."
            ));
            Speaks::OnlyWhatItSays
        }
        _ => {
            return Err(FileProblem(format!(
                "{file_name}: the manifest doesn't give file.users as bulk or delta, so the package has no users to read."
            )))
        }
    };
    let users = Table::read(file_name, files, "users.csv")?.ok_or_else(|| {
        FileProblem(format!(
            "{file_name}: the manifest lists users, but the package has no users.csv."
        ))
    })?;

    // Roles, from users.csv (1.1) and roles.csv (1.2).
    let mut roles: BTreeMap<String, Roles> = BTreeMap::new();
    let id_at = users.require(&["sourcedId"])?;
    if let Some(role_at) = users.column(&["role"]) {
        for row in users.current() {
            let role = cell(row, Some(role_at)).to_ascii_lowercase();
            let entry = roles.entry(cell(row, Some(id_at)).to_owned()).or_default();
            entry.primary.insert(role.clone());
            entry.all.insert(role);
        }
    }
    if let Some(table) = Table::read(file_name, files, "roles.csv")? {
        let user = table.require(&["userSourcedId"])?;
        let role_at = table.require(&["role"])?;
        let kind = table.column(&["roleType"]);
        for row in table.current() {
            let role = cell(row, Some(role_at)).to_ascii_lowercase();
            let entry = roles.entry(cell(row, Some(user)).to_owned()).or_default();
            if cell(row, kind).eq_ignore_ascii_case("primary") {
                entry.primary.insert(role.clone());
            }
            entry.all.insert(role);
        }
    }
    if roles.is_empty() {
        return Err(FileProblem(format!(
            "{file_name}: no user has a role: users.csv has no role column and there is no roles.csv."
        )));
    }

    let columns = (
        users.require(&["givenName"])?,
        users.require(&["familyName"])?,
        users.column(&["email"]),
        users.column(&["identifier"]),
        users.column(&["userIds", "userId"]),
        users.column(&["grades", "grade"]),
        users.column(&["agentSourcedIds", "agents"]),
        (users.column(&["sms"]), users.column(&["phone"])),
    );
    let (given, family, email, identifier, user_ids, grades, agents, (sms, phone)) = columns;
    let people: BTreeMap<String, User> = users
        .current()
        .map(|row| {
            let id = cell(row, Some(id_at)).to_owned();
            let email = Some(cell(row, email))
                .filter(|e| !e.is_empty())
                .map(str::to_owned);
            let user = User {
                id: id.clone(),
                first_name: roster::name(cell(row, Some(given))),
                surname: roster::name(cell(row, Some(family))),
                email,
                identifier: cell(row, identifier).to_owned(),
                user_ids: cell(row, user_ids).to_owned(),
                grades: cell(row, grades).to_owned(),
                agents: list(cell(row, agents)).map(str::to_owned).collect(),
                // A text message reaches a mobile: sms first.
                phone: roster::phone(cell(row, sms)).or_else(|| roster::phone(cell(row, phone))),
            };
            (id, user)
        })
        .filter(|(id, _)| !id.is_empty())
        .collect();
    let no_roles = Roles::default();
    let roles_of = |id: &str| roles.get(id).unwrap_or(&no_roles);

    let mut births = BTreeMap::new();
    // OneRoster's sex is female, male, other or unspecified; only the first
    // two say anything Progress filters by.
    let mut sexes = BTreeMap::new();
    if let Some(table) = Table::read(file_name, files, "demographics.csv")? {
        let user = table.require(&["sourcedId", "userSourcedId"])?;
        let born = table.require(&["birthDate"])?;
        let sex = table.column(&["sex"]);
        for row in table.current() {
            if let Some(date) = roster::date(cell(row, Some(born))) {
                births.insert(cell(row, Some(user)).to_owned(), date);
            }
            if let Ok(Some(said)) = roster::sex(cell(row, sex)) {
                sexes.insert(cell(row, Some(user)).to_owned(), said);
            }
        }
    }

    let mut roster = Roster::new(format, speaks, warnings);
    let mut problems = Vec::new();

    // Pupils. A OneRoster id is the pupil's reference only where the
    // package gives no UPN.
    let mut upn_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut without_upn = 0;
    let mut without_birth = 0;
    let mut left_out = Vec::new();
    for user in people.values().filter(|u| roles_of(&u.id).is_pupil()) {
        let who = format!("{} {} ({})", user.first_name, user.surname, user.id);
        let upn = match upn(user) {
            Some(upn) => {
                if !roster::upn_check_letter_right(&upn) {
                    roster.warnings.push(format!(
                        "{file_name}: the UPN {upn} of {who} doesn't pass the DfE check letter test; it was imported as written."
                    ));
                }
                upn
            }
            None => {
                without_upn += 1;
                user.id.clone()
            }
        };
        let date_of_birth = births.get(&user.id).cloned();
        let year_group = year_group(&user.grades)
            .or_else(|| date_of_birth.as_deref().and_then(year_group_from_birth));
        let Some(year_group) = year_group else {
            left_out.push(format!(
                "{file_name}: {who} has no year group (grades \"{}\") and no date of birth to work one out from, so was left out.",
                user.grades
            ));
            continue;
        };
        if date_of_birth.is_none() {
            without_birth += 1;
        }
        if let Some(other) = roster.pupils.get(&upn) {
            problems.push(format!(
                "{file_name}: {who} and {} {} have the same UPN {upn}.",
                other.first_name, other.surname
            ));
            continue;
        }
        upn_of.insert(&user.id, upn.clone());
        roster.pupils.insert(
            upn.clone(),
            Pupil {
                upn,
                first_name: user.first_name.clone(),
                surname: user.surname.clone(),
                date_of_birth: date_of_birth.unwrap_or_default(),
                year_group,
                characteristics: Characteristics {
                    sex: sexes.get(&user.id).copied(),
                    ..Characteristics::default()
                },
            },
        );
    }
    if without_upn > 0 {
        roster.warnings.push(format!(
            "{file_name}: {without_upn} pupil{} no UPN in the package (in userIds as {{UPN:…}} or as the identifier), so {} known by the OneRoster id instead.",
            if without_upn == 1 { " has" } else { "s have" },
            if without_upn == 1 { "is" } else { "are" }
        ));
    }
    if without_birth > 0 {
        roster.warnings.push(format!(
            "{file_name}: {without_birth} pupil{} no date of birth (the package has no demographics for them). A parent can't sign up with a letter's code for a pupil until the MIS gives it.",
            if without_birth == 1 { " has" } else { "s have" }
        ));
    }
    if roster.pupils.is_empty() && speaks == Speaks::WholeSchool {
        left_out.insert(
            0,
            format!("{file_name}: the bulk package gives no pupil Markwell can import, which would make every pupil a leaver."),
        );
        return Err(FileProblem(left_out.join("\n")));
    }
    if !left_out.is_empty() && speaks == Speaks::WholeSchool {
        // A pupil left out of a bulk file would otherwise become a leaver.
        roster.speaks = Speaks::OnlyWhatItSays;
        left_out.push(format!(
            "{file_name}: as pupils were left out, this sync removes nothing: no leavers, no links taken away."
        ));
    }
    roster.warnings.extend(left_out);

    // Staff.
    for user in people.values().filter(|u| roles_of(&u.id).is_staff()) {
        roster.staff.insert(
            user.id.clone(),
            Staff {
                mis_id: user.id.clone(),
                first_name: user.first_name.clone(),
                surname: user.surname.clone(),
                email: user
                    .email
                    .clone()
                    .filter(|e| crate::auth::details::looks_like_email(e)),
            },
        );
    }

    // Classes and enrolments.
    if let Some(table) = Table::read(file_name, files, "classes.csv")? {
        let id = table.require(&["sourcedId"])?;
        let title = table.require(&["title"])?;
        let code = table.column(&["classCode"]);
        for row in table.current() {
            let mis_id = cell(row, Some(id)).to_owned();
            let name = Some(cell(row, Some(title)))
                .filter(|t| !t.is_empty())
                .unwrap_or(cell(row, code));
            if mis_id.is_empty() || name.is_empty() {
                continue;
            }
            roster.classes.insert(
                mis_id.clone(),
                Class {
                    mis_id,
                    name: name.to_owned(),
                    pupils: Vec::new(),
                    teachers: Vec::new(),
                },
            );
        }
    }
    if let Some(table) = Table::read(file_name, files, "enrollments.csv")? {
        let class_at = table.require(&["classSourcedId"])?;
        let user_at = table.require(&["userSourcedId"])?;
        let role_at = table.require(&["role"])?;
        let mut misplaced = BTreeSet::new();
        for row in table.current() {
            let Some(class) = roster.classes.get_mut(cell(row, Some(class_at))) else {
                continue;
            };
            let user = cell(row, Some(user_at));
            match cell(row, Some(role_at)).to_ascii_lowercase().as_str() {
                "student" => match upn_of.get(user) {
                    Some(upn) if !class.pupils.contains(upn) => class.pupils.push(upn.clone()),
                    Some(_) => {}
                    None if people.contains_key(user) && !roles_of(user).is_pupil() => {
                        misplaced.insert((user.to_owned(), class.name.clone()));
                    }
                    None => {}
                },
                "teacher" | "aide"
                    if roster.staff.contains_key(user)
                        && !class.teachers.iter().any(|t| t == user) =>
                {
                    class.teachers.push(user.to_owned());
                }
                _ => {}
            }
        }
        for (user, class) in misplaced {
            let person = &people[&user];
            roster.warnings.push(format!(
                "{file_name}: {} {} ({user}) is enrolled in {class} as a student but isn't a pupil, so that enrolment was left out.",
                person.first_name, person.surname
            ));
        }
    }

    // Links: a parent, guardian or relative and a pupil, whichever of the
    // two lists the other among its agents. Agents between staff and pupils
    // (real packages have them) make no link.
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    for user in people.values() {
        for agent in &user.agents {
            let Some(other) = people.get(agent) else {
                continue;
            };
            if upn_of.contains_key(user.id.as_str()) && roles_of(agent).parental().is_some() {
                pairs.insert((&other.id, &user.id));
            } else if upn_of.contains_key(agent.as_str()) && roles_of(&user.id).parental().is_some()
            {
                pairs.insert((&user.id, &other.id));
            }
        }
    }
    for (contact, pupil) in &pairs {
        let person = &people[*contact];
        let key = ContactKey::MisId(person.id.clone());
        roster
            .contacts
            .entry(key.clone())
            .or_insert_with(|| Contact {
                key: key.clone(),
                first_name: person.first_name.clone(),
                surname: person.surname.clone(),
                email: person
                    .email
                    .clone()
                    .filter(|e| crate::auth::details::looks_like_email(e)),
                phone: person.phone.clone(),
            });
        roster.links.push(Link {
            contact: key,
            upn: upn_of[pupil].clone(),
            relationship: roles_of(contact).parental().unwrap_or("parent"),
            access: Access::Allowed,
        });
    }
    for user in people.values() {
        let linked = pairs.iter().any(|(contact, _)| *contact == user.id);
        if roles_of(&user.id).parental().is_some() && !linked {
            roster.warnings.push(format!(
                "{file_name}: {} {} ({}) is a parent, guardian or relative linked to no pupil in the package{}, so wasn't imported.",
                user.first_name,
                user.surname,
                user.id,
                if user.email.is_none() { " and has no email address" } else { "" }
            ));
        }
    }
    for user in people.values() {
        let r = roles_of(&user.id);
        if !r.is_pupil() && !r.is_staff() && r.parental().is_none() {
            let said: Vec<&str> = r.all.iter().map(String::as_str).collect();
            roster.warnings.push(format!(
                "{file_name}: {} {} ({}) is neither a pupil, a member of staff nor a parent (roles: {}), so wasn't imported.",
                user.first_name,
                user.surname,
                user.id,
                if said.is_empty() { "none".to_owned() } else { said.join(", ") }
            ));
        }
    }
    if !problems.is_empty() {
        return Err(FileProblem(problems.join("\n")));
    }
    Ok(roster)
}

/// The pupil's UPN: in `userIds` as `{UPN:…}`, or the identifier when it
/// has a UPN's shape.
fn upn(user: &User) -> Option<String> {
    let tagged = user.user_ids.split('}').find_map(|part| {
        let (kind, value) = part.trim_start_matches([',', ' ', '{']).split_once(':')?;
        kind.trim()
            .eq_ignore_ascii_case("upn")
            .then(|| value.trim().to_ascii_uppercase())
    });
    let shaped = |written: &str| {
        let upn = written.trim().to_ascii_uppercase();
        let bytes = upn.as_bytes();
        (bytes.len() == 13
            && bytes[0].is_ascii_alphabetic()
            && bytes[1..12].iter().all(u8::is_ascii_digit)
            && bytes[12].is_ascii_alphanumeric())
        .then_some(upn)
    };
    tagged.or_else(|| shaped(&user.identifier))
}

/// The year group in `grades`, its first entry: a number ("7", "07", "Y7",
/// "Year 7"), or Reception ("R", "Reception"), 0 to 13.
fn year_group(grades: &str) -> Option<i64> {
    let first = list(grades).next()?.to_ascii_lowercase();
    if first == "r" || first == "reception" {
        return Some(0);
    }
    let digits = first
        .trim_start_matches("year")
        .trim_start_matches('y')
        .trim();
    digits.parse().ok().filter(|y| (0..=13).contains(y))
}

/// The year group an English school puts a pupil born on `born` in this
/// school year: Reception starts in the September after they turn four.
fn year_group_from_birth(born: &str) -> Option<i64> {
    let year: i64 = born.get(0..4)?.parse().ok()?;
    let month: i64 = born.get(5..7)?.parse().ok()?;
    let now = time::OffsetDateTime::now_utc();
    let school_year = i64::from(now.year()) - i64::from(u8::from(now.month()) < 9);
    // Born September to December: Reception at four, the next September.
    let reception = if month >= 9 { year + 5 } else { year + 4 };
    Some(school_year - reception).filter(|y| (0..=13).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(name, text)| (name.to_ascii_lowercase(), text.as_bytes().to_vec()))
            .collect()
    }

    const MANIFEST: &str = "propertyName,value\noneroster.version,1.1\nfile.users,bulk\n";

    #[test]
    fn upns_come_from_user_ids_or_the_identifier() {
        let user = |identifier: &str, user_ids: &str| User {
            id: "u1".into(),
            first_name: String::new(),
            surname: String::new(),
            email: None,
            identifier: identifier.into(),
            user_ids: user_ids.into(),
            grades: String::new(),
            agents: Vec::new(),
            phone: None,
        };
        assert_eq!(
            upn(&user("", "{LDAP:12},{UPN:g001234567890}")).as_deref(),
            Some("G001234567890")
        );
        assert_eq!(
            upn(&user("G001234567890", "")).as_deref(),
            Some("G001234567890")
        );
        assert_eq!(upn(&user("mary.jones", "{LDAP:12}")), None);
    }

    #[test]
    fn year_groups_as_packages_write_them() {
        assert_eq!(year_group("07"), Some(7));
        assert_eq!(year_group("Y7"), Some(7));
        assert_eq!(year_group("Year 11"), Some(11));
        assert_eq!(year_group("R"), Some(0));
        assert_eq!(year_group("09,10,11"), Some(9));
        assert_eq!(year_group("KG"), None);
        assert_eq!(year_group("14"), None);
        assert_eq!(year_group(""), None);
    }

    #[test]
    fn a_teacher_among_a_pupils_agents_is_never_a_parent() {
        let files = package(&[
            ("manifest.csv", MANIFEST),
            (
                "users.csv",
                "sourcedId,role,givenName,familyName,email,agentSourcedIds,grades\n\
                 t1,teacher,Tess,Ward,tess@school.example,,\n\
                 p1,student,Pip,Ward,,\"t1,g1\",5\n\
                 g1,guardian,Gail,Ward,gail@home.example,,\n",
            ),
        ]);
        let roster = read_package("pkg.zip", &files).unwrap();
        assert_eq!(roster.pupils.len(), 1);
        assert_eq!(roster.staff.len(), 1);
        assert_eq!(roster.links.len(), 1);
        assert_eq!(roster.links[0].contact, ContactKey::MisId("g1".into()));
        assert_eq!(roster.links[0].relationship, "carer");
    }

    #[test]
    fn a_package_without_a_manifest_is_named_for_what_it_is() {
        let files = package(&[("users.csv", "sourcedId\n")]);
        let problem = read_package("pkg.zip", &files).unwrap_err();
        assert!(problem.0.contains("without a manifest.csv"), "{problem}");
    }
}
