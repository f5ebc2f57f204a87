//! ameide-tilt-render: a Helm post-renderer that turns any chart's manifests into
//! an isolated inner-loop (Tilt) copy that can run next to the Argo CD baseline.
//!
//! The library takes the stream's bytes and returns the rewritten bytes; only the
//! binary prints or chooses exit codes. The rules are in docs/rules.md.

// Listed from the bottom of the import graph up (tests/architecture.rs checks
// that no module imports one that imports it).
pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod diff;
pub mod edit;
pub mod error;
pub mod fork;
pub mod index;
pub mod json;
pub mod k8s;
pub mod names;
pub mod pipeline;
pub mod plan;
pub mod reason;
pub mod redact;
pub mod rules;
pub mod verbose;
pub mod yaml;

pub use config::Config;
pub use error::Error;
pub use pipeline::Rendered;

use error::Place;

/// Runs the filter on raw input bytes.
pub fn run(input: &[u8], cfg: &Config) -> Result<Rendered, Error> {
    pipeline::render(text(input)?, cfg)
}

/// Checks raw input bytes against the rules (`ameide-tilt-render check`).
pub fn check(input: &[u8], cfg: &Config) -> Result<Vec<check::Violation>, Error> {
    check::check(text(input)?, cfg)
}

/// After `check`'s findings: the settings the stream seems to have been made
/// with, when the findings show it (see [`check::other_settings`]).
pub fn other_settings(
    input: &[u8],
    cfg: &Config,
    found: &mut [check::Violation],
) -> Option<check::SettingsNote> {
    check::other_settings(text(input).ok()?, cfg, found)
}

/// Compares a baseline stream with a tilt stream (`ameide-tilt-render check
/// --baseline`): can the two run side by side in one namespace?
pub fn check_baseline(
    baseline: &[u8],
    tilt: &[u8],
    cfg: &Config,
) -> Result<baseline::Report, Error> {
    let named = |side: &'static str| {
        move |mut e: Error| {
            e.message = format!("{side} stream: {}", e.message);
            e
        }
    };
    baseline::check_baseline(
        text(baseline).map_err(named("baseline"))?,
        text(tilt).map_err(named("tilt"))?,
        cfg,
    )
}

/// Compares a baseline stream with several copies (`check --baseline BASELINE
/// COPY...`, each copy `(name, bytes)`): the baseline against each copy, then
/// every pair of copies.
pub fn check_copies(
    baseline: &[u8],
    copies: &[(String, Vec<u8>)],
    cfg: &Config,
) -> Result<Vec<baseline::Pair>, Error> {
    let named = |side: &str| {
        let side = side.to_string();
        move |mut e: Error| {
            e.message = format!("{side} stream: {}", e.message);
            e
        }
    };
    let b = text(baseline).map_err(named("baseline"))?;
    let mut texts = Vec::with_capacity(copies.len());
    for (name, bytes) in copies {
        let side = if copies.len() == 1 { "tilt" } else { name };
        texts.push((name.clone(), text(bytes).map_err(named(side))?));
    }
    baseline::check_copies(b, &texts, cfg)
}

/// An error at byte `at` of the raw input, before it is split into documents.
fn raw_error(input: &[u8], at: usize, message: String, hint: &str) -> Error {
    let line = input[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    Error::input(
        Place {
            doc: 0,
            object: None,
            line,
        },
        message,
    )
    .with_hint(hint)
}

/// The input as text: UTF-8, no NUL bytes, no lone carriage returns.
fn text(input: &[u8]) -> Result<&str, Error> {
    let text = std::str::from_utf8(input).map_err(|e| {
        let at = e.valid_up_to();
        raw_error(
            input,
            at,
            format!("the input is not valid UTF-8 (byte {at})"),
            "Kubernetes manifests must be UTF-8: check the chart's files for another encoding",
        )
    })?;
    if let Some(at) = text.find('\0') {
        return Err(raw_error(
            input,
            at,
            format!("the input contains a NUL byte (byte {at})"),
            "binary data belongs in a Secret or ConfigMap `binaryData` field, base64-encoded",
        ));
    }
    // YAML reads a lone `\r` as a line break; this tool's editor counts lines by
    // `\n`. Rather than edit a stream whose lines it would see differently, refuse.
    let lone_cr = text
        .match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'));
    if let Some(at) = lone_cr {
        return Err(raw_error(
            input,
            at,
            format!(
                "the input has a carriage return not followed by a line feed (byte {at}): old Mac line endings are not supported"
            ),
            "convert the chart's files to \\n or \\r\\n line endings",
        ));
    }
    Ok(text)
}
