//! Comparing an MIS file with the database, and applying the difference.
//!
//! `check` reads the database and works out every change as a `Step`, each
//! with the words the check shows; `apply` works the steps out again inside
//! the write transaction and makes them, refusing if they are no longer the
//! ones shown (the digest). Records are matched by their MIS identifiers:
//! pupils by UPN, classes and contacts by the MIS's ids (contacts without
//! one by email address), so the same file twice changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use super::{
    model::{Check, Line, Outcome, Section},
    roster::{Access, ContactKey, FileProblem, Roster, Speaks},
};
use crate::{
    attendance::store::NewMark,
    ids::{GroupId, PupilId, UserId},
    progress::characteristics::Characteristics,
    school::model::year_label,
    ssr::{audit::Audit, Write},
};

/// A pupil as the database has them.
struct StoredPupil {
    id: PupilId,
    upn: String,
    first_name: String,
    surname: String,
    date_of_birth: String,
    year_group: i64,
    active: bool,
    sex: Option<String>,
    sen: Option<String>,
    pupil_premium: Option<i64>,
    eal: Option<i64>,
}

impl StoredPupil {
    fn characteristics(&self) -> Characteristics {
        Characteristics::from_stored(
            self.sex.as_deref(),
            self.sen.as_deref(),
            self.pupil_premium,
            self.eal,
        )
    }
}

struct StoredClass {
    id: GroupId,
    name: String,
    mis_id: Option<String>,
    pupils: BTreeSet<PupilId>,
    teachers: BTreeSet<UserId>,
}

struct StoredAccount {
    id: UserId,
    parent: bool,
    active: bool,
    inactive_by_sync: bool,
    mis_id: Option<String>,
    email: Option<String>,
    first_name: String,
    surname: String,
    signed_up: bool,
    deleted: bool,
    phone: Option<String>,
}

struct StoredLink {
    id: i64,
    parent: UserId,
    pupil: PupilId,
    relationship: String,
    responsibility: bool,
    from_mis: bool,
}

/// Everything the comparison reads, read once.
struct Stored {
    pupils: Vec<StoredPupil>,
    classes: Vec<StoredClass>,
    accounts: Vec<StoredAccount>,
    links: Vec<StoredLink>,
    /// Merged parents' MIS ids, and the account each now stands for.
    merged: BTreeMap<String, UserId>,
    /// Pairs of parents already listed as possible duplicates (lower id
    /// first), decided or not.
    known_pairs: BTreeSet<(UserId, UserId)>,
}

impl Stored {
    async fn read(conn: &mut SqliteConnection) -> anyhow::Result<Stored> {
        let pupils = sqlx::query_as!(
            StoredPupil,
            r#"SELECT id AS "id: PupilId", upn, first_name, surname, date_of_birth, year_group,
                      active AS "active: bool", sex, sen, pupil_premium, eal
               FROM pupils ORDER BY id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let groups = sqlx::query!(
            r#"SELECT id AS "id: GroupId", name, mis_id FROM groups
               WHERE kind = 'class' ORDER BY id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let members = sqlx::query!(
            r#"SELECT gp.group_id AS "group: GroupId", gp.pupil_id AS "pupil: PupilId"
               FROM group_pupils gp JOIN groups g ON g.id = gp.group_id WHERE g.kind = 'class'"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut classes: Vec<StoredClass> = groups
            .into_iter()
            .map(|g| StoredClass {
                id: g.id,
                name: g.name,
                mis_id: g.mis_id,
                pupils: BTreeSet::new(),
                teachers: BTreeSet::new(),
            })
            .collect();
        for member in members {
            if let Some(class) = classes.iter_mut().find(|c| c.id == member.group) {
                class.pupils.insert(member.pupil);
            }
        }
        let teachers = sqlx::query!(
            r#"SELECT gt.group_id AS "group: GroupId", gt.user_id AS "user: UserId"
               FROM group_teachers gt JOIN groups g ON g.id = gt.group_id WHERE g.kind = 'class'"#
        )
        .fetch_all(&mut *conn)
        .await?;
        for teacher in teachers {
            if let Some(class) = classes.iter_mut().find(|c| c.id == teacher.group) {
                class.teachers.insert(teacher.user);
            }
        }
        let accounts = sqlx::query_as!(
            StoredAccount,
            r#"SELECT id AS "id: UserId", role = 'parent' AS "parent!: bool",
                      active AS "active: bool", inactive_by_sync AS "inactive_by_sync: bool", mis_id, email,
                      first_name, surname, password_hash IS NOT NULL AS "signed_up!: bool",
                      deleted_at IS NOT NULL AS "deleted!: bool", phone
               FROM users ORDER BY id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let links = sqlx::query_as!(
            StoredLink,
            r#"SELECT id, parent_id AS "parent: UserId", pupil_id AS "pupil: PupilId", relationship,
                      parental_responsibility AS "responsibility: bool", from_mis AS "from_mis: bool"
               FROM parent_links ORDER BY id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let merged =
            sqlx::query!(r#"SELECT mis_id, user_id AS "user: UserId" FROM merged_mis_ids"#)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|m| (m.mis_id, m.user))
                .collect();
        let known_pairs = sqlx::query!(
            r#"SELECT first_id AS "first: UserId", second_id AS "second: UserId" FROM parent_duplicates"#
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|p| (p.first, p.second))
        .collect();
        Ok(Stored {
            pupils,
            classes,
            accounts,
            links,
            merged,
            known_pairs,
        })
    }
}

/// A pupil a step is about: one on the roll, or one the sync adds.
#[derive(Debug, Clone)]
enum PupilRef {
    Stored(PupilId),
    New(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ParentRef {
    Stored(UserId),
    New(ContactKey),
}

#[derive(Debug, Clone)]
enum StaffRef {
    Stored(UserId),
    New(String),
}

#[derive(Debug, Clone)]
enum ClassRef {
    Stored(GroupId),
    New(String),
}

/// One change, with what it takes to make it.
#[derive(Debug, Clone)]
enum Step {
    AddPupil(super::roster::Pupil),
    UpdatePupil {
        id: PupilId,
        pupil: super::roster::Pupil,
    },
    Leaver(PupilId),
    AddClass {
        mis_id: String,
        name: String,
        year_group: Option<i64>,
    },
    /// A class made by hand (or by an earlier sync under another name)
    /// that the MIS now keeps.
    KeepClass {
        id: GroupId,
        mis_id: String,
        name: String,
    },
    JoinClass(ClassRef, PupilRef),
    LeaveClass(GroupId, PupilId),
    /// A member of staff new to Markwell: invited, but no email goes until
    /// an admin presses Resend invitation.
    AddStaff(super::roster::Staff),
    UpdateStaff {
        id: UserId,
        mis_id: String,
        first_name: String,
        surname: String,
        email: Option<String>,
    },
    TeachClass(ClassRef, StaffRef),
    StopTeaching(GroupId, UserId),
    AddParent {
        key: ContactKey,
        first_name: String,
        surname: String,
        email: String,
        phone: Option<String>,
    },
    UpdateParent {
        id: UserId,
        mis_id: Option<String>,
        first_name: String,
        surname: String,
        email: Option<String>,
        phone: Option<String>,
    },
    /// Two parents who may be one person, listed for an admin to merge or
    /// keep apart.
    Pair {
        first: ParentRef,
        second: ParentRef,
        reason: &'static str,
    },
    Link {
        parent: ParentRef,
        pupil: PupilRef,
        relationship: &'static str,
    },
    UpdateLink {
        id: i64,
        relationship: &'static str,
    },
    Revoke {
        link: i64,
    },
    Deactivate(UserId),
    Reactivate(UserId),
    /// Nothing to do: the line is for the admin's information.
    Note,
    /// A pupil's attendance marks or year figures: the line says how many;
    /// the marks themselves are in `Planned::attendance`, written together.
    Attendance,
}

/// The attendance a file adds or changes, as places in the roster's lists,
/// each with the pupil it is for (held, or added by the same file).
#[derive(Default)]
struct AttendanceChanges {
    marks: Vec<(PupilRef, usize)>,
    years: Vec<(PupilRef, usize)>,
}

struct Planned {
    steps: Vec<(Step, Line)>,
    attendance: AttendanceChanges,
}

impl Planned {
    fn push(&mut self, step: Step, section: Section, words: String) {
        self.steps.push((step, Line { section, words }));
    }

    fn note(&mut self, section: Section, words: String) {
        self.push(Step::Note, section, words);
    }

    fn check(&self, roster: &Roster) -> Check {
        let mut lines: Vec<Line> = self.steps.iter().map(|(_, line)| line.clone()).collect();
        lines.extend(roster.warnings.iter().map(|w| Line {
            section: Section::Warnings,
            words: w.clone(),
        }));
        let mut hash = Sha256::new();
        for (step, _) in &self.steps {
            hash.update(format!("{step:?}").as_bytes());
            hash.update([0]);
        }
        for (pupil, at) in &self.attendance.marks {
            let mark = &roster.marks[*at];
            hash.update(format!("{pupil:?}{mark:?}").as_bytes());
        }
        for (pupil, at) in &self.attendance.years {
            let year = &roster.attendance_years[*at];
            hash.update(format!("{pupil:?}{year:?}").as_bytes());
        }
        for line in &lines {
            hash.update(line.section.heading().as_bytes());
            hash.update([0]);
            hash.update(line.words.as_bytes());
            hash.update([0]);
        }
        let digest = hex::encode(hash.finalize());
        Check {
            format: roster.format.as_str().to_owned(),
            lines,
            digest,
        }
    }
}

fn pupil_words(first_name: &str, surname: &str, year_group: i64) -> String {
    format!("{first_name} {surname} ({})", year_label(year_group))
}

/// Works out every change the file makes to the database.
async fn plan(conn: &mut SqliteConnection, roster: &Roster) -> anyhow::Result<Planned> {
    let stored = Stored::read(conn).await?;
    let whole_school = roster.speaks == Speaks::WholeSchool;
    // Whose links the file speaks for: a link of theirs it doesn't list has
    // been removed in the MIS.
    let speaks_for = |pupil: &StoredPupil| match roster.speaks {
        Speaks::WholeSchool => true,
        Speaks::PupilsInFile => roster.pupils.contains_key(&pupil.upn),
        Speaks::OnlyWhatItSays => false,
    };
    let mut planned = Planned {
        steps: Vec::new(),
        attendance: AttendanceChanges::default(),
    };

    // Pupils, by UPN.
    let by_upn: BTreeMap<&str, &StoredPupil> =
        stored.pupils.iter().map(|p| (p.upn.as_str(), p)).collect();
    let mut pupil_ref: BTreeMap<&str, PupilRef> = BTreeMap::new();
    let mut pupil_name: BTreeMap<PupilId, String> = stored
        .pupils
        .iter()
        .map(|p| (p.id, pupil_words(&p.first_name, &p.surname, p.year_group)))
        .collect();
    for (upn, pupil) in &roster.pupils {
        let words = pupil_words(&pupil.first_name, &pupil.surname, pupil.year_group);
        match by_upn.get(upn.as_str()) {
            None => {
                pupil_ref.insert(upn, PupilRef::New(upn.clone()));
                planned.push(
                    Step::AddPupil(pupil.clone()),
                    Section::Added,
                    format!("Pupil {words}"),
                );
            }
            Some(old) => {
                pupil_ref.insert(upn, PupilRef::Stored(old.id));
                let mut what = Vec::new();
                if (old.first_name.as_str(), old.surname.as_str())
                    != (pupil.first_name.as_str(), pupil.surname.as_str())
                {
                    what.push(format!("name was {} {}", old.first_name, old.surname));
                }
                // A file without dates of birth keeps the stored one.
                let mut pupil = pupil.clone();
                if pupil.date_of_birth.is_empty() {
                    pupil.date_of_birth.clone_from(&old.date_of_birth);
                }
                if old.date_of_birth != pupil.date_of_birth {
                    what.push("date of birth".to_owned());
                }
                if old.year_group != pupil.year_group {
                    what.push(format!("was {}", year_label(old.year_group)));
                }
                // Likewise a file silent on a characteristic keeps it.
                let held = old.characteristics();
                pupil.characteristics = pupil.characteristics.over(held);
                what.extend(
                    pupil
                        .characteristics
                        .changed_from(&held)
                        .into_iter()
                        .map(str::to_owned),
                );
                if !old.active {
                    what.push("back on the roll".to_owned());
                }
                if !what.is_empty() {
                    planned.push(
                        Step::UpdatePupil { id: old.id, pupil },
                        Section::Updated,
                        format!("Pupil {words}: {}", what.join(", ")),
                    );
                }
                pupil_name.insert(old.id, words);
            }
        }
    }
    if whole_school {
        for old in stored.pupils.iter().filter(|p| p.active) {
            if !roster.pupils.contains_key(&old.upn) {
                planned.push(
                    Step::Leaver(old.id),
                    Section::Removed,
                    format!("Pupil {}: left the school", pupil_name[&old.id]),
                );
            }
        }
    }
    let name_of = |pupil: &PupilRef| match pupil {
        PupilRef::Stored(id) => pupil_name[id].clone(),
        PupilRef::New(upn) => {
            let p = &roster.pupils[upn];
            pupil_words(&p.first_name, &p.surname, p.year_group)
        }
    };

    // Staff (only OneRoster lists them), by the MIS's id, then by email
    // address.
    let account_name = |id: UserId| {
        let a = stored.accounts.iter().find(|a| a.id == id);
        a.map(|a| format!("{} {}", a.first_name, a.surname))
            .unwrap_or_default()
    };
    let email_of = |email: &str| {
        stored.accounts.iter().find(|a| {
            a.email
                .as_ref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    };
    let mut staff_ref: BTreeMap<&str, StaffRef> = BTreeMap::new();
    let mut new_staff_emails: BTreeSet<String> = BTreeSet::new();
    for (mis_id, member) in &roster.staff {
        let name = format!("{} {}", member.first_name, member.surname);
        let by_id = stored
            .accounts
            .iter()
            .find(|a| !a.parent && a.mis_id.as_deref() == Some(mis_id));
        let by_email = member.email.as_deref().and_then(email_of);
        let found = match (by_id, by_email) {
            (Some(account), _) => account,
            (None, Some(account)) if account.parent => {
                planned.note(
                    Section::NotImported,
                    format!("Staff {name}: the email address is a parent's account"),
                );
                continue;
            }
            (None, Some(account))
                if account
                    .mis_id
                    .as_ref()
                    .is_some_and(|theirs| theirs != mis_id) =>
            {
                planned.note(
                    Section::PossibleDuplicates,
                    format!(
                        "Staff {name} (MIS id {mis_id}) has the email address of {}, who is MIS id {}",
                        account_name(account.id),
                        account.mis_id.as_deref().unwrap_or_default()
                    ),
                );
                continue;
            }
            (None, Some(account)) => account,
            (None, None) => {
                match &member.email {
                    None => planned.note(
                        Section::NotImported,
                        format!("Staff {name}: no email address"),
                    ),
                    Some(email) if !new_staff_emails.insert(email.to_lowercase()) => planned
                        .note(
                            Section::NotImported,
                            format!("Staff {name}: email address used by another member of staff in the file"),
                        ),
                    Some(_) => {
                        staff_ref.insert(mis_id, StaffRef::New(mis_id.clone()));
                        planned.push(
                            Step::AddStaff(member.clone()),
                            Section::Added,
                            format!("Staff {name}, invited: no email is sent until an admin presses Resend invitation"),
                        );
                    }
                }
                continue;
            }
        };
        if found.deleted {
            continue;
        }
        staff_ref.insert(mis_id, StaffRef::Stored(found.id));
        // Like a parent, someone who has signed in keeps the name and
        // address they sign in with.
        let taken = by_email.is_some_and(|other| other.id != found.id);
        let (first_name, surname, email) = if found.signed_up {
            (
                found.first_name.clone(),
                found.surname.clone(),
                found.email.clone(),
            )
        } else {
            (
                member.first_name.clone(),
                member.surname.clone(),
                member
                    .email
                    .clone()
                    .filter(|_| !taken)
                    .or(found.email.clone()),
            )
        };
        let mut what = Vec::new();
        if found.mis_id.as_deref() != Some(mis_id) {
            what.push("now kept from the MIS".to_owned());
        }
        if (first_name.as_str(), surname.as_str())
            != (found.first_name.as_str(), found.surname.as_str())
        {
            what.push(format!("name was {}", account_name(found.id)));
        }
        if email.as_ref().map(|e| e.to_lowercase())
            != found.email.as_ref().map(|e| e.to_lowercase())
        {
            what.push("new email address".to_owned());
        }
        if !what.is_empty() {
            planned.push(
                Step::UpdateStaff {
                    id: found.id,
                    mis_id: mis_id.clone(),
                    first_name: first_name.clone(),
                    surname: surname.clone(),
                    email,
                },
                Section::Updated,
                format!("Staff {first_name} {surname}: {}", what.join(", ")),
            );
        }
    }
    let staff_words = |mis_id: &str| {
        let member = &roster.staff[mis_id];
        format!("{} {}", member.first_name, member.surname)
    };

    // Classes, by the MIS's id; a class made by hand with the same name is
    // taken over rather than made twice.
    let mut kept_classes = BTreeSet::new();
    for class in roster.classes.values() {
        let existing = stored
            .classes
            .iter()
            .find(|c| c.mis_id.as_deref() == Some(&class.mis_id))
            .or_else(|| {
                stored
                    .classes
                    .iter()
                    .find(|c| c.mis_id.is_none() && c.name == class.name)
            });
        let teaching = existing.map(|c| c.teachers.clone()).unwrap_or_default();
        let (class_ref, members) = match existing {
            None => {
                let years: BTreeSet<i64> = class
                    .pupils
                    .iter()
                    .map(|upn| roster.pupils[upn].year_group)
                    .collect();
                planned.push(
                    Step::AddClass {
                        mis_id: class.mis_id.clone(),
                        name: class.name.clone(),
                        year_group: (years.len() == 1).then(|| years.first().copied()).flatten(),
                    },
                    Section::Added,
                    format!("Class {}", class.name),
                );
                (ClassRef::New(class.mis_id.clone()), BTreeSet::new())
            }
            Some(old) => {
                kept_classes.insert(old.id);
                if old.mis_id.as_deref() != Some(&class.mis_id) || old.name != class.name {
                    let words = if old.mis_id.is_none() {
                        format!("Class {}: now kept from the MIS", class.name)
                    } else {
                        format!("Class {}: was {}", class.name, old.name)
                    };
                    planned.push(
                        Step::KeepClass {
                            id: old.id,
                            mis_id: class.mis_id.clone(),
                            name: class.name.clone(),
                        },
                        Section::Updated,
                        words,
                    );
                }
                (ClassRef::Stored(old.id), old.pupils.clone())
            }
        };
        let mut wanted = BTreeSet::new();
        for upn in &class.pupils {
            let pupil = pupil_ref[upn.as_str()].clone();
            if let PupilRef::Stored(id) = pupil {
                wanted.insert(id);
                if members.contains(&id) {
                    continue;
                }
            }
            let words = format!("{} joins {}", name_of(&pupil), class.name);
            planned.push(
                Step::JoinClass(class_ref.clone(), pupil),
                Section::Added,
                words,
            );
        }
        let mut wanted_teachers = BTreeSet::new();
        for mis_id in &class.teachers {
            let Some(teacher) = staff_ref.get(mis_id.as_str()) else {
                continue;
            };
            if let StaffRef::Stored(id) = teacher {
                wanted_teachers.insert(*id);
                if teaching.contains(id) {
                    continue;
                }
            }
            planned.push(
                Step::TeachClass(class_ref.clone(), teacher.clone()),
                Section::Added,
                format!("{} teaches {}", staff_words(mis_id), class.name),
            );
        }
        if let ClassRef::Stored(id) = class_ref {
            for gone in members.difference(&wanted) {
                planned.push(
                    Step::LeaveClass(id, *gone),
                    Section::Removed,
                    format!("{} leaves {}", pupil_name[gone], class.name),
                );
            }
            // A file that lists staff speaks for the teachers it gave a
            // class; one an admin added by hand stays.
            if whole_school && !roster.staff.is_empty() {
                for gone in teaching.difference(&wanted_teachers) {
                    let from_mis = stored
                        .accounts
                        .iter()
                        .any(|a| a.id == *gone && a.mis_id.is_some());
                    if from_mis {
                        planned.push(
                            Step::StopTeaching(id, *gone),
                            Section::Removed,
                            format!("{} no longer teaches {}", account_name(*gone), class.name),
                        );
                    }
                }
            }
        }
    }
    if whole_school {
        for old in &stored.classes {
            if old.mis_id.is_some() && !kept_classes.contains(&old.id) {
                for gone in &old.pupils {
                    planned.push(
                        Step::LeaveClass(old.id, *gone),
                        Section::Removed,
                        format!(
                            "{} leaves {} (no longer in the MIS)",
                            pupil_name[gone], old.name
                        ),
                    );
                }
            }
        }
    }

    // Contacts: one parent account each, found by the MIS's id, then by
    // email address.
    let mut parent_of: BTreeMap<&ContactKey, ParentRef> = BTreeMap::new();
    let mut parent_name: BTreeMap<UserId, String> = stored
        .accounts
        .iter()
        .map(|a| (a.id, format!("{} {}", a.first_name, a.surname)))
        .collect();
    let mut emails_taken: BTreeMap<String, &ContactKey> = BTreeMap::new();
    let mut claimed: BTreeMap<UserId, &ContactKey> = BTreeMap::new();
    // Contacts with an MIS id come first (`ContactKey`'s order), so an
    // address one of them gives up is free for a contact matched by address.
    let mut email_owner: BTreeMap<String, UserId> = stored
        .accounts
        .iter()
        .filter_map(|a| Some((a.email.as_ref()?.to_lowercase(), a.id)))
        .collect();
    let allowed: BTreeSet<&ContactKey> = roster
        .links
        .iter()
        .filter(|l| l.access == Access::Allowed)
        .map(|l| &l.contact)
        .collect();
    let children_of = |key: &ContactKey| -> String {
        let names: Vec<String> = roster
            .links
            .iter()
            .filter(|l| &l.contact == key)
            .map(|l| name_of(&pupil_ref[l.upn.as_str()]))
            .collect();
        names.join(", ")
    };
    for (key, contact) in &roster.contacts {
        let name = format!("{} {}", contact.first_name, contact.surname);
        let lower = contact.email.as_ref().map(|e| e.to_lowercase());
        let by_id = match key {
            ContactKey::MisId(id) => stored
                .accounts
                .iter()
                .find(|a| a.mis_id.as_deref() == Some(id)),
            ContactKey::Email(_) => None,
        };
        // A contact whose parent an admin merged into another: the kept
        // account stands for both, as the admin left it.
        if let (None, ContactKey::MisId(id)) = (by_id, key) {
            if let Some(kept) = stored.merged.get(id) {
                if stored.accounts.iter().any(|a| a.id == *kept && !a.deleted) {
                    parent_of.insert(key, ParentRef::Stored(*kept));
                }
                continue;
            }
        }
        // Whose the address is once this sync's earlier changes are made.
        let by_email = lower.as_ref().and_then(|email| {
            let owner = email_owner.get(email)?;
            stored.accounts.iter().find(|a| a.id == *owner)
        });
        // Two contacts in the file with one address: the second keeps the
        // account its MIS id already has, if any, but not the address.
        let mut clash = false;
        if let Some(email) = &lower {
            if let Some(other) = emails_taken.get(email) {
                planned.note(
                    Section::PossibleDuplicates,
                    format!(
                        "{name} ({}) has the same email address as contact {} in the file",
                        contact_id_words(key),
                        contact_id_words(other)
                    ),
                );
                if by_id.is_none() {
                    planned.note(
                        Section::NotImported,
                        format!(
                            "{name}, contact of {}: email address used by another contact",
                            children_of(key)
                        ),
                    );
                    continue;
                }
                clash = true;
            } else {
                emails_taken.insert(email.clone(), key);
            }
        }
        let staff_email = lower
            .as_ref()
            .is_some_and(|email| new_staff_emails.contains(email));
        let found = match (by_id, by_email) {
            (None, None) if staff_email => {
                planned.note(
                    Section::NotImported,
                    format!(
                        "{name}, contact of {}: the email address is a staff account's",
                        children_of(key)
                    ),
                );
                continue;
            }
            (Some(account), _) => Some(account),
            (None, Some(account)) if !account.parent => {
                planned.note(
                    Section::NotImported,
                    format!(
                        "{name}, contact of {}: the email address is a staff account's",
                        children_of(key)
                    ),
                );
                continue;
            }
            (None, Some(account)) => match (&account.mis_id, key) {
                (Some(theirs), ContactKey::MisId(ours)) if theirs != ours => {
                    planned.note(
                        Section::PossibleDuplicates,
                        format!(
                            "{name} ({}) has the email address of parent {}, who is contact {theirs} in the MIS",
                            contact_id_words(key),
                            parent_name[&account.id]
                        ),
                    );
                    planned.note(
                        Section::NotImported,
                        format!(
                            "{name}, contact of {}: email address used by another contact",
                            children_of(key)
                        ),
                    );
                    continue;
                }
                _ => Some(account),
            },
            (None, None) => None,
        };
        match found {
            Some(account) if account.deleted => {
                planned.note(
                    Section::NotImported,
                    format!(
                        "{name}, contact of {}: deleted their account",
                        children_of(key)
                    ),
                );
            }
            Some(account) => {
                if let Some(other) = claimed.get(&account.id) {
                    planned.note(
                        Section::PossibleDuplicates,
                        format!(
                            "{name} ({}) matches parent {}, already contact {} in the file",
                            contact_id_words(key),
                            parent_name[&account.id],
                            contact_id_words(other)
                        ),
                    );
                    planned.note(
                        Section::NotImported,
                        format!(
                            "{name}, contact of {}: the same account as another contact",
                            children_of(key)
                        ),
                    );
                    continue;
                }
                claimed.insert(account.id, key);
                parent_of.insert(key, ParentRef::Stored(account.id));
                let mis_id = match key {
                    ContactKey::MisId(id) => Some(id.clone()),
                    ContactKey::Email(_) => account.mis_id.clone(),
                };
                // A parent who has signed up keeps the name and address they
                // sign in with; the MIS only fills in one who hasn't.
                // An address another account holds stays with that account.
                let taken = by_email.filter(|other| other.id != account.id);
                if let Some(other) = taken {
                    let words = format!(
                        "{name} ({}): the file's email address belongs to {}",
                        contact_id_words(key),
                        parent_name[&other.id]
                    );
                    let pair = (account.id.min(other.id), account.id.max(other.id));
                    if other.parent && !stored.known_pairs.contains(&pair) {
                        planned.push(
                            Step::Pair {
                                first: ParentRef::Stored(pair.0),
                                second: ParentRef::Stored(pair.1),
                                reason: "One email address in the MIS for both",
                            },
                            Section::PossibleDuplicates,
                            words,
                        );
                    } else {
                        planned.note(Section::PossibleDuplicates, words);
                    }
                }
                let file_email = contact.email.clone().filter(|_| taken.is_none() && !clash);
                let (first_name, surname, email) = if account.signed_up {
                    (
                        account.first_name.clone(),
                        account.surname.clone(),
                        account.email.clone(),
                    )
                } else {
                    (
                        contact.first_name.clone(),
                        contact.surname.clone(),
                        file_email.or(account.email.clone()),
                    )
                };
                let mut what = Vec::new();
                if mis_id != account.mis_id {
                    what.push("now kept from the MIS".to_owned());
                }
                if (first_name.as_str(), surname.as_str())
                    != (account.first_name.as_str(), account.surname.as_str())
                {
                    what.push(format!("name was {}", parent_name[&account.id]));
                }
                let (old, new) = (
                    account.email.as_ref().map(|e| e.to_lowercase()),
                    email.as_ref().map(|e| e.to_lowercase()),
                );
                if old != new {
                    what.push("new email address".to_owned());
                    if let Some(old) = old {
                        email_owner.remove(&old);
                    }
                    if let Some(new) = new {
                        email_owner.insert(new, account.id);
                    }
                }
                // The MIS keeps the phone number, signed up or not.
                let phone = contact.phone.clone().or(account.phone.clone());
                if phone != account.phone {
                    what.push("new phone number".to_owned());
                }
                if !what.is_empty() {
                    planned.push(
                        Step::UpdateParent {
                            id: account.id,
                            mis_id,
                            first_name: first_name.clone(),
                            surname: surname.clone(),
                            email,
                            phone,
                        },
                        Section::Updated,
                        format!("Parent {first_name} {surname}: {}", what.join(", ")),
                    );
                }
                parent_name.insert(account.id, format!("{first_name} {surname}"));
            }
            None if !allowed.contains(key) => {}
            None => match &contact.email {
                None => planned.note(
                    Section::NotImported,
                    format!("{name}, contact of {}: no email address", children_of(key)),
                ),
                Some(email) => {
                    parent_of.insert(key, ParentRef::New(key.clone()));
                    planned.push(
                        Step::AddParent {
                            key: key.clone(),
                            first_name: contact.first_name.clone(),
                            surname: contact.surname.clone(),
                            email: email.clone(),
                            phone: contact.phone.clone(),
                        },
                        Section::Added,
                        format!("Parent {name}"),
                    );
                }
            },
        }
    }

    // Possible duplicates the keys can't join: one name and one phone
    // number under two email addresses. The file's contacts as they will
    // be, and every other parent as they are.
    let mut people: Vec<(ParentRef, String, String, Option<String>)> = Vec::new();
    let mut in_file = BTreeSet::new();
    for (key, contact) in &roster.contacts {
        let (Some(who), Some(phone)) = (parent_of.get(key), &contact.phone) else {
            continue;
        };
        if let ParentRef::Stored(id) = who {
            in_file.insert(*id);
        }
        let name = format!("{} {}", contact.first_name, contact.surname);
        people.push((who.clone(), name, phone.clone(), contact.email.clone()));
    }
    for account in &stored.accounts {
        if let (true, false, Some(phone)) = (account.parent, account.deleted, &account.phone) {
            if !in_file.contains(&account.id) {
                let name = format!("{} {}", account.first_name, account.surname);
                let who = ParentRef::Stored(account.id);
                people.push((who, name, phone.clone(), account.email.clone()));
            }
        }
    }
    let mut alike: BTreeMap<(String, &str), Vec<usize>> = BTreeMap::new();
    for (at, (_, name, phone, _)) in people.iter().enumerate() {
        alike
            .entry((name.to_lowercase(), phone))
            .or_default()
            .push(at);
    }
    let mut paired = BTreeSet::new();
    for same in alike.values().filter(|same| same.len() > 1) {
        for (n, &a) in same.iter().enumerate() {
            for &b in &same[n + 1..] {
                let (first, second) = (&people[a], &people[b]);
                let email = |p: &(ParentRef, String, String, Option<String>)| {
                    p.3.as_ref().map(|e| e.to_lowercase())
                };
                if first.0 == second.0 || email(first) == email(second) {
                    continue;
                }
                let (one, two) = (
                    first.0.clone().min(second.0.clone()),
                    first.0.clone().max(second.0.clone()),
                );
                if let (ParentRef::Stored(x), ParentRef::Stored(y)) = (&one, &two) {
                    if stored.known_pairs.contains(&(*x, *y)) {
                        continue;
                    }
                }
                if !paired.insert((one.clone(), two.clone())) {
                    continue;
                }
                let shown = |p: &(ParentRef, String, String, Option<String>)| match &p.3 {
                    Some(email) => format!("{} ({email})", p.1),
                    None => p.1.clone(),
                };
                planned.push(
                    Step::Pair {
                        first: one,
                        second: two,
                        reason: "Same name and phone number, different email addresses",
                    },
                    Section::PossibleDuplicates,
                    format!(
                        "{} and {}: same name and phone number, different email addresses",
                        shown(first),
                        shown(second)
                    ),
                );
            }
        }
    }

    // Links.
    let contact_name = |key: &ContactKey| {
        let c = &roster.contacts[key];
        format!("{} {}", c.first_name, c.surname)
    };
    let mut mentioned: BTreeSet<(UserId, PupilId)> = BTreeSet::new();
    let mut revoked: BTreeSet<i64> = BTreeSet::new();
    let mut linked: BTreeSet<UserId> = BTreeSet::new();
    for link in &roster.links {
        let Some(parent) = parent_of.get(&link.contact) else {
            continue;
        };
        let pupil = &pupil_ref[link.upn.as_str()];
        let existing = match (parent, pupil) {
            (ParentRef::Stored(p), PupilRef::Stored(c)) => {
                mentioned.insert((*p, *c));
                stored
                    .links
                    .iter()
                    .find(|l| l.parent == *p && l.pupil == *c)
            }
            _ => None,
        };
        if link.access == Access::Unknown {
            // The file doesn't say: the link stays as it is, or isn't made.
            if let (ParentRef::Stored(p), Some(_)) = (parent, existing) {
                linked.insert(*p);
            }
            continue;
        }
        let words = format!("{} – {}", contact_name(&link.contact), name_of(pupil));
        match (link.access.refusal(), existing) {
            (Some(reason), Some(old)) => {
                revoked.insert(old.id);
                planned.push(
                    Step::Revoke { link: old.id },
                    Section::Revoked,
                    format!("{words}: {reason}"),
                );
            }
            (Some(_), None) => {}
            (None, Some(old)) => {
                if let ParentRef::Stored(p) = parent {
                    linked.insert(*p);
                }
                if old.relationship != link.relationship || !old.responsibility || !old.from_mis {
                    let what = if old.from_mis {
                        format!("now {}", link.relationship)
                    } else {
                        "link made by hand, now kept from the MIS".to_owned()
                    };
                    planned.push(
                        Step::UpdateLink {
                            id: old.id,
                            relationship: link.relationship,
                        },
                        Section::Updated,
                        format!("{words}: {what}"),
                    );
                }
            }
            (None, None) => {
                if let ParentRef::Stored(p) = parent {
                    linked.insert(*p);
                }
                planned.push(
                    Step::Link {
                        parent: parent.clone(),
                        pupil: pupil.clone(),
                        relationship: link.relationship,
                    },
                    Section::Added,
                    format!("{words} ({})", link.relationship),
                );
            }
        }
    }
    let spoken_for: BTreeSet<PupilId> = stored
        .pupils
        .iter()
        .filter(|p| speaks_for(p))
        .map(|p| p.id)
        .collect();
    {
        for old in &stored.links {
            if mentioned.contains(&(old.parent, old.pupil)) || !spoken_for.contains(&old.pupil) {
                continue;
            }
            let words = format!("{} – {}", parent_name[&old.parent], pupil_name[&old.pupil]);
            if old.from_mis {
                revoked.insert(old.id);
                planned.push(
                    Step::Revoke { link: old.id },
                    Section::Revoked,
                    format!("{words}: Link removed in MIS"),
                );
            } else {
                planned.note(Section::HandMade, format!("{words}: link made by hand"));
            }
        }
    }
    // A parent a sync made inactive (their last link went) is active again
    // once the MIS links them to a child; one an admin made inactive stays so.
    for account in &stored.accounts {
        if linked.contains(&account.id) && !account.active && account.inactive_by_sync {
            planned.push(
                Step::Reactivate(account.id),
                Section::Updated,
                format!("Parent {}: active again", parent_name[&account.id]),
            );
        }
    }
    // A parent whose last link goes can no longer sign in to anything.
    let losing: BTreeSet<UserId> = stored
        .links
        .iter()
        .filter(|l| revoked.contains(&l.id))
        .map(|l| l.parent)
        .collect();
    for parent in losing {
        let keeps = stored
            .links
            .iter()
            .any(|l| l.parent == parent && !revoked.contains(&l.id));
        if !keeps && !linked.contains(&parent) {
            planned.push(
                Step::Deactivate(parent),
                Section::Revoked,
                format!(
                    "Parent {}: made inactive, no children left",
                    parent_name[&parent]
                ),
            );
        }
    }
    plan_attendance(conn, roster, &stored.pupils, &mut planned).await?;
    Ok(planned)
}

/// Attendance marks and year figures the file adds or changes, one line
/// per pupil: the MIS keeps the register, so a session's mark it changed
/// replaces Markwell's, and nothing it leaves out is removed.
async fn plan_attendance(
    conn: &mut SqliteConnection,
    roster: &Roster,
    held: &[StoredPupil],
    planned: &mut Planned,
) -> anyhow::Result<()> {
    if roster.marks.is_empty() && roster.attendance_years.is_empty() {
        return Ok(());
    }
    let held: HashMap<&str, &StoredPupil> = held.iter().map(|p| (p.upn.as_str(), p)).collect();
    let pupil = |upn: &str| -> Option<(PupilRef, String)> {
        match (held.get(upn), roster.pupils.get(upn)) {
            (Some(p), _) => Some((
                PupilRef::Stored(p.id),
                pupil_words(&p.first_name, &p.surname, p.year_group),
            )),
            (None, Some(p)) => Some((
                PupilRef::New(upn.to_owned()),
                pupil_words(&p.first_name, &p.surname, p.year_group),
            )),
            (None, None) => None,
        }
    };
    // Marks, counted per pupil in the file's order of UPNs.
    let from = roster
        .marks
        .iter()
        .map(|m| m.date.as_str())
        .min()
        .unwrap_or("");
    let to = roster
        .marks
        .iter()
        .map(|m| m.date.as_str())
        .max()
        .unwrap_or("");
    let stored = if roster.marks.is_empty() {
        HashMap::new()
    } else {
        crate::attendance::store::marks_between(conn, from, to).await?
    };
    // Per UPN: the pupil (with their name in words) and the marks added and changed.
    type Counted = (Option<(PupilRef, String)>, usize, usize);
    let mut counts: BTreeMap<&str, Counted> = BTreeMap::new();
    for (at, mark) in roster.marks.iter().enumerate() {
        let (who, added, changed) = counts
            .entry(mark.upn.as_str())
            .or_insert_with(|| (pupil(&mark.upn), 0, 0));
        let Some((pupil, _)) = who else {
            *added += 1;
            continue;
        };
        let before = match pupil {
            PupilRef::Stored(id) => stored.get(&(*id, mark.date.clone(), mark.session)),
            PupilRef::New(_) => None,
        };
        match before {
            None => *added += 1,
            Some((code, minutes)) if code == mark.code && *minutes == mark.minutes_late => continue,
            Some(_) => *changed += 1,
        }
        planned.attendance.marks.push((pupil.clone(), at));
    }
    let marks = |n: usize| {
        if n == 1 {
            "1 mark".to_owned()
        } else {
            format!("{n} marks")
        }
    };
    for (upn, (who, added, changed)) in counts {
        match who {
            None => planned.note(
                Section::NotImported,
                format!(
                    "Attendance: {} for UPN {upn}, no pupil has that UPN",
                    marks(added)
                ),
            ),
            Some(_) if added + changed == 0 => {}
            Some((_, words)) if changed == 0 => planned.push(
                Step::Attendance,
                Section::Added,
                format!("Attendance of {words}: {} added", marks(added)),
            ),
            Some((_, words)) => planned.push(
                Step::Attendance,
                Section::Updated,
                format!(
                    "Attendance of {words}: {} changed, {added} added",
                    marks(changed)
                ),
            ),
        }
    }
    // A CTF's year figures.
    for (at, figures) in roster.attendance_years.iter().enumerate() {
        let Some((who, words)) = pupil(&figures.upn) else {
            continue;
        };
        let before = match &who {
            PupilRef::Stored(id) => crate::attendance::store::years_of(conn, *id)
                .await?
                .remove(&figures.year),
            PupilRef::New(_) => None,
        };
        if before.as_ref() == Some(&figures.sessions) {
            continue;
        }
        let section = if before.is_some() {
            Section::Updated
        } else {
            Section::Added
        };
        let year = i16::try_from(figures.year).unwrap_or_default();
        planned.push(
            Step::Attendance,
            section,
            format!(
                "Attendance of {words} in {}: attended {} of {} sessions",
                crate::attendance::store::year_words(year),
                figures.sessions.attended,
                figures.sessions.possible
            ),
        );
        planned.attendance.years.push((who, at));
    }
    Ok(())
}

fn contact_id_words(key: &ContactKey) -> String {
    match key {
        ContactKey::MisId(id) => format!("MIS id {id}"),
        ContactKey::Email(_) => "no MIS id".to_owned(),
    }
}

/// What the file would change, changing nothing.
pub async fn check(conn: &mut SqliteConnection, roster: &Roster) -> anyhow::Result<Check> {
    Ok(plan(conn, roster).await?.check(roster))
}

/// The outcome of asking to apply a file.
pub enum Applied {
    /// Made, and kept in the sync history as this sync.
    Done { check: Check, sync: i64 },
    /// The database changed since the check shown: nothing was made, and
    /// this is the check as it stands now.
    ChangedSinceCheck(Check),
}

/// Makes the changes the check showed (`expected`, its digest; None from
/// the command, which checks and applies at once) as one change: all of
/// them or, on any error, none.
pub async fn apply(
    write: &mut Write,
    roster: &Roster,
    file_name: &str,
    expected: Option<&str>,
) -> anyhow::Result<Applied> {
    let at = write.at.clone();
    let conn: &mut SqliteConnection = write;
    let planned = plan(conn, roster).await?;
    let check = planned.check(roster);
    if expected.is_some_and(|digest| digest != check.digest) {
        return Ok(Applied::ChangedSinceCheck(check));
    }
    let at = at.as_str();
    let mut new_pupils: BTreeMap<String, PupilId> = BTreeMap::new();
    let mut new_classes: BTreeMap<String, GroupId> = BTreeMap::new();
    let mut new_parents: BTreeMap<ContactKey, UserId> = BTreeMap::new();
    let mut new_staff: BTreeMap<String, UserId> = BTreeMap::new();
    for (step, _) in &planned.steps {
        let pupil_id = |pupil: &PupilRef| match pupil {
            PupilRef::Stored(id) => *id,
            PupilRef::New(upn) => new_pupils[upn],
        };
        let class_id = |class: &ClassRef| match class {
            ClassRef::Stored(id) => *id,
            ClassRef::New(mis_id) => new_classes[mis_id],
        };
        let parent_id = |parent: &ParentRef| match parent {
            ParentRef::Stored(id) => *id,
            ParentRef::New(key) => new_parents[key],
        };
        match step {
            Step::AddPupil(p) => {
                let said = p.characteristics.columns();
                let id = sqlx::query_scalar!(
                    r#"INSERT INTO pupils (upn, first_name, surname, date_of_birth, year_group, created_at,
                                           sex, sen, pupil_premium, eal)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id: PupilId""#,
                    p.upn,
                    p.first_name,
                    p.surname,
                    p.date_of_birth,
                    p.year_group,
                    at,
                    said.0,
                    said.1,
                    said.2,
                    said.3
                )
                .fetch_one(&mut *conn)
                .await?;
                new_pupils.insert(p.upn.clone(), id);
            }
            Step::UpdatePupil { id, pupil: p } => {
                let said = p.characteristics.columns();
                sqlx::query!(
                    "UPDATE pupils SET first_name = ?, surname = ?, date_of_birth = ?, year_group = ?, active = 1,
                            sex = ?, sen = ?, pupil_premium = ?, eal = ?
                     WHERE id = ?",
                    p.first_name,
                    p.surname,
                    p.date_of_birth,
                    p.year_group,
                    said.0,
                    said.1,
                    said.2,
                    said.3,
                    id
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Leaver(id) => {
                sqlx::query!("UPDATE pupils SET active = 0 WHERE id = ?", id)
                    .execute(&mut *conn)
                    .await?;
            }
            Step::AddClass {
                mis_id,
                name,
                year_group,
            } => {
                let id = sqlx::query_scalar!(
                    r#"INSERT INTO groups (name, kind, year_group, mis_id, created_at)
                       VALUES (?, 'class', ?, ?, ?) RETURNING id AS "id: GroupId""#,
                    name,
                    year_group,
                    mis_id,
                    at
                )
                .fetch_one(&mut *conn)
                .await?;
                new_classes.insert(mis_id.clone(), id);
            }
            Step::KeepClass { id, mis_id, name } => {
                sqlx::query!(
                    "UPDATE groups SET mis_id = ?, name = ? WHERE id = ?",
                    mis_id,
                    name,
                    id
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::JoinClass(class, pupil) => {
                let class = class_id(class);
                let pupil = pupil_id(pupil);
                sqlx::query!(
                    "INSERT INTO group_pupils (group_id, pupil_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    class,
                    pupil
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::LeaveClass(class, pupil) => {
                sqlx::query!(
                    "DELETE FROM group_pupils WHERE group_id = ? AND pupil_id = ?",
                    class,
                    pupil
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::AddStaff(member) => {
                let id = sqlx::query_scalar!(
                    r#"INSERT INTO users (role, first_name, surname, email, mis_id, active, created_at)
                       VALUES ('teacher', ?, ?, ?, ?, 1, ?) RETURNING id AS "id: UserId""#,
                    member.first_name,
                    member.surname,
                    member.email,
                    member.mis_id,
                    at
                )
                .fetch_one(&mut *conn)
                .await?;
                new_staff.insert(member.mis_id.clone(), id);
            }
            Step::UpdateStaff {
                id,
                mis_id,
                first_name,
                surname,
                email,
            } => {
                sqlx::query!(
                    "UPDATE users SET mis_id = ?, first_name = ?, surname = ?, email = ?
                     WHERE id = ? AND role <> 'parent'",
                    mis_id,
                    first_name,
                    surname,
                    email,
                    id
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::TeachClass(class, teacher) => {
                let class = class_id(class);
                let teacher = match teacher {
                    StaffRef::Stored(id) => *id,
                    StaffRef::New(mis_id) => new_staff[mis_id],
                };
                sqlx::query!(
                    "INSERT INTO group_teachers (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    class,
                    teacher
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::StopTeaching(class, teacher) => {
                sqlx::query!(
                    "DELETE FROM group_teachers WHERE group_id = ? AND user_id = ?",
                    class,
                    teacher
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::AddParent {
                key,
                first_name,
                surname,
                email,
                phone,
            } => {
                let mis_id = match key {
                    ContactKey::MisId(id) => Some(id),
                    ContactKey::Email(_) => None,
                };
                let id = sqlx::query_scalar!(
                    r#"INSERT INTO users (role, first_name, surname, email, mis_id, phone, active, created_at)
                       VALUES ('parent', ?, ?, ?, ?, ?, 1, ?) RETURNING id AS "id: UserId""#,
                    first_name,
                    surname,
                    email,
                    mis_id,
                    phone,
                    at
                )
                .fetch_one(&mut *conn)
                .await?;
                new_parents.insert(key.clone(), id);
            }
            Step::UpdateParent {
                id,
                mis_id,
                first_name,
                surname,
                email,
                phone,
            } => {
                sqlx::query!(
                    "UPDATE users SET mis_id = ?, first_name = ?, surname = ?, email = ?, phone = ?
                     WHERE id = ? AND role = 'parent'",
                    mis_id,
                    first_name,
                    surname,
                    email,
                    phone,
                    id
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Link {
                parent,
                pupil,
                relationship,
            } => {
                let parent = parent_id(parent);
                let pupil = pupil_id(pupil);
                sqlx::query!(
                    "INSERT INTO parent_links (parent_id, pupil_id, relationship, parental_responsibility, from_mis, created_at)
                     VALUES (?, ?, ?, 1, 1, ?)",
                    parent,
                    pupil,
                    relationship,
                    at
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::UpdateLink { id, relationship } => {
                sqlx::query!(
                    "UPDATE parent_links SET relationship = ?, parental_responsibility = 1, from_mis = 1
                     WHERE id = ?",
                    relationship,
                    id
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Revoke { link } => {
                // Its access code and any letter codes go with it (the
                // foreign keys cascade); the parent's sessions read links on
                // every request, so the child is gone at their next click.
                let parent = sqlx::query_scalar!(
                    r#"DELETE FROM parent_links WHERE id = ? RETURNING parent_id AS "parent: UserId""#,
                    link
                )
                .fetch_optional(&mut *conn)
                .await?;
                // Any live stream the parent has open ends, and its
                // reconnection is checked against the links left.
                if let Some(parent) = parent {
                    crate::ssr::live::access_changed(parent);
                }
            }
            Step::Deactivate(parent) => {
                sqlx::query!(
                    "UPDATE users SET active = 0, inactive_by_sync = 1 WHERE id = ? AND role = 'parent'",
                    parent
                )
                .execute(&mut *conn)
                .await?;
                // An invitation not yet used is withdrawn.
                sqlx::query!(
                    "DELETE FROM account_tokens WHERE user_id = ? AND purpose = 'invitation' AND used_at IS NULL",
                    parent
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Reactivate(parent) => {
                sqlx::query!(
                    "UPDATE users SET active = 1, inactive_by_sync = 0 WHERE id = ? AND role = 'parent'",
                    parent
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Pair {
                first,
                second,
                reason,
            } => {
                let (a, b) = (parent_id(first), parent_id(second));
                let (first, second) = (a.min(b), a.max(b));
                sqlx::query!(
                    "INSERT INTO parent_duplicates (first_id, second_id, reason, found_at)
                     VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    first,
                    second,
                    reason,
                    at
                )
                .execute(&mut *conn)
                .await?;
            }
            Step::Note | Step::Attendance => {}
        }
    }
    let pupil_id = |pupil: &PupilRef| match pupil {
        PupilRef::Stored(id) => *id,
        PupilRef::New(upn) => new_pupils[upn],
    };
    let marks: Vec<NewMark> = planned
        .attendance
        .marks
        .iter()
        .map(|(pupil, at)| {
            let mark = &roster.marks[*at];
            NewMark {
                pupil: pupil_id(pupil),
                date: &mark.date,
                session: mark.session,
                code: mark.code,
                minutes_late: mark.minutes_late,
            }
        })
        .collect();
    crate::attendance::store::save_marks(conn, &marks).await?;
    for (pupil, at) in &planned.attendance.years {
        let figures = &roster.attendance_years[*at];
        crate::attendance::store::save_year(conn, pupil_id(pupil), figures.year, &figures.sessions)
            .await?;
    }
    let sync = record(write, file_name, &check, Outcome::Applied).await?;
    write.audit(Audit::MisSyncApplied { sync }).await?;
    Ok(Applied::Done { check, sync })
}

/// Keeps a check, an apply or a refusal in the sync history, with its
/// lines, as part of `write`.
pub async fn record(
    write: &mut Write,
    file_name: &str,
    check: &Check,
    outcome: Outcome,
) -> anyhow::Result<i64> {
    let count = |section| check.count(section) as i64;
    let (added, updated, removed, revoked, not_imported) = (
        count(Section::Added),
        count(Section::Updated),
        count(Section::Removed),
        count(Section::Revoked),
        count(Section::NotImported),
    );
    let (at, actor) = (write.at.clone(), write.actor());
    let outcome = outcome.as_str();
    let digest = Some(&check.digest).filter(|d| !d.is_empty());
    let sync = sqlx::query_scalar!(
        r#"INSERT INTO mis_syncs (at, actor_id, file_name, format, outcome, digest, added, updated, removed, revoked, not_imported)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"#,
        at,
        actor,
        file_name,
        check.format,
        outcome,
        digest,
        added,
        updated,
        removed,
        revoked,
        not_imported
    )
    .fetch_one(&mut **write)
    .await?;
    for (n, line) in check.lines.iter().enumerate() {
        let n = n as i64;
        let section = line.section.heading();
        sqlx::query!(
            "INSERT INTO mis_sync_lines (sync_id, line, section, words) VALUES (?, ?, ?, ?)",
            sync,
            n,
            section,
            line.words
        )
        .execute(&mut **write)
        .await?;
    }
    Ok(sync)
}

/// What a file that couldn't be read shows, and is kept as.
pub fn refusal(problem: &FileProblem) -> Check {
    Check {
        format: "not read".to_owned(),
        lines: problem
            .0
            .lines()
            .map(|words| Line {
                section: Section::Problems,
                words: words.to_owned(),
            })
            .collect(),
        digest: String::new(),
    }
}
