//! The smallest Fastly Compute program that fetches from a backend: a fresh instance passes
//! the client's path to the `origin` backend and streams the answer back. What a Tailor page
//! costs beyond this is what Tailor itself adds to an origin's page (`make bench`).

fn main() {
    let path = fastly::Request::from_client().get_path().to_owned();
    // The host is the backend's; the URL only carries the path.
    match fastly::Request::get(format!("http://origin{path}")).send("origin") {
        Ok(response) => response.send_to_client(),
        Err(e) => fastly::Response::from_status(502)
            .with_body(e.to_string())
            .send_to_client(),
    }
}
