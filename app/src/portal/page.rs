//! The parent's pages: their children, and one child.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::{AddPupil, ChildDetails, MyChildren},
    model::{ChildRecord, PortalDone},
};
use crate::{
    attendance::page::ChildAttendanceSection,
    classroom::page::ChildRecords,
    homework::page::ChildHomeworkSection,
    ids::PupilId,
    parents::page::AccessCodeFields,
    reports::page::{ChildSwitcher, ReportList},
    ui::{
        form::{FormAction, SendForm},
        loading::{load, load_blocking, Ask},
        use_done, ErrorNote, ErrorPanel, InstantChecks, Notice,
    },
};

/// The parent's home: a card per linked child.
#[component]
pub fn ParentHome() -> impl IntoView {
    let children = load(|| (), |_| MyChildren {});
    view! {
        <Title text="Your children · Markwell" />
        <div class="page-head">
            <h1>"Your children"</h1>
            <A href="/add-pupil" attr:class="button secondary">"Add pupil"</A>
        </div>
        <Suspense fallback=|| view! { <p>"Loading your children…"</p> }>
            {move || Suspend::new(async move {
                match children.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">
                            "No children are linked to your account yet. Add pupil with the access code on a letter from school, or ask the school office."
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
    // New entries arrive without reloading: the live stream moves the pulse.
    let pulse = crate::notifications::page::use_pulse();
    let record = load_blocking(
        move || (pupil(), pulse()),
        |(id, _)| match id {
            Some(id) => Ask::Server(ChildDetails { pupil: PupilId(id) }),
            None => Ask::Known(Err(crate::error::AppError::NotFound)),
        },
    );
    let done = use_done::<PortalDone>();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(ChildRecord { child: c, reports, children, classroom, attendance, homework, shown }) => {
                        let name = format!("{} {}", c.first_name, c.surname);
                        view! {
                            <Title text=format!("{name} · Markwell") />
                            <ChildSwitcher children current=c.id />
                            <p><A href="/">"← Your children"</A></p>
                            <Notice message=done />
                            <h1>{name}</h1>
                            <dl class="facts">
                                <dt>"Year group"</dt><dd>{c.year_label()}</dd>
                                <dt>"Class"</dt><dd>{c.class_name.unwrap_or_else(|| "Not in a class".to_owned())}</dd>
                                <dt>"Class teacher"</dt><dd>{c.teachers}</dd>
                            </dl>
                            <ChildRecords classroom shown />
                            {shown.homework.then(|| view! { <ChildHomeworkSection homework /> })}
                            {shown.attendance.then(|| view! { <ChildAttendanceSection attendance /> })}
                            {shown.reports.then(|| view! { <ReportList pupil=c.id reports /> })}
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Add pupil": another child's access code and date of birth, from the
/// letter the school sent about that child.
#[component]
pub fn AddPupilPage() -> impl IntoView {
    let action = FormAction::<AddPupil>::new();
    let (checks, answer, error) = InstantChecks::for_form(action);
    view! {
        <Title text="Add pupil · Markwell" />
        <p><A href="/">"← Your children"</A></p>
        <h1>"Add pupil"</h1>
        <p>"To see another child, enter the access code from the school's letter about them."</p>
        <SendForm action attr:novalidate=true attr:class="form">
            <ErrorNote error=answer id="add-pupil-error" />
            <AccessCodeFields checks error />
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Add pupil"
            </button>
        </SendForm>
    }
}
