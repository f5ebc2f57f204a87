//! The rules of docs/rules.md, one file each, all with the two-phase contract of
//! [`contract::Rule`]: phase 1 reads one document, phase 2 reads the stream
//! index; both add edits and report lines, none writes bytes. Documents that
//! leave the stream whole (rule 5, and the kinds rule 1 leaves to the baseline)
//! are [`drop`]'s; rule 8 is how edits are made ([`lossless`]).
//!
//! [`RULE_DOCS`] finds a rule by its number: its files, the reasons its edits
//! and findings carry, the keys of the built-in table it reads and the prefixes
//! of its golden cases; a test holds it to the code, the table and `testdata/`.

pub mod contract;
pub mod drop;
pub mod evidence;
pub mod lossless;
pub mod made;
pub mod ownership;
pub mod redis;
pub mod references;
pub mod rename;
pub mod routes;
pub mod selectors;
pub mod strings;

use crate::reason::Reason;
use contract::Rule;

/// Every rule, in the order it runs in both phases.
pub const RULES: &[Rule] = &[
    rename::RULE,
    ownership::RULE,
    routes::RULE,
    redis::RULE,
    // Before rule 2: a name the object makes is edited as such, not as a reference.
    made::RULE,
    references::RULE,
    selectors::RULE,
    strings::RULE,
    // Last: an old name no other rule followed needs a verdict (rule 11).
    evidence::RULE,
];

/// One rule of docs/rules.md, as the repository holds it.
pub struct RuleDoc {
    pub number: u8,
    /// Its files under `src/rules/`.
    pub files: &'static [&'static str],
    /// The reasons its edits and `check`'s findings carry.
    pub reasons: &'static [Reason],
    /// The keys of `src/k8s/builtin.yaml` it reads.
    pub tables: &'static [&'static str],
    /// The prefixes of its golden cases under `testdata/`.
    pub golden: &'static [&'static str],
}

/// Every rule by number.
pub const RULE_DOCS: &[RuleDoc] = &[
    RuleDoc {
        number: 1,
        files: &["rename.rs", "drop.rs"],
        reasons: &[Reason::Rename, Reason::BaselineKind],
        tables: &["not_emitted", "name_limits", "default_name_limit"],
        golden: &["rename-", "baseline-kinds-"],
    },
    RuleDoc {
        number: 2,
        files: &["references.rs"],
        reasons: &[
            Reason::Reference,
            Reason::NameInText,
            Reason::StaleReference,
        ],
        tables: &[
            "references",
            "reference_shapes",
            "builtin_groups",
            "string_map_keys",
            "plurals",
        ],
        golden: &["refs-", "flag-refs-", "annotation-"],
    },
    RuleDoc {
        number: 3,
        files: &["selectors.rs", "selectors/narrow.rs", "selectors/pods.rs"],
        reasons: &[
            Reason::Selector,
            Reason::EmptySelector,
            Reason::SelectsBaseline,
            Reason::OwnerLabel,
            Reason::StaleLabel,
        ],
        tables: &[
            "selectors",
            "label_owner_kinds",
            "operator_pods",
            "pod_name_labels",
            "narrow_keys",
            "label_value_limit",
        ],
        golden: &["selectors-"],
    },
    RuleDoc {
        number: 4,
        files: &["routes.rs"],
        reasons: &[Reason::Hostname, Reason::Listener, Reason::CertificateHost],
        tables: &["host_claims", "route_kinds", "gateway"],
        golden: &["routes-", "hosts-"],
    },
    RuleDoc {
        number: 5,
        files: &["drop.rs"],
        reasons: &[Reason::DropKind],
        tables: &[],
        golden: &["drop-"],
    },
    RuleDoc {
        number: 6,
        files: &["redis.rs"],
        reasons: &[Reason::RedisPassword],
        tables: &["pod_specs"],
        golden: &["redis-"],
    },
    RuleDoc {
        number: 7,
        files: &["ownership.rs"],
        reasons: &[Reason::ArgoTracking],
        tables: &["argo_tracking_annotation", "argo_instance_label"],
        golden: &["ownership-"],
    },
    RuleDoc {
        number: 8,
        files: &["lossless.rs"],
        reasons: &[],
        tables: &[],
        golden: &["lossless-", "layout-", "explicit-key-", "insert-"],
    },
    RuleDoc {
        number: 9,
        files: &["strings.rs"],
        reasons: &[Reason::StringRef, Reason::StaleString],
        tables: &["host_claims"],
        golden: &["strings-", "string-refs-"],
    },
    RuleDoc {
        number: 10,
        files: &["made.rs"],
        reasons: &[Reason::MadeName],
        tables: &["produces", "operator_objects"],
        golden: &["produced-", "produces-", "operator-objects-"],
    },
    RuleDoc {
        number: 11,
        files: &["evidence.rs", "evidence/judge.rs"],
        reasons: &[Reason::Evidence],
        tables: &[],
        golden: &["evidence-"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// [`RULE_DOCS`] holds: every number once, files that exist, every reason of
    /// a rule in its row (the reason's own text names the same number), table
    /// keys the built-in table has, golden prefixes with cases, and every
    /// [`RULES`] entry under its number in a row that lists its file.
    #[test]
    fn the_rule_table_matches_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let numbers: Vec<u8> = RULE_DOCS.iter().map(|r| r.number).collect();
        assert_eq!(numbers, (1..=11).collect::<Vec<u8>>());
        let table = crate::k8s::BUILTIN_YAML;
        let cases: Vec<String> = std::fs::read_dir(root.join("testdata"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for r in RULE_DOCS {
            for f in r.files {
                assert!(
                    root.join("src/rules").join(f).is_file(),
                    "rule {}: {f}",
                    r.number
                );
            }
            for reason in r.reasons {
                assert_eq!(
                    reason.rule(),
                    Some(r.number),
                    "{reason:?} in rule {}",
                    r.number
                );
            }
            for key in r.tables {
                assert!(
                    table.lines().any(|l| l
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.starts_with(':'))),
                    "rule {}: builtin.yaml has no `{key}:`",
                    r.number
                );
            }
            for prefix in r.golden {
                assert!(
                    cases.iter().any(|c| c.starts_with(prefix)),
                    "rule {}: no golden case starts with {prefix}",
                    r.number
                );
            }
        }
        for reason in Reason::ALL {
            let rows = RULE_DOCS
                .iter()
                .filter(|r| r.reasons.contains(reason))
                .count();
            let want = usize::from(reason.rule().is_some());
            assert_eq!(rows, want, "{reason:?} is in {rows} rows");
        }
        for rule in RULES {
            let row = RULE_DOCS.iter().find(|r| r.number == rule.number).unwrap();
            let name = row.files[0].trim_end_matches(".rs");
            let source =
                std::fs::read_to_string(root.join("src/rules").join(row.files[0])).unwrap();
            assert!(
                source.contains(&format!("..Rule::new({})\n}};", rule.number)),
                "rule {}: {name}.rs does not say its number",
                rule.number
            );
        }
    }
}
