//! Searching the school's roll for pupils to add to a list: the parent
//! form's children, a group's pupils.

use leptos::prelude::*;

use super::{
    api::find_pupils,
    model::{PupilMatch, PupilSearch},
};
use crate::{error::AppError, ids::PupilId};

/// The pupil search: type part of a name, tick pupils, "Add to List".
/// `chosen` are the pupils already in the list (shown as such, never added
/// twice); `on_add` adds the ticked ones and answers how many were new.
#[component]
pub fn PupilFinder(
    heading: &'static str,
    chosen: Signal<Vec<PupilId>>,
    on_add: Callback<Vec<PupilMatch>, usize>,
    added_note: RwSignal<String>,
) -> impl IntoView {
    // What the last search found, kept on screen while the next one runs;
    // an answer to an older search than the latest is dropped.
    let shown = RwSignal::new((String::new(), Ok(PupilSearch::default())));
    let latest = StoredValue::new(0_u64);
    let run_search = move |typed: String| {
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if typed.trim().chars().count() < 2 {
            shown.set((typed, Ok(PupilSearch::default())));
            return;
        }
        leptos::task::spawn_local(async move {
            let found = find_pupils(typed.clone()).await;
            if latest.get_value() == ticket {
                shown.set((typed, found));
            }
        });
    };
    let ticked = RwSignal::new(Vec::<PupilMatch>::new());
    let add_to_list = move |_| {
        let chosen = ticked.get();
        if chosen.is_empty() {
            added_note.set("Tick at least one pupil first.".to_owned());
            return;
        }
        let added = on_add.run(chosen);
        ticked.set(Vec::new());
        added_note.set(match added {
            1 => "1 pupil added to the list.".to_owned(),
            n => format!("{n} pupils added to the list."),
        });
    };
    view! {
        <section class="pupil-finder" aria-labelledby="finder-heading">
            <h2 id="finder-heading">{heading}</h2>
            <div class="field">
                <label for="pupil-search">"Search pupils by forename or surname"</label>
                <p id="pupil-search-hint" class="hint">"Type at least 2 letters. Tick the pupils, then choose Add to List."</p>
                <input
                    id="pupil-search"
                    type="search"
                    autocomplete="off"
                    aria-describedby="pupil-search-hint pupil-results-status"
                    on:input=move |ev| run_search(event_target_value(&ev))
                    on:keydown=move |ev| {
                        // Enter searches; it must not save the half-filled form.
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                        }
                    }
                />
            </div>
            // One live region for the whole search, so every answer is read out.
            <p id="pupil-results-status" class="hint" role="status">
                {move || shown.with(|(typed, found)| search_status(typed, found))}
            </p>
            {move || {
                let (_, found) = shown.get();
                let pupils = found.map(|found| found.pupils).unwrap_or_default();
                view! { <PupilResults pupils chosen ticked /> }
            }}
            <button type="button" on:click=add_to_list>"Add to List"</button>
        </section>
    }
}

/// What the search found, in words, for the live region.
fn search_status(typed: &str, found: &Result<PupilSearch, AppError>) -> String {
    match found {
        Err(error) => error.to_string(),
        Ok(_) if typed.trim().chars().count() < 2 => String::new(),
        Ok(found) if found.pupils.is_empty() => format!("No pupils match “{}”.", typed.trim()),
        Ok(found) => match (found.pupils.len(), found.more) {
            (n, true) => {
                format!("Showing the first {n} pupils. Type more of the name to narrow the list.")
            }
            (1, false) => "1 pupil matches.".to_owned(),
            (n, false) => format!("{n} pupils match."),
        },
    }
}

#[component]
fn PupilResults(
    pupils: Vec<PupilMatch>,
    chosen: Signal<Vec<PupilId>>,
    ticked: RwSignal<Vec<PupilMatch>>,
) -> impl IntoView {
    view! {
        {(!pupils.is_empty()).then(|| view! {
            <fieldset id="pupil-results" class="pupil-results">
                <legend>"Matching pupils"</legend>
                <ul class="plain">
                    {pupils.into_iter().map(|pupil| {
                        let id = pupil.id;
                        let box_id = format!("match-{id}");
                        let already = move || chosen.read().contains(&id);
                        let name = pupil.full_name();
                        let description = pupil.description();
                        view! {
                            <li class="check">
                                <input
                                    id=box_id.clone()
                                    type="checkbox"
                                    disabled=already
                                    prop:checked=move || already() || ticked.read().iter().any(|p| p.id == id)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        ticked.update(|list| {
                                            list.retain(|p| p.id != id);
                                            if on {
                                                list.push(pupil.clone());
                                            }
                                        });
                                    }
                                />
                                <label for=box_id>
                                    <strong>{name}</strong>
                                    " "
                                    <span class="hint">{description}</span>
                                    {move || already().then(|| view! { <span class="hint">" · already in the list"</span> })}
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>
        })}
    }
}
