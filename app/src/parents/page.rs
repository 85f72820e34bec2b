//! Parents: the list, the parent form ("Add New" and "Edit") with its pupil
//! search and "Add to List", and the printable invitation letters.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::{
        ConfirmLetters, ListParents, MakeLetters, OpenParent, ReissueCode, RemoveDeletedParent,
        SaveParent, SendInvitations, SignUp,
    },
    model::{
        parse_access_code, parse_date_of_birth, relationship_label, usual_relationship,
        LetterSheet, ParentDetail, ParentDone, ParentList, StatusFilter, WaitingLetters,
        EXPORT_PATH, RELATIONSHIPS,
    },
};
use crate::{
    auth::page::NewPasswordFields,
    email::UndeliveredEmails,
    ids::{PupilId, UserId},
    school::{finder::PupilFinder, model::PupilMatch},
    ui::{
        form::{FormAction, QueryForm, SendForm},
        loading::load,
        route_id, use_done, ErrorNote, ErrorPanel, InstantChecks, Notice, SelectField, TextField,
    },
};

const STATUSES: [(&str, &str); 2] = [("active", "Active"), ("inactive", "Inactive")];

/// The list's search, filter and page, as they appear in the address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListQuery {
    search: String,
    status: String,
    page: i64,
}

impl ListQuery {
    fn link(&self, path: &str, page: Option<i64>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("q", &self.search)
            .append_pair("status", &self.status);
        if let Some(page) = page {
            query.append_pair("page", &page.to_string());
        }
        format!("{path}?{}", query.finish())
    }
}

#[component]
pub fn ParentsPage() -> impl IntoView {
    let query = use_query_map();
    let list_query = Memo::new(move |_| {
        let q = query.read();
        ListQuery {
            search: q.get("q").unwrap_or_default(),
            status: StatusFilter::parse(&q.get("status").unwrap_or_default())
                .as_str()
                .to_owned(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        }
    });
    let remove = FormAction::<RemoveDeletedParent>::new();
    let send = FormAction::<SendInvitations>::new();
    // The list reads again after a removal or invitations sent, so each
    // row's status is what was saved.
    let parents = load(
        move || {
            (
                list_query.get(),
                remove.version().get(),
                send.version().get(),
            )
        },
        |(q, _, _)| ListParents {
            search: q.search,
            status: q.status,
            page: q.page,
        },
    );
    // Ticks outlive the list reading again after invitations are sent, so
    // "Print letters" can follow for the same parents; another search or
    // page, or a removal, starts afresh.
    let ticked = RwSignal::new(BTreeSet::<UserId>::new());
    Effect::watch(
        move || (list_query.track(), remove.version().track()),
        move |_, _, _| ticked.set(BTreeSet::new()),
        false,
    );
    let status_options = StatusFilter::CHOICES.map(|(filter, label)| (filter.as_str(), label));
    view! {
        <Title text="Parents · Markwell" />
        <div class="page-head">
            <h1>"Parents"</h1>
            <div class="actions">
                // A plain request: the answer is a file, which the browser saves.
                <a class="button" href=move || list_query.get().link(EXPORT_PATH, None) rel="external">
                    "Export to Excel"
                </a>
                <A href="/parents/new" attr:class="button primary">"Add New"</A>
            </div>
        </div>
        <QueryForm action="" class="filters" role="search">
            <div class="field">
                <label for="q">"Search by parent's or child's name, or email"</label>
                <input id="q" name="q" type="search" prop:value=move || list_query.get().search />
            </div>
            <div class="field">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    {status_options.into_iter().map(|(value, label)| view! {
                        <option value=value selected=move || list_query.get().status == value>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Search"</button>
        </QueryForm>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match parents.await {
                    Ok(mut list) => {
                        let waiting = std::mem::take(&mut list.waiting_letters);
                        view! {
                            <LettersWaiting waiting />
                            <ParentTable list query=list_query.get_untracked() remove send ticked />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Letters made but not confirmed printed, each with its "Letters printed".
#[component]
fn LettersWaiting(waiting: Vec<WaitingLetters>) -> impl IntoView {
    (!waiting.is_empty()).then(|| {
        view! {
            <section class="settings-section letters-waiting" aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">"Letters waiting to be confirmed printed"</h2>
                <p>"Until you confirm them, the codes on earlier letters for the same children still work."</p>
                <ul class="plain">
                    {waiting.into_iter().map(|batch| {
                        let what = match batch.letters {
                            1 => format!("1 letter made {}", batch.made),
                            n => format!("{n} letters made {}", batch.made),
                        };
                        view! { <li><span>{what.clone()}</span> <LettersPrintedButton batch=batch.batch what /></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// "Letters printed" for one batch, with what it did.
#[component]
fn LettersPrintedButton(batch: i64, what: String) -> impl IntoView {
    let confirm = FormAction::<ConfirmLetters>::new();
    let error = Signal::derive(move || confirm.value().get().and_then(|r| r.err()));
    let error_id = format!("letters-printed-error-{batch}");
    view! {
        {move || match confirm.value().get() {
            Some(Ok(printed)) => view! { <p class="notice" role="status">{printed.summary()}</p> }.into_any(),
            _ => view! {
                <button
                    type="button"
                    aria-label=format!("Letters printed: {what}")
                    disabled=move || confirm.pending().get()
                    on:click=move |_| { confirm.dispatch(ConfirmLetters { batch }); }
                >
                    "Letters printed"
                </button>
            }.into_any(),
        }}
        <ErrorNote error id=error_id />
    }
}

#[component]
fn ParentTable(
    list: ParentList,
    query: ListQuery,
    remove: FormAction<RemoveDeletedParent>,
    send: FormAction<SendInvitations>,
    ticked: RwSignal<BTreeSet<UserId>>,
) -> impl IntoView {
    if list.rows.is_empty() && list.page > 0 {
        let first = query.link("/parents", Some(0));
        return view! {
            <p class="empty" role="status">
                "There are no parents on this page. "
                <A href=first>"Go to the first page"</A>
            </p>
        }
        .into_any();
    }
    if list.rows.is_empty() {
        return view! { <p class="empty" role="status">"No parents match that search."</p> }
            .into_any();
    }
    let on_page: Vec<UserId> = list.rows.iter().map(|row| row.id).collect();
    let all_ticked = {
        let on_page = on_page.clone();
        move || on_page.iter().all(|id| ticked.read().contains(id))
    };
    let tick_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        ticked.update(|set| {
            for id in &on_page {
                if on {
                    set.insert(*id);
                } else {
                    set.remove(id);
                }
            }
        });
    };
    let pages = list.pages();
    let previous = (list.page > 0).then(|| query.link("/parents", Some(list.page - 1)));
    let next = (list.page + 1 < pages).then(|| query.link("/parents", Some(list.page + 1)));
    let count = match list.total {
        1 => "1 parent".to_owned(),
        n => format!("{n} parents"),
    };
    view! {
        <p class="count" role="status">
            {count}
            {(pages > 1).then(|| format!(" · page {} of {pages}", list.page + 1))}
        </p>
        <BulkActions ticked send total=list.total query=query.clone() />
        <div class="table-wrap" tabindex="0" role="region" aria-label="Parents">
            <table class="table stacked">
                <thead><tr>
                    <th scope="col" class="tick">
                        <input id="tick-all" type="checkbox" prop:checked=all_ticked on:change=tick_all />
                        <label for="tick-all" class="phone-only">"Tick every parent on this page"</label>
                    </th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Children"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Signed up"</th>
                    <th scope="col"><span class="visually-hidden">"Edit"</span></th>
                </tr></thead>
                <tbody>
                    {list.rows.into_iter().map(|row| {
                        let id = row.id;
                        let name = row.full_name();
                        view! {
                            <tr>
                                <td class="tick">
                                    <input
                                        type="checkbox"
                                        aria-label=format!("Tick {name}")
                                        prop:checked=move || ticked.read().contains(&id)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            ticked.update(|set| {
                                                if on { set.insert(id); } else { set.remove(&id); }
                                            });
                                        }
                                    />
                                </td>
                                <th scope="row">{name.clone()}</th>
                                <td data-label="Children">
                                    {if row.children.is_empty() {
                                        view! { <span class="hint">"No children linked"</span> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="plain">
                                                {row.children.into_iter().map(|child| view! { <li>{child}</li> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                                <td data-label="Email">{row.email.unwrap_or_else(|| "None".to_owned())}</td>
                                <td data-label="Status">
                                    {if row.deleted {
                                        view! { <span class="badge inactive">"Deleted their account"</span> }.into_any()
                                    } else {
                                        view! { <ActiveBadge active=row.active /> }.into_any()
                                    }}
                                </td>
                                <td data-label="Signed up">
                                    {match (row.deleted, row.signed_up, row.invited.clone()) {
                                        (true, ..) => "No longer".to_owned(),
                                        (false, true, _) => match row.last_seen.clone() {
                                            Some(seen) => format!("Yes, last seen {seen}"),
                                            None => "Yes".to_owned(),
                                        },
                                        (false, false, Some(invited)) => format!("Not yet, invited {invited}"),
                                        (false, false, None) => "Not yet, not invited".to_owned(),
                                    }}
                                </td>
                                <td class="edit">
                                    {if row.deleted {
                                        // Nothing is left to edit: the row only says what happened.
                                        view! {
                                            <SendForm action=remove>
                                                <input type="hidden" name="id" value=id.0 />
                                                <button type="submit" class="link-button" aria-label=format!("Remove {name}")>"Remove"</button>
                                            </SendForm>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <A href=format!("/parents/{id}") attr:aria-label=format!("Edit {name}")>"Edit"</A>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages of parents">
            {previous.map(|href| view! { <A href=href>"Previous page"</A> })}
            {next.map(|href| view! { <A href=href>"Next page"</A> })}
        </nav>
    }
    .into_any()
}

#[component]
fn ActiveBadge(active: bool) -> impl IntoView {
    if active {
        view! { <span class="badge active">"Active"</span> }
    } else {
        view! { <span class="badge inactive">"Inactive"</span> }
    }
}

/// "Send invitation" and "Print letters" for the ticked parents, or for
/// every parent the search matches.
#[component]
fn BulkActions(
    ticked: RwSignal<BTreeSet<UserId>>,
    send: FormAction<SendInvitations>,
    total: i64,
    query: ListQuery,
) -> impl IntoView {
    let everyone = RwSignal::new(false);
    let error = Signal::derive(move || send.value().get().and_then(|r| r.err()));
    let summary = move || {
        send.value()
            .get()
            .and_then(|r| r.ok())
            .map(|sent| sent.summary())
    };
    let ticked_count = move || ticked.read().len();
    let search = query.search.clone();
    let status = query.status.clone();
    let on_send = move |_| {
        send.dispatch(SendInvitations {
            ids: ticked.get().into_iter().collect(),
            everyone: everyone.get(),
            search: search.clone(),
            status: status.clone(),
        });
    };
    let letters_link = move || {
        if everyone.get() {
            format!("{}&everyone=true", query.link("/parents/letters", None))
        } else {
            let ids: Vec<String> = ticked.read().iter().map(|id| id.to_string()).collect();
            format!("/parents/letters?ids={}", ids.join(","))
        }
    };
    let nothing_chosen = move || !everyone.get() && ticked_count() == 0;
    view! {
        <fieldset class="bulk">
            <legend>"Invitations and letters"</legend>
            <div class="choices">
                <div class="check">
                    <input id="which-ticked" type="radio" name="which" prop:checked=move || !everyone.get() on:change=move |_| everyone.set(false) />
                    <label for="which-ticked">{move || format!("The parents I've ticked ({})", ticked_count())}</label>
                </div>
                <div class="check">
                    <input id="which-all" type="radio" name="which" prop:checked=move || everyone.get() on:change=move |_| everyone.set(true) />
                    <label for="which-all">{format!("All {total} parents matching this search, on every page")}</label>
                </div>
            </div>
            <div class="actions">
                <button type="button" on:click=on_send disabled=move || nothing_chosen() || send.pending().get()>
                    "Send invitation"
                </button>
                {move || if nothing_chosen() {
                    view! { <span class="button disabled" aria-disabled="true">"Print letters"</span> }.into_any()
                } else {
                    view! { <a class="button" href=letters_link()>"Print letters"</a> }.into_any()
                }}
            </div>
            <ErrorNote error id="bulk-error" />
            {move || summary().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        </fieldset>
    }
}

/// "Add New": the parent form, empty.
#[component]
pub fn NewParentPage() -> impl IntoView {
    view! {
        <Title text="Add parent · Parents · Markwell" />
        <p class="back"><A href="/parents">"Parents"</A></p>
        <h1>"Add parent"</h1>
        <ParentForm detail=None save=FormAction::new() />
    }
}

/// "Edit": the parent form with their details and children, then their
/// invitation and access codes.
#[component]
pub fn EditParentPage() -> impl IntoView {
    let route_id = route_id();
    let id = move || UserId(route_id());
    // Saving reloads the parent, so every section shows what was saved.
    let save = FormAction::<SaveParent>::new();
    let detail = load(
        move || (id(), save.version().get()),
        |(id, _)| OpenParent { id },
    );
    let done = use_done::<ParentDone>();
    view! {
        <Title text="Edit parent · Parents · Markwell" />
        <p class="back"><A href="/parents">"Parents"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! {
                        <h1>{detail.full_name()}</h1>
                        <Notice message=done />
                        <ParentForm detail=Some(detail.clone()) save />
                        <UndeliveredEmails emails=detail.undelivered.clone() />
                        <Credentials detail />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A child in the form's selected list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selected {
    pupil: PupilMatch,
    relationship: String,
    responsibility: bool,
}

#[component]
fn ParentForm(detail: Option<ParentDetail>, save: FormAction<SaveParent>) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let links_error = Signal::derive(move || error.get().and_then(|e| e.for_field("pupils")));
    let selected = RwSignal::new(
        detail
            .as_ref()
            .map(|d| {
                d.links
                    .iter()
                    .map(|link| Selected {
                        pupil: link.pupil.clone(),
                        relationship: link.relationship.clone(),
                        responsibility: link.responsibility,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let added_note = RwSignal::new(String::new());
    let (first_name, surname, email, status) = match &detail {
        Some(d) => (
            d.first_name.clone(),
            d.surname.clone(),
            d.email.clone().unwrap_or_default(),
            if d.active { "active" } else { "inactive" },
        ),
        None => (String::new(), String::new(), String::new(), "active"),
    };
    let id = detail.as_ref().map(|d| d.id.0);
    let signed_up = detail.as_ref().is_some_and(|d| d.signed_up);
    let remove = move |pupil: PupilId, name: String| {
        selected.update(|list| list.retain(|s| s.pupil.id != pupil));
        added_note.set(format!("{name} removed from the list."));
    };
    view! {
        <SendForm action=save attr:novalidate=true attr:class="form parent-form">
            <ErrorNote error id="save-error" />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <TextField name="first_name" label="First name" autocomplete="off" error value=first_name />
            <TextField name="surname" label="Surname" autocomplete="off" error value=surname />
            {if signed_up {
                view! {
                    <div class="field">
                        <p class="label">"Email address"</p>
                        <p>{email.clone()}</p>
                        <p class="hint">"This parent has signed up, so only they can change their email address, in Settings."</p>
                        <input type="hidden" name="email" value=email />
                    </div>
                }.into_any()
            } else {
                view! {
                    <TextField
                        name="email"
                        label="Email address"
                        kind="email"
                        autocomplete="off"
                        hint="Leave blank if the parent has no email address: they can sign up with the access code on their letter."
                        error
                        value=email
                    />
                }.into_any()
            }}
            <SelectField name="status" label="Status" error options=STATUSES.to_vec() selected=status />

            <PupilFinder
                heading="Link children"
                chosen=Signal::derive(move || selected.read().iter().map(|s| s.pupil.id).collect())
                on_add=Callback::new(move |chosen: Vec<PupilMatch>| {
                    let mut added = 0;
                    selected.update(|list| {
                        let relationship =
                            usual_relationship(list.iter().map(|s| s.relationship.as_str()))
                                .to_owned();
                        for pupil in chosen {
                            if list.iter().any(|s| s.pupil.id == pupil.id) {
                                continue;
                            }
                            list.push(Selected {
                                pupil,
                                relationship: relationship.clone(),
                                responsibility: true,
                            });
                            added += 1;
                        }
                    });
                    added
                })
                added_note
            />

            <section class="selected-pupils" aria-labelledby="selected-heading">
                <h2 id="selected-heading">"Children linked to this parent"</h2>
                <p id="pupils-error" class="error-note" role="alert">{move || links_error.get()}</p>
                <p class="visually-hidden" role="status">{move || added_note.get()}</p>
                {move || selected.read().is_empty().then(|| view! {
                    <p class="empty">"No children yet. Search for a pupil above, tick them and choose Add to List."</p>
                })}
                <ul class="plain selected-list">
                    <For
                        each=move || selected.get()
                        key=|s| s.pupil.id
                        children=move |s: Selected| {
                            let pupil = s.pupil.id;
                            let name = s.pupil.full_name();
                            let rel_id = format!("relationship-{pupil}");
                            let rel_error_id = format!("relationship-{pupil}-error");
                            let rel_field = rel_id.clone();
                            let rel_message = move || error.get().and_then(|e| e.for_field(&rel_field));
                            let pr_id = format!("responsible-{pupil}");
                            let chosen = s.relationship.clone();
                            let remove_name = name.clone();
                            view! {
                                <li class="selected-pupil">
                                    <input type="hidden" name=format!("children[{pupil}][pupil]") value=pupil.0 />
                                    <p class="who">
                                        <strong>{name.clone()}</strong>
                                        <span class="hint">{s.pupil.description()}</span>
                                    </p>
                                    <div class="field">
                                        <label for=rel_id.clone()>{format!("Relationship to {}", s.pupil.first_name)}</label>
                                        <select
                                            id=rel_id
                                            name=format!("children[{pupil}][relationship]")
                                            aria-describedby=rel_error_id.clone()
                                            aria-invalid={
                                                let rel_message = rel_message.clone();
                                                move || rel_message().map(|_| "true")
                                            }
                                            on:change=move |ev| {
                                                let value = event_target_value(&ev);
                                                selected.update(|list| {
                                                    if let Some(s) = list.iter_mut().find(|s| s.pupil.id == pupil) {
                                                        s.relationship = value;
                                                    }
                                                });
                                            }
                                        >
                                            {RELATIONSHIPS.iter().map(|(value, label)| view! {
                                                <option value=*value selected=chosen == *value>{*label}</option>
                                            }).collect_view()}
                                        </select>
                                        <p id=rel_error_id class="error-note" role="alert">{rel_message}</p>
                                    </div>
                                    <div class="check">
                                        <input
                                            id=pr_id.clone()
                                            type="checkbox"
                                            name=format!("children[{pupil}][responsible]")
                                            value="true"
                                            checked=s.responsibility
                                        />
                                        <label for=pr_id>"Parental responsibility"</label>
                                    </div>
                                    <button
                                        type="button"
                                        class="link-button"
                                        aria-label=format!("Remove {name}")
                                        on:click=move |_| remove(pupil, remove_name.clone())
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
        </SendForm>
    }
}

/// Signing in: the invitation and each child's access code.
#[component]
fn Credentials(detail: ParentDetail) -> impl IntoView {
    let send = FormAction::<SendInvitations>::new();
    let reissue = FormAction::<ReissueCode>::new();
    let send_error = Signal::derive(move || send.value().get().and_then(|r| r.err()));
    let reissue_error = Signal::derive(move || reissue.value().get().and_then(|r| r.err()));
    let id = detail.id;
    let account = match (detail.active, detail.signed_up, detail.email.is_some()) {
        (false, _, _) => "This parent is inactive: they can't sign in and get no emails from Markwell.",
        (true, true, _) => "This parent has signed up and can sign in.",
        (true, false, true) => "This parent hasn't signed up yet. Send an invitation by email, or print a letter with their access codes.",
        (true, false, false) => "This parent hasn't signed up yet and has no email address. Print a letter with their access codes.",
    };
    let can_invite = detail.active && !detail.signed_up && detail.email.is_some();
    let has_links = !detail.links.is_empty();
    view! {
        <section aria-labelledby="credentials-heading">
            <h2 id="credentials-heading">"Signing in"</h2>
            <p>{account}</p>
            <ErrorNote error=send_error id="invite-error" />
            {move || send.value().get().and_then(|r| r.ok()).map(|sent| view! {
                <p class="notice" role="status">{sent.summary()}</p>
            })}
            <div class="actions">
                {can_invite.then(|| view! {
                    <button
                        type="button"
                        disabled=move || send.pending().get()
                        on:click=move |_| {
                            send.dispatch(SendInvitations {
                                ids: vec![id],
                                everyone: false,
                                search: String::new(),
                                status: String::new(),
                            });
                        }
                    >
                        "Send invitation"
                    </button>
                })}
                {(detail.active && has_links).then(|| view! {
                    <a class="button" href=format!("/parents/letters?ids={id}")>"Print letters"</a>
                })}
            </div>
        </section>
        {has_links.then(|| view! {
            <section aria-labelledby="codes-heading">
                <h2 id="codes-heading">"Access codes"</h2>
                <p>"Each child has their own code, printed on the parent's letter. Reissuing a code stops the old one working at once."</p>
                <ErrorNote error=reissue_error id="reissue-error" />
                {move || reissue.value().get().and_then(|r| r.ok()).map(|code| view! {
                    <p class="notice" role="status">
                        {format!("New access code for {}: ", code.pupil_name)}
                        <strong class="code">{code.access_code}</strong>
                        ". It is shown only now: give it to the parent or print a new letter."
                    </p>
                })}
                <ul class="plain code-list">
                    {detail.links.into_iter().map(|link| {
                        let name = link.pupil.full_name();
                        let shown = name.clone();
                        let pupil = link.pupil.id;
                        let issued = link.code_issued.map(|at| format!("Code made {at}")).unwrap_or_else(|| "No code yet".to_owned());
                        let issued = match link.letter_waiting {
                            Some(at) => format!("{issued} · newer letter made {at}, not yet confirmed printed"),
                            None => issued,
                        };
                        view! {
                            <li>
                                <span>
                                    <strong><A href=pupil.page()>{shown}</A></strong>
                                    {format!(" · {} · {issued}", relationship_label(&link.relationship))}
                                </span>
                                <button
                                    type="button"
                                    aria-label=format!("Reissue code for {name}")
                                    disabled=move || reissue.pending().get()
                                    on:click=move |_| { reissue.dispatch(ReissueCode { id, pupil }); }
                                >
                                    "Reissue code"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// "Print letters": says what printing does, makes the letters (with new
/// access codes) when asked, then offers the browser's print.
#[component]
pub fn LettersPage() -> impl IntoView {
    let query = use_query_map();
    let make = FormAction::<MakeLetters>::new();
    let error = Signal::derive(move || make.value().get().and_then(|r| r.err()));
    let request = move || {
        let q = query.read();
        let ids: Vec<UserId> = q
            .get("ids")
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .map(UserId)
            .collect();
        MakeLetters {
            ids,
            everyone: q.get("everyone").as_deref() == Some("true"),
            search: q.get("q").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
        }
    };
    let who = move || {
        let request = request();
        if request.everyone {
            "every parent matching the search on the Parents page".to_owned()
        } else {
            match request.ids.len() {
                1 => "1 parent".to_owned(),
                n => format!("{n} parents"),
            }
        }
    };
    view! {
        <Title text="Print letters · Parents · Markwell" />
        <div class="no-print">
            <p class="back"><A href="/parents">"Parents"</A></p>
            <h1>"Print letters"</h1>
        </div>
        {move || match make.value().get() {
            Some(Ok(sheet)) => view! { <Letters sheet /> }.into_any(),
            _ => view! {
                <section class="no-print" aria-labelledby="make-heading">
                    <h2 id="make-heading">{move || format!("Letters for {}", who())}</h2>
                    <p>"Each letter tells the parent how to sign up and gives a new access code and QR code for each of their children."</p>
                    <p>"Codes on earlier letters for these parents keep working until you confirm these letters printed."</p>
                    <ErrorNote error id="letters-error" />
                    <button
                        type="button"
                        class="primary"
                        disabled=move || make.pending().get()
                        on:click=move |_| { make.dispatch(request()); }
                    >
                        "Make letters"
                    </button>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
fn Letters(sheet: LetterSheet) -> impl IntoView {
    let LetterSheet {
        batch,
        school,
        sign_up_page,
        letters,
        left_out,
    } = sheet;
    let made = match letters.len() {
        1 => "1 letter is ready.".to_owned(),
        n => format!("{n} letters are ready."),
    };
    let left_out = (left_out > 0)
        .then(|| format!("{left_out} left out: inactive, or not linked to any child."));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="no-print">
            <p class="notice" role="status">{made}" "{left_out}</p>
            <button type="button" class="primary" on:click=print>"Print"</button>
            <section class="letters-confirm" aria-labelledby="confirm-heading">
                <h2 id="confirm-heading">"When they have printed"</h2>
                <p>"Press Letters printed once you have the letters in your hand. Then only the codes on these letters work: codes on earlier letters for the same children stop working. If printing went wrong, leave this and make the letters again."</p>
                <LettersPrintedButton batch what="these letters".to_owned() />
            </section>
        </div>
        <div class="letters">
            {letters.into_iter().map(|letter| {
                let several = letter.children.len() > 1;
                view! {
                    <article class="letter">
                        <p class="letter-school">{school.clone()}</p>
                        <h2>"Read your child's reports online"</h2>
                        <p>{format!("Dear {},", letter.parent_name)}</p>
                        <p>{format!("{school} uses Markwell to share reports with parents. You can read them on your phone or computer once you have signed up.")}</p>
                        <ol>
                            <li>"Scan a QR code below with your phone's camera, or go to "<strong>{sign_up_page.clone()}</strong>" and type the access code."</li>
                            <li>"Enter your child's date of birth (DD/MM/YYYY), your name and email address, and choose a password."</li>
                            {several.then(|| view! {
                                <li>"You only need to sign up once: your account shows every child listed here. Keep the other codes with this letter."</li>
                            })}
                        </ol>
                        {letter.children.into_iter().map(|child| view! {
                            <section class="letter-child">
                                <div
                                    class="qr"
                                    role="img"
                                    aria-label=format!("QR code of the sign-up link for {}", child.name)
                                    inner_html=child.qr_svg
                                ></div>
                                <dl>
                                    <div><dt>"Child"</dt><dd>{format!("{}, {}", child.name, child.year)}</dd></div>
                                    <div><dt>"Access code"</dt><dd class="code">{child.access_code}</dd></div>
                                </dl>
                            </section>
                        }).collect_view()}
                        <p class="hint">"Keep this letter safe: the code lets you see your child's reports. If it is lost, ask the school office for a new one, and the old code will stop working."</p>
                    </article>
                }
            }).collect_view()}
        </div>
    }
}

/// A letter's access code and the child's date of birth, as sign-up and
/// "Add pupil" ask for them. Each is checked for its form as the parent
/// leaves it (on a phone, before typing anything else); an empty field waits
/// for the form to be sent.
#[component]
pub fn AccessCodeFields(
    checks: InstantChecks,
    error: Signal<Option<crate::error::AppError>>,
    #[prop(optional)] code: String,
) -> impl IntoView {
    let left_field = move |ev: leptos::ev::FocusEvent| {
        let Some(name) = event_target::<web_sys::Element>(&ev).get_attribute("name") else {
            return;
        };
        let value = event_target_value(&ev);
        if value.trim().is_empty() {
            return;
        }
        match name.as_str() {
            "code" => checks.note("code", parse_access_code(&value)),
            "date_of_birth" => checks.note("date_of_birth", parse_date_of_birth(&value)),
            _ => {}
        }
    };
    view! {
        <div on:focusout=left_field>
            <TextField name="code" label="Access code" autocomplete="off" hint="As printed on your letter, like ABCD-EFGH-JKMN." error value=code />
            <TextField name="date_of_birth" label="Your child's date of birth" autocomplete="off" hint="DD/MM/YYYY, for example 04/05/2019." error />
        </div>
    }
}

/// Parent sign-up with the access code from a printed letter. The QR code on
/// the letter opens this page with the code filled in.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = FormAction::<SignUp>::new();
    let (checks, answer, error) = InstantChecks::for_form(action);
    let query = use_query_map();
    let code = query.read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text="Sign up · Markwell" />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <h1>"Sign up as a parent"</h1>
                <p>"You need the letter from your child's school, with an access code for each child."</p>
                <SendForm action=action attr:novalidate=true>
                    // The server's answer alone: a check as a field is left must not
                    // move focus away from where the parent is typing.
                    <ErrorNote error=answer id="sign-up-error" />
                    <AccessCodeFields checks error code />
                    <TextField name="first_name" label="Your first name" autocomplete="given-name" error />
                    <TextField name="surname" label="Your surname" autocomplete="family-name" error />
                    <TextField name="email" label="Email address" kind="email" autocomplete="email" hint="You'll sign in with this." error />
                    <NewPasswordFields error />
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Sign up"
                    </button>
                </SendForm>
                <p class="links"><a href="/sign-in">"Already signed up? Sign in"</a></p>
            </div>
        </main>
    }
}
