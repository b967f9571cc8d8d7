//! End-to-end conformance suite: every case runs against the Fastly wasm in a real Viceroy
//! (with the project's `fastly.toml`) and against the Cloudflare Worker in workerd under a
//! real `wrangler dev`, each with a real HTTP test origin and real HTTP requests. Where the
//! platforms genuinely differ, the case says so and checks each platform's own behaviour.
//!
//! Run through `make test` or `make e2e` (which build both and install Viceroy and wrangler);
//! the suite needs the `e2e` feature: `cargo test --features e2e --test e2e`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod banners;
mod cache_outage;
mod cached_bodies;
mod caching;
mod decoded_pixels;
mod errors;
mod expect;
mod experiments;
mod hardening_caching;
mod hardening_identity;
mod hardening_images;
mod image_formats;
mod images;
mod instances;
mod large_files;
mod large_images;
mod learning;
mod origin_faults;
mod published_forms;
mod recs;
mod segmentation;
#[path = "../support/mod.rs"]
mod support;

use banners::*;
use cache_outage::*;
use cached_bodies::*;
use caching::*;
use decoded_pixels::*;
use errors::*;
use experiments::*;
use hardening_caching::*;
use hardening_identity::*;
use hardening_images::*;
use image_formats::*;
use images::*;
use instances::*;
use large_files::*;
use large_images::*;
use learning::*;
use libtest_mimic::{Arguments, Failed, Trial};
use origin_faults::*;
use published_forms::*;
use recs::*;
use segmentation::*;
use std::sync::{Arc, OnceLock};
use support::viceroy::{project_root, Harness, KvOverride, Runtime};

// The topic files take the shared checks from here: `use super::{check, expect_status}`.
use expect::{check, expect_json_error, expect_status};

type Case = fn(&Harness) -> Result<(), Failed>;

/// `(name, function)` pairs, so a case's test name is its function name.
macro_rules! cases {
    ($($case:ident),* $(,)?) => { [$((stringify!($case), $case as Case)),*] };
}

/// The KV entries every harness of the main run replaces: a hostile list (low-data) and a
/// missing one (bot).
fn main_overrides() -> Vec<KvOverride> {
    let hostile = project_root().join("tests/fixtures/recs-hostile.json");
    vec![("recs/v3/lite", Some(hostile)), ("recs/v3/bot", None)]
}

fn main() {
    let args = Arguments::from_args();
    let cases: &[(&str, Case)] = &cases![
        healthz,
        fastly_instances_start_prepared_and_draw_their_own_randomness,
        demo_page_shows_segment_banner_variants_and_geo,
        phone_and_desktop_get_different_segments_and_items,
        banner_html_uses_the_segment_template,
        hostile_catalogue_titles_are_escaped,
        missing_list_falls_back_to_the_bundled_default,
        debug_headers_need_the_token,
        preview_of_a_4mp_photo_is_a_500px_jpeg_and_cached,
        variants_have_their_widths_and_small_images_are_not_upscaled,
        progressive_jpegs_shrink_on_load_from_dc_coefficients,
        large_pngs_are_decoded_row_by_row_in_bounded_memory,
        interlaced_gifs_are_reduced_while_they_decode,
        large_webps_are_reduced_by_libwebp_while_they_decode,
        fifty_megapixel_inputs_stay_within_48_mb,
        large_progressive_photos_decode_within_48_mb,
        camera_photos_are_resized_from_their_planes_within_48_mib,
        an_unresized_full_variant_is_encoded_without_a_copy_of_its_pixels,
        a_40_megapixel_progressive_photo_is_decoded_one_scale_smaller_for_full,
        fifty_megabyte_originals_are_served_in_every_variant,
        formats_follow_transparency_and_the_format_parameter,
        exif_rotated_photos_come_out_upright,
        auto_format_follows_accept_in_either_order,
        webp_bytes_equal_the_native_build,
        half_scale_jpeg_pixels_equal_the_native_build,
        webp_out_of_memory_falls_back_or_is_413,
        free_form_transforms_need_a_valid_signature,
        one_decode_fills_the_smaller_siblings,
        a_jpeg_saved_below_the_variants_quality_is_served_without_a_decode,
        a_jpeg_saved_above_the_variants_quality_is_requantized,
        every_input_in_the_zoo_gets_its_status_dimensions_and_format,
        image_errors_are_precise_json,
        routing_errors_are_precise_json,
        invalid_config_is_a_500_naming_the_field,
        a_compiled_config_serves_and_a_damaged_one_is_refused,
        a_compact_list_serves_and_a_damaged_one_falls_back,
        a_broken_template_fails_banners_and_leaves_images_alone,
        each_context_source_lands_in_its_demo_segment,
        consent_issues_a_sealed_cookie_that_keeps_buckets_sticky,
        without_consent_or_with_opt_out_no_identity_is_kept,
        preview_tokens_force_the_segment_and_are_never_cached,
        no_tailor_header_without_the_debug_token,
        a_hit_skips_the_transform_and_a_purge_makes_the_next_request_a_miss,
        variants_are_made_from_one_cached_original,
        if_none_match_gets_304,
        a_large_cached_variant_goes_to_the_client_unread,
        shared_and_personal_responses_carry_the_right_cache_headers,
        concurrent_misses_collapse_into_one_transform,
        segment_lists_are_served_from_the_platform_cache,
        clicks_rerank_the_next_banner_within_the_caps,
        beacons_are_validated,
        the_sale_list_escapes_its_script_title,
        expired_and_future_items_never_show,
        without_lists_in_kv_the_bundled_default_is_served,
        pages_get_slots_filled_and_the_rest_byte_identical,
        non_html_and_failed_pages_pass_through,
        a_page_streams_before_the_origin_finishes,
        memory_does_not_grow_with_page_size,
        a_click_brings_the_items_trained_neighbours_into_the_next_banner,
        without_a_model_the_segment_lists_serve,
        a_corrupt_model_is_refused_and_logged,
        a_model_other_than_the_bundled_one_ranks_when_published,
        a_model_over_the_size_limit_is_refused_before_it_is_read,
        hardening_personalized_responses_are_kept_out_of_shared_caches,
        hardening_debug_responses_are_private_and_never_cached_as_such,
        hardening_variants_are_cached_no_longer_or_wider_than_their_original,
        hardening_concurrent_requests_for_a_broken_image_all_get_their_error,
        hardening_a_kv_outage_does_not_hold_banners_behind_a_streaming_page,
        hardening_image_paths_too_long_for_a_plain_purge_tag_are_cached_and_purged,
        hardening_gzip_bomb_pages_stream_in_bounded_memory,
        hardening_gzip_bomb_past_the_page_limit_is_cut_off,
        hardening_preview_tokens_expire_within_the_maximum_lifetime,
        hardening_preview_tokens_are_not_forwarded_to_the_origin,
        hardening_rotated_keys_reseal_cookies_and_keep_previews_working,
        hardening_purge_refusals_look_alike_and_bearer_is_case_insensitive,
        hardening_thousands_of_cookies_are_read_up_to_the_limit,
        hardening_backslash_links_become_hash,
        hardening_list_items_with_foreign_images_are_refused,
        jpegs_hiding_a_frame_are_refused_and_the_instance_survives,
        free_form_output_is_bounded_when_one_side_is_given,
        avif_width_limit_applies_to_the_output_width_not_h,
        a_signature_cannot_be_reused_for_another_transform,
        a_bad_signature_gets_one_answer_whatever_is_wrong,
        a_key_id_with_capitals_verifies,
        path_prefixes_match_whole_segments,
        originals_served_unchanged_carry_no_metadata,
        focal_point_gravity_shares_a_key_only_with_the_same_crop,
        experiment_arms_with_different_rankings_serve_different_banners,
        experiment_exposure_is_logged_once_per_visitor_and_day,
        experiment_goal_beacons_reach_the_log_with_the_arm,
        experiment_weights_in_kv_move_new_visitors_and_keep_recorded_arms,
        origin_faults_end_in_fallbacks_or_precise_errors,
        a_cache_that_does_not_answer_is_given_up,
    ];
    // One harness per runtime, started by the first case that needs it (a filtered run starts
    // only what it uses); every case runs on both, as `viceroy::case` and `workerd::case`.
    let runtimes = [("viceroy", Runtime::Viceroy), ("workerd", Runtime::Workerd)];
    let harnesses: Vec<Arc<OnceLock<Harness>>> =
        runtimes.iter().map(|_| Arc::new(OnceLock::new())).collect();
    let mut trials = Vec::new();
    for ((prefix, runtime), harness) in runtimes.iter().zip(&harnesses) {
        for &(name, case) in cases {
            let (harness, runtime) = (Arc::clone(harness), *runtime);
            trials.push(Trial::test(format!("{prefix}::{name}"), move || {
                let h = harness.get_or_init(|| match runtime {
                    Runtime::Viceroy => Harness::start(&main_overrides()),
                    Runtime::Workerd => Harness::start_workerd(&main_overrides()),
                });
                case(h)
            }));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    // A trap kills the instance and every request it was serving: whatever the cases saw,
    // the suite fails when either runtime's log shows one, and says where.
    let mut trapped = false;
    for harness in harnesses.iter().filter_map(|h| h.get()) {
        let log = harness.log();
        let traps = trap_lines(&log);
        if conclusion.has_failed() || !traps.is_empty() {
            let tail: Vec<&str> = log.lines().rev().take(300).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            eprintln!(
                "--- {:?} log (last 300 lines) ---\n{}",
                harness.runtime,
                tail.join("\n")
            );
            // The runtime's own life (starts, reloads, its errors) from the whole log: a
            // reload under requests in flight fails cases that have nothing to do with it.
            let life: Vec<&str> = log.lines().filter(|l| is_lifecycle(l)).collect();
            eprintln!(
                "--- {:?} lifecycle ---\n{}",
                harness.runtime,
                life.join("\n")
            );
        }
        if !traps.is_empty() {
            trapped = true;
            eprintln!(
                "--- {:?}: the instance trapped ---\n{}",
                harness.runtime,
                traps.join("\n")
            );
        }
    }
    drop(harnesses);
    if trapped && !conclusion.has_failed() {
        std::process::exit(101);
    }
    conclusion.exit();
}

/// A line of wrangler's or workerd's own about the server: starting, reloading, registry
/// changes, errors and warnings (request lines and the Worker's logs are not).
fn is_lifecycle(line: &str) -> bool {
    const SIGNS: [&str; 5] = [
        "\u{2394}",
        "[wrangler:error]",
        "[wrangler:warn]",
        "workerd/",
        "Ready on",
    ];
    SIGNS.iter().any(|sign| line.contains(sign))
}

/// The lines of a runtime's log that show an instance dying: a Rust panic, a wasm trap, or
/// the Worker shim re-instantiating its module after one (each with the line after it).
fn trap_lines(log: &str) -> Vec<String> {
    const SIGNS: [&str; 5] = [
        "panicked at",
        "RuntimeError",
        "Reinitializing Wasm application",
        "wasm trap",
        "Module terminated",
    ];
    let lines: Vec<&str> = log.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| SIGNS.iter().any(|sign| line.contains(sign)))
        .map(|(i, line)| match lines.get(i + 1) {
            Some(next) => format!("{line}\n    {next}"),
            None => (*line).to_owned(),
        })
        .collect()
}
