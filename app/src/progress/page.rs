//! The Progress page: a group and a subject, one row per pupil, sorted by
//! any column with the buttons in its headings.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    params::ParamsMap,
    NavigateOptions,
};

use super::{
    api::{Asked, OpenProgress, SaveTargets},
    characteristics::PupilFilter,
    model::{
        sort, target_label, Cohort, ProgressRow, ProgressTable, SortBy, Spread, TargetChoice,
        NOT_JUDGED, NO_TARGET,
    },
};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, SubjectId},
    school::model::TermEnded,
    ui::{
        chart::{Bar, BarChart},
        form::{FormAction, SendForm},
        loading::load,
        ErrorNote, ErrorPanel, FieldError, SortHeading,
    },
};

pub const PATH: &str = "/progress";
/// Where **Export to Excel** downloads the table on screen.
pub const EXPORT_PATH: &str = "/progress/export";

#[component]
pub fn ProgressPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || asked_in(&query.read());
    let save = FormAction::<SaveTargets>::new();
    let saved = RwSignal::new(0u32);
    let status = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(changed)) = save.value().get() {
            let pupils = if changed == 1 { "pupil" } else { "pupils" };
            status.set(Some(format!("Targets saved: {changed} {pupils} changed.")));
            saved.update(|n| *n += 1);
        }
    });
    let table = load(
        move || (asked(), saved.get()),
        |(asked, _)| {
            let Asked {
                group,
                year,
                subject,
                assessment,
                pupils,
            } = asked;
            OpenProgress {
                group,
                year,
                subject,
                assessment,
                pupils,
            }
        },
    );
    view! {
        <Title text="Progress · Markwell" />
        <h1>"Progress"</h1>
        <p class="status-line" role="status">{move || status.get()}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match table.await {
                    Ok(table) if table.chosen.is_none() => view! {
                        <p class="empty">"You have no groups yet. An admin assigns classes in Users, or make a set of your own in Groups."</p>
                    }.into_any(),
                    Ok(table) => view! { <ProgressView table save /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProgressView(table: ProgressTable, save: FormAction<SaveTargets>) -> impl IntoView {
    let whose = table.whose();
    let ProgressTable {
        groups,
        years,
        subjects,
        chosen,
        rows,
        scale,
        year_spread,
        last_term,
        assessments,
        assessment,
        filters,
        filter,
    } = table;
    let Some(chosen) = chosen else {
        return ().into_any();
    };
    let (cohort, subject) = (chosen.cohort, chosen.subject);
    let on_screen = Asked {
        subject: Some(subject),
        assessment,
        pupils: filter,
        ..Asked::default()
    }
    .with_cohort(cohort);
    let navigate = use_navigate();
    let query = use_query_map();
    // Every choice changes itself and keeps the others as the address has
    // them now (the group, the subject, the Ext. data column and the Pupils
    // filter): a second choice made while the first is loading keeps both.
    let go = move |change: &dyn Fn(&mut Asked)| {
        let mut asked = asked_in(&query.read_untracked());
        change(&mut asked);
        navigate(
            &asked.href(PATH),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let (go_cohort, go_subject, go_assessment) = (go.clone(), go.clone(), go.clone());
    let columns: Vec<SortBy> = SortBy::ALL
        .into_iter()
        .filter(|c| *c != SortBy::External || assessment.is_some())
        .collect();
    let sorted_by = RwSignal::new((SortBy::Pupil, false));
    let caption = format!("{} in {whose}", chosen.subject_name);
    let rows_empty = rows.is_empty();
    let spread = Spread::of(whose.clone(), &rows, &scale);
    let against_target = Spread::against_target(whose.clone(), &rows);
    // Each row keeps the place it came in: its form fields' index.
    let place: HashMap<PupilId, usize> = rows
        .iter()
        .enumerate()
        .map(|(n, row)| (row.pupil, n))
        .collect();
    let shown = move || {
        let (by, descending) = sorted_by.get();
        let mut sorted = rows.clone();
        sort(&mut sorted, by, descending);
        sorted
            .into_iter()
            .map(|row| (place[&row.pupil], row))
            .collect::<Vec<_>>()
    };
    let with_external = assessment.is_some();
    // The table on screen.
    let export_link = on_screen.href(EXPORT_PATH);
    let external_name = assessment
        .and_then(|chosen| assessments.iter().find(|(id, _)| *id == chosen))
        .map(|(_, name)| name.clone());
    let table = move |error: Option<Signal<Option<AppError>>>| {
        let scale = scale.clone();
        let shown = shown.clone();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="progress-caption">
                <table class="table sortable">
                    <caption id="progress-caption">{caption.clone()}</caption>
                    <thead>
                        <tr>
                            {columns.clone().into_iter().map(|column| view! {
                                <SortHeading
                                    column
                                    label=column.label()
                                    sort=sorted_by
                                    starts_descending=column.starts_descending()
                                    numeric=column == SortBy::Share
                                />
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=shown key=|(_, row)| row.pupil let:((n, row))>
                            <PupilRow n row scale=scale.clone() error with_external />
                        </For>
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <div class="choices-row">
            <div class="field group-choice">
                <label for="progress-group">"Group"</label>
                <select
                    id="progress-group"
                    on:change=move |ev| {
                        if let Some(cohort) = Cohort::from_choice(&event_target_value(&ev)) {
                            go_cohort(&|asked| *asked = asked.with_cohort(cohort));
                        }
                    }
                >
                    {groups.into_iter().map(|g| {
                        let choice = Cohort::Group(g.id);
                        view! { <option value=choice.choice() selected=choice == cohort>{g.name}</option> }
                    }).collect_view()}
                    {(!years.is_empty()).then(|| view! {
                        <optgroup label="Whole year groups">
                            {years.into_iter().map(|year| {
                                let choice = Cohort::Year(year);
                                view! {
                                    <option value=choice.choice() selected=choice == cohort>
                                        {crate::school::model::year_label(year)}
                                    </option>
                                }
                            }).collect_view()}
                        </optgroup>
                    })}
                </select>
            </div>
            <div class="field group-choice">
                <label for="progress-subject">"Subject"</label>
                <select
                    id="progress-subject"
                    on:change=move |ev| {
                        let subject = event_target_value(&ev).parse().ok().map(SubjectId);
                        go_subject(&|asked| asked.subject = subject);
                    }
                >
                    {subjects.into_iter().map(|(id, name)| view! {
                        <option value=id.0 selected=id == subject>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            {(!assessments.is_empty()).then(|| view! {
                <div class="field group-choice">
                    <label for="progress-assessment">"Ext. data column"</label>
                    <select
                        id="progress-assessment"
                        on:change=move |ev| {
                            let assessment = event_target_value(&ev).parse().ok();
                            go_assessment(&|asked| asked.assessment = assessment);
                        }
                    >
                        <option value="" selected=assessment.is_none()>"None"</option>
                        {assessments.into_iter().map(|(id, name)| view! {
                            <option value=id selected=Some(id) == assessment>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(!filters.is_empty()).then(|| view! {
                <div class="field group-choice">
                    <label for="progress-pupils">"Pupils"</label>
                    <select
                        id="progress-pupils"
                        on:change=move |ev| {
                            let pupils = PupilFilter::from_key(&event_target_value(&ev));
                            go(&|asked| asked.pupils = pupils);
                        }
                    >
                        <option value="" selected=filter.is_none()>"All pupils"</option>
                        {filters.into_iter().map(|f| view! {
                            <option value=f.key() selected=Some(f) == filter>{f.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
        </div>
        <div class="charts">
            <SpreadChart
                what="Judgements"
                subject=chosen.subject_name.clone()
                spread
                id="spread"
                label_heading="Judgement"
            />
            {year_spread.map(|spread| view! {
                <SpreadChart
                    what="Judgements"
                    subject=chosen.subject_name.clone()
                    spread
                    id="year-spread"
                    label_heading="Judgement"
                />
            })}
            <SpreadChart
                what="Against target"
                subject=chosen.subject_name.clone()
                spread=against_target
                id="against-target"
                label_heading="Against target"
            />
        </div>
        <p>
            <a class="button" href=export_link rel="external">"Export to Excel"</a>
        </p>
        <p class="hint">"On track: the pupil's judgement has reached their target."</p>
        {external_name.map(|name| view! { <p class="hint">{format!("External result: {name}, from Ext. data.")}</p> })}
        <p class="hint">{since_words(last_term.as_ref())}</p>
        {match cohort {
            Cohort::Group(group) if chosen.can_set_targets && !rows_empty => {
                let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
                view! {
                    <SendForm action=save attr:novalidate=true attr:class="targets">
                        <ErrorNote error id="targets-note" />
                        <input type="hidden" name="group" value=group.0 />
                        <input type="hidden" name="subject" value=subject.0 />
                        {table(Some(error))}
                        <FieldError error name="targets" id="targets-error".to_owned() />
                        <button type="submit" class="primary" disabled=move || save.pending().get()>
                            "Save targets"
                        </button>
                    </SendForm>
                    <p class="hint">
                        "Targets for many pupils at once, from a spreadsheet: "
                        <a href=crate::external::model::PATH>"Ext. data"</a>
                        ", then choose Targets in the subject."
                    </p>
                }
                .into_any()
            }
            _ => table(None).into_any(),
        }}
    }
    .into_any()
}

/// What the page's address asks for; a value it can't read asks for
/// nothing (the first group or subject, no column, no filter).
fn asked_in(query: &ParamsMap) -> Asked {
    let id = |name: &str| query.get_str(name).and_then(|v| v.parse::<i64>().ok());
    Asked {
        group: id("group").map(GroupId),
        year: id("year"),
        subject: id("subject").map(SubjectId),
        assessment: id("assessment"),
        pupils: query.get_str("pupils").and_then(PupilFilter::from_key),
    }
}

/// What "Since last term" compares, in words.
pub fn since_words(last_term: Option<&TermEnded>) -> String {
    match last_term {
        Some(term) => format!(
            "Since last term: each pupil's judgement now against theirs when {} ended ({}), in the year they were in then.",
            term.name,
            crate::school::model::uk_date(&term.on)
        ),
        None => "Since last term needs the school's terms, which an admin sets in School settings."
            .to_owned(),
    }
}

/// How a cohort's pupils spread (over the judgements, or against their
/// targets), as a chart.
#[component]
fn SpreadChart(
    /// What is counted: "Judgements in Maths: 4 Oak".
    what: &'static str,
    subject: String,
    spread: Spread,
    id: &'static str,
    label_heading: &'static str,
) -> impl IntoView {
    let title = format!("{what} in {subject}: {}", spread.name);
    let bars = spread
        .counts
        .into_iter()
        .map(|(label, count)| Bar { label, count })
        .collect();
    view! { <BarChart title bars id label_heading count_heading="Pupils" /> }
}

/// A pupil's row. With `error` (the viewer sets this group's targets) the
/// target is a drop-down of the form; without, it is read.
#[component]
fn PupilRow(
    n: usize,
    row: ProgressRow,
    scale: Vec<TargetChoice>,
    error: Option<Signal<Option<AppError>>>,
    /// Whether the table has the Ext. data column.
    with_external: bool,
) -> impl IntoView {
    let share = row.share_words();
    let on_track = row.on_track().label();
    let change = row.change_words();
    let external = row.external.clone();
    let chosen = row.target.map(|t| t.level);
    let target = match error {
        Some(error) => {
            let invalid = move || {
                error
                    .get()
                    .and_then(|e| e.for_field("targets"))
                    .map(|_| "true")
            };
            view! {
                <input type="hidden" name=format!("pupils[{n}]") value=row.pupil.0 />
                <select
                    name=format!("targets[{n}]")
                    aria-label=format!("Target for {}", row.name)
                    aria-describedby="targets-error"
                    aria-invalid=invalid
                >
                    <option value="" selected=chosen.is_none()>{NO_TARGET}</option>
                    {scale.into_iter().map(|level| view! {
                        <option value=level.level.0 selected=chosen == Some(level.level)>
                            {level.label}
                        </option>
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        None => target_label(&scale, &row).into_any(),
    };
    view! {
        <tr>
            <th scope="row"><A href=row.pupil.page()>{row.name}</A></th>
            <td>{crate::school::model::year_label(row.year_group)}</td>
            <td class="num">{share}</td>
            <td>{row.judgement.unwrap_or_else(|| NOT_JUDGED.to_owned())}</td>
            <td>{target}</td>
            <td>{on_track}</td>
            <td>{change}</td>
            {with_external.then(|| view! {
                <td>{external.map(|e| e.words).unwrap_or_else(|| "No result".to_owned())}</td>
            })}
        </tr>
    }
}
