//! The one autosave queue: what someone typed waits here until saved, one
//! save at a time, each item's newest change winning, with one rule for a
//! save that fails. The markbook grid queues cells; the comment writer
//! queues reports.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use crate::error::AppError;

/// How a save ended, for the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Saved,
    /// The server refused it (a pupil who left the group, a retired
    /// criterion): trying again would be refused again, and would take
    /// everything typed since down with it. Those cells are given up.
    Refused,
    /// Offline, signed out or a server error: tried again, later and later.
    Failed,
}

impl Outcome {
    pub fn of<T>(answer: &Result<T, AppError>) -> Outcome {
        match answer {
            Ok(_) => Outcome::Saved,
            Err(AppError::Offline | AppError::Unexpected | AppError::SignedOut) => Outcome::Failed,
            Err(_) => Outcome::Refused,
        }
    }
}

/// Changes waiting to be saved, by item (a grid cell, a report). Each
/// unsaved item's newest change has a number, so an answer about an older
/// change never marks a newer one saved.
#[derive(Debug)]
pub struct SaveQueue<K = usize> {
    next: u64,
    latest: BTreeMap<K, u64>,
    waiting: BTreeSet<K>,
    in_flight: bool,
    failures: u32,
}

impl<K> Default for SaveQueue<K> {
    fn default() -> Self {
        SaveQueue {
            next: 0,
            latest: BTreeMap::new(),
            waiting: BTreeSet::new(),
            in_flight: false,
            failures: 0,
        }
    }
}

/// The items one save carries, each with its change number.
pub type Batch<K = usize> = Vec<(K, u64)>;

impl<K: Ord + Copy> SaveQueue<K> {
    /// Item `i` changed: it waits for the next save.
    pub fn changed(&mut self, i: K) {
        self.next += 1;
        self.latest.insert(i, self.next);
        self.waiting.insert(i);
    }

    /// The next save's cells (at most `most`), unless one is already on
    /// its way or nothing waits.
    pub fn take(&mut self, most: usize) -> Option<Batch<K>> {
        if self.in_flight || self.waiting.is_empty() {
            return None;
        }
        self.in_flight = true;
        let take: Vec<K> = self.waiting.iter().copied().take(most).collect();
        for i in &take {
            self.waiting.remove(i);
        }
        Some(
            take.into_iter()
                .map(|i| (i, self.latest.get(&i).copied().unwrap_or_default()))
                .collect(),
        )
    }

    /// The save of `batch` ended: answers the cells whose state it settles
    /// (those not changed again meanwhile), and whether each is now saved.
    /// A failed save puts its cells back to be sent again.
    pub fn settle(&mut self, batch: &Batch<K>, outcome: Outcome) -> Vec<(K, bool)> {
        self.in_flight = false;
        let mut settled = Vec::new();
        for (i, number) in batch {
            if self.latest.get(i) != Some(number) {
                continue;
            }
            match outcome {
                Outcome::Saved => {
                    self.latest.remove(i);
                }
                Outcome::Refused => {
                    self.latest.remove(i);
                }
                Outcome::Failed => {
                    self.waiting.insert(*i);
                }
            }
            settled.push((*i, outcome == Outcome::Saved));
        }
        self.failures = match outcome {
            Outcome::Saved => 0,
            _ => self.failures + 1,
        };
        settled
    }

    /// How long to wait before trying again after failures in a row: 2, 4,
    /// 8 … seconds, at most 32.
    pub fn retry_after(&self) -> Duration {
        Duration::from_secs(1 << self.failures.min(5))
    }

    /// Changes not saved yet.
    pub fn unsaved(&self) -> usize {
        self.latest.len()
    }

    /// Whether item `i` has a change of its own still to be saved.
    pub fn is_unsaved(&self, i: K) -> bool {
        self.latest.contains_key(&i)
    }

    /// Whether a save is on its way now.
    pub fn sending(&self) -> bool {
        self.in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_save_at_a_time_and_changes_meanwhile_go_next() {
        let mut queue = SaveQueue::<usize>::default();
        queue.changed(3);
        queue.changed(5);
        let first = queue.take(100).unwrap();
        assert_eq!(first.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [3, 5]);
        queue.changed(7);
        assert!(queue.sending());
        assert_eq!(queue.take(100), None, "one save at a time");
        assert_eq!(queue.settle(&first, Outcome::Saved), [(3, true), (5, true)]);
        assert_eq!(queue.unsaved(), 1);
        let second = queue.take(100).unwrap();
        assert_eq!(second.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn an_answer_about_an_older_change_leaves_the_newer_one_unsaved() {
        let mut queue = SaveQueue::<usize>::default();
        queue.changed(3);
        let batch = queue.take(100).unwrap();
        queue.changed(3);
        assert_eq!(queue.settle(&batch, Outcome::Saved), []);
        assert!(queue.is_unsaved(3));
        assert_eq!(queue.take(100).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_save_is_tried_again_later_and_later() {
        let mut queue = SaveQueue::<usize>::default();
        queue.changed(1);
        for seconds in [2, 4, 8, 16, 32, 32] {
            let batch = queue.take(100).unwrap();
            assert_eq!(queue.settle(&batch, Outcome::Failed), [(1, false)]);
            assert_eq!(queue.retry_after(), Duration::from_secs(seconds));
        }
        let batch = queue.take(100).unwrap();
        queue.settle(&batch, Outcome::Saved);
        assert_eq!(queue.retry_after(), Duration::from_secs(1));
        assert_eq!(queue.unsaved(), 0);
    }

    #[test]
    fn a_refused_save_gives_its_cells_up() {
        let mut queue = SaveQueue::<usize>::default();
        queue.changed(1);
        let batch = queue.take(100).unwrap();
        assert_eq!(queue.settle(&batch, Outcome::Refused), [(1, false)]);
        assert_eq!(queue.unsaved(), 0);
        assert_eq!(queue.take(100), None);
    }

    #[test]
    fn a_save_carries_at_most_so_many() {
        let mut queue = SaveQueue::<usize>::default();
        for i in 0..5 {
            queue.changed(i);
        }
        assert_eq!(queue.take(2).unwrap().len(), 2);
    }

    #[test]
    fn answers_are_sorted_into_outcomes() {
        assert_eq!(Outcome::of(&Ok::<(), AppError>(())), Outcome::Saved);
        assert_eq!(Outcome::of::<()>(&Err(AppError::Offline)), Outcome::Failed);
        assert_eq!(
            Outcome::of::<()>(&Err(AppError::SignedOut)),
            Outcome::Failed
        );
        assert_eq!(
            Outcome::of::<()>(&Err(AppError::NotFound)),
            Outcome::Refused
        );
    }
}
