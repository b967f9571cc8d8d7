//! The Fastly Compute entry point: convert, run the shared handler, convert back.

use tailor::platform::{block_on, fastly as adapter};

fn main() {
    let (request, host) = adapter::from_client(fastly::Request::from_client());
    let response = block_on(tailor::handle(request, &host)).unwrap_or_else(|not_ready| {
        tailor::AppError::Internal(not_ready.to_string()).into_response()
    });
    adapter::to_client(response).send_to_client();
}
