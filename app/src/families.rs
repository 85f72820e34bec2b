//! Which pages come with the first download and which come later. Signing
//! in, each role's home page and everything a parent reads are in the
//! WebAssembly every visit starts with. Staff pages come in their family's
//! own file, fetched the first time one of the family's pages opens: a
//! parent's phone never downloads the markbook, report writing or admin.
//! The pages for one's own account (Settings, signing up, setting a
//! password) are a family too: everyone has them, but opens them seldom.
//!
//! Few families, on purpose: code two or more families share goes in a
//! chunk file of its own for each set of families sharing it, so each
//! family more multiplies the small files a page fetches and instantiates.
//!
//! A family is one function marked `wasm_split` (what Leptos's `#[lazy]`
//! does, but answering a failed download instead of stopping the app): the
//! build (`scripts/site.sh`) cuts the WebAssembly there, and code only that
//! family uses goes with it. On the server the function is called directly.

use leptos::{prelude::*, wasm_split::SplitLoaderError};
use leptos_router::ChooseView;

use crate::{
    audit::page::AuditLogPage,
    auth::{
        model::PasswordLink,
        page::{ForgotPasswordPage, SetPasswordPage},
    },
    classroom::page::BehaviourPage,
    external::page::ExtDataPage,
    frameworks::page::FrameworksPage,
    groups::page::{EditGroupPage, GroupsPage, NewGroupPage},
    homework::page::{HandInsPage, HomeworkPage},
    markbook::page::MarkbookPage,
    mis::page::MisSyncPage,
    parents::page::{EditParentPage, LettersPage, NewParentPage, ParentsPage, SignUpPage},
    portal::page::AddPupilPage,
    progress::{page::ProgressPage, pupil_page::PupilPage},
    reports::{
        review::ReviewPage,
        sessions::{EditSessionPage, NewSessionPage, ReportsPage},
        writer::WriterPage,
    },
    school::page::SchoolSettingsPage,
    settings::page::{ConfirmEmailPage, SettingsPage},
    shell::layout::{Only, PageFor},
    usage::page::UsagePage,
    users::page::{NewStaffPage, StaffPage, UsersPage},
};

/// A page whose code comes with its family.
#[derive(Clone, Copy, Debug)]
pub enum Later {
    Markbook,
    Assessment(Assessment),
    Classroom(Classroom),
    ReportWriting(ReportWriting),
    Admin(Admin),
    Account(Account),
}

/// One's own account: signing up, passwords, a confirmed email, adding a
/// child with a new access code, Settings.
#[derive(Clone, Copy, Debug)]
pub enum Account {
    Settings,
    SignUp,
    ForgotPassword,
    ResetPassword,
    Invitation,
    ConfirmEmail,
    AddPupil,
}

/// Progress, what feeds it (Ext. data, and the frameworks judgements are
/// made against), and the school's own figures (School Usage): the pages
/// senior leaders read, which share their tables and charts.
#[derive(Clone, Copy, Debug)]
pub enum Assessment {
    Progress,
    Pupil,
    ExtData,
    Frameworks,
    SchoolUsage,
}

/// Groups, and what is kept for each: behaviour, homework and hand-ins.
#[derive(Clone, Copy, Debug)]
pub enum Classroom {
    Behaviour,
    Homework,
    HandIns,
    Groups,
    NewGroup,
    EditGroup,
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

/// The school's people and its records of them: staff, parents and their
/// letters, the MIS sync, School settings and the audit log. Groups,
/// Frameworks and School Usage are with the pages that use them most, so
/// that no admin page opened first is more than the 400 KB a first visit
/// may download.
#[derive(Clone, Copy, Debug)]
pub enum Admin {
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
}

impl Later {
    /// Whether the page sits in the shell (which gives it its `<main>`),
    /// or stands alone, as signing up and setting a password do.
    fn in_shell(self) -> bool {
        !matches!(
            self,
            Later::Account(
                Account::SignUp
                    | Account::ForgotPassword
                    | Account::ResetPassword
                    | Account::Invitation
                    | Account::ConfirmEmail
            )
        )
    }

    /// The family's name, which the build gives its file (`split_<name>`).
    #[cfg(feature = "ssr")]
    fn family(self) -> &'static str {
        match self {
            Later::Markbook => "markbook",
            Later::Assessment(_) => "assessment",
            Later::Classroom(_) => "classroom",
            Later::ReportWriting(_) => "report_writing",
            Later::Admin(_) => "admin",
            Later::Account(_) => "account",
        }
    }
}

/// Calls a family's function: in the browser it is awaited, as its file may
/// have to be fetched first.
#[cfg(feature = "hydrate")]
macro_rules! fetched {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(not(feature = "hydrate"))]
macro_rules! fetched {
    ($call:expr) => {
        $call
    };
}

impl ChooseView for Later {
    async fn choose(self) -> AnyView {
        #[cfg(feature = "ssr")]
        crate::ssr::preload_family(self.family());
        let page = match self {
            Later::Markbook => fetched!(markbook()),
            Later::Assessment(page) => fetched!(assessment(page)),
            Later::Classroom(page) => fetched!(classroom(page)),
            Later::ReportWriting(page) => fetched!(report_writing(page)),
            Later::Admin(page) => fetched!(admin(page)),
            Later::Account(page) => fetched!(account(page)),
        };
        page.unwrap_or_else(|_| {
            if self.in_shell() {
                view! { <NotLoaded /> }.into_any()
            } else {
                view! { <main class="sign-in" id="main"><NotLoaded /></main> }.into_any()
            }
        })
    }

    /// The router fetches the family's file before it shows the page (and,
    /// on the first page of a visit, before the page comes alive). A failed
    /// download is tried again when the page is shown, which answers it.
    async fn preload(&self) {
        #[cfg(feature = "hydrate")]
        let _ = match self {
            Later::Markbook => preload_markbook().await,
            Later::Assessment(_) => preload_assessment().await,
            Later::Classroom(_) => preload_classroom().await,
            Later::ReportWriting(_) => preload_report_writing().await,
            Later::Admin(_) => preload_admin().await,
            Later::Account(_) => preload_account().await,
        };
    }
}

/// A staff page whose file didn't arrive (no connection, say). The link
/// loads the page afresh from the server, which tries the file again.
#[component]
fn NotLoaded() -> impl IntoView {
    let here = leptos_router::hooks::use_location();
    let href = move || format!("{}{}", here.pathname.get(), here.search.get());
    view! {
        <section class="error-panel" aria-labelledby="error-title">
            <h1 id="error-title">"This page didn't load"</h1>
            <p>"Markwell couldn't download this page. Check your connection and try again."</p>
            <p>
                <a class="button" href=href rel="external">"Try again"</a>
            </p>
        </section>
    }
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(markbook, wasm_split_path = ::leptos::wasm_split, preload(preload_markbook), fallible)
)]
fn markbook() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <MarkbookPage /> }.into_any())
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(assessment, wasm_split_path = ::leptos::wasm_split, preload(preload_assessment), fallible)
)]
fn assessment(page: Assessment) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Assessment::Progress => view! { <ProgressPage /> }.into_any(),
        Assessment::Pupil => view! { <PupilPage /> }.into_any(),
        Assessment::ExtData => view! { <Only who=PageFor::Staff><ExtDataPage /></Only> }.into_any(),
        Assessment::Frameworks => view! { <FrameworksPage /> }.into_any(),
        Assessment::SchoolUsage => view! { <UsagePage /> }.into_any(),
    })
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(classroom, wasm_split_path = ::leptos::wasm_split, preload(preload_classroom), fallible)
)]
fn classroom(page: Classroom) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Classroom::Behaviour => view! { <BehaviourPage /> }.into_any(),
        Classroom::Homework => view! { <HomeworkPage /> }.into_any(),
        Classroom::HandIns => view! { <HandInsPage /> }.into_any(),
        Classroom::Groups => view! { <GroupsPage /> }.into_any(),
        Classroom::NewGroup => {
            view! { <Only who=PageFor::Staff><NewGroupPage /></Only> }.into_any()
        }
        Classroom::EditGroup => view! { <EditGroupPage /> }.into_any(),
    })
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(report_writing, wasm_split_path = ::leptos::wasm_split, preload(preload_report_writing), fallible)
)]
fn report_writing(page: ReportWriting) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        ReportWriting::Sessions => view! { <ReportsPage /> }.into_any(),
        ReportWriting::NewSession => view! { <NewSessionPage /> }.into_any(),
        ReportWriting::EditSession => view! { <EditSessionPage /> }.into_any(),
        ReportWriting::Review => view! { <ReviewPage /> }.into_any(),
        ReportWriting::Writer => view! { <WriterPage /> }.into_any(),
    })
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(admin, wasm_split_path = ::leptos::wasm_split, preload(preload_admin), fallible)
)]
fn admin(page: Admin) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
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
    })
}

#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(account, wasm_split_path = ::leptos::wasm_split, preload(preload_account), fallible)
)]
fn account(page: Account) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Account::Settings => view! { <SettingsPage /> }.into_any(),
        Account::SignUp => view! { <SignUpPage /> }.into_any(),
        Account::ForgotPassword => view! { <ForgotPasswordPage /> }.into_any(),
        Account::ResetPassword => view! { <SetPasswordPage link=PasswordLink::Reset /> }.into_any(),
        Account::Invitation => {
            view! { <SetPasswordPage link=PasswordLink::Invitation /> }.into_any()
        }
        Account::ConfirmEmail => view! { <ConfirmEmailPage /> }.into_any(),
        Account::AddPupil => {
            view! { <Only who=PageFor::Parents><AddPupilPage /></Only> }.into_any()
        }
    })
}
