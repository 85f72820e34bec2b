//! A pupil's page for staff: every subject's share secured, judgement,
//! target and whether they are on track, with the way to their markbook
//! rows and to what their parents see (reports, behaviour, attendance).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::OpenPupil,
    model::{target_label, PupilProgress, NOT_JUDGED},
};
use crate::{
    external::model::PupilResult,
    ids::PupilId,
    ui::{
        chart::{LevelChart, Step},
        loading::load,
        ErrorPanel,
    },
};

#[component]
pub fn PupilPage() -> impl IntoView {
    let params = use_params_map();
    // Not a number matches no pupil: "not found".
    let pupil = move || {
        params
            .read()
            .get("pupil")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    };
    let progress = load(pupil, |id| OpenPupil { pupil: PupilId(id) });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match progress.await {
                    Ok(progress) => view! { <PupilView progress /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PupilView(progress: PupilProgress) -> impl IntoView {
    let PupilProgress {
        pupil,
        name,
        year_group,
        markbook_group,
        characteristics,
        subjects,
        scale,
        last_term,
        external,
    } = progress;
    // Each subject's judgement at each term's end, then now.
    let levels = scale.len();
    let words = |judgement: Option<&str>| judgement.unwrap_or(NOT_JUDGED).to_owned();
    let trends: Vec<_> = subjects
        .iter()
        .filter(|s| !s.by_term.is_empty())
        .map(|s| {
            let mut steps: Vec<Step> = s
                .by_term
                .iter()
                .map(|t| Step {
                    label: t.term.clone(),
                    level: t.judgement.as_ref().map(|j| j.rank as usize),
                    words: words(t.judgement.as_ref().map(|j| j.label.as_str())),
                })
                .collect();
            steps.push(Step {
                label: "Now".to_owned(),
                level: s.row.judgement_rank.map(|rank| rank as usize),
                words: words(s.row.judgement.as_deref()),
            });
            (s.subject, s.name.clone(), steps)
        })
        .collect();
    view! {
        <Title text=format!("{name} · Markwell") />
        <p class="back"><A href=super::page::PATH>"Progress"</A></p>
        <h1>{name.clone()}</h1>
        <dl class="facts">
            <dt>"Year group"</dt><dd>{crate::school::model::year_label(year_group)}</dd>
            {characteristics.words().map(|words| view! {
                <dt>"From the MIS"</dt><dd>{words}</dd>
            })}
        </dl>
        <p>
            <A href=format!("/children/{pupil}")>"What their parents see"</A>
            " (reports, behaviour, attendance and homework)"
        </p>
        {if subjects.is_empty() {
            view! { <p class="empty">"The school has no subjects yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="pupil-subjects">
                    <table class="table">
                        <caption id="pupil-subjects">{format!("{name}'s subjects")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Subject"</th>
                                <th scope="col" class="num">"Share secured"</th>
                                <th scope="col">"Judgement"</th>
                                <th scope="col">"Target"</th>
                                <th scope="col">"On track"</th>
                                <th scope="col">"Since last term"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {subjects.into_iter().map(|s| {
                                let target = target_label(&scale, &s.row);
                                let subject = match markbook_group {
                                    Some(group) => view! {
                                        <A href=format!("/markbook?group={group}&subject={}", s.subject)>
                                            {s.name}
                                        </A>
                                    }.into_any(),
                                    None => s.name.into_any(),
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{subject}</th>
                                        <td class="num">{s.row.share_words()}</td>
                                        <td>{s.row.judgement.clone().unwrap_or_else(|| NOT_JUDGED.to_owned())}</td>
                                        <td>{target}</td>
                                        <td>{s.row.on_track().label()}</td>
                                        <td>{s.row.change_words()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="hint">{super::page::since_words(last_term.as_ref())}</p>
                {markbook_group.is_some().then(|| view! {
                    <p class="hint">"A subject's name opens their rows in the markbook."</p>
                })}
                {(!trends.is_empty()).then(|| view! {
                    <h2>"Term by term"</h2>
                    <p class="hint">"Each subject's judgement at the end of every term this school year and last, then now."</p>
                    <div class="charts">
                        {trends.into_iter().map(|(subject, name, steps)| view! {
                            <LevelChart
                                title=format!("{name}: term by term")
                                steps
                                levels
                                id=format!("trend-{subject}")
                                label_heading="Term"
                                words_heading="Judgement"
                            />
                        }).collect_view()}
                    </div>
                })}
            }
            .into_any()
        }}
        <ExternalResults name=name.clone() results=external />
    }
}

/// Results of assessments taken outside the markbook, newest first.
#[component]
fn ExternalResults(name: String, results: Vec<PupilResult>) -> impl IntoView {
    view! {
        <h2 id="external-results">"External results"</h2>
        {if results.is_empty() {
            view! { <p class="empty">"None imported yet (Ext. data)."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="external-caption">
                    <table class="table">
                        <caption id="external-caption">{format!("{name}'s external results")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Assessment"</th>
                                <th scope="col">"Taken"</th>
                                <th scope="col">"Result"</th>
                                <th scope="col">"Marked as"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {results.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.assessment}</th>
                                    <td>{r.taken_on}</td>
                                    <td>{r.result}</td>
                                    <td>{r.marking}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
