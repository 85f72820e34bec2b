//! The Behaviour page: a group's pupils to tick, a behaviour or an
//! achievement to record for all of them at once, and what was recorded
//! lately, with Undo.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use super::{
    api::{
        AddBehaviour, Award, BehaviourList, OpenRecords, RecordAchievement, RetireBehaviour,
        TakeBack,
    },
    model::{
        points_label, ChildClassroom, ChildEntry, EntryKind, GroupRecords, PupilTile, RecentEntry,
        TakeBackKind, ACHIEVEMENT_SUGGESTIONS,
    },
};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId},
    school::model::ParentAreas,
    ui::{
        form::{FormAction, SendForm},
        loading::load,
        ErrorNote, ErrorPanel, TextField,
    },
};

pub const PATH: &str = "/behaviour";

/// Which of the two forms is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Behaviour,
    Achievement,
}

#[component]
pub fn BehaviourPage() -> impl IntoView {
    let query = use_query_map();
    let group = move || {
        query
            .read()
            .get("group")
            .and_then(|g| g.parse().ok())
            .map(GroupId)
    };
    let award = FormAction::<Award>::new();
    let achievement = FormAction::<RecordAchievement>::new();
    let take_back = FormAction::<TakeBack>::new();
    // Reloaded after a change that went through, never after a refusal:
    // what was ticked and typed stays for the teacher to put right.
    let saved = RwSignal::new(0u32);
    let status = RwSignal::new(None::<String>);
    let recorded = move |count: usize, what: &str| {
        let pupils = if count == 1 { "pupil" } else { "pupils" };
        status.set(Some(format!("{what} recorded for {count} {pupils}.")));
        saved.update(|n| *n += 1);
    };
    Effect::new(move || {
        if let Some(Ok(count)) = award.value().get() {
            recorded(count, "Behaviour");
        }
    });
    Effect::new(move || {
        if let Some(Ok(count)) = achievement.value().get() {
            recorded(count, "Achievement");
        }
    });
    Effect::new(move || {
        if let Some(Ok(())) = take_back.value().get() {
            status.set(Some("The entry has been removed.".to_owned()));
            saved.update(|n| *n += 1);
        }
    });
    let records = load(
        move || (group(), saved.get()),
        |(group, _)| OpenRecords { group },
    );
    // Kept while the page reads again after a change.
    let mode = RwSignal::new(Mode::Behaviour);
    view! {
        <Title text="Behaviour · Markwell" />
        <h1>"Behaviour"</h1>
        <p class="status-line" role="status">{move || status.get()}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match records.await {
                    Ok(records) if records.group.is_none() => view! {
                        <p class="empty">"You have no groups yet. An admin assigns classes in Users, or make a set of your own in Groups."</p>
                    }.into_any(),
                    Ok(records) => view! {
                        <Recorder records mode award achievement take_back />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Recorder(
    records: GroupRecords,
    mode: RwSignal<Mode>,
    award: FormAction<Award>,
    achievement: FormAction<RecordAchievement>,
    take_back: FormAction<TakeBack>,
) -> impl IntoView {
    let GroupRecords {
        groups,
        group,
        pupils,
        behaviours,
        recent,
    } = records;
    let group = group.unwrap_or(GroupId(0));
    let navigate = use_navigate();
    let ticked = RwSignal::new(BTreeSet::<PupilId>::new());
    let award_error = Signal::derive(move || award.value().get().and_then(|r| r.err()));
    let achievement_error = Signal::derive(move || achievement.value().get().and_then(|r| r.err()));
    let undo_error = Signal::derive(move || take_back.value().get().and_then(|r| r.err()));
    let pupils = StoredValue::new(pupils);
    let behaviours = StoredValue::new(behaviours);
    let mode_button = move |which: Mode, label: &'static str| {
        view! {
            <button
                type="button"
                class="segment"
                aria-pressed=move || (mode.get() == which).to_string()
                on:click=move |_| mode.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="field group-choice">
            <label for="behaviour-group">"Group"</label>
            <select
                id="behaviour-group"
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
        <div class="segments" role="group" aria-label="What to record">
            {mode_button(Mode::Behaviour, "Behaviour")}
            {mode_button(Mode::Achievement, "Achievement")}
        </div>
        <Show
            when=move || mode.get() == Mode::Behaviour
            fallback=move || view! {
                <SendForm action=achievement attr:novalidate=true attr:class="form record-form">
                    <ErrorNote error=achievement_error id="achievement-form-error" />
                    <input type="hidden" name="group" value=group.0 />
                    <PupilPicker pupils=pupils.get_value() ticked error=achievement_error />
                    <TextField
                        name="achievement"
                        label="Achievement"
                        hint="For example Star of the week"
                        suggestions="achievement-names"
                        error=achievement_error
                    />
                    <datalist id="achievement-names">
                        {ACHIEVEMENT_SUGGESTIONS.map(|s| view! { <option value=s></option> }).collect_view()}
                    </datalist>
                    <TextField name="note" id="achievement-note" label="Note (optional)" autocomplete="off" error=achievement_error />
                    <button type="submit" class="primary" disabled=move || achievement.pending().get()>
                        "Record achievement"
                    </button>
                </SendForm>
            }
        >
            <SendForm action=award attr:novalidate=true attr:class="form record-form">
                <ErrorNote error=award_error id="award-form-error" />
                <input type="hidden" name="group" value=group.0 />
                <PupilPicker pupils=pupils.get_value() ticked error=award_error />
                <fieldset class="field behaviours" aria-describedby="behaviour-error">
                    <legend>"Behaviour"</legend>
                    <p id="behaviour-error" class="error-note" role="alert">
                        {move || award_error.get().and_then(|e| e.for_field("behaviour"))}
                    </p>
                    <ul class="plain choice-grid">
                        {behaviours.get_value().into_iter().map(|b| {
                            let id = format!("behaviour-{}", b.id);
                            let tone = if b.points > 0 { "choice positive" } else { "choice negative" };
                            view! {
                                <li class=tone>
                                    <input id=id.clone() type="radio" name="behaviour" value=b.id.0 />
                                    <label for=id>{b.label()}</label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </fieldset>
                <TextField name="note" id="award-note" label="Note (optional)" autocomplete="off" error=award_error />
                <button type="submit" class="primary" disabled=move || award.pending().get()>
                    "Award"
                </button>
            </SendForm>
        </Show>
        <RecentList recent take_back error=undo_error />
    }
}

/// The group's pupils, each a tick box; the ticks are kept across the two
/// forms, so switching to Achievement keeps who was chosen.
#[component]
fn PupilPicker(
    pupils: Vec<PupilTile>,
    ticked: RwSignal<BTreeSet<PupilId>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let every: Vec<PupilId> = pupils.iter().map(|p| p.id).collect();
    let all_ticked = {
        let every = every.clone();
        move || !every.is_empty() && ticked.with(|t| every.iter().all(|p| t.contains(p)))
    };
    let tick_all = {
        let all_ticked = all_ticked.clone();
        move |_| {
            if all_ticked() {
                ticked.update(|t| t.clear());
            } else {
                ticked.set(every.iter().copied().collect());
            }
        }
    };
    view! {
        <fieldset class="field pupils" aria-describedby="pupils-error">
            <legend>"Pupils"</legend>
            <p id="pupils-error" class="error-note" role="alert">
                {move || error.get().and_then(|e| e.for_field("pupils"))}
            </p>
            <p class="pick-all">
                <button type="button" class="secondary" on:click=tick_all>
                    {move || if all_ticked() { "Untick all" } else { "Tick all" }}
                </button>
                <span class="hint">{move || format!("{} ticked", ticked.with(|t| t.len()))}</span>
            </p>
            <ul class="plain pupil-grid">
                {pupils.into_iter().map(|pupil| {
                    let id = pupil.id;
                    let box_id = format!("pupil-{id}");
                    let today = pupil.today;
                    view! {
                        <li class="pupil-tile">
                            <input
                                id=box_id.clone()
                                type="checkbox"
                                name="pupils[]"
                                value=id.0
                                prop:checked=move || ticked.with(|t| t.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ticked.update(|t| {
                                        if on { t.insert(id); } else { t.remove(&id); }
                                    });
                                }
                            />
                            <label for=box_id>
                                <span class="name">{pupil.name}</span>
                                {(today.positive + today.negative > 0).then(|| view! {
                                    <span class="hint">{format!("Today: {}", today.words())}</span>
                                })}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </fieldset>
    }
}

/// What was recorded lately in the group, with Undo for the recorder's own
/// entries of the last few minutes (and Remove for admins).
#[component]
fn RecentList(
    recent: Vec<RecentEntry>,
    take_back: FormAction<TakeBack>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <section class="recent-entries" aria-labelledby="recent-heading">
            <h2 id="recent-heading">"Recent entries"</h2>
            <ErrorNote error id="recent-error" />
            {if recent.is_empty() {
                view! { <p class="empty">"Nothing recorded in this group yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain entries">
                        {recent.into_iter().map(|entry| {
                            let what = entry.what();
                            let button = entry.take_back.map(|kind| {
                                let word = match kind {
                                    TakeBackKind::Undo => "Undo",
                                    TakeBackKind::Remove => "Remove",
                                };
                                let label = format!("{word} {what} for {}", entry.pupil);
                                view! {
                                    <SendForm action=take_back attr:class="inline">
                                        <input type="hidden" name="entry" value=entry.id.0 />
                                        <button type="submit" class="secondary small" aria-label=label>{word}</button>
                                    </SendForm>
                                }
                            });
                            view! {
                                <li class="entry">
                                    <p>
                                        <strong><A href=format!("/children/{}", entry.pupil_id)>{entry.pupil}</A></strong>
                                        " · "
                                        {what}
                                        {entry.note.map(|n| format!(" — {n}"))}
                                    </p>
                                    <p class="hint">{format!("{} · {}", entry.by, entry.when)}</p>
                                    {button}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// A child's behaviour and achievements on their page, for their parent:
/// the points this week and this term, positive and negative side by side,
/// and the latest entries in words.
#[component]
pub fn ChildRecords(classroom: ChildClassroom, shown: ParentAreas) -> impl IntoView {
    let ChildClassroom {
        this_week,
        this_term,
        behaviour,
        achievements,
    } = classroom;
    view! {
        {shown.achievements.then(|| view! {
            <section class="child-section" aria-labelledby="achievements-heading">
                <h2 id="achievements-heading">"Achievements"</h2>
                {if achievements.is_empty() {
                    view! { <p class="empty">"No achievements yet this year."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain celebrations">
                            {achievements.into_iter().map(|a| view! {
                                <li class="celebration">
                                    <p><span aria-hidden="true">"★ "</span><strong>{a.title}</strong></p>
                                    {a.note.map(|n| view! { <p>{n}</p> })}
                                    <p class="hint">{format!("{} · {}", a.by, a.day)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
        {shown.behaviour.then(|| view! {
            <section class="child-section" aria-labelledby="behaviour-heading">
                <h2 id="behaviour-heading">"Behaviour"</h2>
                <dl class="facts points">
                    <dt>"This week"</dt><dd>{this_week.words()}</dd>
                    <dt>"This term"</dt><dd>{this_term.words()}</dd>
                </dl>
                {if behaviour.is_empty() {
                    view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain timeline">
                            {behaviour.into_iter().map(|entry| view! { <TimelineEntry entry /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
    }
}

#[component]
fn TimelineEntry(entry: ChildEntry) -> impl IntoView {
    debug_assert_eq!(entry.kind, EntryKind::Behaviour);
    view! {
        <li class="timeline-entry">
            <p>
                <span class="points">{points_label(entry.points)}</span>
                " "
                <strong>{entry.title}</strong>
            </p>
            {entry.note.map(|n| view! { <p>{n}</p> })}
            <p class="hint">{format!("{} · {}", entry.by, entry.day)}</p>
        </li>
    }
}

/// The school's behaviour list in School settings (admins): each behaviour
/// with Remove, and a form to add one.
#[component]
pub fn BehaviourListSettings() -> impl IntoView {
    let add = FormAction::<AddBehaviour>::new();
    let retire = FormAction::<RetireBehaviour>::new();
    // Read again after a change that went through, never after a refusal,
    // so a name typed wrong stays to be put right.
    let saved = RwSignal::new(0u32);
    let status = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(_)) = add.value().get() {
            status.set(Some("Behaviour added to the list.".to_owned()));
            saved.update(|n| *n += 1);
        }
    });
    Effect::new(move || {
        if let Some(Ok(())) = retire.value().get() {
            status.set(Some("Behaviour removed from the list.".to_owned()));
            saved.update(|n| *n += 1);
        }
    });
    let list = load(move || saved.get(), |_| BehaviourList {});
    let add_error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let retire_error = Signal::derive(move || retire.value().get().and_then(|r| r.err()));
    view! {
        <section aria-labelledby="behaviour-list-heading" class="settings-section">
            <h2 id="behaviour-list-heading">"Behaviour list"</h2>
            <p>
                "What teachers choose from on the Behaviour page. Each entry keeps its points as recorded, "
                "so changing the list never changes what parents have already read."
            </p>
            <p class="status-line" role="status">{move || status.get()}</p>
            <ErrorNote error=retire_error id="behaviour-list-error" />
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(behaviours) => view! {
                            <ul class="plain entries">
                                {behaviours.into_iter().map(|b| {
                                    let label = b.label();
                                    view! {
                                        <li class="entry">
                                            <p><strong>{label.clone()}</strong></p>
                                            <SendForm action=retire attr:class="inline">
                                                <input type="hidden" name="behaviour" value=b.id.0 />
                                                <button type="submit" class="secondary small" aria-label=format!("Remove {label}")>
                                                    "Remove"
                                                </button>
                                            </SendForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <SendForm action=add attr:novalidate=true attr:class="form">
                                <ErrorNote error=add_error id="add-behaviour-error" />
                                <TextField name="name" id="behaviour-name" label="New behaviour" autocomplete="off" error=add_error />
                                <TextField
                                    name="points"
                                    id="behaviour-points"
                                    label="Points"
                                    hint="From −5 to +5, not 0: for example +1 or −1"
                                    autocomplete="off"
                                    error=add_error
                                />
                                <button type="submit" class="primary" disabled=move || add.pending().get()>
                                    "Add behaviour"
                                </button>
                            </SendForm>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
