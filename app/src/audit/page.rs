//! The audit log page: filters at the top, newest entries first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{api::AuditEntries, model::AuditPage};
use crate::{
    actions::AuditAction,
    ui::{form::QueryForm, loading::load, ErrorNote, ErrorPanel},
};

#[derive(Clone, PartialEq)]
struct Filters {
    person: String,
    action: String,
    from: String,
    to: String,
    page: i64,
}

impl Filters {
    /// The link to another page of the same filtered log.
    fn page_link(&self, page: i64) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("person", &self.person)
            .append_pair("action", &self.action)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .append_pair("page", &page.to_string())
            .finish();
        format!("/audit-log?{query}")
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        Filters {
            person: q.get("person").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        }
    });
    let entries = load(
        move || filters.get(),
        |f| AuditEntries {
            person: f.person,
            action: f.action,
            from: f.from,
            to: f.to,
            page: f.page,
        },
    );
    let error = Signal::derive(move || match entries.get() {
        Some(Err(error)) => Some(error),
        _ => None,
    });
    view! {
        <Title text="Audit log · Markwell" />
        <h1>"Audit log"</h1>
        <p>"Every sign-in and every change to accounts: who did it, when and from where."</p>
        // The filters show the entries' error beside its field, so they wait
        // for the entries too (and keep what is shown while the next load).
        <Transition fallback=|| ()>
            <QueryForm action="" class="filters">
                <ErrorNote error id="filters-error" />
                <div class="field">
                    <label for="person">"Person"</label>
                    <input id="person" name="person" type="search" prop:value=move || filters.get().person />
                </div>
                <div class="field">
                    <label for="action">"Action"</label>
                    <select id="action" name="action">
                        <option value="" selected=move || filters.get().action.is_empty()>"Any action"</option>
                        {AuditAction::ALL.iter().map(|action| action.as_str()).map(|action| view! {
                            <option value=action selected=move || filters.get().action == action>{action}</option>
                        }).collect_view()}
                    </select>
                </div>
                <crate::ui::TextField name="from" label="From" kind="date" error value=filters.get_untracked().from />
                <crate::ui::TextField name="to" label="To" kind="date" error value=filters.get_untracked().to />
                <button type="submit">"Filter"</button>
            </QueryForm>
        </Transition>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(page) => view! { <EntryTable page filters=filters.get_untracked() /> }.into_any(),
                    Err(crate::error::AppError::Invalid { .. }) => ().into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EntryTable(page: AuditPage, filters: Filters) -> impl IntoView {
    let newer = (page.page > 0).then(|| filters.page_link(page.page - 1));
    let older = page.has_older.then(|| filters.page_link(page.page + 1));
    if page.entries.is_empty() {
        return view! { <p class="empty" role="status">"Nothing in the log matches these filters."</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Audit log entries">
            <table class="table">
                <thead><tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"About"</th>
                    <th scope="col">"From where"</th>
                </tr></thead>
                <tbody>
                    {page.entries.into_iter().map(|entry| view! {
                        <tr>
                            <td>{entry.at}</td>
                            <td>{entry.who.unwrap_or_else(|| "Not signed in".to_owned())}</td>
                            <td>{entry.action}</td>
                            <td>{entry.about.unwrap_or_default()}</td>
                            <td>{entry.address.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Audit log pages">
            {newer.map(|href| view! { <A href=href>"Newer entries"</A> })}
            {older.map(|href| view! { <A href=href>"Older entries"</A> })}
        </nav>
    }
    .into_any()
}
