//! The Progress page: a group and a subject, one row per pupil, sorted by
//! any column with the buttons in its headings.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use super::{
    api::open_progress,
    model::{sort, ProgressRow, ProgressTable, SortBy},
};
use crate::{
    ids::{GroupId, SubjectId},
    ui::{ErrorPanel, SortHeading},
};

pub const PATH: &str = "/progress";

#[component]
pub fn ProgressPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let query = query.read();
        let id = |name: &str| query.get(name).and_then(|v| v.parse::<i64>().ok());
        (id("group").map(GroupId), id("subject").map(SubjectId))
    };
    let table = Resource::new(asked, |(group, subject)| open_progress(group, subject));
    view! {
        <Title text="Progress · Markwell" />
        <h1>"Progress"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match table.await {
                    Ok(table) if table.chosen.is_none() => view! {
                        <p class="empty">"You have no groups yet. An admin assigns classes in Users, or make a set of your own in Groups."</p>
                    }.into_any(),
                    Ok(table) => view! { <ProgressView table /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProgressView(table: ProgressTable) -> impl IntoView {
    let ProgressTable {
        groups,
        subjects,
        chosen,
        rows,
    } = table;
    let Some(chosen) = chosen else {
        return ().into_any();
    };
    let (group, subject) = (chosen.group, chosen.subject);
    let navigate = use_navigate();
    let go = move |group: String, subject: String| {
        navigate(
            &format!("{PATH}?group={group}&subject={subject}"),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let go_group = go.clone();
    let sorted_by = RwSignal::new((SortBy::Pupil, false));
    let shown = move || {
        let (by, descending) = sorted_by.get();
        let mut rows = rows.clone();
        sort(&mut rows, by, descending);
        rows
    };
    let caption = format!("{} in {}", chosen.subject_name, chosen.group_name);
    view! {
        <div class="choices-row">
            <div class="field group-choice">
                <label for="progress-group">"Group"</label>
                <select
                    id="progress-group"
                    on:change=move |ev| go_group(event_target_value(&ev), subject.to_string())
                >
                    {groups.into_iter().map(|g| view! {
                        <option value=g.id.0 selected=g.id == group>{g.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field group-choice">
                <label for="progress-subject">"Subject"</label>
                <select
                    id="progress-subject"
                    on:change=move |ev| go(group.to_string(), event_target_value(&ev))
                >
                    {subjects.into_iter().map(|(id, name)| view! {
                        <option value=id.0 selected=id == subject>{name}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="progress-caption">
            <table class="table sortable">
                <caption id="progress-caption">{caption}</caption>
                <thead>
                    <tr>
                        {SortBy::ALL.into_iter().map(|column| view! {
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
                    <For each=shown key=|row| row.pupil let:row>
                        <PupilRow row />
                    </For>
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PupilRow(row: ProgressRow) -> impl IntoView {
    let share = row
        .share()
        .map(|share| format!("{share}% ({} of {})", row.secured, row.criteria))
        .unwrap_or_else(|| "No criteria for this year".to_owned());
    view! {
        <tr>
            <th scope="row"><A href=format!("/children/{}", row.pupil)>{row.name}</A></th>
            <td>{crate::school::model::year_label(row.year_group)}</td>
            <td class="num">{share}</td>
            <td>{row.judgement.unwrap_or_else(|| "Not judged yet".to_owned())}</td>
        </tr>
    }
}
