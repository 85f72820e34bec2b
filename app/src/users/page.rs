//! Users: the staff list, "Invite staff", and one staff member's page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::{
        AssignGroup, InviteStaff, ListStaff, OpenStaffMember, ResendInvitation, SaveStaff,
        SetStaffActive,
    },
    model::{StaffDetail, StaffDone, StaffStatus},
};
use crate::{
    auth::model::Role,
    email::UndeliveredEmails,
    ids::UserId,
    ui::{
        form::{FormAction, QueryForm, SendForm},
        loading::load,
        route_id, use_done, ErrorNote, ErrorPanel, Notice, SelectField, TextField,
    },
};

const ROLES: [(&str, &str); 2] = [("teacher", "Teacher"), ("admin", "Admin")];
const SLT_HINT: &str =
    "Senior leadership see every group and School Usage, and can publish reports.";

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let staff = load(search, |search| ListStaff { search });
    view! {
        <Title text="Users · Markwell" />
        <div class="page-head">
            <h1>"Users"</h1>
            <A href="/users/new" attr:class="button primary">"Invite staff"</A>
        </div>
        <QueryForm action="" class="search" role="search">
            <label for="q">"Search staff by name or email"</label>
            <div class="search-row">
                <input id="q" name="q" type="search" prop:value=search />
                <button type="submit">"Search"</button>
            </div>
        </QueryForm>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match staff.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" role="status">"No staff match that search."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <p class="count" role="status">{format!("{} staff", list.len())}</p>
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Staff">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"SLT"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Last sign-in"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|member| {
                                        let href = format!("/users/{}", member.id);
                                        let name = member.full_name();
                                        view! {
                                        <tr>
                                            <th scope="row">
                                                <A href=href>{name}</A>
                                            </th>
                                            <td>{member.email.clone()}</td>
                                            <td>{member.role_label()}</td>
                                            <td>{if member.slt { "Yes" } else { "No" }}</td>
                                            <td><StatusBadge status=member.status /></td>
                                            <td>{member.last_sign_in.clone().unwrap_or_else(|| "Never".to_owned())}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatusBadge(status: StaffStatus) -> impl IntoView {
    let class = match status {
        StaffStatus::Active => "badge active",
        StaffStatus::Invited => "badge invited",
        StaffStatus::Inactive => "badge inactive",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// "Invite staff": the account is created with the invitation, and the
/// person sets their own password from the emailed link.
#[component]
pub fn NewStaffPage() -> impl IntoView {
    let action = FormAction::<InviteStaff>::new();
    let error = Signal::derive(move || action.value().get().and_then(|result| result.err()));
    view! {
        <Title text="Invite staff · Markwell" />
        <p class="back"><A href="/users">"Users"</A></p>
        <h1>"Invite staff"</h1>
        <p>"They'll get an email with a link to set their password. The link works once, for 7 days."</p>
        <SendForm action=action attr:novalidate=true attr:class="form">
            <ErrorNote error id="invite-error" />
            <TextField name="first_name" label="First name" autocomplete="off" error />
            <TextField name="surname" label="Surname" autocomplete="off" error />
            <TextField name="email" label="Email address" kind="email" autocomplete="off" error />
            <SelectField name="role" label="Role" error options=ROLES.to_vec() selected="teacher" />
            <SltBox checked=false />
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Send invitation"
            </button>
        </SendForm>
    }
}

#[component]
fn SltBox(checked: bool) -> impl IntoView {
    view! {
        <div class="check">
            <input id="slt" name="slt" type="checkbox" value="on" checked=checked aria-describedby="slt-hint" />
            <label for="slt">"Senior leadership (SLT)"</label>
            <p id="slt-hint" class="hint">{SLT_HINT}</p>
        </div>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let route_id = route_id();
    let id = move || UserId(route_id());
    let save = FormAction::<SaveStaff>::new();
    let set_active = FormAction::<SetStaffActive>::new();
    let resend = FormAction::<ResendInvitation>::new();
    let assign = FormAction::<AssignGroup>::new();
    let versions = move || {
        (
            save.version().get(),
            set_active.version().get(),
            resend.version().get(),
            assign.version().get(),
        )
    };
    let detail = load(move || (id(), versions()), |(id, _)| OpenStaffMember { id });
    let done = use_done::<StaffDone>();
    view! {
        <Title text="Staff member · Users · Markwell" />
        <p class="back"><A href="/users">"Users"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! {
                        <StaffSections detail done save set_active resend assign />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffSections(
    detail: StaffDetail,
    done: Signal<Option<&'static str>>,
    save: FormAction<SaveStaff>,
    set_active: FormAction<SetStaffActive>,
    resend: FormAction<ResendInvitation>,
    assign: FormAction<AssignGroup>,
) -> impl IntoView {
    let StaffDetail {
        member,
        is_you,
        groups,
        other_groups,
        undelivered,
    } = detail;
    let save_error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let status_error = Signal::derive(move || {
        set_active
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| resend.value().get().and_then(|r| r.err()))
    });
    let invited = member.status == StaffStatus::Invited;
    let id = member.id.0;
    let role = if member.role == Role::Admin {
        "admin"
    } else {
        "teacher"
    };
    view! {
        <h1>{member.full_name()}</h1>
        <p class="role">
            {member.role_label()}
            {if member.slt { " · SLT" } else { "" }}
            " · "
            <StatusBadge status=member.status />
        </p>
        <Notice message=done />
        <UndeliveredEmails emails=undelivered />

        <section aria-labelledby="details-heading">
            <h2 id="details-heading">"Details"</h2>
            <SendForm action=save attr:novalidate=true attr:class="form">
                <ErrorNote error=save_error id="save-error" />
                <input type="hidden" name="id" value=id />
                <TextField name="first_name" label="First name" autocomplete="off" error=save_error value=member.first_name.clone() />
                <TextField name="surname" label="Surname" autocomplete="off" error=save_error value=member.surname.clone() />
                {if invited {
                    view! {
                        <TextField
                            name="email"
                            label="Email address"
                            kind="email"
                            autocomplete="off"
                            hint="You can correct the address until they set their password. Saving a new address sends the invitation there, and the earlier link stops working."
                            error=save_error
                            value=member.email.clone()
                        />
                    }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <p class="label">"Email address"</p>
                            <p>{member.email.clone()}</p>
                            <p class="hint">"People change their own email address in Settings."</p>
                        </div>
                    }.into_any()
                }}
                <SelectField name="role" label="Role" error=save_error options=ROLES.to_vec() selected=role />
                <SltBox checked=member.slt />
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save changes"</button>
            </SendForm>
        </section>

        <section aria-labelledby="status-heading">
            <h2 id="status-heading">"Status"</h2>
            <ErrorNote error=status_error id="status-error" />
            <p>
                "Last sign-in: "
                {member.last_sign_in.clone().unwrap_or_else(|| "Never".to_owned())}
            </p>
            {invited.then(|| view! {
                <SendForm action=resend attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <p>"They haven't set their password yet."</p>
                    <button type="submit" disabled=move || resend.pending().get()>"Resend invitation"</button>
                </SendForm>
            })}
            {match (member.status, is_you) {
                (StaffStatus::Inactive, _) => view! {
                    <SendForm action=set_active attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="active" value="true" />
                        <p>"This account can't sign in and doesn't count in School Usage."</p>
                        <button type="submit">"Make active"</button>
                    </SendForm>
                }.into_any(),
                (_, true) => view! {
                    <p class="hint">"This is your account, so you can't make it inactive here."</p>
                }.into_any(),
                (_, false) => view! {
                    <SendForm action=set_active attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="active" value="false" />
                        <p>"Making the account inactive signs them out everywhere at once. Their records stay."</p>
                        <button type="submit" class="danger">"Make inactive"</button>
                    </SendForm>
                }.into_any(),
            }}
        </section>

        <section id="groups" aria-labelledby="groups-heading">
            <h2 id="groups-heading">"Groups"</h2>
            {if groups.is_empty() {
                view! { <p class="empty">"No groups assigned."</p> }.into_any()
            } else {
                view! {
                    <ul class="chips">
                        {groups.into_iter().map(|group| {
                            view! {
                                <li>
                                    <span>{group.name.clone()}</span>
                                    <SendForm action=assign attr:class="chip-form">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="group" value=group.id.0.to_string() />
                                        <input type="hidden" name="assigned" value="false" />
                                        <button type="submit" class="link-button" aria-label=format!("Unassign {}", group.name)>
                                            "Unassign"
                                        </button>
                                    </SendForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!other_groups.is_empty()).then(|| view! {
                <SendForm action=assign attr:class="assign-form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="assigned" value="true" />
                    <label for="group">"Group to assign"</label>
                    <div class="search-row">
                        <select id="group" name="group">
                            {other_groups.into_iter().map(|group| view! {
                                <option value=group.id.0.to_string()>{group.name}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit">"Assign group"</button>
                    </div>
                </SendForm>
            })}
        </section>
    }
}
