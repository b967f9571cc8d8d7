//! A real HTTP origin on loopback serving the fixture content, for Viceroy's `origin` backend.

use super::fixtures::{origin_content, Reply};
use std::collections::HashMap;
use std::sync::Arc;

pub struct TestOrigin {
    server: Arc<tiny_http::Server>,
    pub port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestOrigin {
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind test origin"));
        let port = server.server_addr().to_ip().expect("ip address").port();
        let routes: HashMap<String, Reply> = origin_content().into_iter().collect();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let path = request.url().split('?').next().unwrap_or("").to_string();
                let reply = routes.get(path.as_str()).cloned().unwrap_or(Reply {
                    status: 404,
                    content_type: "text/plain",
                    body: b"not found".to_vec(),
                });
                let header =
                    tiny_http::Header::from_bytes("Content-Type", reply.content_type).unwrap();
                let response = tiny_http::Response::from_data(reply.body)
                    .with_status_code(reply.status)
                    .with_header(header);
                let _ = request.respond(response);
            }
        });
        Self {
            server,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for TestOrigin {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
