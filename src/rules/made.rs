//! Rule 10: names an object makes at run time get the suffix, and count as
//! emitted, so references to them follow (rule 2).
//!
//! ```yaml
//! kind: Certificate                    kind: Certificate
//! spec:                                spec:
//!   secretName: web-tls                  secretName: web-tls-tilt
//! args:                                args:
//!   - create                             - create
//!   - --secret-name=web-admission        - --secret-name=web-admission-tilt
//!   - --election-id=web-leader           - --election-id=web-leader-tilt
//! ```
//! The fields and flags are the `produces:` table of `src/k8s/builtin.yaml`
//! (extensible in the config file). Inside a flag only the name's text changes.

use crate::edit::Edit;
use crate::error::Error;
use crate::plan::{DocOut, DocPlan, RefCand, RefVia, renamed_name, rewrite_scalar};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, Rule};
use crate::rules::references::candidates;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    plan,
    ..Rule::new(10)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, out: &mut DocOut) -> Result<(), Error> {
    let mut seen = HashSet::new();
    let found: Vec<RefCand<'a>> = candidates(cx, plan, &cx.cfg.k8s.produces, RefVia::Made)
        .into_iter()
        .filter(|c| !c.plural && seen.insert(c.leaf.start))
        .collect();
    for c in &found {
        produce(cx, plan, c, out)?;
    }
    plan.made.names.extend(found);
    Ok(())
}

fn produce(
    cx: &PlanCx<'_, '_>,
    plan: &DocPlan<'_>,
    c: &RefCand<'_>,
    out: &mut DocOut,
) -> Result<(), Error> {
    let cfg = cx.cfg;
    let path = c.via.shown(cfg);
    let name = c.leaf.value.as_ref();
    let new = match renamed_name(cfg, &c.kind, name) {
        Ok(None) => return Ok(()),
        Ok(Some(n)) => n,
        Err(len) => {
            return Err(Error::input(
                plan.place(c.leaf.line),
                format!(
                    "{} {name:?} made at run time ({path}) would be {len} characters with suffix {:?}, over the {}-character limit",
                    c.kind,
                    cfg.suffix,
                    cfg.k8s.name_limit(&c.kind)
                ),
            )
            .with_hint("shorten the name in the chart, or drop --strict-names to shorten it with a hash"));
        }
    };
    let e = if c.inside {
        if c.leaf.anchored {
            return Err(Error::input(
                plan.place(c.leaf.line),
                format!("the value at {path} carries a YAML anchor (&name): rewriting it would also change every alias of it"),
            )
            .with_hint("write the value out instead of using an anchor/alias in the chart template"));
        }
        Edit::replace(c.leaf.start, c.leaf.end, new.clone())
    } else {
        let what = format!("the name made at {path}");
        rewrite_scalar(plan, &c.leaf, &what, &new)?
    };
    out.edits.push(e.because(Reason::MadeName));
    Ok(())
}
