//! A minimal executor for hosts whose every operation is blocking: each future is expected to
//! complete on its first poll.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The future did not complete on its first poll: some host call was not actually blocking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a host future was not ready on first poll")]
pub struct NotReady;

/// Polls `future` once. A pending future is a programming error in an adapter; it is reported
/// rather than spun on, so a blocking host cannot hang on it.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, NotReady> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => Err(NotReady),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_futures_complete() {
        async fn add(a: u32, b: u32) -> u32 {
            a + b
        }
        assert_eq!(
            block_on(async { add(1, 2).await + add(3, 4).await }),
            Ok(10)
        );
    }

    #[test]
    fn pending_futures_are_reported_not_spun() {
        assert_eq!(block_on(std::future::pending::<()>()), Err(NotReady));
    }
}
