//! `POST /admin/purge`: purges cached objects by surrogate key (`image:<path>`,
//! `segment:<id>`, `list:<version>`, `images`, `banners`), for operators holding the admin
//! token from the secret store (`admin-token`), sent as `Authorization: Bearer <token>`.

use super::respond;
use crate::cache_key::purge_key;
use crate::error::AppError;
use crate::platform::{Platform, PlatformError};
use http::header::{AUTHORIZATION, CACHE_CONTROL};
use http::{Request, Response};
use serde::Deserialize;

/// The secret holding the admin token.
pub const TOKEN_SECRET: &str = "admin-token";
const MAX_KEYS: usize = 32;
/// The longest key a purge may name: an `image:` tag of the longest path a config allows.
const MAX_GIVEN_KEY_BYTES: usize = 16 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PurgeRequest {
    surrogate_keys: Vec<String>,
}

pub async fn purge<P: Platform>(
    request: &Request<Vec<u8>>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    authorize(request, platform).await?;
    let body: PurgeRequest = serde_json::from_slice(request.body()).map_err(|e| {
        AppError::BadRequest(format!(
            "expected {{\"surrogate_keys\": [\"image:photos/a.jpg\", ...]}}: {e}"
        ))
    })?;
    if body.surrogate_keys.is_empty() || body.surrogate_keys.len() > MAX_KEYS {
        return Err(AppError::BadRequest(format!(
            "send 1 to {MAX_KEYS} surrogate keys"
        )));
    }
    if let Some(bad) = body.surrogate_keys.iter().find(|k| !valid_key(k)) {
        return Err(AppError::BadRequest(format!(
            "'{}' is not a surrogate key (printable ASCII without spaces, up to {MAX_GIVEN_KEY_BYTES} bytes)",
            bad.chars().take(64).collect::<String>()
        )));
    }
    // Spelled as objects are tagged: a tag too long for the platform is purged by its hash.
    let keys: Vec<String> = body.surrogate_keys.iter().map(|k| purge_key(k)).collect();
    for key in &keys {
        platform.purge(key).await.map_err(|e| match e {
            PlatformError::Unsupported(why) => AppError::NotImplemented(format!(
                "purge by surrogate key is not available on this platform: {why}"
            )),
            other => {
                AppError::OriginFailed(format!("the platform refused to purge '{key}': {other}"))
            }
        })?;
    }
    let line = serde_json::json!({"event": "purge", "surrogate_keys": keys});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
    let answer = serde_json::json!({"purged": body.surrogate_keys});
    let mut response = respond::with_body(answer.to_string().into_bytes(), "application/json");
    respond::set(&mut response, CACHE_CONTROL, "no-store");
    Ok(response)
}

async fn authorize<P: Platform>(request: &Request<Vec<u8>>, platform: &P) -> Result<(), AppError> {
    let expected = platform
        .secret(TOKEN_SECRET)
        .await
        .ok()
        .flatten()
        .filter(|t| t.len() >= 16)
        .ok_or_else(|| {
            AppError::Forbidden(format!(
                "purging is not configured: put a token of 16+ bytes in the secret '{TOKEN_SECRET}'"
            ))
        })?;
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| AppError::Forbidden("send Authorization: Bearer <admin token>".into()))?;
    if crate::constant_time::eq(given.trim().as_bytes(), &expected) {
        Ok(())
    } else {
        Err(AppError::Forbidden("the admin token is wrong".into()))
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_GIVEN_KEY_BYTES && key.bytes().all(|b| b.is_ascii_graphic())
}
