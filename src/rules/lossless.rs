//! Rule 8: only the bytes a rule changes differ (docs/rules.md#rule-8).
//!
//! The rule is kept by how edits are made, not by a pass of its own: every rule
//! writes byte-span edits ([`crate::edit`]) whose inserted text follows the
//! layout recorded at parse time, and [`crate::edit::apply`] copies everything
//! else. What one rule cannot see is checked here, once, for every rule: that
//! the edits of a document keep the YAML readable.

use crate::error::Error;
use crate::plan::{DocOut, DocPlan};

/// Refuses a document whose edits would remove an anchor that an alias they
/// keep stands for: whatever rule made the edit, the output would not parse.
/// Checked once here for every rule rather than by each edit helper.
pub fn aliases_kept(plan: &DocPlan<'_>, out: &DocOut) -> Result<(), Error> {
    let removed = |at: usize| out.edits.iter().any(|e| e.start <= at && at < e.end);
    for a in &plan.aliased {
        if removed(a.anchor) && !removed(a.alias) {
            return Err(Error::input(
                plan.place(a.anchor_line),
                format!(
                    "an edit here would remove a YAML anchor (&name) that the alias on line {} still uses",
                    a.alias_line
                ),
            )
            .with_hint("write the value out instead of using an anchor/alias in the chart template"));
        }
    }
    Ok(())
}
