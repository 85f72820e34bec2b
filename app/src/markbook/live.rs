//! Live updates: every saved judgement goes out to the grids open on the same
//! pupils, as server-sent events, so a change by another teacher appears
//! without reloading.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Query, State},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::stream;
use leptos::server::IntoEncodedString;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::{model::LiveChange, store};
use crate::{
    auth::Viewer,
    error::AppError,
    ids::GroupId,
    ssr::{
        live::{AccessChanged, Live},
        respond, AppState,
    },
};

/// Judgements just saved: the message the markbook's live channel carries.
/// Slow listeners that fall behind reload their grid instead (see the
/// page's `resync`).
pub struct JudgementsSaved(pub Vec<LiveChange>);

/// Tells every open grid about changes just committed.
pub fn announce(live: &Live, changes: Vec<LiveChange>) {
    if !changes.is_empty() {
        live.channel::<JudgementsSaved>()
            .announce(JudgementsSaved(changes));
    }
}

/// How long one stream lasts before the browser reconnects and is checked again.
const CHECK_AGAIN_AFTER: Duration = Duration::from_secs(300);

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    group: Option<String>,
}

/// GET /markbook/live?group=N: a stream of the group's pupils' changes, for
/// anyone who may open the group.
pub async fn events(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LiveQuery>,
) -> Result<Response, AppError> {
    let pool = state.pool.clone();
    let who = viewer.id;
    let slot = state
        .live
        .open_stream(who)
        .ok_or(AppError::TooManyAttempts { minutes: 1 })?;
    let pupils = respond(async move {
        let group = query
            .group
            .and_then(|g| g.parse().ok())
            .map(GroupId)
            .ok_or(AppError::NotFound)?;
        let mut conn = pool.acquire().await?;
        let open = viewer.group_to_open(&mut conn, group).await?;
        store::pupil_ids(&mut conn, &open).await
    })
    .await?;
    let changes = state.live.channel::<JudgementsSaved>().subscribe();
    let access = state.live.channel::<AccessChanged>().subscribe();
    // A change to the listener's access (signed out, made inactive, taken off
    // a group) ends the stream at once; otherwise it ends after a while. Either
    // way the browser opens a new one, and who may listen (and to which
    // pupils) is checked again.
    let until = tokio::time::Instant::now() + CHECK_AGAIN_AFTER;
    let listening = (changes, access, pupils, slot);
    let stream = stream::unfold(
        listening,
        move |(mut changes, mut access, pupils, slot)| async move {
            loop {
                let received = tokio::select! {
                    received = changes.recv() => received,
                    changed = access.recv() => match changed {
                        Ok(changed) if changed.0 != who => continue,
                        // Missed some: one of them may have been this listener's.
                        _ => return None,
                    },
                    _ = tokio::time::sleep_until(until) => return None,
                };
                let event = match received {
                    Ok(batch) => {
                        let theirs: Vec<&LiveChange> = batch
                            .0
                            .iter()
                            .filter(|c| pupils.contains(&c.pupil))
                            .collect();
                        if theirs.is_empty() {
                            continue;
                        }
                        // Postcard as base64, as a page's data is written:
                        // the grid reads it with the decoders it already has.
                        match postcard::to_allocvec(&theirs) {
                            Ok(bytes) => Event::default()
                                .event("changes")
                                .data(bytes.into_encoded_string()),
                            Err(_) => continue,
                        }
                    }
                    // Fell behind: the grid reloads its judgements.
                    Err(RecvError::Lagged(_)) => Event::default().event("resync").data("behind"),
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok::<_, Infallible>(event), (changes, access, pupils, slot)));
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}
