//! SLT review: every written comment in a session, those ready for review
//! first; Approve, or Send back with a note for the teacher; then Publish.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::{approve_report, send_back, OpenReview, PublishReports},
    model::{ReportStatus, Review, ReviewItem, NOTE_LENGTH},
};
use crate::{
    error::AppError,
    ids::ReportSessionId,
    ui::{
        form::{FormAction, SendForm},
        loading::load,
        ErrorPanel,
    },
};

/// `/reports/:session/review`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let session = move || {
        ReportSessionId(
            params
                .read()
                .get("session")
                .and_then(|p| p.parse().ok())
                .unwrap_or(0),
        )
    };
    let review = load(session, |session| OpenReview { session });
    view! {
        <Title text="Review reports · Reports · Markwell" />
        <p class="back"><A href="/reports">"Reports"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(review) => view! { <ReviewView session=session() review /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReviewView(session: ReportSessionId, review: Review) -> impl IntoView {
    let Review {
        session: name,
        published: _,
        items,
    } = review;
    let statuses: Vec<RwSignal<ReportStatus>> = items
        .iter()
        .map(|item| RwSignal::new(item.status))
        .collect();
    let approved = {
        let statuses = statuses.clone();
        Signal::derive(move || {
            statuses
                .iter()
                .filter(|s| s.get() == ReportStatus::Approved)
                .count()
        })
    };
    let waiting = items
        .iter()
        .filter(|i| i.status == ReportStatus::Ready)
        .count();
    let total = items.len();
    view! {
        <h1>{format!("{name}: review and publish")}</h1>
        <p class="lede">
            {format!("{total} comments written; {waiting} waiting for review. Approve each one, or send it back to its teacher with a note.")}
        </p>
        <PublishPanel session approved statuses=statuses.clone() />
        {if items.is_empty() {
            view! { <p class="empty">"No comments have been written yet."</p> }.into_any()
        } else {
            let show = RwSignal::new(if waiting > 0 { "ready" } else { "all" }.to_owned());
            view! {
                <div class="field show-filter">
                    <label for="show">"Show"</label>
                    <select id="show" on:change=move |ev| show.set(event_target_value(&ev))>
                        {SHOW.into_iter().map(|(value, label)| view! {
                            <option value=value selected=show.get_untracked() == value>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <ol class="plain review">
                    {items.into_iter().zip(statuses).map(|(item, status)| {
                        let first = item.status;
                        let hidden = move || !shown(&show.read(), first, status.get());
                        view! { <ReviewCard item status hidden /> }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The review list's filter: (value, label).
const SHOW: [(&str, &str); 4] = [
    ("ready", "Waiting for review"),
    ("returned", "Sent back"),
    ("approved", "Approved"),
    ("all", "All written comments"),
];

/// Whether a card shows under the filter. A card stays while it is being
/// dealt with, so approving one doesn't pull it from under the reader.
fn shown(show: &str, first: ReportStatus, now: ReportStatus) -> bool {
    let is = |status: ReportStatus| match show {
        "ready" => status == ReportStatus::Ready,
        "returned" => status == ReportStatus::SentBack,
        "approved" => matches!(status, ReportStatus::Approved | ReportStatus::Published),
        _ => true,
    };
    is(first) || is(now)
}

/// "Publish": asks first, then publishes the approved reports and says how
/// many parents are being emailed.
#[component]
fn PublishPanel(
    session: ReportSessionId,
    approved: Signal<usize>,
    statuses: Vec<RwSignal<ReportStatus>>,
) -> impl IntoView {
    let publish = FormAction::<PublishReports>::new();
    let asking = RwSignal::new(false);
    // Focus follows the question: to "Publish now" when asked, back to
    // "Publish" when cancelled.
    let publish_now = NodeRef::<leptos::html::Button>::new();
    let publish_button = NodeRef::<leptos::html::Button>::new();
    let cancelled = StoredValue::new(false);
    focus_when_shown(publish_now, || true);
    focus_when_shown(publish_button, move || {
        cancelled.try_update_value(std::mem::take).unwrap_or(false)
    });
    let answer = move || publish.value().get();
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            asking.set(false);
            for status in &statuses {
                if status.get_untracked() == ReportStatus::Approved {
                    status.set(ReportStatus::Published);
                }
            }
        }
    });
    view! {
        <section class="card publish" aria-labelledby="publish-heading">
            <h2 id="publish-heading">"Publish to parents"</h2>
            <p>{move || match approved.get() {
                0 => "No reports are approved and waiting to be published.".to_owned(),
                1 => "1 approved report is ready to publish.".to_owned(),
                n => format!("{n} approved reports are ready to publish."),
            }}</p>
            {move || match answer() {
                Some(Ok(done)) => Some(view! {
                    <p class="notice" role="status">{format!(
                        "Published {} reports. {} emails are on their way to parents.",
                        done.reports, done.emails
                    )}</p>
                }.into_any()),
                Some(Err(error)) => Some(view! {
                    <p class="error-note" role="alert">{publish_error(&error)}</p>
                }.into_any()),
                None => None,
            }}
            {move || if asking.get() {
                view! {
                    <div class="confirm" role="group" aria-labelledby="confirm-publish">
                        <p id="confirm-publish"><strong>{format!(
                            "Publish {} reports? Each parent linked to these pupils gets an email with a link. Published reports can't be taken back.",
                            approved.get()
                        )}</strong></p>
                        <SendForm action=publish>
                            <input type="hidden" name="session" value=session.0 />
                            <input type="hidden" name="expected" value=approved.get_untracked() />
                            <button type="submit" class="primary" node_ref=publish_now disabled=move || publish.pending().get()>"Publish now"</button>
                            " "
                            <button type="button" class="secondary" on:click=move |_| {
                                cancelled.set_value(true);
                                asking.set(false);
                            }>"Cancel"</button>
                        </SendForm>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="primary" node_ref=publish_button
                        disabled=move || approved.get() == 0
                        on:click=move |_| asking.set(true)>"Publish"</button>
                }.into_any()
            }}
        </section>
    }
}

/// Focuses an element when it appears and `wanted` says so.
fn focus_when_shown<E>(node: NodeRef<E>, wanted: impl Fn() -> bool + 'static)
where
    E: leptos::html::ElementType,
    E::Output: AsRef<web_sys::HtmlElement> + Clone + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
{
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            if wanted() {
                let _ = element.as_ref().focus();
            }
        }
    });
}

fn publish_error(error: &AppError) -> String {
    error
        .for_field("publish")
        .unwrap_or_else(|| error.to_string())
}

#[component]
fn ReviewCard(
    item: ReviewItem,
    status: RwSignal<ReportStatus>,
    hidden: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let ReviewItem {
        report,
        pupil,
        name,
        group,
        status: _,
        comment,
        written_by,
        review_note,
        version,
    } = item;
    let heading_id = format!("review-{report}");
    let note_id = format!("note-{report}");
    let note_error_id = format!("note-{report}-error");
    let sending_back = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let note_problem = RwSignal::new(None::<String>);
    let last_note = RwSignal::new(review_note);
    let open = move || {
        !matches!(
            status.get(),
            ReportStatus::Published | ReportStatus::NotStarted
        )
    };
    // Approve is for comments marked ready (or sent back, should SLT change
    // their mind); a draft still being written waits for its teacher.
    let approvable = move || matches!(status.get(), ReportStatus::Ready | ReportStatus::SentBack);
    let note_box = NodeRef::<leptos::html::Textarea>::new();
    let send_back_button = NodeRef::<leptos::html::Button>::new();
    let cancelled = StoredValue::new(false);
    focus_when_shown(note_box, || true);
    focus_when_shown(send_back_button, move || {
        cancelled.try_update_value(std::mem::take).unwrap_or(false)
    });
    let approve = move |_| {
        spawn_local(async move {
            match approve_report(report, version).await {
                Ok(()) => {
                    problem.try_set(None);
                    status.try_set(ReportStatus::Approved);
                }
                Err(error) => {
                    problem.try_set(Some(
                        error
                            .for_field("approve")
                            .unwrap_or_else(|| error.to_string()),
                    ));
                }
            }
        });
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = note.get_untracked();
        spawn_local(async move {
            match send_back(report, text.clone()).await {
                Ok(()) => {
                    note_problem.try_set(None);
                    sending_back.try_set(false);
                    last_note.try_set(Some(text.trim().to_owned()));
                    status.try_set(ReportStatus::SentBack);
                }
                Err(error) => {
                    note_problem.try_set(Some(
                        error.for_field("note").unwrap_or_else(|| error.to_string()),
                    ));
                }
            }
        });
    };
    let paragraphs: Vec<String> = comment
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let about = [group, written_by.map(|w| format!("written by {w}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="card review-card" aria-labelledby=heading_id.clone() hidden=hidden>
            <header class="pupil-comment-head">
                <h2 id=heading_id.clone()>{name.clone()}</h2>
                <span class="status">{move || status.get().label()}</span>
            </header>
            <p class="hint">{about}</p>
            <blockquote class="comment">
                {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </blockquote>
            <p><A href=format!("/children/{pupil}/reports/{report}")>{format!("Read {name}'s whole report")}</A></p>
            {move || last_note.get().filter(|_| status.get() == ReportStatus::SentBack).map(|note| view! {
                <p class="review-note"><strong>"Sent back: "</strong>{note}</p>
            })}
            <p class="error-note" role="alert">{move || problem.get()}</p>
            {move || (open() && !sending_back.get()).then(|| view! {
                <p class="actions">
                    {move || approvable().then(|| view! {
                        <button type="button" class="primary" on:click=approve>"Approve"</button>
                    })}
                    <button type="button" class="secondary" node_ref=send_back_button
                        on:click=move |_| sending_back.set(true)>"Send back"</button>
                </p>
            })}
            {
                let name = name.clone();
                let note_id = note_id.clone();
                let note_error_id = note_error_id.clone();
                move || sending_back.get().then(|| view! {
                <form class="send-back" on:submit=send novalidate>
                    <div class="field">
                        <label for=note_id.clone()>"Note for the teacher"</label>
                        <textarea
                            node_ref=note_box
                            id=note_id.clone()
                            rows="3"
                            maxlength=NOTE_LENGTH
                            aria-describedby=note_error_id.clone()
                            aria-invalid=move || note_problem.get().map(|_| "true")
                            on:input=move |ev| note.set(event_target_value(&ev))
                            prop:value=move || note.get()
                        ></textarea>
                        <p id=note_error_id.clone() class="error-note" role="alert">{move || note_problem.get()}</p>
                    </div>
                    <p class="actions">
                        <button type="submit" class="primary">{format!("Send back to {name}'s teacher")}</button>
                        " "
                        <button type="button" class="secondary" on:click=move |_| {
                            cancelled.set_value(true);
                            sending_back.set(false);
                        }>"Cancel"</button>
                    </p>
                </form>
            })}
        </li>
    }
}
