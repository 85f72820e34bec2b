//! What the audit log records, as an admin reads it: each kind of entry
//! once, shared by the code that records entries (`ssr::audit`) and the
//! audit log's filter, so the filter lists exactly what can be written.

/// Declares the actions with their words, and the list of them all.
macro_rules! actions {
    ($($name:ident => $words:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction {
            $($name,)*
        }

        impl AuditAction {
            /// Every action, in the order the filter lists them.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$name,)*];

            /// The words stored in the log and shown in it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$name => $words,)*
                }
            }
        }
    };
}

actions! {
    SignedIn => "signed in",
    SignInFailed => "sign-in failed",
    SignInRefusedInactive => "sign-in refused: account inactive",
    SignedOut => "signed out",
    AccessDenied => "access denied",
    PasswordResetRequested => "password reset requested",
    PasswordReset => "password reset",
    InvitationSent => "invitation sent",
    InvitationAccepted => "invitation accepted",
    PasswordChanged => "password changed",
    NameChanged => "name changed",
    EmailChangeRequested => "email change requested",
    EmailChanged => "email changed",
    StaffCreated => "staff account created",
    RoleChangedToAdmin => "role changed to admin",
    RoleChangedToTeacher => "role changed to teacher",
    SltTurnedOn => "SLT turned on",
    SltTurnedOff => "SLT turned off",
    MadeInactive => "made inactive",
    MadeActive => "made active",
    GroupAssigned => "group assigned",
    GroupUnassigned => "group unassigned",
    GroupCreated => "group created",
    GroupChanged => "group changed",
    PupilAddedToGroup => "pupil added to a group",
    SchoolSettingsChanged => "school settings changed",
    FrameworkChanged => "framework changed",
    ParentCreated => "parent account created",
    SignedUp => "signed up with an access code",
    PupilLinked => "pupil linked",
    PupilUnlinked => "pupil unlinked",
    LinkChanged => "link changed",
    AccessCodeIssued => "access code issued",
    AccessCodeReissued => "access code reissued",
    LettersPrinted => "letters confirmed printed",
    MisSyncApplied => "MIS sync applied",
    ResultsImported => "results imported",
    ImportUndone => "results import undone",
    TargetsImported => "targets imported",
    TargetsImportUndone => "targets import undone",
    ParentsMerged => "parents merged",
    NotTheSamePerson => "marked not the same person",
    ClassroomEntryRemoved => "behaviour or achievement removed",
    ReportReady => "report ready for review",
    ReportSentBack => "report sent back",
    ReportApproved => "report approved",
    ReportsPublished => "reports published",
    ReportSessionCreated => "reporting session created",
    ReportSessionChanged => "reporting session changed",
    SignedOutDevice => "signed out a device",
    SignedOutEverywhereElse => "signed out everywhere else",
    PupilAdded => "pupil added with an access code",
    AccountDeleted => "account deleted by its owner",
    DeletedAccountRemoved => "deleted account removed",
    AdminCreated => "admin created",
    DemoSchoolLoaded => "demo school loaded",
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn no_two_actions_read_the_same() {
        let mut words: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), AuditAction::ALL.len());
    }
}
