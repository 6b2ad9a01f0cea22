//! Which steps may start: each step's count of what it still waits for, the
//! ready ones in a queue by priority (the heaviest chain first, then plan
//! order), and a failure's dependents skipped in one pass — so the walk does
//! work in proportion to the edges, not the steps times the events.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
}

#[derive(Debug)]
pub(super) struct Frontier {
    dependents: Vec<Vec<usize>>,
    waiting: Vec<usize>,
    status: Vec<Status>,
    priority: Vec<u32>,
    ready: BinaryHeap<(u32, Reverse<usize>)>,
    /// Ready, but naming the account, which is not known yet.
    held: Vec<usize>,
    needs_account: Vec<bool>,
    account_known: bool,
}

impl Frontier {
    /// `waits_for[i]`: the steps step `i` waits for.
    pub(super) fn new(
        waits_for: &[Vec<usize>],
        priority: Vec<u32>,
        needs_account: Vec<bool>,
        account_known: bool,
    ) -> Frontier {
        let mut dependents = vec![Vec::new(); waits_for.len()];
        for (step, waits) in waits_for.iter().enumerate() {
            for &wait in waits {
                dependents[wait].push(step);
            }
        }
        let mut frontier = Frontier {
            dependents,
            waiting: waits_for.iter().map(Vec::len).collect(),
            status: vec![Status::Pending; waits_for.len()],
            priority,
            ready: BinaryHeap::new(),
            held: Vec::new(),
            needs_account,
            account_known,
        };
        for step in 0..waits_for.len() {
            if frontier.waiting[step] == 0 {
                frontier.make_ready(step);
            }
        }
        frontier
    }

    fn make_ready(&mut self, step: usize) {
        if self.needs_account[step] && !self.account_known {
            self.held.push(step);
        } else {
            self.ready.push((self.priority[step], Reverse(step)));
        }
    }

    /// The ready step to start next, marked running.
    pub(super) fn next(&mut self) -> Option<usize> {
        while let Some((_, Reverse(step))) = self.ready.pop() {
            if self.status[step] == Status::Pending {
                self.status[step] = Status::Running;
                return Some(step);
            }
        }
        None
    }

    pub(super) fn done(&mut self, step: usize) {
        self.status[step] = Status::Done;
        for index in 0..self.dependents[step].len() {
            let dependent = self.dependents[step][index];
            self.waiting[dependent] -= 1;
            if self.waiting[dependent] == 0 && self.status[dependent] == Status::Pending {
                self.make_ready(dependent);
            }
        }
    }

    /// Marks `step` failed and skips everything that waits on it, directly or
    /// not; returns each skipped step with the step it waited on.
    pub(super) fn failed(&mut self, step: usize) -> Vec<(usize, usize)> {
        self.status[step] = Status::Failed;
        let mut skipped = Vec::new();
        let mut queue = VecDeque::from([step]);
        while let Some(blocker) = queue.pop_front() {
            for &dependent in &self.dependents[blocker] {
                if self.status[dependent] == Status::Pending {
                    self.status[dependent] = Status::Skipped;
                    skipped.push((dependent, blocker));
                    queue.push_back(dependent);
                }
            }
        }
        skipped
    }

    /// The account is known: what waited for it is ready.
    pub(super) fn account_known(&mut self) {
        self.account_known = true;
        for step in std::mem::take(&mut self.held) {
            self.ready.push((self.priority[step], Reverse(step)));
        }
    }

    /// Steps never started.
    pub(super) fn pending(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.status.len()).filter(|&step| self.status[step] == Status::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_start_heaviest_first_once_what_they_wait_for_is_done() {
        // 0 → 1, 0 → 2; 3 alone and the heaviest.
        let waits = vec![vec![], vec![0], vec![0], vec![]];
        let mut frontier = Frontier::new(&waits, vec![2, 1, 1, 5], vec![false; 4], true);
        assert_eq!(frontier.next(), Some(3));
        assert_eq!(frontier.next(), Some(0));
        assert_eq!(frontier.next(), None, "1 and 2 wait for 0");
        frontier.done(0);
        assert_eq!(frontier.next(), Some(1), "ties go in plan order");
        assert_eq!(frontier.next(), Some(2));
    }

    #[test]
    fn a_failure_skips_its_dependents_and_theirs() {
        let waits = vec![vec![], vec![0], vec![1], vec![]];
        let mut frontier = Frontier::new(&waits, vec![1; 4], vec![false; 4], true);
        let first = frontier.next().expect("a step");
        assert_eq!(first, 0);
        assert_eq!(frontier.failed(0), vec![(1, 0), (2, 1)]);
        assert_eq!(frontier.next(), Some(3));
        assert_eq!(frontier.pending().count(), 0);
    }

    #[test]
    fn steps_naming_the_account_wait_for_it() {
        let waits = vec![vec![], vec![]];
        let mut frontier = Frontier::new(&waits, vec![1, 9], vec![false, true], false);
        assert_eq!(frontier.next(), Some(0));
        assert_eq!(frontier.next(), None);
        frontier.account_known();
        assert_eq!(frontier.next(), Some(1));
    }
}
