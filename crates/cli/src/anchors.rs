//! Anchor figures for `ponder bench postflop`: another solver's time (and peak memory) per spot, given on
//! the command line (`--anchor SPOT=SECONDS[,MEMORY]`) or in a file (`--anchors FILE`, TOML or JSON), so
//! the bench prints its ratio against figures measured on the same host instead of numbers built in from
//! another machine.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;

use ponder_postflop::spot::excerpt;

/// Longest anchor time accepted, in seconds (a week: anything longer is a typo).
pub const MAX_ANCHOR_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// One spot's anchor: the other solver's time to the spot's final (smallest) target, its peak memory,
/// and where it was measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Anchor {
    /// Seconds to the spot's final target.
    pub seconds: Option<f64>,
    /// Peak memory in bytes.
    pub memory: Option<u64>,
    /// Free text: host, date, solver, threads.
    pub host: Option<String>,
}

/// A memory figure in a file: bytes, or a size such as `693MiB`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Size {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    seconds: Option<f64>,
    memory: Option<Size>,
    host: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorFile {
    /// A note on every spot's figures (used where a spot has no `host` of its own).
    host: Option<String>,
    spots: BTreeMap<String, FileEntry>,
}

/// Parses `2GiB`, `500MiB`, `800M`, `1.5G` or a byte count; `what` names the argument in errors.
pub fn parse_bytes(what: &str, text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let (number, scale) = [
        ("gib", 1u64 << 30),
        ("gb", 1 << 30),
        ("g", 1 << 30),
        ("mib", 1 << 20),
        ("mb", 1 << 20),
        ("m", 1 << 20),
        ("kib", 1 << 10),
        ("k", 1 << 10),
    ]
    .iter()
    .find_map(|(suffix, scale)| {
        lower
            .strip_suffix(suffix)
            .map(|n| (n.trim().to_string(), *scale))
    })
    .unwrap_or((lower.clone(), 1));
    let value: f64 = number.parse().map_err(|_| {
        anyhow::anyhow!(
            "{what} `{}`: expected a size such as 2GiB or 500MiB",
            excerpt(text)
        )
    })?;
    // 1 PiB is far above any machine this runs on; larger is a typo.
    if !(value.is_finite() && value > 0.0 && value * scale as f64 <= (1u64 << 50) as f64) {
        bail!(
            "{what} `{}` must be positive and at most 1 PiB",
            excerpt(text)
        );
    }
    Ok((value * scale as f64) as u64)
}

fn check_seconds(what: &str, seconds: f64) -> anyhow::Result<f64> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_ANCHOR_SECONDS) {
        bail!(
            "{what}: seconds must be more than 0 and at most {MAX_ANCHOR_SECONDS}, not {seconds}"
        );
    }
    Ok(seconds)
}

/// Parses one `--anchor SPOT=SECONDS[,MEMORY]` (e.g. `flop_td9d6h=102.8,693MiB`).
pub fn parse_anchor(text: &str) -> anyhow::Result<(String, Anchor)> {
    let what = format!("--anchor `{}`", excerpt(text));
    let Some((spot, figures)) = text.split_once('=') else {
        bail!("{what}: expected SPOT=SECONDS[,MEMORY], e.g. flop_td9d6h=102.8,693MiB");
    };
    let spot = spot.trim();
    if spot.is_empty() {
        bail!("{what}: the spot name is empty");
    }
    let mut parts = figures.split(',');
    let seconds_text = parts.next().unwrap_or_default().trim();
    let seconds: f64 = seconds_text.parse().map_err(|_| {
        anyhow::anyhow!(
            "{what}: `{}` is not a number of seconds",
            excerpt(seconds_text)
        )
    })?;
    let seconds = check_seconds(&what, seconds)?;
    let memory = parts.next().map(|m| parse_bytes(&what, m)).transpose()?;
    if parts.next().is_some() {
        bail!("{what}: expected SPOT=SECONDS[,MEMORY], found more than two figures");
    }
    Ok((
        spot.to_string(),
        Anchor {
            seconds: Some(seconds),
            memory,
            host: None,
        },
    ))
}

/// Reads an anchors file: TOML (or JSON when it starts with `{`) with an optional top-level `host`
/// note and one `[spots.NAME]` table per spot holding `seconds`, `memory` and `host`, all optional.
pub fn load(path: &Path) -> anyhow::Result<BTreeMap<String, Anchor>> {
    let where_ = format!("--anchors {}", path.display());
    let text = std::fs::read_to_string(path).with_context(|| where_.clone())?;
    parse_file(&text, &where_)
}

/// Parses the text of an anchors file (`where_` names it in errors).
pub fn parse_file(text: &str, where_: &str) -> anyhow::Result<BTreeMap<String, Anchor>> {
    let file: AnchorFile = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("{where_}: {e}"))?
    } else {
        toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{where_}: {}", e.to_string().replace('\n', " ")))?
    };
    let mut anchors = BTreeMap::new();
    for (spot, entry) in file.spots {
        let what = format!("{where_}, spot `{}`", excerpt(&spot));
        let seconds = entry.seconds.map(|s| check_seconds(&what, s)).transpose()?;
        let memory = match entry.memory {
            None => None,
            Some(Size::Bytes(b)) => Some(parse_bytes(&what, &b.to_string())?),
            Some(Size::Text(t)) => Some(parse_bytes(&what, &t)?),
        };
        anchors.insert(
            spot,
            Anchor {
                seconds,
                memory,
                host: entry.host.or_else(|| file.host.clone()),
            },
        );
    }
    Ok(anchors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_anchors_parse_and_refuse_bad_figures() {
        let (spot, anchor) = parse_anchor("flop_td9d6h=102.8,693MiB").unwrap();
        assert_eq!(spot, "flop_td9d6h");
        assert_eq!(anchor.seconds, Some(102.8));
        assert_eq!(anchor.memory, Some(693 << 20));
        let (_, anchor) = parse_anchor("turn_td9d6hqc=1.34").unwrap();
        assert_eq!(anchor.memory, None);
        for bad in [
            "flop_td9d6h",
            "=3",
            "x=abc",
            "x=-1",
            "x=0",
            "x=NaN",
            "x=1e9",
            "x=1,2,3",
            "x=1,lots",
        ] {
            assert!(parse_anchor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn anchor_files_in_toml_and_json() {
        let toml = "host = \"host A\"\n[spots.flop_td9d6h]\nseconds = 102.8\nmemory = \"693MiB\"\n\
                    [spots.turn_td9d6hqc]\nseconds = 1.0\nmemory = 16777216\nhost = \"host B\"\n";
        let anchors = parse_file(toml, "a.toml").unwrap();
        assert_eq!(anchors["flop_td9d6h"].seconds, Some(102.8));
        assert_eq!(anchors["flop_td9d6h"].memory, Some(693 << 20));
        assert_eq!(anchors["flop_td9d6h"].host.as_deref(), Some("host A"));
        assert_eq!(anchors["turn_td9d6hqc"].memory, Some(16 << 20));
        assert_eq!(anchors["turn_td9d6hqc"].host.as_deref(), Some("host B"));
        let json = r#"{"spots": {"flop_td9d6h": {"seconds": 102.8, "memory": "693MiB"}}}"#;
        assert_eq!(parse_file(json, "a.json").unwrap(), {
            let mut m = BTreeMap::new();
            m.insert(
                "flop_td9d6h".to_string(),
                Anchor {
                    seconds: Some(102.8),
                    memory: Some(693 << 20),
                    host: None,
                },
            );
            m
        });
        assert!(parse_file("[spots.x]\nsecs = 1\n", "typo.toml").is_err());
        assert!(parse_file("[spots.x]\nseconds = -1\n", "neg.toml").is_err());
        assert!(parse_file("{\"spots\": 3}", "bad.json").is_err());
    }

    #[test]
    fn the_example_anchors_file_parses() {
        let text = include_str!("../../../docs/postflop-anchors.example.toml");
        let anchors = parse_file(text, "example").unwrap();
        assert!(anchors.contains_key("flop_td9d6h"));
        assert!(anchors.contains_key("flop_qsjh2h_weighted"));
    }
}
