//! Markbook: choose a group, subject, year and strand; the grid below.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use super::{
    api::{MarkbookMenu, OpenGrid},
    grid::GridView,
    model::{markbook_link, Asked, Grid, Menu, Shown, ALL, PATH},
};
use crate::{
    error::AppError,
    school::model::year_label,
    ui::{
        form::QueryForm,
        loading::{load, Loaded},
        ErrorPanel,
    },
};

#[component]
pub fn MarkbookPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("group"),
            q.get("subject"),
            q.get("year"),
            q.get("strand"),
        )
    });
    let admin = crate::shell::layout::use_person().role == crate::auth::model::Role::Admin;
    // Loaded once: the drop-downs stay put (and keep focus) while the grid changes.
    let menu = load(|| (), |_| MarkbookMenu {});
    let grid = load(
        move || asked.get(),
        |(group, subject, year, strand)| OpenGrid {
            group,
            subject,
            year,
            strand,
        },
    );
    view! {
        <Title text="Markbook · Markwell" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match menu.await {
                    Ok(menu) => view! {
                        <h1>"Markbook"</h1>
                        <p class="home-link">
                            <A href="/groups">"Groups"</A>": make a set of your own, or see who is in each group."
                            {admin.then(|| view! {
                                " "<A href="/frameworks">"Frameworks"</A>": the criteria and the scale."
                            })}
                        </p>
                        <Chooser menu asked grid />
                        <Transition fallback=|| view! { <p>"Loading the grid…"</p> }>
                            {move || Suspend::new(async move {
                                match grid.await {
                                    Ok(Some(grid)) => view! { <GridView grid /> }.into_any(),
                                    Ok(None) => view! {
                                        <p class="empty">
                                            "No groups are assigned to you yet. Your school's admin can assign them."
                                        </p>
                                    }.into_any(),
                                    // A group or subject typed into the address.
                                    Err(AppError::Invalid { message, .. }) => view! {
                                        <p class="error-note" role="alert">{message}</p>
                                    }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Transition>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Group, Subject, Year and Strand: each change shows its grid at once and
/// goes into the address, so Back, Forward and bookmarks work.
#[component]
fn Chooser(
    menu: Menu,
    asked: Memo<Asked>,
    grid: Loaded<Result<Option<Grid>, AppError>>,
) -> impl IntoView {
    if menu.groups.is_empty() {
        return ().into_any();
    }
    let menu = StoredValue::new(menu);
    // What the grid on screen shows; before it arrives, what the address asks.
    // (The menu's "last opened" is from when the page loaded, so it can't say.)
    let shown = Memo::new(move |_| {
        grid.get()
            .and_then(Result::ok)
            .flatten()
            .map(|g| g.shown)
            .or_else(|| menu.with_value(|m| m.resolve(&asked.get()).ok().flatten()))
    });
    let navigate = use_navigate();
    let go = move |next: Option<Shown>| {
        if let Some(next) = next {
            navigate(
                &markbook_link(&next),
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let on_change = move |field: &'static str| {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let Some(now) = shown.get_untracked() else {
                return;
            };
            let next = match field {
                // A new group or subject opens at its own year, every strand.
                "group" => menu.with_value(|m| {
                    m.resolve(&(Some(value), Some(now.subject.to_string()), None, None))
                }),
                "subject" => menu.with_value(|m| {
                    m.resolve(&(Some(now.group.to_string()), Some(value), None, None))
                }),
                "year" => menu.with_value(|m| {
                    m.resolve(&(
                        Some(now.group.to_string()),
                        Some(now.subject.to_string()),
                        Some(value),
                        now.strand.clone(),
                    ))
                }),
                _ => menu.with_value(|m| {
                    m.resolve(&(
                        Some(now.group.to_string()),
                        Some(now.subject.to_string()),
                        Some(now.year_param()),
                        Some(value),
                    ))
                }),
            };
            go(next.ok().flatten());
        }
    };
    let group = move || shown.get().map(|s| s.group.to_string()).unwrap_or_default();
    let subject = move || {
        shown
            .get()
            .map(|s| s.subject.to_string())
            .unwrap_or_default()
    };
    let year = move || {
        shown
            .get()
            .map_or_else(|| ALL.to_owned(), |s| s.year_param())
    };
    let strand = move || {
        shown
            .get()
            .and_then(|s| s.strand)
            .unwrap_or_else(|| ALL.to_owned())
    };
    // The chosen subject's years and strands.
    let subject_menu = move || {
        let id = shown.get().map(|s| s.subject);
        menu.with_value(|m| m.subjects.iter().find(|s| Some(s.id) == id).cloned())
    };
    view! {
        <QueryForm action=PATH class="filters markbook-filters">
            <div class="field">
                <label for="markbook-group">"Group"</label>
                <select id="markbook-group" name="group" on:change=on_change("group") prop:value=group>
                    {menu.with_value(|m| m.groups.clone()).into_iter().map(|g| {
                        let value = g.id.to_string();
                        let id = value.clone();
                        view! { <option value=value selected=move || group() == id>{g.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="markbook-subject">"Subject"</label>
                <select id="markbook-subject" name="subject" on:change=on_change("subject") prop:value=subject>
                    {menu.with_value(|m| m.subjects.clone()).into_iter().map(|s| {
                        let value = s.id.to_string();
                        let id = value.clone();
                        view! { <option value=value selected=move || subject() == id>{s.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="markbook-year">"Year"</label>
                <select id="markbook-year" name="year" on:change=on_change("year") prop:value=year>
                    <option value=ALL selected=move || year() == ALL>"All years"</option>
                    {move || subject_menu().map(|s| s.years).unwrap_or_default().into_iter().map(|y| {
                        let value = y.to_string();
                        let id = value.clone();
                        view! { <option value=value selected=move || year() == id>{year_label(y)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="markbook-strand">"Strand"</label>
                <select id="markbook-strand" name="strand" on:change=on_change("strand") prop:value=strand>
                    <option value=ALL selected=move || strand() == ALL>"All strands"</option>
                    {move || subject_menu().map(|s| s.strands).unwrap_or_default().into_iter().map(|name| {
                        let (id, value) = (name.clone(), name.clone());
                        view! { <option value=value selected=move || strand() == id>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <noscript>
                <button type="submit" class="secondary">"Show grid"</button>
            </noscript>
        </QueryForm>
    }
    .into_any()
}
