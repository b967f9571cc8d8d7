//! `POST /admin/purge`: purges cached objects by surrogate key (`image:<path>`,
//! `segment:<id>`, `list:<version>`, `images`, `banners`, `config`), for operators holding the
//! admin token from the secret store (`admin-token`), sent as `Authorization: Bearer <token>`.

use super::respond;
use crate::error::AppError;
use http::header::{AUTHORIZATION, CACHE_CONTROL};
use http::{Request, Response};
use serde::Deserialize;
use tailor_core::cache_key::purge_key;
use tailor_platform::{Platform, PlatformError};

/// The secret holding the admin token.
pub(super) const TOKEN_SECRET: &str = "admin-token";
/// Shorter tokens are guessable: purging stays off until the secret is long enough.
const MIN_TOKEN_BYTES: usize = 16;
const MAX_KEYS: usize = 32;
/// The longest key a purge may name: an `image:` tag of the longest path a config allows.
const MAX_GIVEN_KEY_BYTES: usize = 16 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PurgeRequest {
    surrogate_keys: Vec<String>,
}

pub(super) async fn purge<P: Platform>(
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

/// Why a purge request was refused: logged for the operator, never sent. Every refusal
/// answers the same 403, so a caller learns neither whether purging is configured nor how
/// close a guess came.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    NotConfigured,
    NoBearerToken,
    WrongToken,
}

async fn authorize<P: Platform>(request: &Request<Vec<u8>>, platform: &P) -> Result<(), AppError> {
    let expected = platform
        .secret(TOKEN_SECRET)
        .await
        .ok()
        .flatten()
        .filter(|t| t.len() >= MIN_TOKEN_BYTES);
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    // Compared even when purging is off, so the answer takes as long either way.
    let matches = tailor_core::constant_time::eq(
        expected.as_deref().unwrap_or_default(),
        given.unwrap_or_default().as_bytes(),
    );
    let refusal = match (&expected, given) {
        (None, _) => Refusal::NotConfigured,
        (_, None) => Refusal::NoBearerToken,
        _ if !matches => Refusal::WrongToken,
        _ => return Ok(()),
    };
    let line = serde_json::json!({"level": "warn", "event": "purge_refused", "reason": format!("{refusal:?}")});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
    Err(AppError::Forbidden(
        "purging needs Authorization: Bearer <admin token>".into(),
    ))
}

/// The token of an `Authorization: Bearer <token>` value. The scheme is case-insensitive
/// (RFC 9110 §11.1) and may be followed by any run of spaces or tabs.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once([' ', '\t'])?;
    let token = token.trim_matches([' ', '\t']);
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_GIVEN_KEY_BYTES && key.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR \t abc "] {
            assert_eq!(bearer_token(header), Some("abc"), "{header:?}");
        }
        for header in [
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearerabc",
            "Token abc",
            "",
        ] {
            assert_eq!(bearer_token(header), None, "{header:?}");
        }
    }
}
