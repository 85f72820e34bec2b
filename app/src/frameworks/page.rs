//! Frameworks (admins): a subject's criteria for one year, to add, edit,
//! reorder and retire; the scale's keys, labels and colours; new subjects.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use super::{
    api::{AddSubject, MoveCriterion, OpenFramework, RetireCriterion, SaveCriterion, SaveScale},
    model::{CriterionRow, Framework},
};
use crate::{
    error::AppError,
    ids::SubjectId,
    markbook::model::{Level, COLOURS},
    school::model::year_label,
    ui::{
        form::{FormAction, QueryForm, SendForm},
        loading::load,
        ErrorNote, ErrorPanel, TextField,
    },
};

pub const PATH: &str = "/frameworks";

#[component]
pub fn FrameworksPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("subject").and_then(|s| s.parse().ok()).map(SubjectId),
            q.get("year").and_then(|y| y.parse::<i64>().ok()),
        )
    });
    let save = FormAction::<SaveCriterion>::new();
    let moved = FormAction::<MoveCriterion>::new();
    let retired = FormAction::<RetireCriterion>::new();
    let scale = FormAction::<SaveScale>::new();
    let subject = FormAction::<AddSubject>::new();
    // Every change reloads what is shown.
    let version = move || {
        save.version().get()
            + moved.version().get()
            + retired.version().get()
            + scale.version().get()
            + subject.version().get()
    };
    let framework = load(
        move || (asked.get(), version()),
        |((subject, year), _)| OpenFramework { subject, year },
    );
    let editing = RwSignal::new(None::<CriterionRow>);
    // Made here, outside the part each change reloads, so they outlive it.
    let criterion_error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let scale_error = Signal::derive(move || scale.value().get().and_then(|r| r.err()));
    let subject_error = Signal::derive(move || subject.value().get().and_then(|r| r.err()));
    // A saved edit, or another subject or year, ends the editing.
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(None);
        }
    });
    Effect::new(move |_| {
        asked.track();
        editing.set(None);
    });
    view! {
        <Title text="Frameworks · Markwell" />
        <h1>"Frameworks"</h1>
        <p class="lede">
            "The criteria teachers judge pupils against, by subject, year and strand, and the scale they use. "
            "Retiring a criterion takes it out of the markbook and keeps every judgement made against it."
        </p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match framework.await {
                    Ok(framework) => view! {
                        <Chooser framework=framework.clone() />
                        <Criteria framework=framework.clone() moved retired editing />
                        <CriterionForm framework=framework.clone() save editing error=criterion_error />
                        <ScaleForm scale=framework.scale.clone() action=scale error=scale_error />
                        <SubjectForm action=subject error=subject_error />
                    }.into_any(),
                    Err(AppError::Invalid { message, .. }) => view! {
                        <p class="error-note" role="alert">{message}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Chooser(framework: Framework) -> impl IntoView {
    let navigate = use_navigate();
    let (subject, year) = (framework.subject, framework.year);
    let go = move |subject: SubjectId, year: i64| {
        navigate(
            &format!("{PATH}?subject={subject}&year={year}"),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let go_year = go.clone();
    view! {
        <QueryForm action=PATH class="filters framework-filters">
            <div class="field">
                <label for="framework-subject">"Subject"</label>
                <select
                    id="framework-subject"
                    name="subject"
                    on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            go(SubjectId(id), year);
                        }
                    }
                >
                    {framework.subjects.iter().map(|s| view! {
                        <option value=s.id.0 selected=s.id == subject>{s.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="framework-year">"Year"</label>
                <select
                    id="framework-year"
                    name="year"
                    on:change=move |ev| {
                        if let Ok(y) = event_target_value(&ev).parse() {
                            go_year(subject, y);
                        }
                    }
                >
                    {(0..=6).map(|y| view! {
                        <option value=y selected=y == year>{year_label(y)}</option>
                    }).collect_view()}
                </select>
            </div>
            <noscript><button type="submit" class="secondary">"Show"</button></noscript>
        </QueryForm>
    }
}

#[component]
fn Criteria(
    framework: Framework,
    moved: FormAction<MoveCriterion>,
    retired: FormAction<RetireCriterion>,
    editing: RwSignal<Option<CriterionRow>>,
) -> impl IntoView {
    let subject_name = framework
        .subjects
        .iter()
        .find(|s| s.id == framework.subject)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let caption = format!("{subject_name}, {}", year_label(framework.year));
    let last = framework.criteria.len().saturating_sub(1);
    view! {
        <section aria-labelledby="criteria-heading">
            <h2 id="criteria-heading">{format!("Criteria: {caption}")}</h2>
            {if framework.criteria.is_empty() {
                view! { <p class="empty">"No criteria for this year yet. Add the first below."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Criteria table">
                        <table class="table criteria">
                            <thead><tr>
                                <th scope="col">"Strand"</th>
                                <th scope="col">"Statement"</th>
                                <th scope="col">"Judged"</th>
                                <th scope="col"><span class="visually-hidden">"Change"</span></th>
                            </tr></thead>
                            <tbody>
                                {framework.criteria.into_iter().enumerate().map(|(i, c)| {
                                    let id = c.id.0;
                                    let statement = &c.statement;
                                    let (up, down, edit) = (
                                        format!("Move up: {statement}"),
                                        format!("Move down: {statement}"),
                                        format!("Edit: {statement}"),
                                    );
                                    let retire = format!("{}: {statement}", if c.retired { "Restore" } else { "Retire" });
                                    let row = c.clone();
                                    view! {
                                        <tr class:retired=c.retired>
                                            <td>{c.strand.clone()}</td>
                                            <th scope="row">
                                                {c.statement.clone()}
                                                {c.retired.then(|| view! { <span class="badge">" Retired"</span> })}
                                            </th>
                                            <td>{c.judgements}</td>
                                            <td class="actions">
                                                <SendForm action=moved>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="up" value="true" />
                                                    <button type="submit" class="secondary" disabled=i == 0
                                                        aria-label=up>"Up"</button>
                                                </SendForm>
                                                <SendForm action=moved>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="up" value="false" />
                                                    <button type="submit" class="secondary" disabled=i == last
                                                        aria-label=down>"Down"</button>
                                                </SendForm>
                                                <button type="button" class="secondary"
                                                    aria-label=edit
                                                    on:click=move |_| editing.set(Some(row.clone()))>"Edit"</button>
                                                <SendForm action=retired>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="retired" value=(!c.retired).to_string() />
                                                    <button type="submit" class="secondary"
                                                        aria-label=retire>
                                                        {if c.retired { "Restore" } else { "Retire" }}
                                                    </button>
                                                </SendForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// Adds a criterion, or changes the one chosen with Edit.
#[component]
fn CriterionForm(
    framework: Framework,
    save: FormAction<SaveCriterion>,
    editing: RwSignal<Option<CriterionRow>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let strands: Vec<String> = framework
        .subjects
        .iter()
        .find(|s| s.id == framework.subject)
        .map(|s| s.strands.clone())
        .unwrap_or_default();
    let (subject, year) = (framework.subject, framework.year);
    view! {
        <section aria-labelledby="criterion-form-heading" class="criterion-form">
            {move || {
                let row = editing.get();
                let heading = if row.is_some() { "Edit criterion" } else { "Add a criterion" };
                let strand = row.as_ref().map(|r| r.strand.clone()).unwrap_or_default();
                let statement = row.as_ref().map(|r| r.statement.clone()).unwrap_or_default();
                let year = row.as_ref().map_or(year, |r| r.year_group);
                let id = row.as_ref().map(|r| r.id.0);
                view! {
                    <h2 id="criterion-form-heading">{heading}</h2>
                    <SendForm action=save attr:novalidate=true attr:class="form">
                        <ErrorNote error id="criterion-error" />
                        {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                        <input type="hidden" name="subject" value=subject.0 />
                        <input type="hidden" name="year_group" value=year />
                        <TextField name="strand" label="Strand" autocomplete="off" error value=strand />
                        <TextField name="statement" label="Statement" autocomplete="off" error value=statement />
                        <button type="submit" class="primary">{if id.is_some() { "Save changes" } else { "Add criterion" }}</button>
                        {id.is_some().then(|| view! {
                            <button type="button" class="secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                        })}
                    </SendForm>
                }
            }}
            <p class="hint">"Strands in use: "{strands.join(", ")}</p>
        </section>
    }
}

#[component]
fn ScaleForm(
    scale: Vec<Level>,
    action: FormAction<SaveScale>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    // The scale's rows, and an empty one for a new level.
    let rows: Vec<Option<Level>> = scale.into_iter().map(Some).chain([None]).collect();
    view! {
        <section aria-labelledby="scale-heading">
            <h2 id="scale-heading">"Scale"</h2>
            <p class="hint">
                "Teachers type the key in the grid. Levels that count as secured make up the shares in the markbook. "
                "Fill in the last row to add a level."
            </p>
            <SendForm action attr:novalidate=true attr:class="form scale-form">
                <ErrorNote error id="scale-error" />
                <div class="table-wrap" tabindex="0" role="region" aria-label="Scale table">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Label"</th>
                            <th scope="col">"Colour"</th>
                            <th scope="col">"Secured"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().enumerate().map(|(i, level)| {
                                let field = move |name: &str| format!("{name}-{i}");
                                let message = move |name: &'static str| {
                                    move || error.get().and_then(|e| e.for_field(&field(name)))
                                };
                                let id = level.as_ref().map(|l| l.id.0.to_string()).unwrap_or_default();
                                let key = level.as_ref().map(|l| l.key.clone()).unwrap_or_default();
                                let label = level.as_ref().map(|l| l.label.clone()).unwrap_or_default();
                                let colour = level.as_ref().map_or("grey".to_owned(), |l| l.colour.clone());
                                let secured = level.as_ref().is_some_and(|l| l.secured);
                                let what = if level.is_some() { format!("level {}", i + 1) } else { "new level".to_owned() };
                                view! {
                                    <tr>
                                        <td>
                                            <input type="hidden" name=format!("levels[{i}][id]") value=id />
                                            <input id=field("key") name=format!("levels[{i}][key]") value=key size="2"
                                                aria-label=format!("Key, {what}")
                                                aria-describedby=field("key-error")
                                                aria-invalid=move || message("key")().map(|_| "true") />
                                            <p id=field("key-error") class="error-note">{message("key")}</p>
                                        </td>
                                        <td>
                                            <input id=field("label") name=format!("levels[{i}][label]") value=label
                                                aria-label=format!("Label, {what}")
                                                aria-describedby=field("label-error")
                                                aria-invalid=move || message("label")().map(|_| "true") />
                                            <p id=field("label-error") class="error-note">{message("label")}</p>
                                        </td>
                                        <td>
                                            <select name=format!("levels[{i}][colour]") aria-label=format!("Colour, {what}")
                                                aria-describedby=field("colour-error")
                                                aria-invalid=move || message("colour")().map(|_| "true")>
                                                {COLOURS.iter().map(|c| view! {
                                                    <option value=*c selected=*c == colour>{colour_name(c)}</option>
                                                }).collect_view()}
                                            </select>
                                            <p id=field("colour-error") class="error-note">{message("colour")}</p>
                                        </td>
                                        <td>
                                            <input type="checkbox" name=format!("levels[{i}][secured]") value="true" checked=secured
                                                aria-label=format!("Counts as secured, {what}") />
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <button type="submit" class="primary">"Save scale"</button>
            </SendForm>
        </section>
    }
}

fn colour_name(colour: &str) -> &'static str {
    match colour {
        "amber" => "Amber",
        "green" => "Green",
        "blue" => "Blue",
        "red" => "Red",
        "purple" => "Purple",
        _ => "Grey",
    }
}

#[component]
fn SubjectForm(action: FormAction<AddSubject>, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="subject-heading">
            <h2 id="subject-heading">"Add a subject"</h2>
            <SendForm action attr:novalidate=true attr:class="form">
                <TextField name="subject_name" label="Subject name" autocomplete="off" error />
                <button type="submit" class="primary">"Add subject"</button>
            </SendForm>
        </section>
    }
}
