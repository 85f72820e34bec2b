//! Which pages come with the first download and which come later. Signing
//! in, the home page, Settings and everything a parent reads are in the
//! WebAssembly every visit starts with. Staff pages come in their family's
//! own file, fetched the first time one of the family's pages opens: a
//! parent's phone never downloads the markbook, report writing or admin.
//!
//! A family is one `#[lazy]` function: the build (`scripts/site.sh`) cuts the
//! WebAssembly there, and code only that family uses goes with it. On the
//! server the function is called directly.

use leptos::{lazy, prelude::*};
use leptos_router::ChooseView;

use crate::{
    audit::page::AuditLogPage,
    classroom::page::BehaviourPage,
    external::page::ExtDataPage,
    frameworks::page::FrameworksPage,
    groups::page::{EditGroupPage, GroupsPage, NewGroupPage},
    homework::page::{HandInsPage, HomeworkPage},
    markbook::page::MarkbookPage,
    mis::page::MisSyncPage,
    parents::page::{EditParentPage, LettersPage, NewParentPage, ParentsPage},
    progress::{page::ProgressPage, pupil_page::PupilPage},
    reports::{
        review::ReviewPage,
        sessions::{EditSessionPage, NewSessionPage, ReportsPage},
        writer::WriterPage,
    },
    school::page::SchoolSettingsPage,
    shell::layout::{Only, PageFor},
    usage::page::UsagePage,
    users::page::{NewStaffPage, StaffPage, UsersPage},
};

/// A staff page whose code comes with its family.
#[derive(Clone, Copy, Debug)]
pub enum Later {
    Markbook,
    Assessment(Assessment),
    Classroom(Classroom),
    ReportWriting(ReportWriting),
    Admin(Admin),
}

/// Progress and what feeds it.
#[derive(Clone, Copy, Debug)]
pub enum Assessment {
    Progress,
    Pupil,
    ExtData,
}

#[derive(Clone, Copy, Debug)]
pub enum Classroom {
    Behaviour,
    Homework,
    HandIns,
}

/// Reporting sessions, and writing and reviewing their reports.
#[derive(Clone, Copy, Debug)]
pub enum ReportWriting {
    Sessions,
    NewSession,
    EditSession,
    Review,
    Writer,
}

/// Setting the school up and looking after it.
#[derive(Clone, Copy, Debug)]
pub enum Admin {
    Frameworks,
    Groups,
    NewGroup,
    EditGroup,
    SchoolSettings,
    AuditLog,
    MisSync,
    Users,
    NewStaff,
    Staff,
    Parents,
    NewParent,
    Letters,
    EditParent,
    SchoolUsage,
}

impl Later {
    /// The name of the family's `#[lazy]` function.
    #[cfg(feature = "ssr")]
    fn family(self) -> &'static str {
        match self {
            Later::Markbook => "markbook",
            Later::Assessment(_) => "assessment",
            Later::Classroom(_) => "classroom",
            Later::ReportWriting(_) => "report_writing",
            Later::Admin(_) => "admin",
        }
    }
}

impl ChooseView for Later {
    async fn choose(self) -> AnyView {
        #[cfg(feature = "ssr")]
        crate::ssr::preload_family(self.family());
        match self {
            Later::Markbook => markbook().await,
            Later::Assessment(page) => assessment(page).await,
            Later::Classroom(page) => classroom(page).await,
            Later::ReportWriting(page) => report_writing(page).await,
            Later::Admin(page) => admin(page).await,
        }
    }

    /// The router fetches the family's file before it shows the page (and,
    /// on the first page of a visit, before the page comes alive).
    async fn preload(&self) {
        #[cfg(feature = "hydrate")]
        match self {
            Later::Markbook => __preload_markbook().await,
            Later::Assessment(_) => __preload_assessment().await,
            Later::Classroom(_) => __preload_classroom().await,
            Later::ReportWriting(_) => __preload_report_writing().await,
            Later::Admin(_) => __preload_admin().await,
        }
    }
}

#[lazy]
fn markbook() -> AnyView {
    view! { <MarkbookPage /> }.into_any()
}

#[lazy]
fn assessment(page: Assessment) -> AnyView {
    match page {
        Assessment::Progress => view! { <ProgressPage /> }.into_any(),
        Assessment::Pupil => view! { <PupilPage /> }.into_any(),
        Assessment::ExtData => view! { <Only who=PageFor::Staff><ExtDataPage /></Only> }.into_any(),
    }
}

#[lazy]
fn classroom(page: Classroom) -> AnyView {
    match page {
        Classroom::Behaviour => view! { <BehaviourPage /> }.into_any(),
        Classroom::Homework => view! { <HomeworkPage /> }.into_any(),
        Classroom::HandIns => view! { <HandInsPage /> }.into_any(),
    }
}

#[lazy]
fn report_writing(page: ReportWriting) -> AnyView {
    match page {
        ReportWriting::Sessions => view! { <ReportsPage /> }.into_any(),
        ReportWriting::NewSession => view! { <NewSessionPage /> }.into_any(),
        ReportWriting::EditSession => view! { <EditSessionPage /> }.into_any(),
        ReportWriting::Review => view! { <ReviewPage /> }.into_any(),
        ReportWriting::Writer => view! { <WriterPage /> }.into_any(),
    }
}

#[lazy]
fn admin(page: Admin) -> AnyView {
    match page {
        Admin::Frameworks => view! { <FrameworksPage /> }.into_any(),
        Admin::Groups => view! { <GroupsPage /> }.into_any(),
        Admin::NewGroup => view! { <Only who=PageFor::Staff><NewGroupPage /></Only> }.into_any(),
        Admin::EditGroup => view! { <EditGroupPage /> }.into_any(),
        Admin::SchoolSettings => view! { <SchoolSettingsPage /> }.into_any(),
        Admin::AuditLog => view! { <AuditLogPage /> }.into_any(),
        Admin::MisSync => view! { <Only who=PageFor::Admins><MisSyncPage /></Only> }.into_any(),
        Admin::Users => view! { <UsersPage /> }.into_any(),
        Admin::NewStaff => view! { <Only who=PageFor::Admins><NewStaffPage /></Only> }.into_any(),
        Admin::Staff => view! { <StaffPage /> }.into_any(),
        Admin::Parents => view! { <ParentsPage /> }.into_any(),
        Admin::NewParent => view! { <Only who=PageFor::Admins><NewParentPage /></Only> }.into_any(),
        Admin::Letters => view! { <Only who=PageFor::Admins><LettersPage /></Only> }.into_any(),
        Admin::EditParent => view! { <EditParentPage /> }.into_any(),
        Admin::SchoolUsage => view! { <UsagePage /> }.into_any(),
    }
}
