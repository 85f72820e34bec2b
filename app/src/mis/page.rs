//! The MIS sync page: **MIS file** and **Check file**, what the check found
//! under its headings, **Apply changes**, and the sync history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::mis_sync_page,
    model::{summary, MisSyncView, Outcome, Section, SyncRow, SyncShown, APPLY_PATH, CHECK_PATH},
};
use crate::ui::ErrorPanel;

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
    let view_of = Resource::new(move || asked.get().0, mis_sync_page);
    view! {
        <Title text="MIS sync · Markwell" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_of.await {
                    Ok(view_of) => {
                        let changed = asked.get_untracked().1;
                        view! { <MisSync view_of changed /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MisSync(view_of: MisSyncView, changed: bool) -> impl IntoView {
    let MisSyncView { shown, history } = view_of;
    // A file that couldn't be read: its problems go beside the field.
    let problems: Vec<String> = shown
        .as_ref()
        .filter(|s| s.row.outcome == Outcome::Refused)
        .map(|s| s.lines.iter().map(|l| l.words.clone()).collect())
        .unwrap_or_default();
    let has_problems = !problems.is_empty();
    let checking = RwSignal::new(false);
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
            on:submit=move |_| checking.set(true)
        >
            <div class="field" class:invalid=has_problems>
                <label for="file">"MIS file"</label>
                <p class="hint" id="file-hint">
                    "A DfE Common Transfer File (.xml), or the simple CSV described in Markwell's README (one row per pupil and contact, the whole school)."
                </p>
                <input
                    id="file"
                    name="file"
                    type="file"
                    required
                    accept=".csv,.xml,text/csv,text/xml,application/xml"
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
                <p role="status" class="checking">
                    <progress aria-label="Reading and checking the file"></progress>
                    " Reading and checking the file…"
                </p>
            </Show>
        </form>
        {shown.filter(|s| s.row.outcome != Outcome::Refused).map(|shown| view! { <Shown shown changed /> })}
        <History history />
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
