//! The parent's live stream: a "notified" event each time something new is
//! written for them, so the top bar's count and the child's page update
//! without reloading.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::stream;
use tokio::sync::broadcast::error::RecvError;

use crate::{
    auth::Viewer,
    error::AppError,
    ids::UserId,
    ssr::{
        live::{AccessChanged, Live},
        AppState,
    },
};

/// Parents just told about something: the message the channel carries.
pub struct ParentsNotified(pub Vec<UserId>);

/// Tells the streams of the parents just notified, once the change that
/// notified them is committed.
pub fn announce(live: &Live, parents: Vec<UserId>) {
    if !parents.is_empty() {
        live.channel::<ParentsNotified>()
            .announce(ParentsNotified(parents));
    }
}

/// How long one stream lasts before the browser reconnects and is checked again.
const CHECK_AGAIN_AFTER: Duration = Duration::from_secs(300);

/// GET /notifications/live: the signed-in parent's stream. Nothing about
/// the notification travels on it; the page asks for what is new, through
/// the same checks as any request.
pub async fn events(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let parent = viewer.parent().map_err(|_| AppError::Forbidden)?.parent();
    let slot = state
        .live
        .open_stream(parent)
        .ok_or(AppError::TooManyAttempts { minutes: 1 })?;
    let notified = state.live.channel::<ParentsNotified>().subscribe();
    let access = state.live.channel::<AccessChanged>().subscribe();
    // A change to the parent's access (a link removed, signed out, made
    // inactive) ends the stream at once; the browser's reconnection is
    // checked afresh.
    let until = tokio::time::Instant::now() + CHECK_AGAIN_AFTER;
    let stream = stream::unfold(
        (notified, access, slot),
        move |(mut notified, mut access, slot)| async move {
            loop {
                let event = tokio::select! {
                    received = notified.recv() => match received {
                        Ok(told) if told.0.contains(&parent) => Event::default().event("notified").data("new"),
                        Ok(_) => continue,
                        Err(RecvError::Lagged(_)) => Event::default().event("notified").data("behind"),
                        Err(RecvError::Closed) => return None,
                    },
                    changed = access.recv() => match changed {
                        Ok(changed) if changed.0 != parent => continue,
                        _ => return None,
                    },
                    _ = tokio::time::sleep_until(until) => return None,
                };
                return Some((Ok::<_, Infallible>(event), (notified, access, slot)));
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}
