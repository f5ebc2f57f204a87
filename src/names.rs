//! Suffixing names and label values, with deterministic shortening.
//!
//! `www-ameide` → `www-ameide-tilt`; a name that would pass its limit keeps as much
//! of the original as fits, then `-` and 8 hex digits of a hash of the whole
//! original, then the suffix: `a-very-long-…-name` → `a-very-long-…-3f2a9c01-tilt`.
//! A value that already ends with the suffix is left alone, so a second run is a no-op.

/// Characters of the hash part, not counting its `-`.
const HASH_LEN: usize = 8;

/// FNV-1a, 32 bits: tiny, stable across platforms and releases (a std hasher is not).
fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The outcome of suffixing one value.
#[derive(Debug, PartialEq, Eq)]
pub enum Suffixed {
    /// Already ends with the suffix.
    Unchanged,
    Appended(String),
    /// Over the limit: shortened (only when allowed).
    Shortened(String),
    /// Over the limit and shortening is not allowed; carries the full length.
    TooLong(usize),
}

/// Suffixes `value` so that the result is at most `limit` bytes.
pub fn suffixed(value: &str, suffix: &str, limit: usize, allow_shorten: bool) -> Suffixed {
    if suffix.is_empty() || value.ends_with(suffix) {
        return Suffixed::Unchanged;
    }
    let full = value.len() + suffix.len();
    if full <= limit {
        let mut s = String::with_capacity(full);
        s.push_str(value);
        s.push_str(suffix);
        return Suffixed::Appended(s);
    }
    if !allow_shorten {
        return Suffixed::TooLong(full);
    }
    let hash = format!("{:08x}", fnv1a(value));
    let room = limit.saturating_sub(suffix.len() + HASH_LEN + 1);
    let mut cut = room.min(value.len());
    while !value.is_char_boundary(cut) {
        cut -= 1;
    }
    // A name may not end in `-` or `.` before our own `-`.
    let head = value[..cut].trim_end_matches(['-', '.', '_']);
    let mut s = String::with_capacity(limit);
    s.push_str(head);
    if !head.is_empty() {
        s.push('-');
    }
    s.push_str(&hash);
    s.push_str(suffix);
    Suffixed::Shortened(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_and_is_idempotent() {
        assert_eq!(
            suffixed("web", "-tilt", 63, true),
            Suffixed::Appended("web-tilt".into())
        );
        assert_eq!(suffixed("web-tilt", "-tilt", 63, true), Suffixed::Unchanged);
    }

    #[test]
    fn shortens_to_the_limit_and_keeps_distinct_names_distinct() {
        let a = "a".repeat(60) + "x";
        let b = "a".repeat(60) + "y";
        let (Suffixed::Shortened(sa), Suffixed::Shortened(sb)) = (
            suffixed(&a, "-tilt", 63, true),
            suffixed(&b, "-tilt", 63, true),
        ) else {
            panic!("expected shortening");
        };
        assert_eq!(sa.len(), 63);
        assert!(sa.ends_with("-tilt"));
        assert_ne!(sa, sb);
        assert_eq!(suffixed(&sa, "-tilt", 63, true), Suffixed::Unchanged);
        assert_eq!(suffixed(&a, "-tilt", 63, false), Suffixed::TooLong(66));
    }

    #[test]
    fn exactly_at_limit_is_appended() {
        let n = "b".repeat(58);
        assert_eq!(
            suffixed(&n, "-tilt", 63, true),
            Suffixed::Appended(n.clone() + "-tilt")
        );
    }
}
