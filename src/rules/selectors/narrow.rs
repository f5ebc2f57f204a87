//! Rule 3 for selectors that select every pod (a NetworkPolicy's empty
//! `podSelector`, a PodDisruptionBudget's `selector: {}`), and for a selector
//! whose isolated pairs still select the baseline's pods: the pair that narrows
//! them to the copy's.

use super::*;

/// A selector at `keys` that selects everything (`{}`, one with only empty
/// `matchLabels` / `matchExpressions`, or an absent or null one where `absent`
/// says that selects everything): the edit that narrows it, with [`NARROW_MARK`]
/// where the pair goes. `None` when the selector selects something already (or
/// nothing), or is not a selector this tool edits (an alias, an anchored mapping).
pub(super) fn narrow(
    cx: &PlanCx<'_, '_>,
    plan: &DocPlan<'_>,
    keys: &[&str],
    absent: WhenAbsent,
) -> Result<Option<Narrow>, Error> {
    let (input, doc, root) = (cx.input, cx.doc, cx.root);
    let Some((last, parents)) = keys.split_last() else {
        return Ok(None);
    };
    let Some(parent) = doc.path(root, parents).filter(|&p| doc.is_map(p)) else {
        return Ok(None);
    };
    let (k, v) = ("\u{1}", "\u{2}".to_string());
    let whole: &Lines<'_> = &[
        (0, last, String::new()),
        (1, "matchLabels", String::new()),
        (2, k, v.clone()),
    ];
    let everything_when_absent = absent == WhenAbsent::Everything;
    let built = match doc.get_pair(parent, last) {
        None if everything_when_absent => edit::insert_nested(input, doc, parent, whole),
        None => return Ok(None),
        Some((sk, sv)) if doc.is_null(sv) && everything_when_absent => {
            edit::replace_pair(input, doc, parent, sk, sv, whole)
        }
        Some((_, sel)) if doc.is_map(sel) && !doc.node(sel).anchored => {
            let has = |key, seq: bool| match doc.get(sel, key) {
                None => Some(false),
                Some(n) if doc.is_null(n) => Some(false),
                Some(n) if !seq && doc.is_map(n) => Some(doc.pairs(n).next().is_some()),
                Some(n) if seq && doc.is_seq(n) => Some(doc.children(n).next().is_some()),
                Some(_) => None,
            };
            if has("matchLabels", false) != Some(false)
                || has("matchExpressions", true) != Some(false)
            {
                return Ok(None);
            }
            match doc.get_pair(sel, "matchLabels") {
                Some((_, ml)) if doc.is_map(ml) && !doc.node(ml).anchored => {
                    edit::insert_pair(input, doc, ml, k, &v)
                }
                Some((mk, ml)) if doc.is_null(ml) => edit::replace_pair(
                    input,
                    doc,
                    sel,
                    mk,
                    ml,
                    &whole[1..]
                        .iter()
                        .map(|(d, k, v)| (d - 1, *k, v.clone()))
                        .collect::<Vec<_>>(),
                ),
                Some(_) => return Ok(None),
                None => edit::insert_nested(
                    input,
                    doc,
                    sel,
                    &[(0, "matchLabels", String::new()), (1, k, v)],
                ),
            }
        }
        Some(_) => return Ok(None),
    };
    let line = doc.node(parent).line;
    let e = built.map_err(|why: Unplaceable| {
        Error::input(
            plan.place(line),
            format!(
                "the empty {} must be narrowed to the copy's pods, but its layout leaves no place for `matchLabels`: {}",
                keys.join("."),
                why.says()
            ),
        )
        .with_hint(format!("write the selector as `{last}: {{}}` or as a block mapping in the chart template"))
    })?;
    if !e.text.contains(NARROW_MARK) {
        return Ok(None);
    }
    Ok(Some(Narrow {
        field: (*last).to_string(),
        line,
        path: keys.join("."),
        start: e.start,
        end: e.end,
        text: e.text,
    }))
}

/// A selector of the copy that, with its pairs isolated, still selects pods the
/// baseline runs from this stream (only `Exists` or `NotIn`; an `In` with a value
/// no pod of the copy carries; in a partial copy, a pair of a workload that is
/// not forked) would govern the baseline's pods: it gets the narrowing pair that
/// every pod of the copy carries, as an empty selector does; where there is none,
/// or no place for it, a warning says so.
pub(super) fn narrow_off_baseline(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    ps: &PodSelector,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) -> Result<(), Error> {
    let (index, cfg) = (cx.index, cx.cfg);
    let copy = |k: &str, v: &str| -> String {
        label_value_in_copy(cfg, index.labels.get(&(k, v)), v).unwrap_or_else(|| v.to_string())
    };
    let reqs: Vec<Requirement> = ps
        .reqs
        .iter()
        .map(|r| match r {
            Requirement::Equals(k, v) => Requirement::Equals(k.clone(), copy(k, v)),
            Requirement::In(k, vs, is) => {
                Requirement::In(k.clone(), vs.iter().map(|v| copy(k, v)).collect(), *is)
            }
            other => other.clone(),
        })
        .collect();
    let selects_baseline = index
        .baseline_pods
        .iter()
        .any(|pod| reqs.iter().all(|r| r.holds(pod)));
    if !selects_baseline {
        return Ok(());
    }
    let shown: Vec<String> = ps.reqs.iter().map(requirement_text).collect();
    let warn = |why: &str| {
        format!(
            "warning: document {} ({}) line {} at {}: this selector of the copy (`{}`) selects pods the baseline runs from this stream too, and is left as it is: {why}",
            plan.index,
            plan.object(),
            ps.line,
            ps.path,
            shown.join(", ")
        )
    };
    let (key, value) = match &index.narrow {
        Ok(pair) => pair,
        Err(why) => {
            out.notes.push(warn(&format!(
                "{why} (add a label of the copy's own to the selector in the chart)"
            )));
            return Ok(());
        }
    };
    // Beside an expression on the same key the pair only narrows further; beside
    // `key: value` it would repeat the key.
    if ps
        .reqs
        .iter()
        .any(|r| matches!(r, Requirement::Equals(k, _) if k == key))
    {
        out.notes.push(warn(&format!(
            "it already requires {key}, the label every pod of the copy carries (add a label of the copy's own to the selector in the chart)"
        )));
        return Ok(());
    }
    let why = "selects pods the baseline runs from this stream too";
    out.edits
        .push(add_pair(plan, ps, key, value, true, why)?.because(Reason::SelectsBaseline));
    say(format!(
        "narrowed {} of {} with {key}={value}: isolated, `{}` would still select pods the baseline runs",
        ps.path,
        plan.object(),
        shown.join(", ")
    ));
    Ok(())
}

/// Narrows a selector that selects everything (a NetworkPolicy's empty
/// podSelector, a PodDisruptionBudget's `selector: {}`) with the stream's
/// narrowing pair, or says why it stays (`check --baseline` reports the same).
pub(super) fn narrow_edit(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    nw: &Narrow,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) {
    match &cx.index.narrow {
        Ok((key, value)) => {
            let pair = pair_text(key, value, true);
            out.edits.push(
                edit::Edit::replace(nw.start, nw.end, nw.text.replace(NARROW_MARK, &pair))
                    .because(Reason::EmptySelector),
            );
            say(format!(
                "narrowed the empty {} of {} to {key}={value}: empty, it would govern the baseline's pods too",
                nw.field,
                plan.object()
            ));
        }
        // The copy's selector acts on the baseline's pods: said whether or not
        // -v asked, as `check --baseline` reports it.
        Err(why) => {
            let fix = if *why != crate::index::NO_POD_TEMPLATE {
                "give every pod template of the chart a label of the release (app.kubernetes.io/instance), or write a selector in the chart"
            } else {
                "write a selector in the chart, or leave the object out of the copy"
            };
            out.notes.push(format!(
                "warning: document {} ({}) line {} at {}: the empty {} selects every pod of the namespace, the baseline's too, and stays so: {why}\n  fix: {fix}",
                plan.index,
                plan.object(),
                nw.line,
                nw.path,
                nw.field,
            ));
        }
    }
}
