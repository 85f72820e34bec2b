//! The report viewer: one child's report, made for a phone first, whole in
//! the HTML the server sends (it reads before the WebAssembly arrives, and
//! with JavaScript off), and printable on A4.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::ReadReport,
    model::{ChildLink, ReportSummary, ReportView, SubjectAttainment},
};
use crate::{
    error::AppError,
    ids::{PupilId, ReportId},
    shell::layout::use_person,
    ui::{
        loading::{load_blocking, Ask},
        ErrorPanel,
    },
};

/// Whether `path` is a report's own page, `/children/:pupil/reports/:report`.
pub fn is_report_path(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["children", pupil, "reports", report]
            if pupil.parse::<i64>().is_ok() && report.parse::<i64>().is_ok()
    )
}

/// `children/:pupil/reports/:report`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let params = params.read();
        let number = |key| params.get(key).and_then(|p| p.parse::<i64>().ok());
        Some((number("pupil")?, number("report")?))
    };
    let report = load_blocking(ids, |ids| match ids {
        Some((pupil, report)) => Ask::Server(ReadReport {
            pupil: PupilId(pupil),
            report: ReportId(report),
        }),
        None => Ask::Known(Err(AppError::NotFound)),
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading the report…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One tap from any of a parent's pages to the same page for another child.
/// Shown only to a parent with more than one child.
#[component]
pub fn ChildSwitcher(children: Vec<ChildLink>, current: PupilId) -> impl IntoView {
    (children.len() > 1).then(|| {
        view! {
            <nav class="child-switcher" aria-label="Your children">
                <ul>
                    {children
                        .into_iter()
                        .map(|child| {
                            let here = (child.id == current).then_some("page");
                            view! {
                                <li>
                                    <A href=format!("/children/{}", child.id) attr:aria-current=here>
                                        {child.name}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    })
}

#[component]
fn Report(report: ReportView) -> impl IntoView {
    let ReportView {
        pupil,
        first_name,
        surname,
        year,
        class_name,
        session,
        published_on,
        attainment,
        external,
        attendance,
        behaviour,
        comment,
        written_by,
        children,
        ..
    } = report;
    let about = [
        Some(year),
        class_name.map(|c| format!("Class {c}")),
        Some(published_on.map_or_else(
            || "Not published yet".to_owned(),
            |on| format!("Published {on}"),
        )),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let attainment = attainment.map(|subjects| {
        let empty = subjects.is_empty();
        view! {
            <section class="report-section" aria-labelledby="attainment">
                <h2 id="attainment">{format!("How {first_name} is doing")}</h2>
                {empty.then(|| view! { <p>"Nothing has been assessed yet for this report."</p> })}
                <AttainmentList subjects />
            </section>
        }
    });
    let external = (!external.is_empty()).then(|| {
        view! {
            <section class="report-section" aria-labelledby="external">
                <h2 id="external">"External results"</h2>
                <ul>{external.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            </section>
        }
    });
    let records = [
        ("attendance", "Attendance", attendance),
        ("behaviour", "Behaviour", behaviour),
    ]
    .into_iter()
    .filter_map(|(id, heading, words)| {
        words.map(|words| {
            view! {
                <section class="report-section" aria-labelledby=id>
                    <h2 id=id>{heading}</h2>
                    <p>{words}</p>
                </section>
            }
        })
    })
    .collect_view();
    let comment = comment.map(|text| {
        let paragraphs: Vec<String> = text
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        view! {
            <section class="report-section" aria-labelledby="comment">
                <h2 id="comment">"Teacher's comment"</h2>
                {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                {written_by.map(|who| view! { <p class="signed">{who}</p> })}
            </section>
        }
    });
    view! {
        <Title text=format!("{first_name}'s {session} report · Markwell") />
        <ChildSwitcher children current=pupil />
        <p class="no-print">
            <A href=format!("/children/{pupil}")>{format!("← {first_name}'s page")}</A>
        </p>
        <article class="report">
            <header>
                <p class="report-school">{use_person().school_name}</p>
                <p class="report-session">{format!("{session} report")}</p>
                <h1>{format!("{first_name} {surname}")}</h1>
                <p class="report-about">{about}</p>
            </header>
            {attainment}
            {external}
            {records}
            {comment}
        </article>
        <p class="no-print print-action">
            <button type="button" data-print="" on:click=print>"Print"</button>
        </p>
    }
}

/// Attainment per subject in words, with how many criteria are secured.
#[component]
pub fn AttainmentList(subjects: Vec<SubjectAttainment>) -> impl IntoView {
    view! {
        <ul class="attainment">
            {subjects
                .into_iter()
                .map(|s| {
                    let detail = s.detail();
                    view! {
                        <li>
                            <h3>{s.subject}</h3>
                            <p class="words">{s.words}</p>
                            <p class="detail">{detail}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The list of a child's published reports, on the child's page.
#[component]
pub fn ReportList(pupil: PupilId, reports: Vec<ReportSummary>) -> impl IntoView {
    view! {
        <section aria-labelledby="reports">
            <h2 id="reports">"Reports"</h2>
            {if reports.is_empty() {
                view! { <p class="empty">"No reports have been published yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {reports
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <li class="card">
                                        <A href=format!("/children/{pupil}/reports/{}", r.id)>
                                            {format!("{} report", r.session)}
                                        </A>
                                        <p>{format!("Published {}", r.published_on)}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::is_report_path;

    #[test]
    fn only_a_reports_own_page_is_a_report_path() {
        assert!(is_report_path("/children/12/reports/345"));
        assert!(is_report_path("/children/12/reports/345/"));
        assert!(!is_report_path("/children/12"));
        assert!(!is_report_path("/children/12/reports"));
        assert!(!is_report_path("/children/x/reports/1"));
        assert!(!is_report_path("/reports/1/review"));
    }
}
