//! Reports for staff: the reporting sessions with their progress, and the
//! admin's session form (New reporting session, Edit).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{
    api::{ListSessions, OpenSessionForm, SaveSession},
    model::{GroupChoice, ReportsDone, SessionDetail, SessionSummary, SECTIONS},
};
use crate::{
    auth::model::Role,
    ids::ReportSessionId,
    shell::layout::use_person,
    ui::{
        form::{FormAction, SendForm},
        loading::load,
        route_id, use_done, ErrorNote, ErrorPanel, Notice, TextField,
    },
};

/// `/reports`.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let done = use_done::<ReportsDone>();
    let sessions = load(|| (), |_| ListSessions {});
    let person = use_person();
    let admin = person.role == Role::Admin;
    let leadership = admin || person.slt;
    view! {
        <Title text="Reports · Markwell" />
        <h1>"Reports"</h1>
        <p class="lede">
            {if leadership {
                "Each reporting session's progress. Teachers write a comment per pupil; you review, approve and publish them to parents."
            } else {
                "Write a comment for each pupil in your groups, then mark it ready for review."
            }}
        </p>
        <Notice message=done />
        {admin.then(|| view! {
            <p><A href="/reports/new" attr:class="button primary">"New reporting session"</A></p>
        })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No reporting sessions yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain sessions">
                            {list.into_iter().map(|session| view! {
                                <SessionCard session admin leadership />
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionCard(session: SessionSummary, admin: bool, leadership: bool) -> impl IntoView {
    let SessionSummary {
        id,
        name,
        dates,
        published,
        reports,
        written,
        approved,
        published_count,
        my_groups,
    } = session;
    let heading = format!("session-{id}");
    // Teachers follow their own groups below; leadership the whole school.
    let progress = if published {
        format!("{published_count} of {reports} reports published")
    } else if leadership {
        format!("{written} of {reports} comments written · {approved} approved")
    } else {
        String::new()
    };
    view! {
        <li class="card session" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{name}</h2>
            <p class="hint">{dates}</p>
            <p>
                <span class="status">{if published { "Published" } else { "Being written" }}</span>
                " "{progress}
            </p>
            {(!my_groups.is_empty()).then(|| view! {
                <ul class="plain my-groups">
                    {my_groups.into_iter().map(|group| {
                        let href = format!("/reports/{id}/write/{}", group.id);
                        view! {
                            <li>
                                <A href=href attr:class="button">{format!("Write: {}", group.name)}</A>
                                " "{format!("{} of {} written", group.written, group.reports)}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <p class="actions">
                {leadership.then(|| view! {
                    <A href=format!("/reports/{id}/review") attr:class="button">"Review and publish"</A>
                })}
                {(admin && !published).then(|| view! {
                    <A href=format!("/reports/{id}/edit") attr:class="button secondary">"Edit session"</A>
                })}
            </p>
        </li>
    }
}

/// `/reports/new`.
#[component]
pub fn NewSessionPage() -> impl IntoView {
    let form = load(|| (), |_| OpenSessionForm { session: None });
    view! {
        <Title text="New reporting session · Reports · Markwell" />
        <p class="back"><A href="/reports">"Reports"</A></p>
        <h1>"New reporting session"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <SessionFormView detail=form.detail groups=form.groups /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/reports/:id/edit`.
#[component]
pub fn EditSessionPage() -> impl IntoView {
    let route_id = route_id();
    let form = load(
        move || ReportSessionId(route_id()),
        |id| OpenSessionForm { session: Some(id) },
    );
    view! {
        <Title text="Edit reporting session · Reports · Markwell" />
        <p class="back"><A href="/reports">"Reports"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! {
                        <h1>{form.detail.as_ref().map(|d| format!("Edit {}", d.name))}</h1>
                        <SessionFormView detail=form.detail groups=form.groups />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const YEARS: [(i64, &str); 7] = [
    (0, "Reception"),
    (1, "Year 1"),
    (2, "Year 2"),
    (3, "Year 3"),
    (4, "Year 4"),
    (5, "Year 5"),
    (6, "Year 6"),
];

#[component]
fn SessionFormView(detail: Option<SessionDetail>, groups: Vec<GroupChoice>) -> impl IntoView {
    let save = FormAction::<SaveSession>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let field_error = move |field: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.for_field(field)))
    };
    let detail = detail.unwrap_or_else(|| SessionDetail {
        id: ReportSessionId(0),
        name: String::new(),
        groups: Vec::new(),
        years: Vec::new(),
        sections: vec!["attainment".to_owned(), "comment".to_owned()],
        opens_on: String::new(),
        closes_on: String::new(),
        publish_on: String::new(),
        guide: 1200,
        published: false,
    });
    let id = (detail.id.0 != 0).then_some(detail.id.0);
    let groups_error = field_error("groups");
    let sections_error = field_error("sections");
    view! {
        <SendForm action=save attr:novalidate=true attr:class="form session-form">
            <ErrorNote error id="save-error" />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <TextField name="name" label="Session name" hint="Such as Summer 2027." autocomplete="off" error value=detail.name.clone() />

            <fieldset class="field" aria-describedby="groups-error">
                <legend>"Who gets a report"</legend>
                <p id="groups-error" class="error-note" role="alert">{move || groups_error.get()}</p>
                <p class="hint">"Tick whole year groups, or single groups, or both. Each pupil gets one report."</p>
                <ul class="plain columns">
                    {YEARS.into_iter().map(|(year, label)| {
                        let box_id = format!("year-{year}");
                        view! {
                            <li class="check">
                                <input id=box_id.clone() type="checkbox" name="years[]" value=year
                                    checked=detail.years.contains(&year) />
                                <label for=box_id>{label}</label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <details open=!detail.groups.is_empty()>
                    <summary>"Single groups"</summary>
                    <ul class="plain columns">
                        {groups.into_iter().map(|group| {
                            let box_id = format!("group-{}", group.id);
                            view! {
                                <li class="check">
                                    <input id=box_id.clone() type="checkbox" name="groups[]" value=group.id.0
                                        checked=detail.groups.contains(&group.id) />
                                    <label for=box_id>{group.name}<span class="hint">{format!(" · {}", group.year)}</span></label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            </fieldset>

            <fieldset class="field" aria-describedby="sections-error">
                <legend>"Sections"</legend>
                <p id="sections-error" class="error-note" role="alert">{move || sections_error.get()}</p>
                <ul class="plain">
                    {SECTIONS.into_iter().map(|(value, label)| {
                        let box_id = format!("section-{value}");
                        view! {
                            <li class="check">
                                <input id=box_id.clone() type="checkbox" name="sections[]" value=value
                                    checked=detail.sections.iter().any(|s| s == value) />
                                <label for=box_id>{label}</label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>

            <TextField name="opens_on" label="Writing opens" hint="DD/MM/YYYY" autocomplete="off" error value=detail.opens_on.clone() />
            <TextField name="closes_on" label="Writing closes" hint="DD/MM/YYYY" autocomplete="off" error value=detail.closes_on.clone() />
            <TextField name="publish_on" label="Publish date" hint="DD/MM/YYYY. Reports reach parents when SLT publish them." autocomplete="off" error value=detail.publish_on.clone() />
            <TextField name="guide" label="Comment length guide (characters)" hint="Shown to teachers as they write, from 200 to 4000." kind="number" error value=detail.guide.to_string() />
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
        </SendForm>
    }
}
