//! Live updates: every saved judgement goes out to the grids open on the same
//! pupils, as server-sent events, so a change by another teacher appears
//! without reloading.

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::{ConnectInfo, Query, State},
    http::StatusCode,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::stream;
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{model::LiveChange, store};
use crate::{
    auth::{accounts::AuthSession, Viewer},
    error::AppError,
    ids::GroupId,
    ssr::{respond, AppState},
};

/// Where saved changes are announced. Slow listeners that fall this far
/// behind reload their grid instead (see the page's `resync`).
#[derive(Debug, Clone)]
pub struct Hub(broadcast::Sender<Arc<Vec<LiveChange>>>);

impl Default for Hub {
    fn default() -> Self {
        Hub(broadcast::channel(256).0)
    }
}

impl Hub {
    /// Tells every open grid about changes just committed.
    pub fn announce(&self, changes: Vec<LiveChange>) {
        if !changes.is_empty() {
            // No one listening is not an error.
            let _ = self.0.send(Arc::new(changes));
        }
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
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    auth: AuthSession,
    Query(query): Query<LiveQuery>,
) -> Response {
    let pool = state.pool.clone();
    let at = state.clock.stamp();
    let opened = respond(async move {
        let viewer = Viewer::of(&auth)?;
        let group = query
            .group
            .and_then(|g| g.parse().ok())
            .map(GroupId)
            .ok_or(AppError::NotFound)?;
        let mut conn = pool.acquire().await?;
        let address = from.ip().to_string();
        let open = viewer
            .group_to_open_at(&mut conn, group, &at, Some(&address))
            .await?;
        store::pupil_ids(&mut conn, &open).await
    })
    .await;
    let pupils = match opened {
        Ok(pupils) => pupils,
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, error.to_string()).into_response();
        }
    };
    let changes = state.markbook.0.subscribe();
    // Each stream ends after a while and the browser opens a new one, so who
    // may listen (and to which pupils) is checked again: a teacher taken off
    // the group, or an account made inactive, stops hearing at the next check.
    let until = tokio::time::Instant::now() + CHECK_AGAIN_AFTER;
    let stream = stream::unfold((changes, pupils), move |(mut changes, pupils)| async move {
        loop {
            let Ok(received) = tokio::time::timeout_at(until, changes.recv()).await else {
                return None;
            };
            let event = match received {
                Ok(batch) => {
                    let theirs: Vec<&LiveChange> =
                        batch.iter().filter(|c| pupils.contains(&c.pupil)).collect();
                    if theirs.is_empty() {
                        continue;
                    }
                    match Event::default().event("changes").json_data(theirs) {
                        Ok(event) => event,
                        Err(_) => continue,
                    }
                }
                // Fell behind: the grid reloads its judgements.
                Err(RecvError::Lagged(_)) => Event::default().event("resync").data("behind"),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok::<_, Infallible>(event), (changes, pupils)));
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}
