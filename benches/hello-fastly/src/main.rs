//! Hello, world on Fastly Compute: a fresh instance answers every request with five bytes. What
//! Tailor's routes cost beyond this is what Tailor itself costs (`make bench`).

fn main() {
    fastly::Response::from_body("hello")
        .with_header("content-type", "text/plain")
        .send_to_client();
}
