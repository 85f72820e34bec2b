//! Markwell: the components, server functions and shared types, built for the
//! server (feature `ssr`) and for the browser (feature `hydrate`).

#![recursion_limit = "256"]

pub mod actions;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod classroom;
pub mod email;
pub mod error;
pub mod external;
pub mod families;
pub mod frameworks;
#[cfg(all(test, feature = "ssr"))]
mod fuzzing;
pub mod groups;
pub mod home;
pub mod homework;
pub mod ids;
pub mod markbook;
pub mod mis;
pub mod notifications;
pub mod parents;
pub mod portal;
pub mod progress;
pub mod reports;
pub mod school;
pub mod settings;
pub mod shell;
pub mod ui;
pub mod usage;
pub mod users;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    auth::page::SignInPage,
    error::AppError,
    families::{Account, Admin, Assessment, Classroom, Later, ReportWriting},
    home::HomePage,
    notifications::page::NotificationsPage,
    portal::page::ChildPage,
    reports::page::ReportPage,
    shell::layout::Shell,
    ui::ErrorPanel,
};

/// Loads the WebAssembly from its build's hashed folder and starts the app
/// on the page the server sent, as leptos's `<HydrationScripts>` does for
/// the plain names (which it alone knows how to find in `make dev`).
///
/// For staff, and anyone signing in, the download starts as the page's head
/// is read: a teacher's grid comes alive as soon as it can. A parent reads
/// first, on a phone: their download starts once the page is painted, so it
/// doesn't share a slow connection with the page's stylesheet, and the
/// children's news shows sooner.
#[cfg(feature = "ssr")]
#[component]
fn AppScripts(bundle: ssr::Bundle, after_paint: bool) -> impl IntoView {
    use ssr::Bundle;
    let js = bundle.path(Bundle::JS);
    let wasm = bundle.path(Bundle::WASM);
    let start = format!(
        "import({js:?}).then((app) => app.default({{ module_or_path: {wasm:?} }}).then(() => app.hydrate()))"
    );
    // A frame's callbacks run just before it is painted; a task queued from
    // one runs after.
    let start = if after_paint {
        format!("requestAnimationFrame(() => setTimeout(() => {start}));")
    } else {
        format!("{start};")
    };
    view! {
        <link rel="modulepreload" href=js crossorigin="anonymous" />
        {(!after_paint).then(|| view! {
            <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
        })}
        <script type="module" nonce=leptos::nonce::use_nonce() inner_html=start></script>
    }
}

/// The HTML document around the app, rendered on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    ssr::provide_request_nonce();
    let bundle = ssr::bundle();
    // A report opened on its own (from the parent's email) is a finished
    // document: it comes without the WebAssembly, so a cheap phone on a slow
    // connection reads it without downloading the app. Its one script is the
    // Print button's. Reached from within Markwell, the running app shows it.
    let whole_app = !ssr::request_path().is_some_and(|path| reports::page::is_report_path(&path));
    let after_paint = auth::accounts::signed_in_person()
        .is_ok_and(|person| person.role == auth::model::Role::Parent);
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#14213d" />
                <link rel="stylesheet" href=bundle.path(ssr::Bundle::CSS) />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                // Lets staff and parents install Markwell as an app; School
                // Usage counts sign-ins from it apart from the browser's.
                <link rel="manifest" href="/manifest.webmanifest" />
                <AutoReload options=options.clone() />
                {whole_app.then(|| view! {
                    // Inline, so it listens before the first cell is painted.
                    <script nonce=leptos::nonce::use_nonce() inner_html=shell::EARLY_INPUT></script>
                    {if bundle.hashed() {
                        view! { <AppScripts bundle after_paint /> }.into_any()
                    } else {
                        view! { <HydrationScripts options /> }.into_any()
                    }}
                })}
                {(!whole_app).then(|| view! { <script src="/print.js" defer></script> })}
                // Installs the small service worker that shows an offline page
                // when a phone has no connection; it caches nothing personal.
                <script src="/register-sw.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Markwell" />
        <Router>
            <Routes fallback=|| view! {
                <main id="main" class="lone"><ErrorPanel error=AppError::NotFound /></main>
            }>
                <Route path=path!("/sign-in") view=SignInPage />
                <Route path=path!("/forgot-password") view=Later::Account(Account::ForgotPassword) />
                <Route path=path!("/sign-up") view=Later::Account(Account::SignUp) />
                <Route
                    path=path!("/reset-password/:token")
                    view=Later::Account(Account::ResetPassword)
                />
                <Route
                    path=path!("/invitation/:token")
                    view=Later::Account(Account::Invitation)
                />
                <Route path=path!("/confirm-email/:token") view=Later::Account(Account::ConfirmEmail) />
                <ParentRoute path=path!("") view=Shell>
                    // Parents' pages are whole before they are sent: they read
                    // on a slow phone before the WebAssembly arrives, and
                    // with JavaScript off.
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("children/:pupil") view=ChildPage ssr=SsrMode::Async />
                    <Route path=path!("notifications") view=NotificationsPage />
                    <Route path=path!("add-pupil") view=Later::Account(Account::AddPupil) />
                    <Route
                        path=path!("children/:pupil/reports/:report")
                        view=ReportPage
                        ssr=SsrMode::Async
                    />
                    // Whole before it is sent: the grid shows at once, and reads without JavaScript.
                    <Route path=path!("markbook") view=Later::Markbook ssr=SsrMode::Async />
                    <Route path=path!("behaviour") view=Later::Classroom(Classroom::Behaviour) />
                    <Route path=path!("homework") view=Later::Classroom(Classroom::Homework) />
                    <Route path=path!("progress") view=Later::Assessment(Assessment::Progress) />
                    <Route path=path!("ext-data") view=Later::Assessment(Assessment::ExtData) />
                    <Route path=path!("pupils/:pupil") view=Later::Assessment(Assessment::Pupil) />
                    <Route path=path!("homework/:homework") view=Later::Classroom(Classroom::HandIns) />
                    <Route path=path!("reports") view=Later::ReportWriting(ReportWriting::Sessions) />
                    <Route path=path!("reports/new") view=Later::ReportWriting(ReportWriting::NewSession) />
                    <Route path=path!("reports/:id/edit") view=Later::ReportWriting(ReportWriting::EditSession) />
                    <Route path=path!("reports/:session/review") view=Later::ReportWriting(ReportWriting::Review) />
                    <Route path=path!("reports/:session/write/:group") view=Later::ReportWriting(ReportWriting::Writer) />
                    <Route path=path!("frameworks") view=Later::Assessment(Assessment::Frameworks) />
                    <Route path=path!("groups") view=Later::Classroom(Classroom::Groups) />
                    <Route path=path!("groups/new") view=Later::Classroom(Classroom::NewGroup) />
                    <Route path=path!("groups/:id") view=Later::Classroom(Classroom::EditGroup) />
                    <Route path=path!("settings") view=Later::Account(Account::Settings) />
                    <Route path=path!("school-settings") view=Later::Admin(Admin::SchoolSettings) />
                    <Route path=path!("audit-log") view=Later::Admin(Admin::AuditLog) />
                    <Route path=path!("mis-sync") view=Later::Admin(Admin::MisSync) />
                    <Route path=path!("users") view=Later::Admin(Admin::Users) />
                    <Route path=path!("users/new") view=Later::Admin(Admin::NewStaff) />
                    <Route path=path!("users/:id") view=Later::Admin(Admin::Staff) />
                    <Route path=path!("parents") view=Later::Admin(Admin::Parents) />
                    <Route path=path!("parents/new") view=Later::Admin(Admin::NewParent) />
                    <Route path=path!("parents/letters") view=Later::Admin(Admin::Letters) />
                    <Route path=path!("parents/:id") view=Later::Admin(Admin::EditParent) />
                    // Whole before it is sent, so it reads (and its drop-downs
                    // work, with "Show month") without JavaScript.
                    <Route path=path!("school-usage") view=Later::Assessment(Assessment::SchoolUsage) ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
