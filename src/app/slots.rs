//! The banner slot a request names (`?slot=`) and its configuration: errors that list the
//! configured slots.

use super::context::RequestContext;
use crate::error::AppError;
use tailor_config::Slot;

/// The configured slot of this name, or a 404 naming the configured ones.
pub(super) fn find_slot<'c>(
    ctx: &'c RequestContext<'_>,
    slot_name: &str,
) -> Result<&'c Slot, AppError> {
    ctx.config.banners.slots.get(slot_name).ok_or_else(|| {
        AppError::NotFound(format!(
            "unknown slot '{slot_name}'; configured: {}",
            slot_list(ctx)
        ))
    })
}

/// The request's `slot` parameter, or a 400 naming the configured slots.
pub(super) fn slot_name<'c>(ctx: &'c RequestContext<'_>) -> Result<&'c str, AppError> {
    ctx.param("slot").ok_or_else(|| {
        AppError::BadRequest(format!(
            "the 'slot' parameter is required; configured: {}",
            slot_list(ctx)
        ))
    })
}

fn slot_list(ctx: &RequestContext<'_>) -> String {
    ctx.config
        .banners
        .slots
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}
