//! The comment writer: a group's pupils in a reporting session, each with
//! their attainment beside a comment box that saves itself as the teacher
//! types. A save that fails says so and leaves the text where it is; one
//! that failed for want of a connection is tried again, as the markbook's are.

use std::{collections::BTreeMap, time::Duration};

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::{mark_ready, save_comment, OpenWriter},
    model::{ReportStatus, Writer, WriterPupil, COMMENT_LENGTH},
    page::AttainmentList,
};
use crate::{
    error::AppError,
    ids::{GroupId, ReportId, ReportSessionId},
    ui::{
        ask_before_leaving,
        loading::load,
        save_queue::{Outcome, SaveQueue},
        ErrorPanel,
    },
};

/// How long typing pauses before the comment saves.
const AUTOSAVE_AFTER: Duration = Duration::from_millis(1500);

/// `/reports/:session/write/:group`.
#[component]
pub fn WriterPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let params = params.read();
        let number = |key| {
            params
                .get(key)
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(0)
        };
        (ReportSessionId(number("session")), GroupId(number("group")))
    };
    let writer = load(ids, |(session, group)| OpenWriter { session, group });
    view! {
        <Title text="Write reports · Reports · Markwell" />
        <p class="back"><A href="/reports">"Reports"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match writer.await {
                    Ok(writer) => view! { <WriterView writer /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WriterView(writer: Writer) -> impl IntoView {
    let Writer {
        session,
        group,
        guide,
        can_write,
        with_comment,
        pupils,
    } = writer;
    let total = pupils.len();
    // Comments typed but not yet saved: leaving the page asks first.
    let autosave = Autosave::new();
    ask_before_leaving(
        move || autosave.unsaved(),
        "Some comments are not saved yet.",
    );
    let written: Vec<RwSignal<bool>> = pupils
        .iter()
        .map(|p| RwSignal::new(!p.comment.trim().is_empty()))
        .collect();
    let progress = {
        let written = written.clone();
        move || {
            let done = written.iter().filter(|w| w.get()).count();
            format!("{done} of {total} comments written")
        }
    };
    view! {
        <h1>{format!("{session} reports: {group}")}</h1>
        <p class="lede">
            {if can_write {
                "Write a comment for each pupil, with their attainment beside it. Comments save as you type; mark each one Ready for review when it's done."
            } else {
                "The comments written for this group so far. Only the group's teachers and admins change them."
            }}
        </p>
        <p class="progress" role="status" aria-live="polite">{progress}</p>
        <ol class="plain writer">
            {pupils.into_iter().zip(written).map(|(pupil, written)| view! {
                <PupilComment pupil guide can_write with_comment written autosave />
            }).collect_view()}
        </ol>
    }
}

/// The page's autosave: every comment box saves through one queue, one save
/// at a time, with the markbook's rule for a save that fails (`SaveQueue`).
#[derive(Clone, Copy)]
struct Autosave {
    queue: StoredValue<SaveQueue<ReportId>>,
    comments: StoredValue<BTreeMap<ReportId, Comment>>,
}

impl Autosave {
    fn new() -> Autosave {
        Autosave {
            queue: StoredValue::new(SaveQueue::default()),
            comments: StoredValue::new(BTreeMap::new()),
        }
    }

    /// Whether any comment has words not saved yet.
    fn unsaved(self) -> bool {
        self.comments
            .try_with_value(|comments| comments.values().any(|c| c.unsaved()))
            .unwrap_or(false)
    }

    /// Whether a save is on its way now.
    fn sending(self) -> bool {
        self.queue.try_with_value(|q| q.sending()).unwrap_or(true)
    }

    /// The comment for `report` should be saved: it joins the queue.
    fn save(self, report: ReportId) {
        self.queue.try_update_value(|q| q.changed(report));
        self.flush();
    }

    /// Sends the next comment waiting, with the words in its box now.
    fn flush(self) {
        let Some(Some(batch)) = self.queue.try_update_value(|q| q.take(1)) else {
            return;
        };
        let report = batch[0].0;
        let comment = self
            .comments
            .try_with_value(|comments| comments.get(&report).copied())
            .flatten();
        let sending = comment.and_then(|c| {
            let text = c.typed.try_get_untracked()?;
            let version = c.version.try_get_value()?;
            c.unsaved().then_some((c, text, version))
        });
        let Some((comment, text, version)) = sending else {
            // Nothing new to send (typed back to what is saved, or gone).
            self.queue
                .try_update_value(|q| q.settle(&batch, Outcome::Saved));
            self.flush();
            return;
        };
        comment.line.try_set("Saving…".to_owned());
        spawn_local(async move {
            let answer = save_comment(report, text.clone(), version).await;
            let outcome = Outcome::of(&answer);
            let Some(wait) = self.queue.try_update_value(|q| {
                q.settle(&batch, outcome);
                q.retry_after()
            }) else {
                return;
            };
            match answer {
                Ok(answer) => {
                    comment.version.try_set_value(answer.version);
                    comment.saved.try_set(text);
                    comment.status.try_set(answer.status);
                    comment.failed.try_set(false);
                    comment.line.try_set("Saved".to_owned());
                }
                Err(error) => {
                    comment.failed.try_set(true);
                    comment.line.try_set(not_saved(&error, outcome));
                }
            }
            if outcome == Outcome::Failed {
                set_timeout(move || self.flush(), wait);
            } else {
                self.flush();
            }
        });
    }
}

/// One comment's state in the browser: what is typed, what the server has,
/// and the version the next save starts from.
#[derive(Clone, Copy)]
struct Comment {
    report: ReportId,
    typed: RwSignal<String>,
    saved: RwSignal<String>,
    version: StoredValue<i64>,
    status: RwSignal<ReportStatus>,
    /// What the status line says: saving, saved, or why not.
    line: RwSignal<String>,
    failed: RwSignal<bool>,
    /// Bumped by each keystroke, so only the last pause saves.
    keystrokes: StoredValue<u64>,
    autosave: Autosave,
}

impl Comment {
    /// Whether words typed are not saved yet. False once the page is gone:
    /// a save still under way when the teacher moves on finishes quietly.
    fn unsaved(self) -> bool {
        self.typed
            .try_with(|typed| self.saved.try_with(|saved| typed != saved))
            .flatten()
            .unwrap_or(false)
    }

    /// Saves what is typed now, after any save already on its way.
    fn save(self) {
        if self.unsaved() {
            self.autosave.save(self.report);
        }
    }

    /// Saves after a pause in typing.
    fn typed(self, text: String) {
        self.typed.set(text);
        let keystroke = self.keystrokes.get_value() + 1;
        self.keystrokes.set_value(keystroke);
        set_timeout(
            move || {
                if self.keystrokes.try_get_value() == Some(keystroke) {
                    self.save();
                }
            },
            AUTOSAVE_AFTER,
        );
    }

    fn mark_ready(self) {
        spawn_local(async move {
            match mark_ready(self.report).await {
                Ok(()) => {
                    self.status.try_set(ReportStatus::Ready);
                    self.line.try_set("Ready for review".to_owned());
                }
                Err(error) => {
                    self.line.try_set(
                        error
                            .for_field("comment")
                            .unwrap_or_else(|| error.to_string()),
                    );
                }
            }
        });
    }
}

/// Why a save failed, and that nothing typed is lost.
fn not_saved(error: &AppError, outcome: Outcome) -> String {
    if let Some(message) = error.for_field("comment") {
        return format!("Not saved. {message}");
    }
    // The error is a sentence of its own: its full stop is this one's.
    let said = error.to_string();
    let said = said.trim_end_matches('.');
    if outcome == Outcome::Failed {
        format!(
            "Not saved: {said}. Your text is still in the box; Markwell tries again in a moment."
        )
    } else {
        format!(
            "Not saved: {said}. Your text is still in the box; it saves when you type again or leave the box."
        )
    }
}

#[component]
fn PupilComment(
    pupil: WriterPupil,
    guide: usize,
    can_write: bool,
    with_comment: bool,
    written: RwSignal<bool>,
    autosave: Autosave,
) -> impl IntoView {
    let WriterPupil {
        report,
        first_name,
        surname,
        status,
        comment,
        version,
        review_note,
        attainment,
    } = pupil;
    let state = Comment {
        report,
        typed: RwSignal::new(comment.clone()),
        saved: RwSignal::new(comment.clone()),
        version: StoredValue::new(version),
        status: RwSignal::new(status),
        line: RwSignal::new(String::new()),
        failed: RwSignal::new(false),
        keystrokes: StoredValue::new(0),
        autosave,
    };
    autosave
        .comments
        .update_value(|comments| _ = comments.insert(report, state));
    // Moving to another page within Markwell before the pause is over: the
    // words go in one last save. (Cleanups run while the signals still live.)
    on_cleanup(move || {
        if state.unsaved() && !autosave.sending() {
            if let (Some(text), Some(version)) = (
                state.typed.try_get_untracked(),
                state.version.try_get_value(),
            ) {
                spawn_local(async move {
                    let _ = save_comment(report, text, version).await;
                });
            }
        }
    });
    let name = format!("{first_name} {surname}");
    let box_id = format!("comment-{report}");
    let heading_id = format!("pupil-{report}");
    let guide_id = format!("guide-{report}");
    let line_id = format!("line-{report}");
    let editable = move || can_write && state.status.get().writable();
    let length = move || state.typed.with(|t| t.chars().count());
    let guide_words = move || {
        let length = length();
        if length > guide {
            format!(
                "{length} characters: {} over the guide of {guide}",
                length - guide
            )
        } else {
            format!("{length} of about {guide} characters")
        }
    };
    let guide_class = move || {
        if length() > guide {
            "hint over"
        } else {
            "hint"
        }
    };
    let line_class = move || {
        if state.failed.get() {
            "save-line error-note"
        } else {
            "save-line"
        }
    };
    let ready_disabled = move || {
        if !with_comment {
            return !matches!(
                state.status.get(),
                ReportStatus::NotStarted | ReportStatus::Writing | ReportStatus::SentBack
            );
        }
        !matches!(
            state.status.get(),
            ReportStatus::Writing | ReportStatus::SentBack
        ) || state.unsaved()
            || state.typed.with(|t| t.trim().is_empty())
    };
    let ready_button = move || {
        can_write.then(|| {
            view! {
                <button type="button" disabled=ready_disabled on:click=move |_| state.mark_ready()>
                    "Ready for review"
                </button>
            }
        })
    };
    view! {
        <li class="card pupil-comment" aria-labelledby=heading_id.clone()>
            <header class="pupil-comment-head">
                <h2 id=heading_id.clone()>{name.clone()}</h2>
                <span class="status">{move || state.status.get().label()}</span>
            </header>
            {review_note.map(|note| view! {
                <p class="review-note"><strong>"Note from SLT: "</strong>{note}</p>
            })}
            <div class="pupil-comment-body">
                <div class="pupil-attainment">
                    {if attainment.is_empty() {
                        view! { <p class="hint">"Nothing judged in the markbook yet."</p> }.into_any()
                    } else {
                        view! { <AttainmentList subjects=attainment /> }.into_any()
                    }}
                </div>
                {if !with_comment {
                    view! {
                        <div class="comment-field">
                            <p class="hint">"This session's reports have no teacher's comment."</p>
                            <p id=line_id.clone() class=line_class role="status">{move || state.line.get()}</p>
                            <p class="actions">{ready_button}</p>
                        </div>
                    }.into_any()
                } else { view! {
                <div class="field comment-field">
                    <label for=box_id.clone()>{format!("Comment for {name}")}</label>
                    <textarea
                        id=box_id
                        rows="7"
                        maxlength=COMMENT_LENGTH
                        readonly=move || !editable()
                        aria-describedby=format!("{guide_id} {line_id}")
                        aria-invalid=move || state.failed.get().then_some("true")
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            written.set(!text.trim().is_empty());
                            state.typed(text);
                        }
                        on:blur=move |_| state.save()
                    >{comment}</textarea>
                    <p id=guide_id class=guide_class>{guide_words}</p>
                    <p id=line_id class=line_class role="status">
                        {move || state.line.get()}
                    </p>
                    {can_write.then(|| view! {
                        <p class="actions">
                            <button type="button" class="secondary"
                                disabled=move || !editable() || !state.unsaved()
                                on:click=move |_| state.save()>"Save now"</button>
                            {ready_button}
                        </p>
                    })}
                </div>
                }.into_any() }}
            </div>
        </li>
    }
}
