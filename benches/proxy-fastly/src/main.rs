//! The smallest Fastly Compute program that fetches from a backend: a fresh instance passes
//! the client's path to the `origin` backend and streams the answer back, or under `/whole/`
//! reads it whole first and sends it with its length. What a Tailor page costs beyond this is
//! what Tailor itself adds to an origin's page (`make bench`). Both, because Viceroy's own
//! streamed pass-through stalls about 40 ms a response on some runs' kept-alive connections.

fn main() {
    let path = fastly::Request::from_client().get_path().to_owned();
    let (whole, path) = match path.strip_prefix("/whole/") {
        Some(rest) => (true, format!("/{rest}")),
        None => (false, path),
    };
    // The host is the backend's; the URL only carries the path.
    match fastly::Request::get(format!("http://origin{path}")).send("origin") {
        Ok(mut response) if whole => {
            let body = response.take_body_bytes();
            response.with_body(body).send_to_client()
        }
        Ok(response) => response.send_to_client(),
        Err(e) => fastly::Response::from_status(502)
            .with_body(e.to_string())
            .send_to_client(),
    }
}
