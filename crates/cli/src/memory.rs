//! Memory probes of the running process (Linux `/proc`), for `ponder solve`'s summary, the default
//! `--max-memory` and `ponder bench postflop`'s memory measure. Elsewhere they return `None`.

/// Available memory of the machine (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    kib_field(&text, "MemAvailable:").map(|kib| kib * 1024)
}

/// Peak resident memory of this process so far (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// Resident private memory of this process now (Linux `RssAnon`: heap, storage, stacks), if known.
/// Unlike [`peak_rss`] it leaves out the pages of the binary and the shared libraries mapped from
/// the page cache, which on recent kernels come in large folios whatever the solve touches.
pub fn private_rss() -> Option<u64> {
    status_kib("RssAnon:").map(|kib| kib * 1024)
}

/// Resets [`peak_rss`] to the current resident set (Linux `clear_refs` 5), so that a benchmark
/// running several spots in one process reports each spot's own peak. Returns whether it took.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    kib_field(&text, field)
}

/// The number after `field` on its line of a `/proc` status-style text (a count of KiB).
fn kib_field(text: &str, field: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_their_own_line() {
        let text = "Name:\tponder\nVmHWM:\t  4264 kB\nRssAnon:\t   640 kB\n";
        assert_eq!(kib_field(text, "VmHWM:"), Some(4264));
        assert_eq!(kib_field(text, "RssAnon:"), Some(640));
        assert_eq!(kib_field(text, "RssFile:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_probes_see_this_process() {
        let peak = peak_rss().unwrap();
        let private = private_rss().unwrap();
        assert!(private > 0 && private <= peak, "{private} vs {peak}");
        assert!(available_memory().unwrap() > 0);
    }
}
