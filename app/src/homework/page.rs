//! The Homework page (set homework for a group, see what was set), the
//! hand-ins list of one piece, and a child's homework on their page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
    NavigateOptions,
};

use super::{
    api::{OpenHandIns, OpenHomework, SaveHandIns, SetHomework},
    model::{ChildHomework, ChildTask, GroupHomework, HandIn, HandInList},
};
use crate::{
    ids::{GroupId, HomeworkId},
    ui::{
        form::{FormAction, SendForm},
        loading::{load, load_or, Ask},
        ErrorNote, ErrorPanel, TextField,
    },
};

pub const PATH: &str = "/homework";

#[component]
pub fn HomeworkPage() -> impl IntoView {
    let query = use_query_map();
    let group = move || {
        query
            .read()
            .get("group")
            .and_then(|g| g.parse().ok())
            .map(GroupId)
    };
    let set = FormAction::<SetHomework>::new();
    // Read again after homework is set (a fresh, empty form); never after a
    // refusal, so what was typed stays to be put right.
    let saved = RwSignal::new(0u32);
    let status = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(_)) = set.value().get() {
            status.set(Some(
                "Homework set. The pupils' parents have been told.".to_owned(),
            ));
            saved.update(|n| *n += 1);
        }
    });
    let listing = load(
        move || (group(), saved.get()),
        |(group, _)| OpenHomework { group },
    );
    view! {
        <Title text="Homework · Markwell" />
        <h1>"Homework"</h1>
        <p class="status-line" role="status">{move || status.get()}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(listing) if listing.group.is_none() => view! {
                        <p class="empty">"You have no groups yet. An admin assigns classes in Users, or make a set of your own in Groups."</p>
                    }.into_any(),
                    Ok(listing) => view! { <GroupHomeworkView listing set /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupHomeworkView(listing: GroupHomework, set: FormAction<SetHomework>) -> impl IntoView {
    let GroupHomework {
        groups,
        group,
        homework,
    } = listing;
    let group = group.unwrap_or(GroupId(0));
    let navigate = use_navigate();
    let error = Signal::derive(move || set.value().get().and_then(|r| r.err()));
    view! {
        <div class="field group-choice">
            <label for="homework-group">"Group"</label>
            <select
                id="homework-group"
                on:change=move |ev| {
                    navigate(
                        &format!("{PATH}?group={}", event_target_value(&ev)),
                        NavigateOptions { scroll: false, ..Default::default() },
                    );
                }
            >
                {groups.into_iter().map(|g| view! {
                    <option value=g.id.0 selected=g.id == group>{g.name}</option>
                }).collect_view()}
            </select>
        </div>
        <section aria-labelledby="set-heading">
            <h2 id="set-heading">"Set homework"</h2>
            <SendForm action=set attr:novalidate=true attr:class="form">
                <ErrorNote error id="set-homework-error" />
                <input type="hidden" name="group" value=group.0 />
                <TextField name="title" label="Title" autocomplete="off" error />
                <TextField name="description" label="Description (optional)" rows=4 error />
                <TextField name="due" label="Due date" kind="date" error />
                <button type="submit" class="primary" disabled=move || set.pending().get()>
                    "Set homework"
                </button>
            </SendForm>
        </section>
        <section aria-labelledby="set-list-heading">
            <h2 id="set-list-heading">"Set for this group"</h2>
            {if homework.is_empty() {
                view! { <p class="empty">"No homework set for this group yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain entries">
                        {homework.into_iter().map(|h| view! {
                            <li class="entry">
                                <p><strong>{h.title.clone()}</strong></p>
                                <p class="hint">{format!("Due {} · set by {}", h.due, h.set_by)}</p>
                                <p>{format!("{} of {} handed in", h.handed_in, h.pupils)}</p>
                                <A href=format!("{PATH}/{}", h.id) attr:aria-label=format!("Record hand-ins for {}", h.title)>
                                    "Record hand-ins"
                                </A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// One piece of homework's hand-ins: each pupil of the group with Not
/// handed in, Handed in or Late, saved together.
#[component]
pub fn HandInsPage() -> impl IntoView {
    let params = use_params_map();
    let homework = move || {
        params
            .read()
            .get("homework")
            .and_then(|h| h.parse().ok())
            .map(HomeworkId)
    };
    let save = FormAction::<SaveHandIns>::new();
    let saved = RwSignal::new(0u32);
    let status = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(changed)) = save.value().get() {
            let pupils = if changed == 1 { "pupil" } else { "pupils" };
            status.set(Some(format!("Hand-ins saved: {changed} {pupils} changed.")));
            saved.update(|n| *n += 1);
        }
    });
    let list = load_or(
        move || (homework(), saved.get()),
        |(homework, _)| match homework {
            Some(homework) => Ask::Server(OpenHandIns { homework }),
            None => Ask::Known(Err(crate::error::AppError::NotFound)),
        },
    );
    view! {
        <Title text="Hand-ins · Markwell" />
        <p class="status-line" role="status">{move || status.get()}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <HandInsForm list save /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HandInsForm(list: HandInList, save: FormAction<SaveHandIns>) -> impl IntoView {
    let HandInList {
        homework,
        group,
        group_name,
        pupils,
    } = list;
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <p><A href=format!("{PATH}?group={group}")>{format!("← Homework for {group_name}")}</A></p>
        <h1>{homework.title}</h1>
        <p class="hint">{format!("{group_name} · due {} · set by {}", homework.due, homework.set_by)}</p>
        {homework.description.map(|d| view! { <p class="homework-description">{d}</p> })}
        <SendForm action=save attr:novalidate=true attr:class="form hand-ins">
            <ErrorNote error id="hand-ins-error" />
            <input type="hidden" name="homework" value=homework.id.0 />
            {if pupils.is_empty() {
                view! { <p class="empty">"No pupils in this group."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain hand-in-list">
                        {pupils.into_iter().enumerate().map(|(n, p)| {
                            view! {
                                <li>
                                    <fieldset class="hand-in">
                                        <legend>{p.name}</legend>
                                        <input type="hidden" name=format!("pupils[{n}]") value=p.pupil.0 />
                                        <div class="hand-in-choices">
                                            {HandIn::ALL.into_iter().map(|status| {
                                                let id = format!("hand-in-{}-{}", p.pupil, status.stored());
                                                view! {
                                                    <span class="segment-choice">
                                                        <input
                                                            id=id.clone()
                                                            type="radio"
                                                            name=format!("statuses[{n}]")
                                                            value=status.stored()
                                                            checked=status == p.status
                                                        />
                                                        <label for=id>{status.label()}</label>
                                                    </span>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </fieldset>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        "Save hand-ins"
                    </button>
                }.into_any()
            }}
        </SendForm>
    }
}

/// A child's homework on their page: what is due, what is overdue, what
/// was handed in.
#[component]
pub fn ChildHomeworkSection(homework: ChildHomework) -> impl IntoView {
    let ChildHomework {
        due,
        overdue,
        handed_in,
    } = homework;
    let nothing = due.is_empty() && overdue.is_empty() && handed_in.is_empty();
    let list = |heading: &'static str, tasks: Vec<ChildTask>, late_words: bool| {
        (!tasks.is_empty()).then(|| view! {
            <h3>{heading}</h3>
            <ul class="plain timeline">
                {tasks.into_iter().map(|t| {
                    let when = match (t.status, late_words) {
                        (HandIn::Late, _) => format!("{} · due {} · handed in late", t.group, t.due),
                        (HandIn::HandedIn, _) => format!("{} · due {} · handed in", t.group, t.due),
                        (HandIn::NotHandedIn, true) => format!("{} · was due {}", t.group, t.due),
                        (HandIn::NotHandedIn, false) => format!("{} · due {}", t.group, t.due),
                    };
                    view! {
                        <li class="timeline-entry">
                            <p><strong>{t.title}</strong></p>
                            {t.description.map(|d| view! { <p>{d}</p> })}
                            <p class="hint">{when}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    };
    view! {
        <section class="child-section" aria-labelledby="homework-heading">
            <h2 id="homework-heading">"Homework"</h2>
            {nothing.then(|| view! { <p class="empty">"No homework set yet."</p> })}
            {list("Due", due, false)}
            {list("Overdue", overdue, true)}
            {list("Handed in", handed_in, false)}
        </section>
    }
}
