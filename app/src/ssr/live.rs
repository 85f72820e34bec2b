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

/// How far a listener may fall behind before it is told it missed some
/// (and reloads what it shows).
const BACKLOG: usize = 256;

/// Every channel, one per message type.
#[derive(Clone, Default)]
pub struct Live(Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>>);

impl Live {
    /// The channel that carries `T`, made the first time it is asked for.
    pub fn channel<T: Send + Sync + 'static>(&self) -> Channel<T> {
        let mut channels = self.0.lock().expect("live channels lock");
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
