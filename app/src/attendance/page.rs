use leptos::prelude::*;

use super::model::ChildAttendance;

/// A child's attendance on their page: the year's percentage, counted the
/// DfE's way, and recent absences and lates in words.
#[component]
pub fn ChildAttendanceSection(attendance: ChildAttendance) -> impl IntoView {
    let ChildAttendance {
        year,
        percentage,
        attended,
        possible,
        from_summary,
        recent,
    } = attendance;
    let figure = match percentage {
        Some(percentage) => view! {
            <p class="attendance-figure">
                <strong>{percentage}</strong>
                {format!(" this school year ({year})")}
            </p>
            <p class="hint">
                {if from_summary {
                    format!("Attended {attended} of {possible} possible sessions, from the year's summary in the school's records.")
                } else {
                    format!("Attended {attended} of {possible} possible sessions.")
                }}
            </p>
        }
        .into_any(),
        None => view! { <p class="empty">"No attendance recorded yet this school year."</p> }.into_any(),
    };
    let recent = if recent.is_empty() {
        view! { <p class="empty">"No absences or late arrivals this school year."</p> }.into_any()
    } else {
        view! {
            <h3>"Recent absences and late arrivals"</h3>
            <ul class="plain timeline">
                {recent.into_iter().map(|line| view! {
                    <li class="timeline-entry">
                        <p><strong>{line.words}</strong></p>
                        <p class="hint">{line.when}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="child-section" aria-labelledby="attendance-heading">
            <h2 id="attendance-heading">"Attendance"</h2>
            {figure}
            {recent}
        </section>
    }
}
