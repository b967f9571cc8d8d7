//! Turns `/img/{variant}/{path}` plus its query into a transform job and its cache identity:
//! named variants from the config, free-form (`_`) ones from signed parameters.

use crate::error::AppError;
use tailor_config::{Config, Variant};
use tailor_image::{
    self as image, signature, ClientFormats, FormatRequest, FreeForm, Geometry, Job, OutputFormat,
    Qualities, VariantParams,
};
use tailor_platform::Platform;

/// What an image request is made from: the config, the query and the client's formats. Pure
/// data, so the same normalization serves the handler and the cache replay.
#[derive(Debug, Clone, Copy)]
pub struct ImageInputs<'c> {
    /// The config in force.
    pub config: &'c Config,
    /// The request's query as `(key, value)` pairs, in request order.
    pub query: &'c [(String, String)],
    /// The formats the client's `Accept` names, before the AVIF width limit.
    pub client: ClientFormats,
}

/// A validated image request.
#[derive(Debug)]
pub struct ImageRequest<'a> {
    /// The named variant, or `_` for a free-form transform.
    pub variant: &'a str,
    /// The origin image path, checked and within the configured prefixes.
    pub path: &'a str,
    /// What to make of the original.
    pub job: Job,
    /// The requested format, before negotiation.
    pub format: FormatRequest,
    /// The dpr bucket (1 to `images.max_dpr`); 1 for free-form, whose sizes include it.
    pub dpr: u32,
    /// What the request resolves to, for the cache key: the named variant's settings or the
    /// normalized free-form options.
    pub settings: String,
}

/// Parses and checks a request, including a free-form request's signature.
pub(super) async fn parse<'a, P: Platform>(
    ctx: &ImageInputs<'_>,
    rest: &'a str,
    platform: &P,
) -> Result<ImageRequest<'a>, AppError> {
    let request = normalize(ctx, rest)?;
    if request.variant == "_" && !ctx.config.images.allow_unsigned {
        verify_signature(ctx, request.path, platform).await?;
    }
    Ok(request)
}

/// Parses a request into its job and cache identity, without the signature check: the
/// function that decides the image cache key.
pub fn normalize<'a>(ctx: &ImageInputs<'_>, rest: &'a str) -> Result<ImageRequest<'a>, AppError> {
    let (variant, raw_path) = rest
        .split_once('/')
        .ok_or_else(|| AppError::NotFound("expected /img/{variant}/{path}".into()))?;
    let path = image::parse_image_path(raw_path, ctx.config.limits.max_path_bytes)?;
    let prefixes = &ctx.config.images.path_prefixes;
    if !prefixes.is_empty() && !prefixes.iter().any(|p| image::is_under(path, p)) {
        return Err(AppError::Forbidden(format!(
            "'{path}' is outside the configured image paths"
        )));
    }
    if variant == "_" {
        return free_form(ctx, path);
    }
    let named = ctx.config.variants.get(variant).ok_or_else(|| {
        let known: Vec<&str> = ctx.config.variants.keys().map(String::as_str).collect();
        AppError::NotFound(format!(
            "unknown variant '{variant}'; configured: {}, or _ for free-form",
            known.join(", ")
        ))
    })?;
    let mut params = VariantParams::parse(ctx.query)?;
    // Screens denser than the top dpr bucket get that bucket: fewer keys, same look.
    params.dpr = params.dpr.min(ctx.config.images.max_dpr);
    check_avif(ctx, params.format, named.width.saturating_mul(params.dpr))?;
    let job = named_job(ctx, named, params);
    Ok(ImageRequest {
        variant,
        path,
        job,
        format: params.format,
        dpr: params.dpr,
        settings: named.key_settings(),
    })
}

fn named_job(ctx: &ImageInputs<'_>, named: &Variant, params: VariantParams) -> Job {
    let width = named
        .width
        .saturating_mul(params.dpr)
        .min(ctx.config.limits.max_output_width);
    Job {
        geometry: Geometry::width(width),
        background: [255, 255, 255],
        quality: Some(Qualities {
            jpeg: named.jpeg_quality,
            webp: named.webp_quality,
        }),
        format: params.format,
        client: client_for(ctx, width),
        max_pixels: ctx.config.limits.max_input_pixels,
        max_output_side: ctx.config.limits.max_output_width,
    }
}

/// The client's formats for a request of this width: AVIF only counts up to
/// `images.avif_max_width`, since its encoding cost grows with the pixels.
fn client_for(ctx: &ImageInputs<'_>, width: u32) -> ClientFormats {
    let small = width <= ctx.config.images.avif_max_width;
    ClientFormats {
        avif: ctx.client.avif && small,
        ..ctx.client
    }
}

/// An explicit `format=avif` beyond the AVIF size limit is refused rather than served slowly.
fn check_avif(ctx: &ImageInputs<'_>, format: FormatRequest, width: u32) -> Result<(), AppError> {
    let max = ctx.config.images.avif_max_width;
    if format == FormatRequest::Fixed(OutputFormat::Avif) && width > max {
        let why = if max == 0 {
            "AVIF is turned off (images.avif_max_width is 0)".to_string()
        } else {
            format!("AVIF is limited to outputs up to {max} px (images.avif_max_width)")
        };
        return Err(AppError::BadRequest(format!("{why}; use webp or auto")));
    }
    Ok(())
}

/// The named variants smaller than the requested one, as jobs with the same format and dpr:
/// they come almost free from the same (already reduced) decode, so a miss can fill them too.
/// Larger siblings are left out: they would force a bigger decode onto this request.
pub(super) fn smaller_siblings<'c>(
    ctx: &ImageInputs<'c>,
    request: &ImageRequest<'_>,
) -> Vec<(&'c str, &'c Variant, Job)> {
    let Some(requested) = ctx.config.variants.get(request.variant) else {
        return Vec::new(); // free-form requests have no siblings
    };
    let params = VariantParams {
        format: request.format,
        dpr: request.dpr,
    };
    ctx.config
        .variants
        .iter()
        .filter(|(_, v)| v.width < requested.width)
        .map(|(name, v)| (name.as_str(), v, named_job(ctx, v, params)))
        .collect()
}

fn free_form<'a>(ctx: &ImageInputs<'_>, path: &'a str) -> Result<ImageRequest<'a>, AppError> {
    let limits = &ctx.config.limits;
    let params = FreeForm::parse(
        ctx.query,
        &ctx.config.images.width_ladder,
        limits.max_output_width,
        ctx.config.images.max_dpr,
    )?;
    // Without an explicit q, qualities adapt to the original's size (see `Qualities::adaptive`).
    let quality = params.quality.map(|q| Qualities { jpeg: q, webp: q });
    // The output is at most `w` wide; without `w` its width follows the image, up to the
    // output limit, so that is what AVIF's size limit is held to.
    let width = params.geometry.width.unwrap_or(limits.max_output_width);
    check_avif(ctx, params.format, width)?;
    let job = Job {
        geometry: params.geometry,
        background: params.background,
        quality,
        format: params.format,
        client: client_for(ctx, width),
        max_pixels: limits.max_input_pixels,
        max_output_side: limits.max_output_width,
    };
    Ok(ImageRequest {
        variant: "_",
        path,
        job,
        format: params.format,
        dpr: 1,
        settings: params.key_options(),
    })
}

/// Every bad signature gets this one answer — missing, repeated, malformed, naming an unknown
/// key or not matching — so a caller learns nothing about which key ids exist.
const BAD_SIGNATURE: &str = "free-form transforms need a valid signature";

/// Stands in for the key of an unknown key id, so that answer costs the same HMAC.
const NO_KEY: &[u8] = b"no signing key has this id";

/// Checks `sig` against the key it names (`url-signing-<id>` in the secret store).
async fn verify_signature<P: Platform>(
    ctx: &ImageInputs<'_>,
    path: &str,
    platform: &P,
) -> Result<(), AppError> {
    let refused = || AppError::Forbidden(BAD_SIGNATURE.into());
    let mut sigs = tailor_core::query::values(ctx.query, "sig");
    let sig = match (sigs.next(), sigs.next()) {
        (Some(sig), None) => sig,
        _ => return Err(refused()),
    };
    let key_id = signature::key_id(sig).ok_or_else(refused)?;
    let key = platform
        .secret(&format!("url-signing-{key_id}"))
        .await
        .map_err(|e| AppError::Internal(format!("secret store: {e}")))?;
    let input = signature::signing_input(path, ctx.query);
    let matches = signature::verify(sig, key.as_deref().unwrap_or(NO_KEY), &input);
    if matches && key.is_some() {
        Ok(())
    } else {
        Err(refused())
    }
}
