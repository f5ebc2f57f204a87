use super::*;

fn no_file() -> FileSettings<'static> {
    FileSettings {
        path: "",
        keys: Vec::new(),
    }
}

#[test]
fn host_map_entries_add_or_replace_by_from() {
    let map = |file: &[&str], given: &[&str]| {
        let list = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect());
        host_map(list(file), list(given), &no_file()).unwrap()
    };
    let pair = |f: &str, t: &str| (f.to_string(), t.to_string());
    assert_eq!(
        map(&[], &["example.com=local.example.com"]),
        [
            pair("dev.ameide.io", "local.ameide.io"),
            pair("example.com", "local.example.com")
        ]
    );
    assert_eq!(
        map(
            &["dev.ameide.io=bob.local.ameide.io"],
            &["dev.ameide.io=alice.local.ameide.io"]
        ),
        [pair("dev.ameide.io", "alice.local.ameide.io")]
    );
    // The later of two entries for one FROM wins, and the longest FROM comes first.
    assert_eq!(
        map(
            &["eu.dev.ameide.io=eu.local.ameide.io"],
            &[".dev.ameide.io=x.test", "dev.ameide.io=y.test"]
        ),
        [
            pair("eu.dev.ameide.io", "eu.local.ameide.io"),
            pair("dev.ameide.io", "y.test")
        ]
    );
}

#[test]
fn a_refused_host_map_entry_names_the_one_it_seems_to_mean() {
    assert_eq!(
        host_entry("example.com"),
        Err("example.com=local.example.com".into())
    );
    assert_eq!(host_entry("A.io=B.io"), Err("a.io=b.io".into()));
    assert_eq!(host_entry("a.io=a.io"), Err("a.io=local.a.io".into()));
    assert_eq!(host_entry("https://x"), Err(DEFAULT_HOST_MAP.into()));
    assert_eq!(
        host_entry(" a.io = b.io "),
        Ok(("a.io".into(), "b.io".into()))
    );
}

#[test]
fn the_entry_for_an_unmapped_host() {
    let cfg = Config::default();
    let entry = |h: &str| cfg.host_map_entry_for(h);
    let pair = |f: &str, t: &str| Some((f.to_string(), t.to_string()));
    assert_eq!(
        entry("shop.example.com"),
        pair("example.com", "local.example.com")
    );
    assert_eq!(
        entry("*.example.com"),
        pair("example.com", "local.example.com")
    );
    assert_eq!(
        entry("a.b.example.co.uk"),
        pair("b.example.co.uk", "local.b.example.co.uk")
    );
    assert_eq!(
        entry("example.com"),
        pair("example.com", "local.example.com")
    );
    assert_eq!(entry("localhost"), pair("localhost", "local.localhost"));
    assert_eq!(entry("10.0.0.1"), pair("10.0.0.1", "local.10.0.0.1"));
    // The host is that very name: `tilt.` instead.
    assert_eq!(
        entry("local.example.com"),
        pair("example.com", "tilt.example.com")
    );
    // Another entry maps to `local.ameide.io` already: two hosts must not meet.
    assert_eq!(entry("api.ameide.io"), pair("ameide.io", "tilt.ameide.io"));
    assert_eq!(entry("Shop.Example.com"), None);
    // Every entry it gives covers its host, and maps it away from itself.
    for host in [
        "shop.example.com",
        "local.example.com",
        "api.ameide.io",
        "x",
    ] {
        let (from, to) = entry(host).unwrap();
        let mut with = cfg.clone();
        with.host_map.push((from, to));
        assert!(matches!(with.map_host(host), Mapped::To(_)), "{host}");
    }
}

#[test]
fn suffixes_start_with_a_dash_and_end_with_a_letter_or_digit() {
    assert_eq!(suffix(Some("-dev".into())), Ok("-dev".into()));
    assert_eq!(
        suffix(Some("-tilt-alice2".into())),
        Ok("-tilt-alice2".into())
    );
    for (bad, meant) in [
        ("tilt", "-tilt"),
        (".tilt", "-tilt"),
        ("-Tilt_Alice", "-tilt-alice"),
        ("-tilt-", "-tilt"),
        ("", "-tilt"),
        ("-", "-tilt"),
    ] {
        let (_, m) = suffix(Some(bad.into())).unwrap_err();
        assert_eq!(m, meant, "{bad:?}");
        assert_eq!(suffix(Some(m.clone())), Ok(m), "{bad:?}");
    }
}

#[test]
fn misspelt_names_find_the_one_they_mean() {
    let keys = ["suffix", "host_map", "listener", "no_string_refs", "strict"];
    assert_eq!(did_you_mean("hostmap", &keys), Some("host_map"));
    assert_eq!(did_you_mean("host-map", &keys), Some("host_map"));
    assert_eq!(did_you_mean("HostMap", &keys), Some("host_map"));
    assert_eq!(did_you_mean("sufix", &keys), Some("suffix"));
    assert_eq!(did_you_mean("sufifx", &keys), Some("suffix"));
    assert_eq!(did_you_mean("lisetner", &keys), Some("listener"));
    assert_eq!(did_you_mean("colour", &keys), None);
    assert_eq!(did_you_mean("strict", &keys), Some("strict"));
}

#[test]
fn parser_positions_are_said_once() {
    assert_eq!(
        without_position("invalid boolean at line 2, column 11"),
        "invalid boolean"
    );
    assert_eq!(
        without_position("error: line 3 column 4: unknown field `x` at line 3, column 4"),
        "unknown field `x`"
    );
    assert_eq!(without_position("a host at line 7"), "a host at line 7");
}

#[test]
fn host_map_longest_suffix_and_wildcards() {
    let cfg = Config {
        host_map: vec![
            ("eu.dev.ameide.io".into(), "eu.local.ameide.io".into()),
            ("dev.ameide.io".into(), "local.ameide.io".into()),
        ],
        ..Config::default()
    };
    assert_eq!(
        cfg.map_host("a.eu.dev.ameide.io"),
        Mapped::To("a.eu.local.ameide.io".into())
    );
    assert_eq!(
        cfg.map_host("*.dev.ameide.io"),
        Mapped::To("*.local.ameide.io".into())
    );
    assert_eq!(
        cfg.map_host("dev.ameide.io"),
        Mapped::To("local.ameide.io".into())
    );
    assert_eq!(cfg.map_host("www.local.ameide.io"), Mapped::Already);
    assert_eq!(cfg.map_host("xdev.ameide.io"), Mapped::Unmapped);
    assert_eq!(cfg.map_host("example.com"), Mapped::Unmapped);
}

/// The entries for all of a stream's unmapped hosts: each host is covered, by
/// its own entry or an earlier one's, and no target holds a host of the stream
/// (which would count as already mapped and keep the baseline's host).
#[test]
fn entries_for_a_streams_hosts_cover_each_and_take_none_of_them() {
    let cfg = Config::default();
    let hosts = [
        "shop.example.com",
        "a.local.example.com",
        "example.com",
        "b.example.co.uk",
        "a.b.example.co.uk",
        "10.0.0.1",
        "Bad_Host.example.org",
        "api.other.org",
    ];
    let (entries, unmappable) = cfg.host_map_entries_for(&hosts);
    assert_eq!(unmappable, ["Bad_Host.example.org"]);
    let pairs: Vec<(&str, &str)> = entries
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("example.com", "tilt.example.com"),
            ("example.co.uk", "local.example.co.uk"),
            ("10.0.0.1", "local.10.0.0.1"),
            ("other.org", "local.other.org"),
        ]
    );
    let mut with = cfg.clone();
    with.host_map.extend(entries);
    with.host_map
        .sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    for host in hosts.iter().filter(|h| !unmappable.contains(h)) {
        match with.map_host(host) {
            Mapped::To(new) => assert!(!hosts.contains(&new.as_str()), "{host} -> {new}"),
            other => panic!("{host}: {other:?}"),
        }
    }
}
