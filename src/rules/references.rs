//! Rule 2: a name reference follows its target if and only if the target (kind,
//! namespace, name) is emitted by this same stream.
//!
//! ```yaml
//! backendRefs:                 backendRefs:
//!   - name: www-ameide           - name: www-ameide-tilt     # Service in the stream
//! secretKeyRef:                secretKeyRef:
//!   name: www-ameide-auth        name: www-ameide-auth      # made by a dropped ExternalSecret
//! ```
//! Where the table reads the kind from beside the name (`roleRef.kind`, a
//! backendRef's `kind`/`group`), that kind is checked, so a same-named object of
//! another kind is never confused with the target.

use crate::error::Error;
use crate::k8s::refs::{Found, Target, walk};
use crate::plan::{
    DocOut, DocPlan, NodeSpan, PlanCx, RefCand, ResolveCx, Rule, renamed_name, rewrite_scalar,
};
use crate::reason::Reason;
use std::borrow::Cow;
use std::collections::HashSet;

pub struct References;

impl Rule for References {
    fn plan<'a>(
        &self,
        cx: &PlanCx<'_, 'a>,
        plan: &mut DocPlan<'a>,
        _: &mut DocOut,
    ) -> Result<(), Error> {
        collect(cx, plan);
        Ok(())
    }

    fn resolve(
        &self,
        cx: &ResolveCx<'_, '_>,
        plan: &DocPlan<'_>,
        out: &mut DocOut,
    ) -> Result<(), Error> {
        resolve(cx, plan, out)
    }
}

fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    let (doc, root, cfg) = (cx.doc, cx.root, cx.cfg);
    let group = plan.group().to_string();
    let spec = cfg.k8s.pod_spec(doc, root, &plan.kind);
    let mut found = Vec::new();
    for (ri, rule) in cfg.k8s.references.iter().enumerate() {
        let start = if rule.in_pod_spec {
            match spec {
                Some(s) => s,
                None => continue,
            }
        } else if rule.from.iter().any(|k| k.matches(&plan.kind, &group)) {
            root
        } else {
            continue;
        };
        found.clear();
        walk(doc, start, &rule.path, start, &mut found);
        for &Found { leaf, holder } in &found {
            if doc.is_null(leaf) {
                continue;
            }
            let ns = match &rule.ns_key {
                Some(k) => doc
                    .get(holder, k)
                    .filter(|&n| doc.is_scalar(n))
                    .map(|n| doc.node(n).value.clone())
                    .or_else(|| plan.ns.clone()),
                None => plan.ns.clone(),
            };
            let sibling_group = ["group", "apiGroup"]
                .iter()
                .find_map(|g| doc.get(holder, g).filter(|&n| doc.is_scalar(n)))
                .map(|n| doc.node(n).value.clone());
            let mut push = |kind: Cow<'a, str>, plural: bool, group: Option<Cow<'a, str>>| {
                plan.refs.push(RefCand {
                    leaf: NodeSpan::of(doc, leaf),
                    kind,
                    plural,
                    group,
                    ns: ns.clone(),
                    rule: ri,
                });
            };
            match &rule.target {
                Target::Kind(k) => push(Cow::Owned(k.clone()), false, None),
                Target::Sibling { key, default } => {
                    let kind = doc
                        .get(holder, key)
                        .filter(|&n| doc.is_scalar(n))
                        .map(|n| doc.node(n).value.clone())
                        .or_else(|| default.clone().map(Cow::Owned));
                    if let Some(kind) = kind {
                        push(kind, false, sibling_group);
                    }
                }
                Target::Resources => {
                    let Some(res) = doc.get(holder, "resources").filter(|&r| doc.is_seq(r)) else {
                        continue;
                    };
                    for r in doc.children(res) {
                        if let Some(v) = doc.str(r) {
                            let plural = v.split('/').next().unwrap_or(v).to_string();
                            push(Cow::Owned(plural), true, None);
                        }
                    }
                }
            }
        }
    }
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (input, index, cfg) = (cx.input, cx.index, cx.cfg);
    let (edits, report) = (&mut out.edits, &mut out.report);
    let mut done: HashSet<usize> = HashSet::new();
    for c in &plan.refs {
        if done.contains(&c.leaf.start) {
            continue;
        }
        let name = c.leaf.value.as_ref();
        let target_kind = if c.plural {
            index.emits_plural(&c.kind, c.ns.as_deref(), name)
        } else {
            let group = c.group.as_deref().map(|g| g.trim());
            index
                .emits(&c.kind, group, c.ns.as_deref(), name)
                .then_some(c.kind.as_ref())
        };
        let path = &cfg.k8s.references[c.rule].shown;
        let Some(kind) = target_kind else {
            if !c.plural {
                report.push(format!(
                    "kept {} {path}: {}/{name} is not emitted by this stream",
                    plan.object(),
                    c.kind
                ));
            }
            continue;
        };
        done.insert(c.leaf.start);
        let new = match renamed_name(cfg, kind, name) {
            Ok(Some(n)) => n,
            // Already suffixed, or too long (the target's own rename reports that).
            Ok(None) | Err(_) => continue,
        };
        let what = format!("the reference at {path}");
        edits.push(rewrite_scalar(input, plan, &c.leaf, &what, &new)?.because(Reason::Reference));
        report.push(format!(
            "rewrote {} {path}: {kind}/{name} -> {new}",
            plan.object()
        ));
    }
    Ok(())
}
