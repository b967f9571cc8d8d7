//! The Fastly Compute entry point: convert, run the shared handler, convert back; a streamed
//! page goes out through `stream_to_client` as the origin delivers it, a cached body as the
//! host holds it; the handler's log lines are written once the response has left.

mod body;
mod client;
mod fresh_heap;
mod geo;
mod host;
mod host_bytes;
mod metadata;

use host::FastlyHost;
use std::io::Write;
use tailor::app::{pump, Outgoing, PageError};
use tailor::Bundle;
use tailor_platform::{block_on, Platform};

/// The demo deployment's compiled-in files.
const BUNDLE: Bundle = Bundle {
    config_json: tailor_demo::CONFIG_JSON,
    default_list_json: tailor_demo::DEFAULT_LIST_JSON,
    demo_page: tailor_demo::PAGE_TEMPLATE,
    model: Some(tailor_demo::MODEL),
};

/// Run once when the wasm is pre-initialized at build time (`make build` runs Wizer, which calls
/// this export and snapshots the instance's memory): the bundled config is parsed and its
/// templates compiled in the snapshot, so no request pays for them. A wasm built without that
/// step never calls it and parses per request as before.
// Unsafe only in that an exported symbol could clash with another of the same name; this
// name is Wizer's own and nothing else in the wasm exports it.
#[allow(unsafe_code)]
#[unsafe(export_name = "wizer.initialize")]
pub extern "C" fn initialize() {
    // The C library's thread record (its locale, among others), which the C library's `_start`
    // sets up: the snapshot's entry point is `resume`, which does not.
    // SAFETY: the C library's own start-up call, with no arguments, made once.
    unsafe { __wasi_init_tp() };
    // An invalid bundle is left for the requests to report, as they would without this.
    let _ = tailor::prepare(&BUNDLE);
    // Last: what the requests allocate from now on stays out of the snapshot's pages.
    fresh_heap::freeze();
}

#[allow(unsafe_code)]
unsafe extern "C" {
    fn __wasi_init_tp();
}

/// The pre-initialized wasm's entry point (Wizer renames it `_start`): the request, without
/// the C library's start-up, which the snapshot has done already and which would write to its
/// pages in every instance (a run-once flag, the thread record, the arguments' allocation),
/// each such write a copied page and an interrupt to every other core that runs the host.
#[allow(unsafe_code)]
#[unsafe(export_name = "wizer.resume")]
pub extern "C" fn resume() {
    serve_client();
}

fn main() {
    serve_client();
}

fn serve_client() {
    let Some((request, client)) = client::request() else {
        return;
    };
    let host = FastlyHost::new(client);
    let response = match block_on(tailor::serve(request, &host, &BUNDLE)) {
        Ok(response) => response,
        Err(not_ready) => tailor::AppError::Internal(not_ready.to_string())
            .into_response()
            .map(Outgoing::Full),
    };
    let (parts, body) = response.into_parts();
    match body {
        Outgoing::Full(bytes) => {
            client::send(http::Response::from_parts(parts, bytes));
        }
        Outgoing::Unread(body) => client::send_unread(&parts, body.into_inner()),
        Outgoing::Page(page) => {
            let mut client = client::stream(&parts);
            // The page's head has left; what follows may take as long as the origin does.
            host.write_held_logs();
            let mut emit = |chunk: &[u8]| {
                let client_error = |e: std::io::Error| PageError::Client(e.to_string());
                client.write_all(chunk).map_err(client_error)?;
                // Each piece leaves now, not when a buffer fills: the visitor sees the page's
                // head while its tail is still on the way from the origin.
                client.flush().map_err(client_error)
            };
            match block_on(pump(*page, &host, &mut emit)) {
                // Ending cleanly says "complete"; dropping the body aborts it, so a client never
                // takes a truncated page for a whole one.
                Ok(Ok(())) => {
                    let _ = client.finish();
                }
                _ => drop(client),
            }
        }
    }
    // After the response: what the handler logged costs the visitor nothing.
    host.write_held_logs();
}
