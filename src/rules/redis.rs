//! Rule 6: every container that consumes Redis (an env var named `REDIS_*` other
//! than the password variable) ends up with exactly one `REDIS_PASSWORD`, read from
//! the `redis-auth`/`password` Secret. No inline password survives.
//!
//! ```yaml
//! env:                                env:
//!   - name: REDIS_URL                   - name: REDIS_URL
//!     value: redis://redis:6379           value: redis://redis:6379
//!                                       - name: "REDIS_PASSWORD"
//!                                         valueFrom:
//!                                           secretKeyRef:
//!                                             name: "redis-auth"
//!                                             key: "password"
//! ```
//! An entry that already reads a Secret is left to rule 2; extra entries are removed.

use crate::config::Config;
use crate::edit::{self, Edit};
use crate::error::Error;
use crate::plan::{DocOut, DocPlan, Injection, renamed_name};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, ResolveCx, Rule};
use crate::yaml::NodeId;

pub const RULE: Rule = Rule {
    enabled: |cfg| cfg.redis,
    plan,
    resolve: |cx, plan, out| {
        resolve(cx, plan, out);
        Ok(())
    },
    ..Rule::new(6)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, out: &mut DocOut) -> Result<(), Error> {
    let Some(spec) = cx.cfg.k8s.pod_spec(cx.doc, cx.root, &plan.kind) else {
        return Ok(());
    };
    for list in ["containers", "initContainers"] {
        let Some(cs) = cx.doc.get(spec, list).filter(|&s| cx.doc.is_seq(s)) else {
            continue;
        };
        for c in cx.doc.children(cs).filter(|&c| cx.doc.is_map(c)) {
            container(cx, c, plan, out)?;
        }
    }
    Ok(())
}

/// Stands where the Secret's name goes until phase 2 knows it.
const MARK: &str = "\u{0}secret\u{0}";

fn secret_lines(cfg: &Config, depth: usize) -> Vec<(usize, &'static str, String)> {
    vec![
        (depth, "valueFrom", String::new()),
        (depth + 1, "secretKeyRef", String::new()),
        (depth + 2, "name", MARK.to_string()),
        (depth + 2, "key", edit::quote(&cfg.redis_key)),
    ]
}

fn injection<'a>(plan: &DocPlan<'a>, e: Edit) -> Injection<'a> {
    let (before, after) = e.text.split_once(MARK).unwrap_or((&e.text, ""));
    Injection {
        start: e.start,
        end: e.end,
        before: before.to_string(),
        after: after.to_string(),
        ns: plan.ns.clone(),
    }
}

/// One container: does it consume Redis, and how does its password entry look?
fn container(
    cx: &PlanCx<'_, '_>,
    c: NodeId,
    plan: &mut DocPlan<'_>,
    out: &mut DocOut,
) -> Result<(), Error> {
    let (doc, cfg) = (cx.doc, cx.cfg);
    let Some(env) = doc.get(c, "env").filter(|&e| doc.is_seq(e)) else {
        return Ok(());
    };
    let entries: Vec<(NodeId, &str)> = doc
        .children(env)
        .filter(|&i| doc.is_map(i))
        .filter_map(|i| doc.get_str(i, "name").map(|n| (i, n)))
        .collect();
    let consumes = entries
        .iter()
        .any(|(_, n)| n.starts_with("REDIS_") && *n != cfg.redis_env);
    if !consumes {
        return Ok(());
    }
    let container = format!(
        "{} container {}",
        plan.object(),
        doc.get_str(c, "name").unwrap_or("?")
    );
    let pw: Vec<NodeId> = entries
        .iter()
        .filter(|(_, n)| *n == cfg.redis_env)
        .map(|&(i, _)| i)
        .collect();
    let Some(&first) = pw.first() else {
        return inject(cx, env, plan);
    };
    wire(cx, first, &container, plan, out)?;
    for &extra in &pw[1..] {
        let e = edit::delete_item(cx.input, doc, env, extra).map_err(|_| {
            Error::input(
                plan.place(doc.node(extra).line),
                format!("cannot remove the duplicate {} entry", cfg.redis_env),
            )
            .with_hint("keep one entry in the chart, or pass --no-redis")
        })?;
        out.edits.push(e.because(Reason::RedisPassword));
    }
    Ok(())
}

/// No password entry yet: a new one at the end of the env list.
fn inject(cx: &PlanCx<'_, '_>, env: NodeId, plan: &mut DocPlan<'_>) -> Result<(), Error> {
    let cfg = cx.cfg;
    let mut lines = vec![(0, "name", edit::quote(&cfg.redis_env))];
    lines.extend(secret_lines(cfg, 0));
    let e = edit::append_map_item(cx.input, cx.doc, env, &lines).map_err(|_| {
        Error::input(
            plan.place(cx.doc.node(env).line),
            "cannot add REDIS_PASSWORD: the env list's layout is not one this tool can extend",
        )
        .with_hint("write the container's env as a block list in the chart (one `- name:` item per line), or pass --no-redis")
    })?;
    let inj = injection(plan, e);
    plan.injections.push(inj);
    Ok(())
}

/// The first password entry reads the Redis Secret: kept when it already reads a
/// Secret, its literal value replaced, or a `valueFrom` added.
fn wire(
    cx: &PlanCx<'_, '_>,
    first: NodeId,
    container: &str,
    plan: &mut DocPlan<'_>,
    out: &mut DocOut,
) -> Result<(), Error> {
    let (input, doc, cfg) = (cx.input, cx.doc, cx.cfg);
    if doc.get(first, "valueFrom").is_some() {
        out.report.push(format!(
            "kept {} of {container}: it already reads a Secret or other source",
            cfg.redis_env
        ));
        return Ok(());
    }
    // The edit's own -v line says what was wired: no report line repeats it.
    let e = if let Some((k, v)) = doc.get_pair(first, "value") {
        // A repeated `value:` (Kubernetes keeps the last): the earlier ones go,
        // so no inline password survives in any of them.
        let values: Vec<(NodeId, NodeId)> = doc.get_all(first, "value").collect();
        for &(ek, ev) in &values[..values.len() - 1] {
            let gone = edit::delete_pair(input, doc, first, ek, ev, None).map_err(|_| {
                Error::input(
                    plan.place(doc.node(ek).line),
                    format!("cannot remove a repeated value of {}", cfg.redis_env),
                )
                .with_hint("keep one `value` in the chart's env entry, or pass --no-redis")
            })?;
            out.edits.push(gone.because(Reason::RedisPassword));
        }
        edit::replace_pair(input, doc, first, k, v, &secret_lines(cfg, 0)).map_err(|_| {
            Error::input(
                plan.place(doc.node(k).line),
                format!(
                    "cannot replace the value of {}: it is written as `? value` without a `:` of its own",
                    cfg.redis_env
                ),
            )
            .with_hint("write the env entry's value out in the chart, or pass --no-redis")
        })?
    } else {
        let value = format!(
            "{{secretKeyRef: {{name: {MARK}, key: {}}}}}",
            edit::quote(&cfg.redis_key)
        );
        edit::insert_pair(input, doc, first, "valueFrom", &value).map_err(|why| {
            Error::input(
                plan.place(doc.node(first).line),
                format!(
                    "cannot add valueFrom to the {} entry: {}",
                    cfg.redis_env,
                    why.says()
                ),
            )
            .with_hint(format!(
                "write the env entry as a block mapping (`- name: {}` with `value:` below) in the chart, or pass --no-redis",
                cfg.redis_env
            ))
        })?
    };
    let inj = injection(plan, e);
    plan.injections.push(inj);
    Ok(())
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) {
    let (index, cfg) = (cx.index, cx.cfg);
    for inj in &plan.injections {
        let name = if index.emits("Secret", Some(""), inj.ns.as_deref(), &cfg.redis_secret) {
            renamed_name(cfg, "Secret", &cfg.redis_secret)
                .ok()
                .flatten()
                .unwrap_or_else(|| cfg.redis_secret.clone())
        } else {
            cfg.redis_secret.clone()
        };
        out.edits.push(
            Edit::replace(
                inj.start,
                inj.end,
                format!("{}{}{}", inj.before, edit::quote(&name), inj.after),
            )
            .because(Reason::RedisPassword),
        );
    }
}
