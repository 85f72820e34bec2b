use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, Redirect, A},
    hooks::use_location,
};

use crate::{
    auth::{
        api::{SignOut, WhoAmI},
        model::{Person, Role},
    },
    error::AppError,
    ui::{
        form::{FormAction, SendForm},
        loading::{load, shared},
        ErrorPanel,
    },
};

/// The signed-in person, for pages inside the shell.
pub fn use_person() -> Person {
    expect_context::<Person>()
}

/// Who a page that loads nothing before its form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFor {
    Parents,
    Staff,
    Admins,
}

/// A form-only page for some roles. Pages that load show what the server
/// answers them; a bare form would offer someone what the server function
/// behind it refuses, so anyone else is told at once, with the same 403.
#[component]
pub fn Only(who: PageFor, children: Children) -> impl IntoView {
    let person = use_person();
    let allowed = match who {
        PageFor::Parents => person.role == Role::Parent,
        PageFor::Staff => person.is_staff(),
        PageFor::Admins => person.role == Role::Admin,
    };
    if allowed {
        children().into_any()
    } else {
        view! { <ErrorPanel error=AppError::Forbidden /> }.into_any()
    }
}

/// Frames the page for the signed-in person's role. Signed-out visitors are
/// sent to sign in and brought back afterwards.
///
/// On the server the person is known from the request, and the answer
/// travels to the browser with the page, so the frame and the page inside
/// it render in one pass: a Suspense here would build the page below it
/// (and start its loads) again on each of its passes. A shell first built
/// in the browser asks the server.
#[component]
pub fn Shell() -> impl IntoView {
    let location = use_location();
    let frame = move |answer: Result<Person, AppError>| match answer {
        Ok(person) => {
            provide_context(person.clone());
            if person.role == Role::Parent {
                view! { <ParentFrame person /> }.into_any()
            } else {
                view! { <StaffFrame person /> }.into_any()
            }
        }
        Err(AppError::SignedOut) => {
            let here = location.pathname.get_untracked();
            let path = if here == "/" {
                "/sign-in".to_owned()
            } else {
                format!("/sign-in?next={here}")
            };
            view! { <Redirect path /> }.into_any()
        }
        Err(error) => view! { <main id="main"><ErrorPanel error /></main> }.into_any(),
    };
    match shared(known_from_request) {
        Some(answer) => frame(answer),
        None => {
            let person = load(|| (), |_| WhoAmI {});
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move { frame(person.await) })}
                </Suspense>
            }
            .into_any()
        }
    }
}

/// The signed-in person while rendering on the server; nothing in the browser.
fn known_from_request() -> Option<Result<Person, AppError>> {
    #[cfg(feature = "ssr")]
    return Some(crate::auth::accounts::signed_in_person());
    #[cfg(not(feature = "ssr"))]
    None
}

/// One area in the staff strip. Only areas that exist are listed.
struct Area {
    label: &'static str,
    href: &'static str,
    icon: &'static str,
}

fn areas_for(person: &Person) -> Vec<Area> {
    let mut areas = vec![Area {
        label: "Home",
        href: "/",
        icon: ICON_HOME,
    }];
    if person.is_staff() {
        areas.push(Area {
            label: "Markbook",
            href: "/markbook",
            icon: ICON_MARKBOOK,
        });
        areas.push(Area {
            label: "Progress",
            href: crate::progress::page::PATH,
            icon: ICON_PROGRESS,
        });
        areas.push(Area {
            label: "Ext. data",
            href: crate::external::model::PATH,
            icon: ICON_EXT_DATA,
        });
        areas.push(Area {
            label: "Behaviour",
            href: crate::classroom::page::PATH,
            icon: ICON_BEHAVIOUR,
        });
        areas.push(Area {
            label: "Homework",
            href: crate::homework::page::PATH,
            icon: ICON_HOMEWORK,
        });
        areas.push(Area {
            label: "Reports",
            href: "/reports",
            icon: ICON_REPORTS,
        });
    }
    if person.role == Role::Admin {
        areas.push(Area {
            label: "Parents",
            href: "/parents",
            icon: ICON_PARENTS,
        });
        areas.push(Area {
            label: "MIS sync",
            href: "/mis-sync",
            icon: ICON_SYNC,
        });
        areas.push(Area {
            label: "Users",
            href: "/users",
            icon: ICON_USERS,
        });
        areas.push(Area {
            label: "Audit log",
            href: "/audit-log",
            icon: ICON_LOG,
        });
    }
    if person.role == Role::Admin || person.slt {
        areas.push(Area {
            label: "School Usage",
            href: "/school-usage",
            icon: ICON_USAGE,
        });
    }
    areas.push(Area {
        label: "Settings",
        href: "/settings",
        icon: ICON_SETTINGS,
    });
    areas
}

#[component]
fn StaffFrame(person: Person) -> impl IntoView {
    let open = RwSignal::new(false);
    let sign_out = FormAction::<SignOut>::new();
    let areas = areas_for(&person);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="staff" class:menu-open=move || open.get()>
            <header class="topbar">
                <button
                    type="button"
                    class="menu-button"
                    aria-controls="strip"
                    aria-expanded=move || if open.get() { "true" } else { "false" }
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    <span class="icon" inner_html=ICON_MENU aria-hidden="true"></span>
                    "Menu"
                </button>
                <span class="school">{person.school_name.clone()}</span>
            </header>
            <nav id="strip" class="strip" aria-label="Main">
                <ul>
                    // Following a link closes the menu on a phone.
                    {areas.into_iter().map(|area| view! {
                        <li on:click=move |_| open.set(false)>
                            <A href=area.href exact=area.href == "/">
                                <span class="icon" inner_html=area.icon aria-hidden="true"></span>
                                <span class="label">{area.label}</span>
                            </A>
                        </li>
                    }).collect_view()}
                </ul>
                <SendForm action=sign_out attr:class="logout">
                    <button type="submit">
                        <span class="icon" inner_html=ICON_LOGOUT aria-hidden="true"></span>
                        <span class="label">"Logout"</span>
                    </button>
                </SendForm>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn ParentFrame(person: Person) -> impl IntoView {
    let sign_out = FormAction::<SignOut>::new();
    crate::notifications::page::provide_live();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="parent-bar">
            <span class="school">{person.school_name.clone()}</span>
            <nav aria-label="Account" class="parent-nav">
                <crate::notifications::page::NotificationsLink />
                <A href="/settings">"Settings"</A>
                <SendForm action=sign_out attr:class="logout">
                    <button type="submit">"Logout"</button>
                </SendForm>
            </nav>
        </header>
        <main id="main" class="parent-content" tabindex="-1">
            <Outlet />
        </main>
    }
}

const ICON_HOME: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M3 11l9-8 9 8"/><path d="M5 10v10h14V10"/></svg>"#;
const ICON_MARKBOOK: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><rect x="3" y="3" width="18" height="18" rx="1"/><path d="M3 9h18M3 15h18M9 3v18M15 3v18"/></svg>"#;
const ICON_REPORTS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M6 3h12v18H6z"/><path d="M9 8h6M9 12h6M9 16h3"/></svg>"#;
const ICON_BEHAVIOUR: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M12 3l2.6 5.5 6 .8-4.4 4.1 1.1 5.9L12 16.4l-5.3 2.9 1.1-5.9L3.4 9.3l6-.8z"/></svg>"#;
const ICON_PROGRESS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 20V4"/><path d="M4 20h16"/><path d="M8 16v-4M12 16V9M16 16V6"/></svg>"#;
const ICON_EXT_DATA: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 4h16v16H4z"/><path d="M4 10h16M10 4v16"/><path d="M14 15l2 2 3-4"/></svg>"#;
const ICON_HOMEWORK: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M6 3h9l4 4v14H6z"/><path d="M14 3v5h5"/><path d="M9 13h7M9 17h5"/></svg>"#;
const ICON_MENU: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 6h16M4 12h16M4 18h16"/></svg>"#;
const ICON_LOGOUT: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4"/><path d="M6 12h10"/></svg>"#;
const ICON_USERS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5"/><path d="M16 4.8a3.5 3.5 0 010 6.4"/><path d="M18 14.8c1.8.7 3 2.4 3.5 5.2"/></svg>"#;
const ICON_PARENTS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="8" cy="6.5" r="3"/><path d="M2.5 20c.5-4 2.7-6.5 5.5-6.5s5 2.5 5.5 6.5"/><circle cx="17" cy="11" r="2.2"/><path d="M13.8 20c.4-2.8 1.6-4.5 3.2-4.5s2.8 1.7 3.2 4.5"/></svg>"#;
const ICON_SYNC: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 9a8 8 0 0114-4l2 2"/><path d="M20 3v4h-4"/><path d="M20 15a8 8 0 01-14 4l-2-2"/><path d="M4 21v-4h4"/></svg>"#;
const ICON_LOG: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M6 3h9l4 4v14H6z"/><path d="M9 11h7M9 15h7M9 7h4"/></svg>"#;
const ICON_USAGE: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/></svg>"#;
const ICON_SETTINGS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M2 12h3M19 12h3M4.9 19.1L7 17M17 7l2.1-2.1"/></svg>"#;
