//! The grid's save queue, apart from the page: judgements typed wait here
//! until saved, one save at a time, each cell's newest change winning, and
//! the rule for what happens when a save fails.

use std::{
    collections::{BTreeSet, HashMap},
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

/// Changes waiting to be saved. Each unsaved cell's newest change has a
/// number, so an answer about an older change never marks a newer one saved.
#[derive(Debug, Default)]
pub struct SaveQueue {
    next: u64,
    latest: HashMap<usize, u64>,
    waiting: BTreeSet<usize>,
    in_flight: bool,
    failures: u32,
}

/// The cells one save carries, each with its change number.
pub type Batch = Vec<(usize, u64)>;

impl SaveQueue {
    /// Cell `i` changed: it waits for the next save.
    pub fn changed(&mut self, i: usize) {
        self.next += 1;
        self.latest.insert(i, self.next);
        self.waiting.insert(i);
    }

    /// The next save's cells (at most `most`), unless one is already on
    /// its way or nothing waits.
    pub fn take(&mut self, most: usize) -> Option<Batch> {
        if self.in_flight || self.waiting.is_empty() {
            return None;
        }
        self.in_flight = true;
        let take: Vec<usize> = self.waiting.iter().copied().take(most).collect();
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
    pub fn settle(&mut self, batch: &Batch, outcome: Outcome) -> Vec<(usize, bool)> {
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

    /// Whether cell `i` has a change of its own still to be saved.
    pub fn is_unsaved(&self, i: usize) -> bool {
        self.latest.contains_key(&i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_save_at_a_time_and_changes_meanwhile_go_next() {
        let mut queue = SaveQueue::default();
        queue.changed(3);
        queue.changed(5);
        let first = queue.take(100).unwrap();
        assert_eq!(first.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [3, 5]);
        queue.changed(7);
        assert_eq!(queue.take(100), None, "one save at a time");
        assert_eq!(queue.settle(&first, Outcome::Saved), [(3, true), (5, true)]);
        assert_eq!(queue.unsaved(), 1);
        let second = queue.take(100).unwrap();
        assert_eq!(second.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn an_answer_about_an_older_change_leaves_the_newer_one_unsaved() {
        let mut queue = SaveQueue::default();
        queue.changed(3);
        let batch = queue.take(100).unwrap();
        queue.changed(3);
        assert_eq!(queue.settle(&batch, Outcome::Saved), []);
        assert!(queue.is_unsaved(3));
        assert_eq!(queue.take(100).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_save_is_tried_again_later_and_later() {
        let mut queue = SaveQueue::default();
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
        let mut queue = SaveQueue::default();
        queue.changed(1);
        let batch = queue.take(100).unwrap();
        assert_eq!(queue.settle(&batch, Outcome::Refused), [(1, false)]);
        assert_eq!(queue.unsaved(), 0);
        assert_eq!(queue.take(100), None);
    }

    #[test]
    fn a_save_carries_at_most_so_many() {
        let mut queue = SaveQueue::default();
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
