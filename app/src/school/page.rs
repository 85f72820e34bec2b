//! School settings (admins): the choices that hold for the whole school.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    api::{load_school_settings, SaveParentAreas, SaveSchoolSettings},
    model::{SchoolSettingsDone, PARENT_AREAS, SET_RULES},
};
use crate::ui::{use_done, ErrorNote, ErrorPanel, Notice, SelectField};

#[component]
pub fn SchoolSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSchoolSettings>::new();
    let save_areas = ServerAction::<SaveParentAreas>::new();
    let settings = Resource::new(
        move || (save.version().get(), save_areas.version().get()),
        |_| load_school_settings(),
    );
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let areas_error = Signal::derive(move || save_areas.value().get().and_then(|r| r.err()));
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
                            <ActionForm action=save attr:novalidate=true attr:class="form">
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
                            </ActionForm>
                        </section>
                        <crate::classroom::page::BehaviourListSettings />
                        <section aria-labelledby="parents-see-heading" class="settings-section">
                            <h2 id="parents-see-heading">"What parents see"</h2>
                            <p>
                                "Each area of a child's records parents see on their child's page. "
                                "An area switched off disappears from parents' pages, and parents are no longer told about it. Staff always see every area."
                            </p>
                            <ActionForm action=save_areas attr:novalidate=true attr:class="form">
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
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
