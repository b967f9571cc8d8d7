//! Cached variants sent to the client as the platform cache holds them: a large one never
//! passes through the instance's memory, and the response is the same as one read whole.

use super::{check, expect_status};
use crate::support::client::{get, request, Got, DEBUG};
use crate::support::viceroy::{Harness, Runtime};
use libtest_mimic::Failed;

fn source(got: &Got) -> Option<&str> {
    got.header("x-tailor-source")
}

pub(crate) fn a_large_cached_variant_goes_to_the_client_unread(h: &Harness) -> Result<(), Failed> {
    let full = h.url("/img/full/photos/unread.jpg");
    let made = get(&full, &[DEBUG]);
    expect_status(&made, 200)?;
    let bytes = made.body.len();
    // Well past the size from which Fastly's adapter leaves a cached body unread (16 KB).
    check(bytes > 64 * 1024, || {
        format!("the variant is {bytes} bytes")
    })?;
    let hit = get(&full, &[DEBUG]);
    expect_status(&hit, 200)?;
    check(source(&hit) == Some("cache"), || {
        format!("{:?}", hit.headers)
    })?;
    check(hit.body == made.body, || "the cached bytes differ".into())?;
    // Framed by its stored length, not chunked.
    let length = hit.header("content-length").map(str::to_owned);
    check(length == Some(bytes.to_string()), || {
        format!("{:?}", hit.headers)
    })?;
    check(hit.header("transfer-encoding").is_none(), || {
        format!("{:?}", hit.headers)
    })?;
    if h.runtime == Runtime::Viceroy {
        // Each request is a fresh instance: the hit's peak memory is what it held. A hit of
        // the same picture's thumbnail (a few KB, read) is the reference.
        let thumbnail = h.url("/img/thumbnail/photos/unread.jpg");
        expect_status(&get(&thumbnail, &[DEBUG]), 200)?;
        let small = get(&thumbnail, &[DEBUG]);
        check(source(&small) == Some("cache"), || {
            format!("{:?}", small.headers)
        })?;
        let (large_peak, small_peak) = (hit.memory_peak(), small.memory_peak());
        check(
            large_peak
                .zip(small_peak)
                .is_some_and(|(large, small)| large < small + (bytes as u64) / 2),
            || format!("peak {large_peak:?} for the large hit, {small_peak:?} for the small"),
        )?;
    }
    // HEAD and a revalidation answer from the stored headers, with no body.
    let head = request("HEAD", &full, &[]);
    expect_status(&head, 200)?;
    check(head.body.is_empty(), || "HEAD has a body".into())?;
    let etag = hit.header("etag").unwrap_or_default();
    let revalidated = get(&full, &[("If-None-Match", etag)]);
    expect_status(&revalidated, 304)?;
    check(revalidated.body.is_empty(), || {
        format!("{:?}", revalidated.headers)
    })
}
