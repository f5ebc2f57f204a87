//! The rules of docs/rules.md, one file each, all with the two-phase contract of
//! [`crate::plan::Rule`]: phase 1 reads one document, phase 2 reads the stream
//! index; both add edits and report lines, none writes bytes.

pub mod evidence;
pub mod ownership;
pub mod produced;
pub mod redis;
pub mod references;
pub mod rename;
pub mod routes;
pub mod selectors;
pub mod strings;

use crate::plan::Rule;

/// Every rule, in the order it runs in both phases.
pub const RULES: &[&dyn Rule] = &[
    &rename::Rename,
    &ownership::Ownership,
    &routes::Routes,
    &redis::Redis,
    // Before rule 2: a name the object makes is edited as such, not as a reference.
    &produced::Produced,
    &references::References,
    &selectors::Selectors,
    &strings::Strings,
    // Last: an old name no other rule followed needs a verdict (rule 11).
    &evidence::Evidence,
];
