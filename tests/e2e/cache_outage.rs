//! A platform cache that does not answer: the Worker gives each Cache API call up after
//! `cache_timeout_ms` (here 0, which gives every call up before it starts: workerd may answer
//! its in-process cache before any timer fires, so no shorter wait is certain to lose), and
//! images are still made and served, each request a miss, each lookup logged as a warning.
//! The wait itself is the same race against a timer as the origin's first-byte timeout, which
//! the origin-fault case exercises. Fastly's cache is the host's own and answers in process:
//! that half of the case has nothing to bound.

use super::{check, expect_status};
use crate::support::client::{get, DEBUG};
use crate::support::experiments::logged;
use crate::support::viceroy::{Harness, Runtime};
use libtest_mimic::Failed;

pub(crate) fn a_cache_that_does_not_answer_is_given_up(h: &Harness) -> Result<(), Failed> {
    if h.runtime == Runtime::Viceroy {
        return Ok(());
    }
    let harness = Harness::workerd_with_vars(&[], &[("cache_timeout_ms", "0".to_owned())]);
    let url = harness.url("/img/preview/photos/harbour.jpg");
    for round in ["first", "second"] {
        let got = get(&url, &[DEBUG]);
        expect_status(&got, 200)?;
        image::load_from_memory(&got.body)?;
        // Never a hit: the lookup was given up, and so was the write.
        let source = got.header("x-tailor-source").unwrap_or("").to_owned();
        check(source == "origin", || {
            format!("{round} request: {:?}", got.headers)
        })?;
    }
    let given_up = logged(&harness, "cache_lookup_failed", |l| l.len() >= 2);
    check(given_up.len() >= 2, || harness.log())?;
    let detail = given_up[0]["detail"].as_str().unwrap_or("").to_owned();
    check(
        detail.contains("did not answer the lookup within 0 ms"),
        || detail,
    )
}
