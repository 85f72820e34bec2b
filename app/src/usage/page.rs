//! The School Usage page: Month, Year and Show drop-downs that change the
//! table at once, sortable columns, a totals row and "Export to Excel".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use super::{
    api::{MonthChoices, SchoolUsage},
    model::{
        people, usage_link, Audience, UsageChoices, UsageCounts, UsageMonth, UsageReport, UsageRow,
        MONTHS,
    },
};
use crate::{
    error::AppError,
    ui::{form::QueryForm, loading::load, ErrorPanel, SortHeading},
};

pub const PATH: &str = "/school-usage";

/// What the address asks for: (year, month, show), each as typed.
type Asked = (Option<String>, Option<String>, Option<String>);

#[component]
pub fn UsagePage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (q.get("year"), q.get("month"), q.get("show"))
    });
    // Loaded once: the drop-downs stay put (and keep focus) while the table changes.
    let choices = load(|| (), |_| MonthChoices {});
    // The sort outlives a change of month, so months compare column by column.
    let sort = RwSignal::new((Column::Name, false));
    let announce = RwSignal::new(String::new());
    let report = load(
        move || asked.get(),
        |(year, month, show)| SchoolUsage { year, month, show },
    );
    view! {
        <Title text="School Usage · Markwell" />
        // Someone without access sees one explanation, not a page around it.
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(choices) => view! {
                        <h1>"School Usage"</h1>
                        <p class="lede">
                            "Who used Markwell in a month, in a browser or the installed app. "
                            "Everyone listed has an active account."
                        </p>
                        <MonthChooser choices asked />
                        <p class="visually-hidden" role="status">{announce}</p>
                        <Transition fallback=|| view! { <p>"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match report.await {
                                    Ok(report) => view! { <UsageTable report sort announce /> }.into_any(),
                                    // A month or year typed into the address.
                                    Err(AppError::Invalid { message, .. }) => view! {
                                        <p class="error-note" role="alert">{message}</p>
                                    }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Transition>
                        <GoodUsage />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GoodUsage() -> impl IntoView {
    view! {
        <section class="note" aria-labelledby="good-usage">
            <h2 id="good-usage">"What good usage looks like"</h2>
            <p>
                "There is no score to reach. Markwell works best used little and often: a few "
                "judgements recorded after a lesson keep the markbook current, rather than a long "
                "session at the end of term. Expect more use while reports are being written and "
                "less in the holidays, and compare a month with the same month last year rather "
                "than with the month before."
            </p>
        </section>
    }
}

/// The Month, Year and Show drop-downs. Choosing changes the address (so
/// Back and a bookmark work) and the table follows without a reload.
#[component]
fn MonthChooser(choices: UsageChoices, asked: Memo<Asked>) -> impl IntoView {
    let this_month = choices.this_month;
    let chosen = move || {
        let (year, month, show) = asked.get();
        let year = year.and_then(|y| y.parse().ok()).unwrap_or(this_month.year);
        let month = month
            .and_then(|m| m.parse().ok())
            .unwrap_or(this_month.month);
        (
            year,
            month,
            Audience::parse(show.as_deref().unwrap_or_default()),
        )
    };
    let navigate = use_navigate();
    // One handler for the three drop-downs: the changed one's new value, the
    // other two as the address has them.
    let on_change = move |field: &'static str| {
        let navigate = navigate.clone();
        move |ev: leptos::ev::Event| {
            let (mut year, mut month, mut show) = chosen();
            let value = event_target_value(&ev);
            match field {
                "year" => year = value.parse().unwrap_or(year),
                "month" => month = value.parse().unwrap_or(month),
                _ => show = Audience::parse(&value),
            }
            navigate(
                &usage_link(PATH, year, month, show),
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let mut years = choices.years;
    let asked_year = asked
        .with_untracked(|(year, _, _)| year.as_deref().and_then(|y| y.parse().ok()))
        .unwrap_or(this_month.year);
    if UsageMonth::new(asked_year, 1).is_some() && !years.contains(&asked_year) {
        years.push(asked_year);
        years.sort_unstable();
    }
    view! {
        <QueryForm action=PATH class="filters usage-filters">
            <div class="field">
                <label for="usage-month">"Month"</label>
                <select
                    id="usage-month"
                    name="month"
                    on:change=on_change("month")
                    prop:value=move || chosen().1.to_string()
                >
                    {(1u8..=12).map(|m| view! {
                        <option value=m.to_string() selected=move || chosen().1 == m>
                            {MONTHS[usize::from(m - 1)]}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="usage-year">"Year"</label>
                <select
                    id="usage-year"
                    name="year"
                    on:change=on_change("year")
                    prop:value=move || chosen().0.to_string()
                >
                    {years.into_iter().map(|y| view! {
                        <option value=y.to_string() selected=move || chosen().0 == y>{y}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="usage-show">"Show"</label>
                <select
                    id="usage-show"
                    name="show"
                    on:change=on_change("show")
                    prop:value=move || chosen().2.as_str()
                >
                    {Audience::ALL.into_iter().map(|a| view! {
                        <option value=a.as_str() selected=move || chosen().2 == a>{a.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            // Without JavaScript the drop-downs can't act by themselves.
            <noscript><button type="submit">"Show month"</button></noscript>
        </QueryForm>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Role,
    SignIns,
    LastSignIn,
    DaysActive,
    Assessments,
    Comments,
    Browser,
    App,
}

impl Column {
    const ALL: [Column; 9] = [
        Column::Name,
        Column::Role,
        Column::SignIns,
        Column::LastSignIn,
        Column::DaysActive,
        Column::Assessments,
        Column::Comments,
        Column::Browser,
        Column::App,
    ];

    fn heading(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Role => "Role",
            Column::SignIns => "Sign-ins",
            Column::LastSignIn => "Last sign-in",
            Column::DaysActive => "Days active",
            Column::Assessments => "Assessments recorded",
            Column::Comments => "Comments written",
            Column::Browser => "Days in browser",
            Column::App => "Days in app",
        }
    }

    /// Names and roles read A to Z first; counts and dates most first.
    fn starts_descending(self) -> bool {
        !matches!(self, Column::Name | Column::Role)
    }

    fn compare(self, a: &UsageRow, b: &UsageRow) -> std::cmp::Ordering {
        let by_name = || {
            (a.surname.to_lowercase(), a.first_name.to_lowercase())
                .cmp(&(b.surname.to_lowercase(), b.first_name.to_lowercase()))
        };
        let first = match self {
            Column::Name => std::cmp::Ordering::Equal,
            Column::Role => a.role.cmp(&b.role),
            Column::SignIns => a.counts.sign_ins.cmp(&b.counts.sign_ins),
            Column::LastSignIn => a.counts.last_sign_in_at.cmp(&b.counts.last_sign_in_at),
            Column::DaysActive => a.counts.days_active.cmp(&b.counts.days_active),
            Column::Assessments => a.counts.assessments.cmp(&b.counts.assessments),
            Column::Comments => a.counts.comments.cmp(&b.counts.comments),
            Column::Browser => a.counts.browser.cmp(&b.counts.browser),
            Column::App => a.counts.app.cmp(&b.counts.app),
        };
        first.then_with(by_name)
    }
}

#[component]
fn UsageTable(
    report: UsageReport,
    /// The column sorted by, and whether most (or Z) comes first.
    sort: RwSignal<(Column, bool)>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let month = report.month.label();
    let export = report.export_link();
    let totals = report.totals.clone();
    let people = people(totals.people);
    // Said once the table is in, by the live region that outlasts it.
    let summary = format!("{people} · {month}");
    Effect::new({
        let summary = summary.clone();
        move |_| announce.set(summary.clone())
    });
    let rows = StoredValue::new(report.rows);
    let sorted = move || {
        let (column, descending) = sort.get();
        let mut rows = rows.get_value();
        rows.sort_by(|a, b| {
            let order = column.compare(a, b);
            if descending {
                order.reverse()
            } else {
                order
            }
        });
        rows
    };
    let heading = move |column: Column| {
        view! {
            <SortHeading
                column
                label=column.heading()
                sort
                starts_descending=column.starts_descending()
                numeric=column.starts_descending() && column != Column::LastSignIn
            />
        }
    };
    view! {
        <div class="usage-head">
            <p class="count">{summary}</p>
            // A plain request: the answer is a file, which the browser saves.
            <a class="button" href=export rel="external">"Export to Excel"</a>
        </div>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="usage-caption">
            <table class="table sortable usage">
                <caption id="usage-caption">{format!("Usage in {month}")}</caption>
                <thead><tr>{Column::ALL.into_iter().map(heading).collect_view()}</tr></thead>
                <tbody>
                    {move || sorted().into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.full_name()}</th>
                            <td>{row.role.clone()}</td>
                            <CountCells counts=row.counts />
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{format!("Total ({people})")}</th>
                        <td></td>
                        <CountCells counts=totals.counts />
                    </tr>
                </tfoot>
            </table>
        </div>
        <p class="hint">
            "A day used in both a browser and the app counts in both. In the totals row, the "
            "day columns count the days on which anyone listed used Markwell."
        </p>
    }
    // Erased, so the page's view type stays shallow enough for the release build.
    .into_any()
}

/// A row's cells from Sign-ins on, for a person and for the totals.
#[component]
fn CountCells(counts: UsageCounts) -> impl IntoView {
    view! {
        <td class="num">{counts.sign_ins}</td>
        <td>{counts.last_sign_in.unwrap_or_else(|| "None this month".to_owned())}</td>
        <td class="num">{counts.days_active}</td>
        <td class="num">{counts.assessments}</td>
        <td class="num">{counts.comments}</td>
        <td class="num">{counts.browser}</td>
        <td class="num">{counts.app}</td>
    }
}
