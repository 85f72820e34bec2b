//! School settings (admins): the choices that hold for the whole school.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    api::{LoadSchoolSettings, SaveParentAreas, SaveSchoolSettings, SaveTerms},
    model::{term_row_is_wrong, SchoolSettingsDone, Term, MOST_TERMS, PARENT_AREAS, SET_RULES},
};
use crate::{
    error::AppError,
    ui::{
        form::{FormAction, SendForm},
        loading::load,
        use_done, ErrorNote, ErrorPanel, FieldError, Notice, SelectField,
    },
};

#[component]
pub fn SchoolSettingsPage() -> impl IntoView {
    let save = FormAction::<SaveSchoolSettings>::new();
    let save_areas = FormAction::<SaveParentAreas>::new();
    let save_terms = FormAction::<SaveTerms>::new();
    // Saving terms doesn't reload the page: what was typed stays, right
    // or wrong, beside any mistake.
    let settings = load(
        move || (save.version().get(), save_areas.version().get()),
        |_| LoadSchoolSettings {},
    );
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let areas_error = Signal::derive(move || save_areas.value().get().and_then(|r| r.err()));
    let terms_error = Signal::derive(move || save_terms.value().get().and_then(|r| r.err()));
    let done = use_done::<SchoolSettingsDone>();
    view! {
        <Title text="School settings · Markwell" />
        <h1>"School settings"</h1>
        <Notice message=done />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! {
                        <section aria-labelledby="sets-heading" class="settings-section">
                            <h2 id="sets-heading">"Teachers' own sets"</h2>
                            <p>
                                "Teachers can make sets of their own, for interventions and reports. "
                                "A teacher sees and marks every pupil in a set they make, so this says who they may add."
                            </p>
                            <SendForm action=save attr:novalidate=true attr:class="form">
                                <ErrorNote error id="school-settings-error" />
                                <SelectField
                                    name="teachers_add_to_sets"
                                    label="Teachers may add to their own sets"
                                    error
                                    options=SET_RULES.to_vec()
                                    selected=settings.teachers_add_to_sets
                                />
                                <button type="submit" class="primary" disabled=move || save.pending().get()>
                                    "Save"
                                </button>
                            </SendForm>
                        </section>
                        <crate::classroom::page::BehaviourListSettings />
                        <section aria-labelledby="parents-see-heading" class="settings-section">
                            <h2 id="parents-see-heading">"What parents see"</h2>
                            <p>
                                "Each area of a child's records parents see on their child's page. "
                                "An area switched off disappears from parents' pages, and parents are no longer told about it. Staff always see every area."
                            </p>
                            <SendForm action=save_areas attr:novalidate=true attr:class="form">
                                <ErrorNote error=areas_error id="parents-see-error" />
                                <fieldset class="field">
                                    <legend>"Parents see"</legend>
                                    <ul class="plain">
                                        {PARENT_AREAS.into_iter().map(|(name, label)| {
                                            let id = format!("area-{name}");
                                            view! {
                                                <li class="check">
                                                    <input
                                                        id=id.clone()
                                                        type="checkbox"
                                                        name="areas[]"
                                                        value=name
                                                        checked=settings.parents_see.shows(name)
                                                    />
                                                    <label for=id>{label}</label>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </fieldset>
                                <button type="submit" class="primary" disabled=move || save_areas.pending().get()>
                                    "Save what parents see"
                                </button>
                            </SendForm>
                        </section>
                        <TermsSettings terms=settings.terms save=save_terms error=terms_error />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The school's terms: Progress shows each pupil's change since the end of
/// the last one.
#[component]
fn TermsSettings(
    terms: Vec<Term>,
    save: FormAction<SaveTerms>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let rows = (0..MOST_TERMS)
        .map(|n| {
            let term = terms.get(n);
            let name = term.map(|t| t.name.clone()).unwrap_or_default();
            let ends = term.map(|t| t.ends.words()).unwrap_or_default();
            let row = n + 1;
            let invalid = move || {
                error
                    .get()
                    .and_then(|e| e.for_field("terms"))
                    .filter(|message| term_row_is_wrong(message, row))
                    .map(|_| "true")
            };
            view! {
                <tr>
                    <th scope="row">{row}</th>
                    <td>
                        <input
                            type="text"
                            name=format!("names[{n}]")
                            value=name
                            aria-label=format!("Name of term {row}")
                            aria-describedby="terms-error"
                            aria-invalid=invalid
                            maxlength="40"
                        />
                    </td>
                    <td>
                        <input
                            type="text"
                            name=format!("ends[{n}]")
                            value=ends
                            aria-label=format!("Day term {row} ends, as day/month")
                            aria-describedby="terms-hint terms-error"
                            aria-invalid=invalid
                            inputmode="numeric"
                            size="6"
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="terms-heading" class="settings-section">
            <h2 id="terms-heading">"Terms"</h2>
            <p id="terms-hint">
                "The school year's terms, from September, each with the day it ends as day/month (19/12). "
                "Progress shows each pupil's change since the end of the last term. "
                "Any day of the holiday after a term will do; leave rows you don't need empty."
            </p>
            <SendForm action=save attr:novalidate=true attr:class="terms-form">
                <table class="table">
                    <caption class="visually-hidden">"Terms"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Term"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Ends (day/month)"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <FieldError error name="terms" id="terms-error".to_owned() />
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    "Save terms"
                </button>
            </SendForm>
        </section>
    }
}
