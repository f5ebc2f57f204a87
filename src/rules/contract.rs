//! The contract every rule keeps: two phases over one document, reading the
//! document ([`PlanCx`]) and then the stream index ([`ResolveCx`]).

use crate::config::Config;
use crate::error::Error;
use crate::index::StreamIndex;
use crate::plan::{DocOut, DocPlan};
use crate::yaml::{Doc, NodeId};

/// One rule of docs/rules.md, in two phases. Rules read documents and the index; they
/// add edits and report lines to the document's [`DocOut`]; none writes bytes.
pub trait Rule: Sync {
    /// Its number in docs/rules.md (`#rule-N`); [`crate::rules::RULE_DOCS`]
    /// says where it lives and what carries its name.
    fn number(&self) -> u8;

    /// Whether the rule runs under this configuration (`--no-redis`, …).
    fn enabled(&self, _cfg: &Config) -> bool {
        true
    }

    /// Phase 1, for one emitted object: edits that need no other document, and
    /// candidates for phase 2.
    fn plan<'a>(
        &self,
        _cx: &PlanCx<'_, 'a>,
        _plan: &mut DocPlan<'a>,
        _out: &mut DocOut,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Phase 2, for one emitted object: candidates become edits. A rule whose
    /// edits need nothing of the other documents has none.
    fn resolve(
        &self,
        _cx: &ResolveCx<'_, '_>,
        _plan: &DocPlan<'_>,
        _out: &mut DocOut,
    ) -> Result<(), Error> {
        Ok(())
    }
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
