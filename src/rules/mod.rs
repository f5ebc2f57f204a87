//! The rules of the SPEC, one file each, all with the two-phase contract of
//! [`crate::plan::Rule`]: phase 1 reads one document, phase 2 reads the stream
//! index; both add edits and report lines, none writes bytes.

pub mod ownership;
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
    &references::References,
    &selectors::Selectors,
    &strings::Strings,
];
