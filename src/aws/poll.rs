//! Waiting for AWS to settle: a first look soon (the emulator and small
//! changes settle in well under a second), then less and less often, so a
//! replica that takes minutes is not asked about every quarter second.

use std::time::Duration;

const FIRST: Duration = Duration::from_millis(100);
const LONGEST: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub(super) struct Poll {
    next: Duration,
}

impl Poll {
    pub(super) fn new() -> Poll {
        Poll { next: FIRST }
    }

    /// Sleeps before the next look, each time half as long again, up to 5 s.
    pub(super) async fn wait(&mut self) {
        tokio::time::sleep(self.advance()).await;
    }

    fn advance(&mut self) -> Duration {
        let this = self.next;
        self.next = (self.next * 3 / 2).min(LONGEST);
        this
    }
}

#[cfg(test)]
mod tests {
    use super::Poll;
    use std::time::Duration;

    #[test]
    fn waits_grow_to_five_seconds() {
        let mut poll = Poll::new();
        let waits: Vec<Duration> = (0..12).map(|_| poll.advance()).collect();
        assert_eq!(waits[0], Duration::from_millis(100));
        assert_eq!(waits[1], Duration::from_millis(150));
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*waits.last().expect("waits"), Duration::from_secs(5));
    }
}
