//! The MIS sync page: **MIS file** and **Check file**, what the check found
//! under its headings, **Apply changes**, and the sync history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::{self, MergeParents, NotTheSamePerson},
    model::{
        summary, Duplicate, DuplicateParent, MisSyncView, Outcome, Section, SyncRow, SyncShown,
        APPLY_PATH, CHECK_PATH,
    },
};
use crate::ui::{
    form::{FormAction, SendForm},
    loading::load,
    ErrorNote, ErrorPanel,
};

/// What the possible duplicates' buttons do, shared by every pair.
#[derive(Clone, Copy)]
struct Decisions {
    merge: FormAction<MergeParents>,
    not_same: FormAction<NotTheSamePerson>,
}

pub const PATH: &str = "/mis-sync";

#[component]
pub fn MisSyncPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("sync").and_then(|s| s.parse::<i64>().ok()),
            q.get("changed").is_some(),
        )
    });
    let decisions = Decisions {
        merge: FormAction::new(),
        not_same: FormAction::new(),
    };
    let view_of = load(
        move || {
            (
                asked.get().0,
                decisions.merge.version().get(),
                decisions.not_same.version().get(),
            )
        },
        |(sync, _, _)| api::MisSyncPage { sync },
    );
    view! {
        <Title text="MIS sync · Markwell" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_of.await {
                    Ok(view_of) => {
                        let changed = asked.get_untracked().1;
                        view! { <MisSync view_of changed decisions /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MisSync(view_of: MisSyncView, changed: bool, decisions: Decisions) -> impl IntoView {
    let MisSyncView {
        shown,
        duplicates,
        history,
    } = view_of;
    // A file that couldn't be read: its problems go beside the field.
    let problems: Vec<String> = shown
        .as_ref()
        .filter(|s| s.row.outcome == Outcome::Refused)
        .map(|s| s.lines.iter().map(|l| l.words.clone()).collect())
        .unwrap_or_default();
    let has_problems = !problems.is_empty();
    let checking = RwSignal::new(false);
    // How much of the file has gone, in whole percent, while it uploads.
    let sent = RwSignal::new(None::<u8>);
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <h1>"MIS sync"</h1>
        <p class="lede">
            "Bring pupils, classes, parents and their links up to date from your MIS. "
            <strong>"Check file"</strong>" shows what would change and changes nothing; "
            "nothing changes until you press "<strong>"Apply changes"</strong>"."
        </p>
        <form
            class="mis-file"
            method="post"
            enctype="multipart/form-data"
            action=CHECK_PATH
            on:submit=move |event| {
                checking.set(true);
                // With the WebAssembly, the file goes with a progress bar;
                // without it (or if that can't start), as a plain form post.
                #[cfg(feature = "hydrate")]
                if upload::send(&event, sent, navigate.clone()) {
                    event.prevent_default();
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = (event, sent);
            }
        >
            <div class="field" class:invalid=has_problems>
                <label for="file">"MIS file"</label>
                <p class="hint" id="file-hint">
                    "A OneRoster 1.1 or 1.2 CSV package (.zip), a DfE Common Transfer File (.xml), the simple CSV described in Markwell's README (one row per pupil and contact, the whole school), or attendance marks as a CSV (one row per pupil and session)."
                </p>
                <input
                    id="file"
                    name="file"
                    type="file"
                    required
                    accept=".zip,.csv,.xml,application/zip,text/csv,text/xml,application/xml"
                    aria-describedby="file-hint file-error"
                    aria-invalid=if has_problems { "true" } else { "false" }
                />
                <p id="file-error" class="error-note">
                    {has_problems.then(|| view! {
                        <span class="line">"This file can't be read, so nothing was changed:"</span>
                    })}
                    {problems.into_iter().map(|p| view! { <span class="line">{p}</span> }).collect_view()}
                </p>
            </div>
            <button type="submit" class="primary">"Check file"</button>
            <Show when=move || checking.get()>
                {move || match sent.get() {
                    Some(percent) if percent < 100 => view! {
                        <p role="status" class="checking">
                            <progress aria-label="Sending the file" max="100" value=percent></progress>
                            {format!(" Sending the file: {percent}%")}
                        </p>
                    }.into_any(),
                    _ => view! {
                        <p role="status" class="checking">
                            <progress aria-label="Reading and checking the file"></progress>
                            " Reading and checking the file…"
                        </p>
                    }.into_any(),
                }}
            </Show>
        </form>
        {shown.filter(|s| s.row.outcome != Outcome::Refused).map(|shown| view! { <Shown shown changed /> })}
        <Duplicates duplicates decisions />
        <History history />
    }
}

/// Parents a sync found may be one person, each pair with **Merge** and
/// **Not the same person**.
#[component]
fn Duplicates(duplicates: Vec<Duplicate>, decisions: Decisions) -> impl IntoView {
    let Decisions { merge, not_same } = decisions;
    let merge_error = Signal::derive(move || merge.value().get().and_then(|r| r.err()));
    let not_same_error = Signal::derive(move || not_same.value().get().and_then(|r| r.err()));
    let merged = move || match merge.value().get() {
        Some(Ok(merged)) => Some(view! { <p class="notice" role="status">{merged.summary()}</p> }),
        _ => None,
    };
    let kept_apart = move || {
        matches!(not_same.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="notice" role="status">
                    "Kept apart: the two parents won't be listed as possible duplicates again."
                </p>
            }
        })
    };
    if duplicates.is_empty()
        && merge.value().get_untracked().is_none()
        && not_same.value().get_untracked().is_none()
    {
        return ().into_any();
    }
    view! {
        <section class="mis-duplicates" aria-labelledby="duplicates-heading">
            <h2 id="duplicates-heading">"Possible duplicates"</h2>
            {merged}
            {kept_apart}
            <ErrorNote error=merge_error id="merge-error" />
            <ErrorNote error=not_same_error id="not-same-error" />
            {if duplicates.is_empty() {
                view! { <p>"No parents are waiting to be checked."</p> }.into_any()
            } else {
                view! {
                    <p class="hint">
                        <strong>"Merge"</strong>" moves the children, their access and letter codes, and the account's history to the parent you keep; the other account goes and is signed out. "
                        <strong>"Not the same person"</strong>" keeps both and stops listing them."
                    </p>
                    {duplicates.into_iter().map(|pair| view! { <DuplicatePair pair decisions /> }).collect_view()}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn DuplicatePair(pair: Duplicate, decisions: Decisions) -> impl IntoView {
    let Decisions { merge, not_same } = decisions;
    let keep = pair.usual_keep();
    let [first, second] = pair.parents;
    let heading_id = format!("pair-{}", pair.id);
    let heading = format!("{} and {}", first.name, second.name);
    let (merge_label, not_same_label) = (
        format!("Merge {heading}"),
        format!("Not the same person: {heading}"),
    );
    let labelled_by = heading_id.clone();
    let pending = move || merge.pending().get() || not_same.pending().get();
    let choice = move |parent: DuplicateParent| {
        let id = format!("keep-{}-{}", pair.id, parent.id.0);
        let details = [
            Some(
                parent
                    .email
                    .clone()
                    .unwrap_or_else(|| "No email address".to_owned()),
            ),
            parent.phone.clone(),
            Some(if parent.children.is_empty() {
                "No children linked".to_owned()
            } else {
                parent.children.join(", ")
            }),
            Some(
                if parent.signed_up {
                    "Signed up"
                } else {
                    "Not signed up"
                }
                .to_owned(),
            ),
        ];
        view! {
            <div class="choice">
                <input type="radio" name="keep" id=id.clone() value=parent.id.0 checked=parent.id == keep />
                <label for=id>
                    <strong>{parent.name.clone()}</strong>
                    {details.into_iter().flatten().map(|d| view! { <span class="detail">{d}</span> }).collect_view()}
                </label>
            </div>
        }
    };
    view! {
        <article class="pair" aria-labelledby=labelled_by>
            <h3 id=heading_id>{heading}</h3>
            <p>{pair.reason.clone()}</p>
            <SendForm action=merge>
                <input type="hidden" name="pair" value=pair.id />
                <fieldset>
                    <legend>"Keep"</legend>
                    {choice(first)}
                    {choice(second)}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary" disabled=pending aria-label=merge_label>"Merge"</button>
                </div>
            </SendForm>
            <SendForm action=not_same>
                <input type="hidden" name="pair" value=pair.id />
                <button type="submit" disabled=pending aria-label=not_same_label>"Not the same person"</button>
            </SendForm>
        </article>
    }
}

#[component]
fn Shown(shown: SyncShown, changed: bool) -> impl IntoView {
    let SyncShown {
        row,
        lines,
        digest_to_apply,
    } = shown;
    let heading = match row.outcome {
        Outcome::Applied => format!("Applied: {}", row.file_name),
        _ => format!("Check of {}", row.file_name),
    };
    let summary = counts_words(&row);
    let sections: Vec<(Section, Vec<String>)> = Section::ALL
        .into_iter()
        .filter(|s| *s != Section::Problems)
        .map(|s| {
            let words: Vec<String> = lines
                .iter()
                .filter(|l| l.section == s)
                .map(|l| l.words.clone())
                .collect();
            (s, words)
        })
        .filter(|(_, words)| !words.is_empty())
        .collect();
    let pending = row.outcome == Outcome::Checked;
    let changes = lines.iter().any(|l| l.section.changes());
    view! {
        <section class="mis-check" aria-labelledby="check-heading">
            <h2 id="check-heading">{heading}</h2>
            {changed.then(|| view! {
                <p class="notice" role="status">
                    "The school's records changed after this file was checked, so it was checked again. "
                    "This is what applying it would change now."
                </p>
            })}
            <p class="summary">
                {row.format.clone()}" · "{row.at.clone()}
                {row.who.clone().map(|who| format!(" · {who}"))}
                <br />
                <strong>{summary}</strong>
            </p>
            {sections.into_iter().map(|(section, words)| {
                let count = words.len();
                // What needs a person's eyes is open; long routine lists fold.
                let open = matches!(section, Section::Revoked | Section::NotImported | Section::PossibleDuplicates | Section::Warnings)
                    || count <= 10;
                view! {
                    <details open=open>
                        <summary>{format!("{} ({count})", section.heading())}</summary>
                        <ul>{words.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                    </details>
                }
            }).collect_view()}
            {match digest_to_apply {
                Some(digest) => view! {
                    <form method="post" action=APPLY_PATH class="apply">
                        <input type="hidden" name="sync" value=row.id.to_string() />
                        <input type="hidden" name="digest" value=digest />
                        <button type="submit" class="primary">"Apply changes"</button>
                    </form>
                }.into_any(),
                None if pending && !changes => view! {
                    <p>"Nothing to apply: the school's records already match this file."</p>
                }.into_any(),
                None if pending => view! {
                    <p>"This check can no longer be applied. Check the file again to bring it up to date."</p>
                }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

/// The sync's counts in words, as the command prints them.
fn counts_words(row: &SyncRow) -> String {
    if row.outcome == Outcome::Refused {
        return "Not read: nothing was changed".to_owned();
    }
    summary(
        [row.added, row.updated, row.removed, row.revoked],
        row.not_imported,
    )
}

#[component]
fn History(history: Vec<SyncRow>) -> impl IntoView {
    view! {
        <h2>"Sync history"</h2>
        {if history.is_empty() {
            view! { <p>"No MIS file has been checked yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Sync history">
                    <table class="table mis-history">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"File"</th>
                                <th scope="col">"By"</th>
                                <th scope="col">"Outcome"</th>
                                <th scope="col">"What changed"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {history.into_iter().map(|row| {
                                let outcome = match row.outcome {
                                    Outcome::Checked => "Checked",
                                    Outcome::Applied => "Applied",
                                    Outcome::Refused => "Not read",
                                };
                                let link = format!("{PATH}?sync={}", row.id);
                                let who = row.who.clone().unwrap_or_else(|| "Scheduled import".to_owned());
                                let changed = counts_words(&row);
                                view! {
                                    <tr>
                                        <td>{row.at.clone()}</td>
                                        <td><A href=link>{row.file_name.clone()}</A></td>
                                        <td>{who}</td>
                                        <td>{outcome}</td>
                                        <td>{changed}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// Sending the MIS file from the browser with the bytes sent shown as they
/// go: a large file over a school's connection takes a while.
#[cfg(feature = "hydrate")]
mod upload {
    use leptos::prelude::*;
    use leptos_router::NavigateOptions;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    use super::CHECK_PATH;

    /// Starts the upload the form would make, counting into `sent`, and
    /// opens the check's page when the server answers with it. False when
    /// it can't start: the form then posts as it would without WebAssembly.
    pub fn send(
        event: &leptos::ev::SubmitEvent,
        sent: RwSignal<Option<u8>>,
        navigate: impl Fn(&str, NavigateOptions) + 'static,
    ) -> bool {
        let Some(form) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return false;
        };
        let (Ok(data), Ok(request)) = (FormData::new_with_form(&form), XmlHttpRequest::new())
        else {
            return false;
        };
        let Ok(upload) = request.upload() else {
            return false;
        };
        if request.open("POST", CHECK_PATH).is_err() {
            return false;
        }
        let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |p: ProgressEvent| {
            if p.length_computable() && p.total() > 0.0 {
                // Whole percent: the page shows no fractions.
                sent.set(Some((p.loaded() * 100.0 / p.total()).floor() as u8));
            }
        });
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        // One upload per check: the closure lives as long as the page.
        progress.forget();
        let answered = request.clone();
        let done = Closure::once_into_js(move || {
            // The check redirects to its own page (the problems, or what
            // would change), or to sign in; the request followed it.
            let url = web_sys::Url::new(&answered.response_url()).ok();
            match url {
                Some(url) if answered.status() == Ok(200) => {
                    navigate(
                        &format!("{}{}", url.pathname(), url.search()),
                        NavigateOptions::default(),
                    );
                }
                // Anything else (signed out, a proxy's error): the form's
                // own post shows it as the browser would.
                _ => {
                    let _ = form.submit();
                }
            }
        });
        request.set_onloadend(Some(done.unchecked_ref()));
        request.send_with_opt_form_data(Some(&data)).is_ok()
    }
}
