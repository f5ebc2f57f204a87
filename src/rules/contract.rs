//! The contract every rule keeps: two phases over one document, reading the
//! document ([`PlanCx`]) and then the stream index ([`ResolveCx`]), and, for
//! `check`, what the rule cannot repair ([`Stale`]).

use crate::config::Config;
use crate::error::Error;
use crate::index::StreamIndex;
use crate::plan::{DocOut, DocPlan};
use crate::reason::Reason;
use crate::yaml::{Doc, NodeId};

/// Phase 1, for one emitted object: edits that need no other document, and
/// what phase 2 needs, kept in the rule's own part of the [`DocPlan`].
pub type PlanFn =
    for<'c, 'a> fn(&PlanCx<'c, 'a>, &mut DocPlan<'a>, &mut DocOut) -> Result<(), Error>;

/// Phase 2, for one emitted object: what phase 1 found becomes edits.
pub type ResolveFn = fn(&ResolveCx<'_, '_>, &DocPlan<'_>, &mut DocOut) -> Result<(), Error>;

/// `check`'s counterpart: what still uses an old name that the filter cannot
/// rewrite by itself (the input is already a copy).
pub type StaleFn = fn(&ResolveCx<'_, '_>, &DocPlan<'_>, &mut Vec<Stale>);

/// One rule of docs/rules.md: its number and its phases. Rules read documents
/// and the index; they add edits and report lines to the document's [`DocOut`];
/// none writes bytes. Each rule file declares one as `pub const RULE`.
pub struct Rule {
    /// Its number in docs/rules.md (`#rule-N`); [`crate::rules::RULE_DOCS`]
    /// says where it lives and what carries its name.
    pub number: u8,
    /// Whether the rule runs under this configuration (`--no-redis`, …).
    pub enabled: fn(&Config) -> bool,
    pub plan: PlanFn,
    pub resolve: ResolveFn,
    pub stale: StaleFn,
}

impl Rule {
    /// A rule that is always on and does nothing yet: each `RULE` fills in the
    /// phases it has.
    pub const fn new(number: u8) -> Rule {
        Rule {
            number,
            enabled: |_| true,
            plan: |_, _, _| Ok(()),
            resolve: |_, _, _| Ok(()),
            stale: |_, _, _| {},
        }
    }
}

/// A finding of a rule's [`StaleFn`]: where, why, and what (never a Secret's
/// value).
pub struct Stale {
    pub at: usize,
    pub why: Reason,
    pub detail: String,
}

/// What phase 1 reads: one parsed object.
pub struct PlanCx<'c, 'a> {
    pub input: &'a str,
    pub doc: &'c Doc<'a>,
    pub root: NodeId,
    pub metadata: NodeId,
    pub cfg: &'c Config,
}

/// What phase 2 reads: the stream index.
pub struct ResolveCx<'c, 'p> {
    pub input: &'c str,
    pub index: &'c StreamIndex<'p>,
    pub cfg: &'c Config,
}
