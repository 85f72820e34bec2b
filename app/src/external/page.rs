//! The Ext. data page: **Upload file**, then on the uploaded file the
//! assessment, the columns and **Preview**, the preview's bad rows with
//! their reasons, **Import**; below, the assessments and every import with
//! **Undo import**.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    api::{self, ImportResults, UndoImport, UndoTargetsImport},
    model::{
        targets_choice, targets_words, AssessmentRow, Column, ExtDataDone, ExtDataView, ImportRow,
        Preview, Refusal, UploadedFile, KINDS, PATH, TARGETS, UPLOAD_PATH,
    },
};
use crate::{
    error::AppError,
    ids::SubjectId,
    ui::{
        form::{FormAction, SendForm},
        loading::load,
        use_done, ErrorNote, ErrorPanel, FieldError, Notice, TextField,
    },
};

#[component]
pub fn ExtDataPage() -> impl IntoView {
    let query = use_query_map();
    let file = Memo::new(move |_| query.read().get("file").and_then(|f| f.parse::<i64>().ok()));
    // Why Upload file didn't take a file: Some(None) for a reason unknown.
    let refused = Memo::new(move |_| {
        query
            .read()
            .get("refused")
            .map(|key| Refusal::from_key(&key))
    });
    let undo = Undo {
        results: FormAction::<UndoImport>::new(),
        targets: FormAction::<UndoTargetsImport>::new(),
    };
    // Previewing doesn't reload the page: the choices stay as they were.
    let view_of = load(
        move || {
            (
                file.get(),
                undo.results.version().get(),
                undo.targets.version().get(),
            )
        },
        |(file, _, _)| api::ExtDataPage { file },
    );
    let done = use_done::<ExtDataDone>();
    view! {
        <Title text="Ext. data · Markwell" />
        <h1>"Ext. data"</h1>
        <p class="lede">
            "Results of assessments taken outside the markbook, such as the Phonics Screening Check, "
            "the Multiplication Tables Check or a standardised test. They appear on each pupil's page. "
            "Import them from the spreadsheet the test gave you: nothing is saved until you press "
            <strong>"Import"</strong>", and an import can be undone as a whole. "
            "Pupils' targets for Progress are imported the same way: choose Targets in a subject."
        </p>
        <Notice message=done />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_of.await {
                    Ok(view_of) => view! { <ExtData view_of refused=refused.get_untracked() undo /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ExtData(view_of: ExtDataView, refused: Option<Option<Refusal>>, undo: Undo) -> impl IntoView {
    let ExtDataView {
        file,
        assessments,
        subjects,
        imports,
    } = view_of;
    let importing = match file {
        Some(Ok(uploaded)) => {
            view! { <ImportResultsForm uploaded assessments=assessments.clone() subjects /> }
                .into_any()
        }
        Some(Err(problem)) => view! { <UploadForm problem=Some(problem) /> }.into_any(),
        None => {
            let problem = refused.map(Refusal::words);
            view! { <UploadForm problem /> }.into_any()
        }
    };
    view! {
        <section class="settings-section wide">
            <h2 id="import-heading">"Import results or targets"</h2>
            {importing}
        </section>
        <Assessments assessments />
        <Imports imports undo />
    }
}

#[component]
fn UploadForm(problem: Option<String>) -> impl IntoView {
    let invalid = problem.is_some();
    view! {
        <form class="form" method="post" enctype="multipart/form-data" action=UPLOAD_PATH>
            <div class="field" class:invalid=invalid>
                <label for="file">"Spreadsheet of results"</label>
                <p class="hint" id="file-hint">
                    "CSV or Excel (.xlsx), one row per pupil: their UPN (or first name, surname and date of birth) "
                    "and their score or grade (or their target, to import targets). Headings may sit below a title; blank rows are passed over."
                </p>
                <input
                    id="file"
                    name="file"
                    type="file"
                    required
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-describedby="file-hint file-error"
                    aria-invalid=if invalid { "true" } else { "false" }
                />
                <p id="file-error" class="error-note">{problem}</p>
            </div>
            <button type="submit" class="primary">"Upload file"</button>
        </form>
    }
}

/// A drop-down of the file's columns, "Not in the file" first.
#[component]
fn ColumnSelect(
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    columns: Vec<Column>,
    selected: Option<usize>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message_id = format!("{name}-error");
    let invalid = move || error.get().and_then(|e| e.for_field(name)).map(|_| "true");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name aria-describedby=message_id.clone() aria-invalid=invalid>
                <option value="" selected=selected.is_none()>"Not in the file"</option>
                {columns
                    .into_iter()
                    .map(|c| view! {
                        <option value=c.index selected=selected == Some(c.index)>{c.label}</option>
                    })
                    .collect_view()}
            </select>
            <FieldError error name id=message_id />
        </div>
    }
}

#[component]
fn ImportResultsForm(
    uploaded: UploadedFile,
    assessments: Vec<AssessmentRow>,
    subjects: Vec<(SubjectId, String)>,
) -> impl IntoView {
    let action = FormAction::<ImportResults>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    // The last preview stays in view beside a later mistake.
    let preview = RwSignal::new(None::<Preview>);
    Effect::new(move |_| {
        if let Some(Ok(Some(shown))) = action.value().get() {
            preview.set(Some(shown));
        }
    });
    let chosen = RwSignal::new(if assessments.is_empty() {
        "new".to_owned()
    } else {
        String::new()
    });
    let kind = RwSignal::new(KINDS[0].key.to_owned());
    let targets = Signal::derive(move || chosen.read().starts_with(TARGETS));
    let UploadedFile {
        id,
        file_name,
        heading_row,
        rows,
        columns,
        guess,
    } = uploaded;
    let invalid = move |name: &'static str| {
        move || error.get().and_then(|e| e.for_field(name)).map(|_| "true")
    };
    let column = move |name, label: Signal<&'static str>, selected| {
        view! { <ColumnSelect name label columns=columns.clone() selected error /> }
    };
    view! {
        <p>
            <strong>{file_name}</strong>
            {format!(": {rows} rows below the headings on row {heading_row}. ")}
            <a href=PATH>"Choose another file"</a>
        </p>
        <SendForm action attr:novalidate=true attr:class="form import-form">
            <input type="hidden" name="file" value=id />
            <ErrorNote error id="import-error" />
            <FieldError error name="file" id="file-error".to_owned() />
            <fieldset>
                <legend>"Assessment or targets"</legend>
                <div class="field">
                    <label for="assessment">"These results are for"</label>
                    <select
                        id="assessment"
                        name="assessment"
                        aria-describedby="assessment-error"
                        aria-invalid=invalid("assessment")
                        on:change=move |ev| chosen.set(event_target_value(&ev))
                    >
                        <option value="" selected=move || chosen.get().is_empty()>"Choose…"</option>
                        {assessments
                            .into_iter()
                            .map(|a| view! {
                                <option value=a.id>{a.name_and_day()}</option>
                            })
                            .collect_view()}
                        <option value="new" selected=move || chosen.get() == "new">"A new assessment"</option>
                        {(!subjects.is_empty()).then(|| view! {
                            <optgroup label="Targets">
                                {subjects
                                    .into_iter()
                                    .map(|(id, name)| view! {
                                        <option value=targets_choice(id)>{targets_words(&name)}</option>
                                    })
                                    .collect_view()}
                            </optgroup>
                        })}
                    </select>
                    <FieldError error name="assessment" id="assessment-error".to_owned() />
                </div>
                <div hidden=move || chosen.get() != "new">
                    <div class="field">
                        <label for="kind">"Kind"</label>
                        <select id="kind" name="kind" aria-describedby="kind-error" aria-invalid=invalid("kind") on:change=move |ev| kind.set(event_target_value(&ev))>
                            {KINDS.iter().map(|k| view! { <option value=k.key>{k.name}</option> }).collect_view()}
                        </select>
                        <FieldError error name="kind" id="kind-error".to_owned() />
                    </div>
                    <TextField name="name" label="Name" error hint="A ready-made kind is named for itself if you leave this empty." />
                    <TextField name="taken_on" label="Date taken" error hint="DD/MM/YYYY" />
                    <div hidden=move || kind.get() != "scores">
                        <TextField name="lowest" label="Lowest score" error kind="number" />
                        <TextField name="highest" label="Highest score" error kind="number" />
                        <TextField name="pass_mark" label="Pass mark (optional)" error kind="number" />
                    </div>
                    <div hidden=move || kind.get() != "grades">
                        <TextField name="grades" label="Grades" error rows=5 hint="One per line, lowest first." />
                    </div>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Columns"</legend>
                <p class="hint">"Pupils are found by UPN; without a UPN column, by first name, surname and date of birth together."</p>
                {column("upn_column", "Pupil's UPN".into(), guess.upn)}
                {column("first_name_column", "First name".into(), guess.first_name)}
                {column("surname_column", "Surname".into(), guess.surname)}
                {column("birth_column", "Date of birth".into(), guess.birth)}
                {column(
                    "result_column",
                    Signal::derive(move || if targets.get() { "Target" } else { "Score or grade" }),
                    guess.result,
                )}
            </fieldset>
            <fieldset class="choices">
                <legend>
                    {move || if targets.get() {
                        "Pupils who already have a target in this subject"
                    } else {
                        "Pupils who already have a result for this assessment"
                    }}
                </legend>
                <div class="check">
                    <input type="radio" id="existing-skip" name="existing" value="skip" checked />
                    <label for="existing-skip">
                        {move || if targets.get() { "Skip: keep the target they have" } else { "Skip: keep the result they have" }}
                    </label>
                </div>
                <div class="check">
                    <input type="radio" id="existing-replace" name="existing" value="replace" />
                    <label for="existing-replace">"Replace it with the file's"</label>
                </div>
                <FieldError error name="existing" id="existing-error".to_owned() />
            </fieldset>
            <button
                type="submit"
                name="step"
                value="preview"
                aria-describedby="preview-error"
                disabled=move || action.pending().get()
            >
                "Preview"
            </button>
            // Said once the preview is in, whichever way it changed.
            <p class="visually-hidden" role="status">
                {move || preview.get().map(|shown| shown.summary())}
            </p>
            {move || preview.get().map(|shown| view! { <PreviewShown preview=shown pending=action.pending() /> })}
            <FieldError error name="preview" id="preview-error".to_owned() />
        </SendForm>
    }
}

/// What **Import** would do, and the button that does it.
#[component]
fn PreviewShown(preview: Preview, pending: Memo<bool>) -> impl IntoView {
    let writes = preview.writes();
    let (one, many) = preview.nouns();
    let Preview {
        assessment,
        targets: _,
        adds,
        existing,
        replace,
        unchanged,
        bad_rows,
        digest,
    } = preview;
    let existing_count = existing.len();
    let bad_count = bad_rows.len();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    view! {
        <section class="preview" aria-labelledby="preview-heading">
            <h3 id="preview-heading">{format!("Preview: {assessment}")}</h3>
            <div><ul>
                <li>{format!("{} to add.", plural(adds, one, many))}</li>
                {(existing_count > 0).then(|| view! {
                    <li>{format!(
                        "{} already {}: {}.",
                        plural(existing_count, "pupil", "pupils"),
                        if existing_count == 1 { format!("has a {one}") } else { format!("have {many}") },
                        if replace { "replaced with the file's" } else { "skipped, keeping theirs" },
                    )}</li>
                })}
                {(unchanged > 0).then(|| view! {
                    <li>{format!(
                        "{} already {} what the file says: left as {}.",
                        plural(unchanged, "pupil", "pupils"),
                        if unchanged == 1 { "has" } else { "have" },
                        if unchanged == 1 { "it is" } else { "they are" },
                    )}</li>
                })}
                <li>{match bad_count {
                    0 => "Every row can be imported.".to_owned(),
                    n => format!("{} can't be imported, listed below.", plural(n, "row", "rows")),
                }}</li>
            </ul></div>
            {(bad_count > 0).then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Rows that won't be imported">
                    <table class="table">
                        <caption>"Rows that won't be imported"</caption>
                        <thead><tr><th scope="col">"Row"</th><th scope="col">"Pupil"</th><th scope="col">"Reason"</th></tr></thead>
                        <tbody>
                            {bad_rows.into_iter().map(|b| view! {
                                <tr><td class="number">{b.row}</td><td>{b.who}</td><td>{b.reason}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(existing_count > 0).then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=format!("Pupils who already have a {one}")>
                    <table class="table">
                        <caption>{format!("Pupils who already have a {one}")}</caption>
                        <thead><tr><th scope="col">"Row"</th><th scope="col">"Pupil"</th><th scope="col">"Now"</th><th scope="col">"In the file"</th></tr></thead>
                        <tbody>
                            {existing.into_iter().map(|e| view! {
                                <tr><td class="number">{e.row}</td><td>{e.name}</td><td>{e.now}</td><td>{e.new}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <input type="hidden" name="digest" value=digest />
            {(writes > 0).then(|| view! {
                <button
                    type="submit"
                    class="primary"
                    name="step"
                    value="import"
                    aria-describedby="preview-error"
                    disabled=move || pending.get()
                >
                    {format!("Import {}", plural(writes, one, many))}
                </button>
            })}
        </section>
    }
}

#[component]
fn Assessments(assessments: Vec<AssessmentRow>) -> impl IntoView {
    view! {
        <section class="settings-section wide">
            <h2 id="assessments-heading">"Assessments"</h2>
            {if assessments.is_empty() {
                view! { <p>"No results imported yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="assessments-heading">
                        <table class="table">
                            <caption class="visually-hidden">"Assessments"</caption>
                            <thead><tr>
                                <th scope="col">"Assessment"</th><th scope="col">"Taken"</th>
                                <th scope="col">"Marked as"</th><th scope="col" class="number">"Results"</th>
                            </tr></thead>
                            <tbody>
                                {assessments.into_iter().map(|a| view! {
                                    <tr><th scope="row">{a.name}</th><td>{a.taken_on}</td><td>{a.marking}</td><td class="number">{a.results}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The two ways to undo an import: of results, of targets.
#[derive(Clone, Copy)]
struct Undo {
    results: FormAction<UndoImport>,
    targets: FormAction<UndoTargetsImport>,
}

#[component]
fn Imports(imports: Vec<ImportRow>, undo: Undo) -> impl IntoView {
    let error = Signal::derive(move || {
        let refused = |value: Option<Result<(), AppError>>| value.and_then(|r| r.err());
        refused(undo.results.value().get()).or_else(|| refused(undo.targets.value().get()))
    });
    let pending = move || undo.results.pending().get() || undo.targets.pending().get();
    // Each undo's answer stays with its action: the one sent last speaks.
    Effect::new(move |_| {
        if undo.results.pending().get() {
            undo.targets.value().clear();
        }
        if undo.targets.pending().get() {
            undo.results.value().clear();
        }
    });
    view! {
        <section class="settings-section wide">
            <h2 id="imports-heading">"Imports"</h2>
            <FieldError error name="undo" id="undo-error".to_owned() />
            {if imports.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="imports-heading">
                        <table class="table">
                            <caption class="visually-hidden">"Imports"</caption>
                            <thead><tr>
                                <th scope="col">"Assessment or targets"</th><th scope="col">"File"</th>
                                <th scope="col">"By"</th><th scope="col">"When"</th>
                                <th scope="col" class="number">"Added"</th><th scope="col" class="number">"Replaced"</th>
                                <th scope="col" class="number">"Skipped"</th><th scope="col">"Undo"</th>
                            </tr></thead>
                            <tbody>
                                {imports.into_iter().map(|i| {
                                    let label = format!("Undo import of {} ({})", i.file_name, i.assessment);
                                    let undo_cell = match (i.undone, i.can_undo) {
                                        (Some(undone), _) => view! { <td>{undone}</td> }.into_any(),
                                        (None, true) => {
                                            let button = view! {
                                                <input type="hidden" name="import" value=i.id />
                                                <button type="submit" aria-label=label aria-describedby="undo-error" disabled=pending>"Undo import"</button>
                                            };
                                            match i.targets {
                                                true => view! { <td><SendForm action=undo.targets>{button}</SendForm></td> }.into_any(),
                                                false => view! { <td><SendForm action=undo.results>{button}</SendForm></td> }.into_any(),
                                            }
                                        }
                                        (None, false) => view! { <td>"In place"</td> }.into_any(),
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{i.assessment}</th><td>{i.file_name}</td><td>{i.by}</td><td>{i.at}</td>
                                            <td class="number">{i.added}</td><td class="number">{i.replaced}</td>
                                            <td class="number">{i.skipped}</td>{undo_cell}
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
