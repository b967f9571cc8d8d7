//! The request-level error type and its single mapping to an HTTP status and JSON body.

use http::StatusCode;
use serde::Serialize;

/// Everything that can end a request early, grouped by whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    // The client's fault.
    /// 400: a malformed or refused parameter, path or body.
    #[error("{0}")]
    BadRequest(String),
    /// 403: a bad signature or admin token, a cross-site beacon, or a path outside the prefixes.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such route or variant, or the origin has no such image.
    #[error("{0}")]
    NotFound(String),
    /// 405: a method the route does not take.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 413: an original, image or body over its limit.
    #[error("{0}")]
    TooLarge(String),
    /// 415: an image format or feature Tailor does not handle.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// 422: an image that is malformed or truncated.
    #[error("{0}")]
    Undecodable(String),
    // The origin's fault.
    /// 502: the origin answered with an error or could not be reached (or a purge was refused).
    #[error("{0}")]
    OriginFailed(String),
    /// 504: the origin did not answer in time.
    #[error("{0}")]
    OriginTimeout(String),
    // The host cannot do it (e.g. purge by tag from a Cloudflare Worker).
    /// 501: the host does not support the operation.
    #[error("{0}")]
    NotImplemented(String),
    // The operator's fault: the deployed configuration is unusable.
    /// 500 `invalid_config`: the config, its settings or a template failed; logged.
    #[error("{0}")]
    Config(String),
    // Ours or the host's. The detail is logged, never sent.
    /// 500 `internal`: a fault of Tailor or the host.
    #[error("{0}")]
    Internal(String),
}

// The domain errors whose meaning does not depend on where they arise convert with `?`; the
// message is kept as the detail. Errors that mean different things in different places (a
// `PlatformError` from the origin or from KV) are mapped where they happen.

impl From<tailor_image::ImageError> for AppError {
    fn from(error: tailor_image::ImageError) -> Self {
        use tailor_image::ImageError;
        match error {
            ImageError::TooLarge(m) => Self::TooLarge(m),
            ImageError::Unsupported(m) => Self::UnsupportedMedia(m),
            ImageError::Undecodable(m) => Self::Undecodable(m),
            ImageError::Internal(m) => Self::Internal(m),
        }
    }
}

/// Bad image parameters (`format`, `dpr`, `w`, `fit`, ...) are the client's.
impl From<tailor_image::ParamError> for AppError {
    fn from(error: tailor_image::ParamError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

/// An image path that is not a plain relative path is the client's.
impl From<tailor_core::image_path::ImagePathError> for AppError {
    fn from(error: tailor_core::image_path::ImagePathError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

/// A beacon body too large or malformed is the client's.
impl From<tailor_core::events::EventError> for AppError {
    fn from(error: tailor_core::events::EventError) -> Self {
        use tailor_core::events::EventError;
        match error {
            EventError::TooLarge { .. } => Self::TooLarge(error.to_string()),
            EventError::Invalid(_) => Self::BadRequest(error.to_string()),
        }
    }
}

/// A config that does not validate is the operator's.
impl From<tailor_config::ConfigError> for AppError {
    fn from(error: tailor_config::ConfigError) -> Self {
        Self::Config(error.to_string())
    }
}

/// A banner template that fails to render is the operator's: the templates come with the config.
impl From<tailor_core::banner::RenderError> for AppError {
    fn from(error: tailor_core::banner::RenderError) -> Self {
        Self::Config(error.to_string())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    detail: &'a str,
}

impl AppError {
    /// The status code and the short machine-readable kind sent to the client.
    pub fn status_and_kind(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::UnsupportedMedia(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_format"),
            Self::Undecodable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "undecodable_image"),
            Self::OriginFailed(_) => (StatusCode::BAD_GATEWAY, "origin_failed"),
            Self::OriginTimeout(_) => (StatusCode::GATEWAY_TIMEOUT, "origin_timeout"),
            Self::NotImplemented(_) => (StatusCode::NOT_IMPLEMENTED, "not_implemented"),
            Self::Config(_) => (StatusCode::INTERNAL_SERVER_ERROR, "invalid_config"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The human sentence for the client. Internal failures stay vague on purpose.
    pub fn public_detail(&self) -> String {
        match self {
            Self::Internal(_) => "something went wrong inside Tailor; it has been logged".into(),
            other => other.to_string(),
        }
    }

    /// The JSON error response: `{"error": kind, "detail": sentence}`, cacheable only briefly.
    pub fn into_response(self) -> http::Response<Vec<u8>> {
        let (status, kind) = self.status_and_kind();
        let detail = self.public_detail();
        let body = serde_json::to_vec(&ErrorBody {
            error: kind,
            detail: &detail,
        })
        .unwrap_or_else(|_| br#"{"error":"internal","detail":"error body failed"}"#.to_vec());
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        // A bad request today may be a good one after a deploy: never cache errors for long.
        let cache = if status.is_server_error() {
            "no-store"
        } else {
            "public, max-age=10"
        };
        headers.insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static(cache),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_precise_statuses_and_json() {
        let response = AppError::NotFound("unknown variant 'huge'".into()).into_response();
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["error"], "not_found");
        assert_eq!(body["detail"], "unknown variant 'huge'");
    }

    #[test]
    fn internal_details_do_not_leak() {
        let response = AppError::Internal("kv handle 7 poisoned".into()).into_response();
        assert_eq!(response.status(), 500);
        assert!(!String::from_utf8_lossy(response.body()).contains("poisoned"));
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
}
