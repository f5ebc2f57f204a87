//! Rule 3 for pods an operator makes: the owner pair a selector of the copy
//! needs to leave the baseline's such pods alone, the baseline's selectors that
//! still catch the copy's (a note: the copy cannot change them), and peers a
//! partial copy's NetworkPolicy loses.

use super::*;

/// A selector of the copy whose pairs all stay shared, and that selects pods an
/// operator makes for a custom resource of the stream (`operator_pods`, the
/// selector evaluated against their labels), selects the baseline's such pods
/// too: it gets the operator's owner label with the copy's name. Where the
/// selected pods belong to resources with different owner pairs, or their owner
/// is no object of the copy, it stays, with a warning.
pub(super) fn owner_pair(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    ps: &PodSelector,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) -> Result<bool, Error> {
    let index = cx.index;
    // A pair it requires (`key: value`, `In`) that no pod template of the stream
    // carries (a shared one) keeps every template's pods out of it: it selects
    // only pods made elsewhere, whose labels the copy cannot change. Without one
    // (only `NotIn`, `Exists`) it may select the stream's own pods as well, which
    // the owner pair would drop.
    let required = ps
        .reqs
        .iter()
        .any(|r| matches!(r, Requirement::Equals(..) | Requirement::In(_, _, true)));
    let shared = ps
        .reqs
        .iter()
        .flat_map(Requirement::pairs)
        .all(|p| index.labels.get(&p) == Some(&LabelFate::Shared));
    if !shared {
        return Ok(false);
    }
    let selected: Vec<&OperatorPodSet<'_>> = index
        .pod_sets
        .iter()
        .filter(|set| ps.reqs.iter().all(|r| r.holds(&set.labels)))
        .collect();
    if selected.is_empty() {
        return Ok(false);
    }
    // Who makes them, and their owner pairs, each once in stream order.
    let (mut makers, mut owners) = (Vec::new(), Vec::new());
    for set in &selected {
        let maker = format!("{}/{}", set.kind, set.name);
        if !makers.contains(&maker) {
            makers.push(maker);
        }
        let owner = (set.owner.0, &set.owner.1);
        if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    let makers = makers.join(", ");
    let warn = |why: String| {
        format!(
            "warning: document {} ({}) line {} at {}: this selector of the copy holds only shared labels and selects the pods an operator makes for {makers}, the baseline's too; it is left as it is: {why}",
            plan.index,
            plan.object(),
            ps.line,
            ps.path
        )
    };
    if !required {
        out.notes.push(warn(
            "it requires no label that the stream's own pods lack, so the owner label could drop pods it selects now (add a label of the copy's own to the selector in the chart)".to_string(),
        ));
        return Ok(true);
    }
    let [(key, value)] = owners[..] else {
        let pairs: Vec<String> = owners
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_ref().map_or("?", String::as_str)))
            .collect();
        out.notes.push(warn(format!(
            "they belong to more than one owner ({}), and which one the chart means is a guess (add the owner label to the selector in the chart)",
            pairs.join(", ")
        )));
        return Ok(true);
    };
    let limit = cx.cfg.k8s.label_value_limit;
    let value = match value {
        Err(len) => {
            return Err(Error::input(
                plan.place(ps.line),
                format!(
                    "the selector at {} selects the pods an operator makes for {makers}; their owner label {key} in the copy would be {len} characters, over the {limit}-character limit for label values",
                    ps.path
                ),
            )
            .with_hint(format!("shorten the name of {makers} in the chart")));
        }
        Ok(v) if !v.ends_with(&cx.cfg.suffix) => {
            out.notes.push(warn(format!(
                "their owner label {key}={v} names no object of this stream, so both copies' such pods carry it (add a label of the copy's own to the selector in the chart)"
            )));
            return Ok(true);
        }
        Ok(v) => v,
    };
    if ps.reqs.iter().any(|r| r.key() == Some(key)) {
        return Ok(true);
    }
    let why = format!("selects the pods an operator makes for {makers}, the baseline's too");
    out.edits
        .push(add_pair(plan, ps, key, value, ps.quoted, &why)?.because(Reason::OwnerLabel));
    say(format!(
        "narrowed {} of {} with {key}={value}: its labels are all shared and select the pods an operator makes for {makers}, the baseline's too",
        ps.path,
        plan.object()
    ));
    Ok(true)
}

/// The baseline's selectors that select the copy's pods: a selector of the
/// stream as the baseline runs it (every object not already named as a copy,
/// forked or not) that its isolated pairs cannot keep off the copy's pods (an
/// `Exists`, a `NotIn`). The copy cannot change the baseline's selector; a
/// warning on the document says so (`check --baseline` counts it a collision).
pub fn baseline_on_copy(
    plans: &[DocPlan<'_>],
    index: &crate::index::StreamIndex<'_>,
    cfg: &crate::config::Config,
) -> Vec<(usize, String)> {
    use crate::plan::Status;
    let of_baseline = |p: &DocPlan<'_>| !p.named_as_copy(cfg);
    let pods: Vec<(String, Vec<(&str, String)>)> = plans
        .iter()
        .filter(|p| p.status == Status::Object && p.selectors.pod_template && of_baseline(p))
        .map(|p| {
            let labels = p
                .labels_kept(false)
                .into_iter()
                .map(|(k, v)| {
                    let new = label_value_in_copy(cfg, index.labels.get(&(k, v.as_str())), &v);
                    (k, new.unwrap_or(v))
                })
                .collect::<Vec<_>>();
            (p.object(), labels)
        })
        .collect();
    let mut out = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if !matches!(p.status, Status::Object | Status::Shared) || !of_baseline(p) {
            continue;
        }
        if p.status == Status::Shared
            && let Some(note) = peers_lost(p, index, cfg)
        {
            out.push((i, note));
        }
        for ps in &p.selectors.pod_selectors {
            let Some((pod, _)) = pods
                .iter()
                .find(|(_, labels)| ps.reqs.iter().all(|r| r.holds(labels)))
            else {
                continue;
            };
            let shown: Vec<String> = ps.reqs.iter().map(requirement_text).collect();
            out.push((
                i,
                format!(
                    "warning: document {} ({}) line {} at {}: the baseline's selector (`{}`) selects the copy's pods too ({pod}, renamed): no rename can keep them apart; give the selector a label of the baseline's own in the chart",
                    p.index,
                    p.object(),
                    ps.line,
                    ps.path,
                    shown.join(", ")
                ),
            ));
        }
    }
    out
}

/// A NetworkPolicy a partial copy leaves to the baseline that admits peers by a
/// label pair the copy's pods no longer carry (isolated by rule 3): it does not
/// admit the copy's pods, so they cannot reach what it guards. Peers are the
/// policy's label pairs outside its own labels and `podSelector`.
fn peers_lost(
    p: &DocPlan<'_>,
    index: &crate::index::StreamIndex<'_>,
    cfg: &crate::config::Config,
) -> Option<String> {
    if p.kind != "NetworkPolicy" || p.group() != "networking.k8s.io" {
        return None;
    }
    let lost: Vec<String> = p
        .selectors
        .labels
        .iter()
        .filter(|o| o.selects.is_none() && !o.object && !o.pod)
        .filter_map(|o| {
            let (k, v) = (o.key.as_ref(), o.value.value.as_ref());
            label_value_in_copy(cfg, index.labels.get(&(k, v)), v).map(|_| format!("{k}={v}"))
        })
        .collect();
    (!lost.is_empty()).then(|| {
        format!(
            "note: document {} ({}) is the baseline's and admits peers by {}, which the copy's pods carry isolated: it does not admit them, so they cannot reach what it guards (fork what it guards too, or add a policy of your own)",
            p.index,
            p.object(),
            lost.join(", ")
        )
    })
}
