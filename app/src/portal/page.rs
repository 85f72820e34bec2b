//! The parent's pages: their children, and one child.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::{child_details, my_children},
    model::ChildRecord,
};
use crate::{ids::PupilId, reports::page::ReportList, ui::ErrorPanel};

/// The parent's home: a card per linked child.
#[component]
pub fn ParentHome() -> impl IntoView {
    let children = Resource::new(|| (), |_| my_children());
    view! {
        <Title text="Your children · Markwell" />
        <h1>"Your children"</h1>
        <Suspense fallback=|| view! { <p>"Loading your children…"</p> }>
            {move || Suspend::new(async move {
                match children.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">
                            "No children are linked to your account yet. The school office can link them for you."
                        </p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" aria-label="Your children">
                            {list.into_iter().map(|c| {
                                let href = format!("/children/{}", c.id);
                                let year = c.year_label();
                                view! {
                                    <li class="card">
                                        <h2><A href=href>{format!("{} {}", c.first_name, c.surname)}</A></h2>
                                        <p>{year} {c.class_name.map(|n| format!(" · Class {n}"))}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One child's page.
#[component]
pub fn ChildPage() -> impl IntoView {
    let params = use_params_map();
    let pupil = move || {
        params
            .read()
            .get("pupil")
            .and_then(|p| p.parse::<i64>().ok())
    };
    let record = Resource::new_blocking(pupil, |id| async move {
        match id {
            Some(id) => child_details(PupilId(id)).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(ChildRecord { child: c, reports }) => {
                        let name = format!("{} {}", c.first_name, c.surname);
                        view! {
                            <Title text=format!("{name} · Markwell") />
                            <p><A href="/">"← Your children"</A></p>
                            <h1>{name}</h1>
                            <dl class="facts">
                                <dt>"Year group"</dt><dd>{c.year_label()}</dd>
                                <dt>"Class"</dt><dd>{c.class_name.unwrap_or_else(|| "Not in a class".to_owned())}</dd>
                                <dt>"Class teacher"</dt><dd>{c.teachers}</dd>
                            </dl>
                            <ReportList pupil=c.id reports />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
