//! Why an edit is made, or why `check` reports something: one typed value per
//! obligation of docs/rules.md, so `check`, `-v`, the diff redaction and the fuzz target match
//! on the variant and never on text.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Rule 1: the name lacks the suffix.
    Rename,
    /// Rule 1: a kind the baseline owns (its name cannot change).
    BaselineKind,
    /// Rule 5: a drop kind.
    DropKind,
    /// `--fork`: not part of the partial copy; the baseline's is used.
    NotForked,
    /// Rule 7: Argo CD tracking metadata.
    ArgoTracking,
    /// Rule 4: a claimed hostname outside the target domains (every field of the
    /// `host_claims` table).
    Hostname,
    /// Rule 4: a parentRef to a Gateway without the tilt listener.
    Listener,
    /// Rule 6: the Redis password does not come from the Redis Secret. Its old
    /// text is a password: never shown.
    RedisPassword,
    /// Rule 2: a reference that does not follow its renamed target.
    Reference,
    /// Rule 2: an object named inside a string (a flag's value, a
    /// `namespace/name` annotation) that does not follow its renamed target.
    NameInText,
    /// Rule 4: a Certificate's DNS name under a mapped domain, not mapped.
    CertificateHost,
    /// Rule 10: a name the object makes at run time, shared with the baseline.
    MadeName,
    /// Rule 3: a selected label value without the suffix.
    Selector,
    /// Rule 3: a selector that selects every pod of the namespace (a
    /// NetworkPolicy's empty podSelector, a PodDisruptionBudget's `{}`), the
    /// baseline's too.
    EmptySelector,
    /// Rule 3: a selector of the copy that, isolated, still selects pods of the
    /// baseline's (an `Exists`, a `NotIn`, a value nothing of the copy carries).
    SelectsBaseline,
    /// Rule 3: a selector of only shared labels that selects pods an operator
    /// makes for a custom resource of the stream, the baseline's such pods too:
    /// it lacks the operator's owner label with the copy's name.
    OwnerLabel,
    /// Rule 9: an own host or Service in a string, not rewritten.
    StringRef,
    /// Rule 11: an old name that evidence says names a renamed object (the key
    /// names its kind, a reference's shape, a StatefulSet's pod name).
    Evidence,
    /// `check`: a reference to an object of the stream under its old name.
    StaleReference,
    /// `check`: an own host or Service in a string under its old name.
    StaleString,
    /// `check`: a selected label value that is the old name of an object of this
    /// stream whose pods carry its name (rule 3).
    StaleLabel,
    /// `check`: a document the filter refuses.
    Refused,
}

impl Reason {
    /// Every reason (the match in the unit test below fails to compile when a
    /// new one is missing here).
    pub const ALL: &[Reason] = &[
        Reason::Rename,
        Reason::BaselineKind,
        Reason::DropKind,
        Reason::NotForked,
        Reason::ArgoTracking,
        Reason::Hostname,
        Reason::Listener,
        Reason::RedisPassword,
        Reason::Reference,
        Reason::NameInText,
        Reason::CertificateHost,
        Reason::MadeName,
        Reason::Selector,
        Reason::EmptySelector,
        Reason::SelectsBaseline,
        Reason::OwnerLabel,
        Reason::StringRef,
        Reason::Evidence,
        Reason::StaleReference,
        Reason::StaleString,
        Reason::StaleLabel,
        Reason::Refused,
    ];

    /// The text `check` and `-v` show.
    pub fn text(self) -> &'static str {
        match self {
            Reason::Rename => "rule 1: name lacks the suffix",
            Reason::BaselineKind => "rule 1: kind owned by the baseline must not be emitted",
            Reason::DropKind => "rule 5: drop kind must not be emitted",
            Reason::NotForked => "--fork: not forked, the baseline's is used",
            Reason::ArgoTracking => "rule 7: Argo CD tracking metadata must go",
            Reason::Hostname => "rule 4: hostname outside the target domains",
            Reason::Listener => "rule 4: parentRef to a Gateway lacks the tilt listener",
            Reason::RedisPassword => "rule 6: Redis password not read from the Redis Secret",
            Reason::Reference => "rule 2: reference does not follow its renamed target",
            Reason::NameInText => {
                "rule 2: object named in a flag or annotation does not follow its renamed target"
            }
            Reason::CertificateHost => {
                "rule 4: certificate name under a mapped domain does not follow the host map"
            }
            Reason::MadeName => {
                "rule 10: name made at run time lacks the suffix (both copies would make it)"
            }
            Reason::Selector => "rule 3: selected label value lacks the suffix",
            Reason::EmptySelector => "rule 3: an empty selector governs the baseline's pods too",
            Reason::SelectsBaseline => {
                "rule 3: selector of the copy selects the baseline's pods too"
            }
            Reason::OwnerLabel => {
                "rule 3: selector of operator-made pods lacks the owner label with the copy's name"
            }
            Reason::StringRef => "rule 9: own host or Service in a string not rewritten",
            Reason::Evidence => "rule 11: old name that evidence says names a renamed object",
            Reason::StaleReference => {
                "rule 2: reference to an object of this stream under its old name"
            }
            Reason::StaleString => "rule 9: own host or Service in a string under its old name",
            Reason::StaleLabel => {
                "rule 3: selected label value names an object of this stream under its old name"
            }
            Reason::Refused => "refused by the filter",
        }
    }

    /// The name programs read (`check --format json`): the variant's name in
    /// kebab case (`rename`, `stale-reference`, `refused`).
    pub fn key(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The number of the rule that asks for it (the `rule N:` its text begins
    /// with); `None` for refusals and `--fork`.
    pub fn rule(self) -> Option<u8> {
        let rest = self.text().strip_prefix("rule ")?;
        rest[..rest.find(':')?].parse().ok()
    }

    /// Findings about old names, which only a baseline input explains (an input
    /// that already held both `x` references and an `x-tilt` object keeps them).
    pub fn is_stale_name(self) -> bool {
        matches!(
            self,
            Reason::StaleReference | Reason::StaleString | Reason::StaleLabel
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;

    #[test]
    fn all_lists_every_reason_once() {
        let mut seen = std::collections::HashSet::new();
        for r in Reason::ALL {
            assert!(seen.insert(*r), "{r:?} twice");
            // Exhaustive: a new reason makes this fail to compile until it is
            // added here and to ALL.
            match r {
                Reason::Rename
                | Reason::BaselineKind
                | Reason::DropKind
                | Reason::NotForked
                | Reason::ArgoTracking
                | Reason::Hostname
                | Reason::Listener
                | Reason::RedisPassword
                | Reason::Reference
                | Reason::NameInText
                | Reason::CertificateHost
                | Reason::MadeName
                | Reason::Selector
                | Reason::EmptySelector
                | Reason::SelectsBaseline
                | Reason::OwnerLabel
                | Reason::StringRef
                | Reason::Evidence
                | Reason::StaleReference
                | Reason::StaleString
                | Reason::StaleLabel
                | Reason::Refused => {}
            }
        }
        assert_eq!(seen.len(), 22);
    }
}
