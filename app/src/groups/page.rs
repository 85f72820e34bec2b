//! Groups: the list, and the group form (New group, Edit) with its pupil
//! search. Admins make classes and sets and choose their teachers; a
//! teacher makes their own sets from the school's pupils.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{
    api::{GroupStaff, MyGroups, OpenGroup, SaveGroup},
    model::{kind_label, GroupDetail, GroupsDone, StaffChoice},
};
use crate::{
    auth::model::Role,
    ids::{GroupId, PupilId},
    markbook::model::PATH as MARKBOOK,
    school::{
        finder::PupilFinder,
        model::{year_label, PupilMatch},
    },
    shell::layout::use_person,
    ui::{
        form::{FormAction, SendForm},
        loading::{load, load_or, Ask, Loaded},
        route_id, use_done, ErrorNote, ErrorPanel, Notice, SelectField, TextField,
    },
};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let done = use_done::<GroupsDone>();
    let groups = load(|| (), |_| MyGroups {});
    let admin = use_person().role == Role::Admin;
    view! {
        <Title text="Groups · Markwell" />
        <h1>"Groups"</h1>
        <p class="lede">
            {if admin {
                "Every class and set. Give a group its teachers and pupils; teachers see the groups they teach or made."
            } else {
                "The groups you teach or made. Make your own set from the school's pupils with New group."
            }}
        </p>
        <Notice message=done />
        <p><A href="/groups/new" attr:class="button primary">"New group"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No groups yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="groups-caption">
                        <table class="table">
                            <caption id="groups-caption" class="visually-hidden">"Groups"</caption>
                            <thead><tr>
                                <th scope="col">"Group"</th>
                                <th scope="col">"Kind"</th>
                                <th scope="col">"Year"</th>
                                <th scope="col">"Pupils"</th>
                                <th scope="col">"Teachers"</th>
                                <th scope="col"><span class="visually-hidden">"Change"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|g| {
                                    let open = format!("{MARKBOOK}?group={}", g.id);
                                    let edit = format!("/groups/{}", g.id);
                                    let label = format!("Edit {}", g.name);
                                    view! {
                                        <tr>
                                            <th scope="row"><A href=open>{g.name.clone()}</A></th>
                                            <td>{kind_label(&g.kind)}</td>
                                            <td>{g.year_group.map(year_label).unwrap_or_else(|| "Mixed".to_owned())}</td>
                                            <td>{g.pupils}</td>
                                            <td>{g.teachers}</td>
                                            <td>{g.can_edit.then(|| view! {
                                                <A href=edit attr:aria-label=label>"Edit"</A>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The staff an admin may choose as teachers; nobody for a teacher's form.
fn staff_to_choose() -> Loaded<Result<Vec<StaffChoice>, crate::error::AppError>> {
    let admin = use_person().role == Role::Admin;
    load_or(
        move || admin,
        |admin| match admin {
            true => Ask::Server(GroupStaff {}),
            false => Ask::Known(Ok(Vec::new())),
        },
    )
}

#[component]
pub fn NewGroupPage() -> impl IntoView {
    let staff = staff_to_choose();
    view! {
        <Title text="New group · Groups · Markwell" />
        <p class="back"><A href="/groups">"Groups"</A></p>
        <h1>"New group"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match staff.await {
                    Ok(staff) => view! { <GroupForm detail=None staff /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditGroupPage() -> impl IntoView {
    let route_id = route_id();
    let detail = load(move || GroupId(route_id()), |id| OpenGroup { id });
    let staff = staff_to_choose();
    view! {
        <Title text="Edit group · Groups · Markwell" />
        <p class="back"><A href="/groups">"Groups"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (detail.await, staff.await) {
                    (Ok(detail), Ok(staff)) => view! {
                        <h1>{format!("Edit {}", detail.name)}</h1>
                        <GroupForm detail=Some(detail) staff />
                    }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const KINDS: [(&str, &str); 2] = [("class", "Class"), ("set", "Set")];

fn year_options() -> Vec<(&'static str, &'static str)> {
    const YEARS: [(&str, &str); 8] = [
        ("", "Mixed years"),
        ("0", "Reception"),
        ("1", "Year 1"),
        ("2", "Year 2"),
        ("3", "Year 3"),
        ("4", "Year 4"),
        ("5", "Year 5"),
        ("6", "Year 6"),
    ];
    YEARS.to_vec()
}

#[component]
fn GroupForm(detail: Option<GroupDetail>, staff: Vec<StaffChoice>) -> impl IntoView {
    let save = FormAction::<SaveGroup>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let admin = use_person().role == Role::Admin;
    let pupils_error = Signal::derive(move || error.get().and_then(|e| e.for_field("pupils")));
    let teachers_error = Signal::derive(move || error.get().and_then(|e| e.for_field("teachers")));
    let selected = RwSignal::new(
        detail
            .as_ref()
            .map(|d| d.pupils.clone())
            .unwrap_or_default(),
    );
    let added_note = RwSignal::new(String::new());
    let id = detail.as_ref().map(|d| d.id.0);
    let name = detail.as_ref().map(|d| d.name.clone()).unwrap_or_default();
    let kind = detail
        .as_ref()
        .map_or_else(|| "set".to_owned(), |d| d.kind.clone());
    let year = detail
        .as_ref()
        .and_then(|d| d.year_group)
        .map(|y| y.to_string())
        .unwrap_or_default();
    let teachers = detail
        .as_ref()
        .map(|d| d.teachers.clone())
        .unwrap_or_default();
    let remove = move |pupil: PupilId, name: String| {
        selected.update(|list| list.retain(|p| p.id != pupil));
        added_note.set(format!("{name} removed from the list."));
    };
    view! {
        <SendForm action=save attr:novalidate=true attr:class="form group-form">
            <ErrorNote error id="save-error" />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <TextField name="name" label="Group name" autocomplete="off" error value=name />
            {admin.then(|| view! {
                <SelectField name="kind" label="Kind" error options=KINDS.to_vec() selected=kind.clone() />
            })}
            <SelectField name="year_group" label="Year group" error options=year_options() selected=year />
            {admin.then(|| view! { <TeacherChoices staff=staff.clone() chosen=teachers.clone() error=teachers_error /> })}

            <PupilFinder
                heading="Add pupils"
                chosen=Signal::derive(move || selected.read().iter().map(|p| p.id).collect())
                on_add=Callback::new(move |chosen: Vec<PupilMatch>| {
                    let mut added = 0;
                    selected.update(|list| {
                        for pupil in chosen {
                            if !list.iter().any(|p| p.id == pupil.id) {
                                list.push(pupil);
                                added += 1;
                            }
                        }
                    });
                    added
                })
                added_note
            />

            <section class="selected-pupils" aria-labelledby="selected-heading">
                <h2 id="selected-heading">
                    "Pupils in this group "
                    <span class="hint">{move || format!("({})", selected.read().len())}</span>
                </h2>
                <p id="pupils-error" class="error-note" role="alert">{move || pupils_error.get()}</p>
                <p class="visually-hidden" role="status">{move || added_note.get()}</p>
                {move || selected.read().is_empty().then(|| view! {
                    <p class="empty">"No pupils yet. Search for pupils above, tick them and choose Add to List."</p>
                })}
                <ul class="plain selected-list">
                    <For
                        each=move || selected.get()
                        key=|p| p.id
                        children=move |p: PupilMatch| {
                            let pupil = p.id;
                            let name = p.full_name();
                            let remove_name = name.clone();
                            let label = format!("Remove {name}");
                            view! {
                                <li class="selected-pupil">
                                    <input type="hidden" name="pupils[]" value=pupil.0 />
                                    <p class="who">
                                        <strong>{name}</strong>
                                        <span class="hint">{p.description()}</span>
                                    </p>
                                    <button
                                        type="button"
                                        class="secondary"
                                        aria-label=label
                                        on:click=move |_| remove(pupil, remove_name.clone())
                                    >"Remove"</button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
        </SendForm>
    }
}

/// An admin's choice of the group's teachers, as tick boxes.
#[component]
fn TeacherChoices(
    staff: Vec<StaffChoice>,
    chosen: Vec<crate::ids::UserId>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="field teacher-choices" aria-describedby="teachers-error">
            <legend>"Teachers"</legend>
            <p id="teachers-error" class="error-note" role="alert">{move || error.get()}</p>
            // Says the boxes were on the page, so none ticked means none.
            <input type="hidden" name="teachers_shown" value="true" />
            <ul class="plain columns">
                {staff.into_iter().map(|StaffChoice { id, name }| {
                    let box_id = format!("teacher-{id}");
                    view! {
                        <li class="check">
                            <input
                                id=box_id.clone()
                                type="checkbox"
                                name="teachers[]"
                                value=id.0
                                checked=chosen.contains(&id)
                            />
                            <label for=box_id>{name}</label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </fieldset>
    }
}
