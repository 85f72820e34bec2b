//! A home page per role. It gathers from the features (a teacher's groups,
//! the school at a glance, a parent's children), so it sits above them,
//! apart from the shell that every page uses.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    auth::model::Role,
    groups::api::MyGroups,
    portal::page::ParentHome,
    school::api,
    shell::layout::use_person,
    ui::{loading::load, ErrorPanel},
};

#[component]
pub fn HomePage() -> impl IntoView {
    let person = use_person();
    match person.role {
        Role::Parent => view! { <ParentHome /> }.into_any(),
        Role::Admin => view! {
            <Title text="Home · Markwell" />
            <h1>{format!("Welcome, {}", person.first_name)}</h1>
            <p class="role">{person.role_label()}</p>
            <UsageLink />
            <SchoolAtAGlance />
            <GroupList heading="Groups" />
        }
        .into_any(),
        Role::Teacher => {
            let slt = person.slt;
            let heading = if slt { "All groups" } else { "Your groups" };
            view! {
                <Title text="Home · Markwell" />
                <h1>{format!("Welcome, {}", person.first_name)}</h1>
                <p class="role">{person.role_label()}</p>
                {slt.then(|| view! { <UsageLink /> })}
                <GroupList heading />
            }
            .into_any()
        }
    }
}

/// SLT and admins see how the school is using Markwell from their home page.
#[component]
fn UsageLink() -> impl IntoView {
    view! {
        <p class="home-link">
            <A href="/school-usage">"School Usage"</A>
            ": who used Markwell this month, with Export to Excel."
        </p>
    }
}

#[component]
fn SchoolAtAGlance() -> impl IntoView {
    let overview = load(|| (), |_| api::SchoolAtAGlance {});
    view! {
        <section aria-labelledby="glance">
            <h2 id="glance">"School at a glance"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! {
                            <dl class="tiles">
                                <div><dt>"Pupils"</dt><dd>{o.pupils}</dd></div>
                                <div><dt>"Groups"</dt><dd>{o.groups}</dd></div>
                                <div><dt>"Staff"</dt><dd>{o.staff}</dd></div>
                                <div><dt>"Parents"</dt><dd>{o.parents}</dd></div>
                                <div><dt>"Parents signed up"</dt><dd>{o.parents_signed_up}</dd></div>
                            </dl>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn GroupList(heading: &'static str) -> impl IntoView {
    let groups = load(|| (), |_| MyGroups {});
    view! {
        <section aria-labelledby="groups-heading">
            <h2 id="groups-heading">{heading}</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match groups.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No groups are assigned to you yet. Your school's admin can assign them, or make your own in "<A href="/groups">"Groups"</A>"."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Group"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col">"Pupils"</th>
                                    <th scope="col">"Teachers"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|g| view! {
                                        <tr>
                                            <th scope="row">{g.name}</th>
                                            <td>{if g.kind == "class" { "Class" } else { "Set" }}</td>
                                            <td>{g.pupils}</td>
                                            <td>{g.teachers}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
