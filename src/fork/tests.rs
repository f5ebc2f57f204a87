//! Unit tests of the fork's globs and host wildcards.

use super::*;

#[test]
fn globs_match_whole_images() {
    assert!(glob_matches("ghcr.io/acme/web*", "ghcr.io/acme/web:1.2"));
    assert!(glob_matches("*/web:*", "ghcr.io/acme/web:1.2"));
    assert!(glob_matches("*", ""));
    assert!(glob_matches("a?c", "abc"));
    assert!(!glob_matches("web", "ghcr.io/acme/web"));
    assert!(!glob_matches("*web", "ghcr.io/acme/web:1"));
    assert!(glob_matches("*a*b*", "xaxxbx"));
    assert!(!glob_matches("*a*b", "xaxxbx"));
}

#[test]
fn wildcards_cover_one_label() {
    assert!(covers("*.dev.ameide.io", "www.dev.ameide.io"));
    assert!(!covers("*.dev.ameide.io", "a.b.dev.ameide.io"));
    assert!(!covers("*.dev.ameide.io", "dev.ameide.io"));
    assert!(covers("www.dev.ameide.io", "WWW.dev.ameide.io"));
}
