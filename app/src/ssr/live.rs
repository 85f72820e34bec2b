//! Live updates: what one request commits, announced to the streams other
//! people have open (the markbook's grids now; classroom records and parent
//! notifications next). One broadcast channel per kind of announcement,
//! found by its message type, so this plumbing knows no feature.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::broadcast;

use crate::ids::UserId;

/// How far a listener may fall behind before it is told it missed some
/// (and reloads what it shows).
const BACKLOG: usize = 256;

/// Open streams one person may hold at once (a few tabs and devices).
pub const STREAMS_PER_PERSON: usize = 8;

/// Every channel, one per message type, and how many streams each person
/// has open.
#[derive(Clone, Default)]
pub struct Live {
    channels: Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>>,
    streams: Arc<Mutex<HashMap<UserId, usize>>>,
}

/// Someone's access changed (signed out, made inactive, their password
/// changed, taken off a group): their open streams end at once, and the
/// browser's reconnection is checked afresh.
pub struct AccessChanged(pub UserId);

/// Tells `user`'s open streams to end. Said as the change is written: the
/// browser reconnects seconds later, long after the commit, and is checked
/// then. Outside a request (no streams to tell) it does nothing.
pub fn access_changed(user: UserId) {
    if let Ok(live) = super::live() {
        live.channel::<AccessChanged>()
            .announce(AccessChanged(user));
    }
}

/// One of a person's open streams; dropping it (the stream ends) frees it.
pub struct StreamSlot {
    user: UserId,
    streams: Arc<Mutex<HashMap<UserId, usize>>>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.streams.lock().expect("live streams lock");
        if let Some(open) = streams.get_mut(&self.user) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.user);
            }
        }
    }
}

impl Live {
    /// A slot for one more stream of `user`'s, unless they have as many
    /// open as one person may.
    pub fn open_stream(&self, user: UserId) -> Option<StreamSlot> {
        let mut streams = self.streams.lock().expect("live streams lock");
        let open = streams.entry(user).or_insert(0);
        if *open >= STREAMS_PER_PERSON {
            return None;
        }
        *open += 1;
        Some(StreamSlot {
            user,
            streams: self.streams.clone(),
        })
    }

    /// The channel that carries `T`, made the first time it is asked for.
    pub fn channel<T: Send + Sync + 'static>(&self) -> Channel<T> {
        let mut channels = self.channels.lock().expect("live channels lock");
        channels
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(Channel::<T>(broadcast::channel(BACKLOG).0)))
            .downcast_ref::<Channel<T>>()
            .expect("a channel is stored under its own message type")
            .clone()
    }
}

/// Announcements of one kind.
pub struct Channel<T>(broadcast::Sender<Arc<T>>);

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Self {
        Channel(self.0.clone())
    }
}

impl<T> Channel<T> {
    /// Tells everyone listening; no one listening is not an error.
    pub fn announce(&self, message: T) {
        let _ = self.0.send(Arc::new(message));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<T>> {
        self.0.subscribe()
    }
}
