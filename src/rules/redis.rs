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
use crate::refs::pod_spec;
use crate::render::{DocPlan, Injection, StreamIndex, renamed_name};
use crate::syntax::{Doc, NodeId};

pub const WHY: &str = "rule 6: Redis password not read from the Redis Secret";

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

pub fn plan(
    input: &str,
    doc: &Doc<'_>,
    root: NodeId,
    cfg: &Config,
    plan: &mut DocPlan<'_>,
    report: &mut Vec<String>,
) -> Result<(), Error> {
    let Some(spec) = pod_spec(doc, root, &plan.kind) else {
        return Ok(());
    };
    for list in ["containers", "initContainers"] {
        let Some(cs) = doc.get(spec, list).filter(|&s| doc.is_seq(s)) else {
            continue;
        };
        for c in doc.children(cs).filter(|&c| doc.is_map(c)) {
            let Some(env) = doc.get(c, "env").filter(|&e| doc.is_seq(e)) else {
                continue;
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
                continue;
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
                let mut lines = vec![(0, "name", edit::quote(&cfg.redis_env))];
                lines.extend(secret_lines(cfg, 0));
                let Some(e) = edit::append_map_item(input, doc, env, &lines) else {
                    return Err(Error::input(
                        plan.place(doc.node(env).line),
                        "cannot add REDIS_PASSWORD: the env list's layout is not one this tool can extend",
                    )
                    .with_hint("write env as a block list (`- name: …`), or pass --no-redis"));
                };
                let inj = injection(plan, e);
                plan.injections.push(inj);
                report.push(format!("injected {} into {container}", cfg.redis_env));
                continue;
            };
            if doc.get(first, "valueFrom").is_some() {
                report.push(format!(
                    "kept {} of {container}: it already reads a Secret or other source",
                    cfg.redis_env
                ));
            } else if let Some((k, v)) = doc.get_pair(first, "value") {
                let e = edit::replace_pair(input, doc, first, k, v, &secret_lines(cfg, 0));
                let inj = injection(plan, e);
                plan.injections.push(inj);
                report.push(format!(
                    "replaced the literal {} of {container} by a secretKeyRef",
                    cfg.redis_env
                ));
            } else {
                let e = edit::insert_pair(
                    input,
                    doc,
                    first,
                    "valueFrom",
                    &format!(
                        "{{secretKeyRef: {{name: {MARK}, key: {}}}}}",
                        edit::quote(&cfg.redis_key)
                    ),
                )
                .ok_or_else(|| {
                    Error::input(
                        plan.place(doc.node(first).line),
                        format!(
                            "cannot add valueFrom to the {} entry: its first key has no text",
                            cfg.redis_env
                        ),
                    )
                    .with_hint(
                        "write the env entry as `- name: …` in the chart, or pass --no-redis",
                    )
                })?;
                let inj = injection(plan, e);
                plan.injections.push(inj);
                report.push(format!(
                    "wired {} of {container} to the Redis Secret",
                    cfg.redis_env
                ));
            }
            for &extra in &pw[1..] {
                let Some(e) = edit::delete_item(input, doc, env, extra) else {
                    return Err(Error::input(
                        plan.place(doc.node(extra).line),
                        format!("cannot remove the duplicate {} entry", cfg.redis_env),
                    )
                    .with_hint("keep one entry in the chart, or pass --no-redis"));
                };
                plan.edits.push(e.because(WHY));
                report.push(format!(
                    "removed a duplicate {} from {container}",
                    cfg.redis_env
                ));
            }
        }
    }
    Ok(())
}

pub fn resolve(plan: &DocPlan<'_>, index: &StreamIndex<'_>, cfg: &Config, edits: &mut Vec<Edit>) {
    for inj in &plan.injections {
        let name = if index.emits("Secret", Some(""), inj.ns.as_deref(), &cfg.redis_secret) {
            renamed_name(cfg, "Secret", &cfg.redis_secret)
                .ok()
                .flatten()
                .unwrap_or_else(|| cfg.redis_secret.clone())
        } else {
            cfg.redis_secret.clone()
        };
        edits.push(
            Edit::replace(
                inj.start,
                inj.end,
                format!("{}{}{}", inj.before, edit::quote(&name), inj.after),
            )
            .because(WHY),
        );
    }
}
