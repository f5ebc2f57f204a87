//! `check --baseline`: can the baseline and the tilt copy run side by side?
//!
//! A model of one namespace built from the two streams alone, independent of how
//! the filter decided: each stream's objects are read ([`read`]), placed in the
//! namespace (an absent `metadata.namespace` is the shared release namespace), and
//! compared. It shares facts with the filter (the Kubernetes tables of
//! [`crate::k8s`], the reading of strings of [`crate::k8s::leftover`]), never the
//! rules' decisions. A collision is a fact the cluster would act on; each has a
//! category ([`Collision::category`]):
//!
//! 1. `object`: the same object identity in both (group, kind, namespace, name;
//!    cluster-scoped kinds regardless of namespace);
//! 2. `host`: a hostname both claim;
//! 3. `made`: a name both make at run time (or one makes and the other emits);
//! 4. `select`: a selector of either side that selects pods (or, for a
//!    ServiceMonitor, Services) of the other. Matching labels, such a selector
//!    has no pair of its own stream: every pair it requires is carried by the
//!    other side's pods too (fixed labels like `app.kubernetes.io/name:
//!    entity-operator`). The pods include those operators make for custom
//!    resources (`operator_pods`). The baseline's selector that catches only
//!    pods an operator makes for the copy's resource is a controller-level note
//!    instead: the copy cannot change it;
//! 5. `reference`: a reference of the copy to an object the baseline has, where
//!    the copy has its own object for it (the reference should have followed the
//!    rename);
//! 6. `lost`: a selector of the copy that selects nothing of the copy although
//!    the baseline's counterpart selects something of the baseline (it lost its
//!    target). docs/isolation.md lists "a selector of the copy that lost its target"
//!    among the collisions that make the exit code 1, so this stays a collision; the
//!    other selectors of the copy that select none of its pods are `note (lost)`;
//! 7. `leftover`: an old name still written in a string of the copy ([`leftovers`],
//!    no table).
//!
//! The line of a collision names its category by its words (`same object`,
//! `same host`, `selects`, `refers to`, `lost its target`, `old name`), as it
//! always has; [`Collision::category`] gives the name for programs.
//!
//! Notes never change the exit code ([`controllers::NoteKind`]): `controller:`
//! for what renaming cannot separate ([`controllers`]); `note (lost)` for a
//! selector of the copy that selects none of the copy's pods where that is no
//! collision; `note (unproven)` for each custom resource kind of the copy whose
//! pods the model cannot model (which kinds, and why: `Model::unproven`).
//!
//! Several copies ([`check_copies`], one per developer): the baseline is checked
//! against each copy as above, and every pair of copies with categories 1–4
//! (and the ports both bind); within a pair the first copy stands where the
//! baseline does, and the lines name both files. References, lost targets and
//! leftovers are judged against the baseline, which both copies derive from.
//!
//! ```text
//! collision: same object Service/web (baseline document 3 (Service/web) line 5 at metadata.name; tilt document 3 (Service/web) line 5 at metadata.name)
//! ```

pub mod compare;
pub mod controllers;
pub mod leftovers;
pub mod model;
pub mod read;
pub mod selector;

use crate::config::Config;
use crate::error::Error;
use crate::k8s::OperatorObjects;
use crate::plan::renamed_name;
use compare::Model;
use controllers::{Note, NoteKind};
use model::{Place, SelectorUse, Side, Stream, Targets, same_ns};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// A collision, with its place in each stream.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Collision {
    /// The category (1–7 as in the module docs), for a stable order.
    pub rank: u8,
    pub baseline: Place,
    pub tilt: Place,
    pub what: String,
}

/// The category names, by rank.
pub const CATEGORIES: [&str; 7] = [
    "object",
    "host",
    "made",
    "select",
    "reference",
    "lost",
    "leftover",
];

impl Collision {
    /// The category's name (`object`, `host`, `made`, `select`, `reference`,
    /// `lost`, `leftover`).
    pub fn category(&self) -> &'static str {
        CATEGORIES
            .get(usize::from(self.rank).wrapping_sub(1))
            .copied()
            .unwrap_or("")
    }

    /// The line printed for it, each place named by its stream (`baseline`,
    /// `tilt`, or the copies' file names when several are checked).
    pub fn line(&self, baseline: &str, tilt: &str) -> String {
        format!(
            "collision: {} ({baseline} {}; {tilt} {})",
            self.what, self.baseline, self.tilt
        )
    }
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line("baseline", "tilt"))
    }
}

/// What `check --baseline` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub collisions: Vec<Collision>,
    /// Controller-level, `lost` and `unproven` notes, in that order.
    pub notes: Vec<Note>,
}

/// Reads both streams and compares them. Errors name the stream they come from.
pub fn check_baseline(baseline: &str, tilt: &str, cfg: &Config) -> Result<Report, Error> {
    let b = read::read_stream(baseline, cfg, None).map_err(which("baseline"))?;
    let watch = leftovers::watch_list(&b);
    let t = read::read_stream(tilt, cfg, Some(&watch)).map_err(which("tilt"))?;
    Ok(compare(&b, &t, cfg))
}

/// Prefixes an error's message with the stream it comes from.
fn which(side: &str) -> impl Fn(Error) -> Error + '_ {
    move |mut e: Error| {
        e.message = format!("{side} stream: {}", e.message);
        e
    }
}

/// Two streams checked side by side, and what to call them in lines.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The stream that stands where the baseline does: `baseline`, or a copy's name.
    pub first: String,
    pub second: String,
    pub report: Report,
}

impl Pair {
    /// The pair's collision lines, then its note lines; with `prefix` (several
    /// copies), each line begins with `[first vs second] ` and names the places
    /// by the streams' names instead of `baseline` and `tilt`.
    pub fn lines(&self, prefix: bool) -> (Vec<String>, Vec<String>) {
        let (head, b, t) = if prefix {
            (
                format!("[{} vs {}] ", self.first, self.second),
                self.first.as_str(),
                self.second.as_str(),
            )
        } else {
            (String::new(), "baseline", "tilt")
        };
        (
            self.report
                .collisions
                .iter()
                .map(|c| format!("{head}{}", c.line(b, t)))
                .collect(),
            self.report
                .notes
                .iter()
                .map(|n| format!("{head}{}", n.line(b, t)))
                .collect(),
        )
    }
}

/// `check --baseline BASELINE COPY...`: the baseline against each copy, then every
/// pair of copies (each `(name, text)`), in that order. Errors name the stream.
pub fn check_copies(
    baseline: &str,
    copies: &[(String, &str)],
    cfg: &Config,
) -> Result<Vec<Pair>, Error> {
    let b = read::read_stream(baseline, cfg, None).map_err(which("baseline"))?;
    let watch = leftovers::watch_list(&b);
    let mut read = Vec::with_capacity(copies.len());
    for (name, text) in copies {
        let label = if copies.len() == 1 { "tilt" } else { name };
        read.push(read::read_stream(text, cfg, Some(&watch)).map_err(which(label))?);
    }
    let mut out = Vec::new();
    for ((name, _), t) in copies.iter().zip(&read) {
        out.push(Pair {
            first: "baseline".into(),
            second: name.clone(),
            report: compare(&b, t, cfg),
        });
    }
    for i in 0..read.len() {
        for j in i + 1..read.len() {
            let sides = Sides {
                first: format!("copy {}", copies[i].0),
                second: format!("copy {}", copies[j].0),
                baseline: false,
            };
            out.push(Pair {
                first: copies[i].0.clone(),
                second: copies[j].0.clone(),
                report: compare_copies(&read[i], &read[j], cfg, &sides),
            });
        }
    }
    Ok(out)
}

/// Who stands on each side, for the words of findings.
struct Sides {
    /// `the baseline`, or `copy alice.yaml`.
    first: String,
    /// `the copy`, or `copy bob.yaml`.
    second: String,
    /// The first stream is the baseline (Argo CD's, which no copy can change);
    /// false for two copies.
    baseline: bool,
}

impl Sides {
    fn baseline_and_copy() -> Sides {
        Sides {
            first: "the baseline".into(),
            second: "the copy".into(),
            baseline: true,
        }
    }
}

/// The baseline and one copy in one namespace.
pub fn compare(b: &Stream, t: &Stream, cfg: &Config) -> Report {
    let sides = Sides::baseline_and_copy();
    let m = Model::new(b, t, cfg, &sides);
    let mut collisions = Vec::new();
    m.same_objects(&mut collisions);
    m.same_hosts(&mut collisions);
    m.same_made(&mut collisions);
    let mut notes = controllers::notes(b, t, &cfg.k8s);
    m.cross_selectors(&mut collisions, &mut notes);
    m.stale_references(&mut collisions);
    m.lost_targets(&mut collisions, &mut notes);
    m.leftovers(&mut collisions);
    m.unproven(&mut notes);
    finish(collisions, notes)
}

/// Two copies in one namespace: identities, hosts, made names, selectors, ports.
fn compare_copies(a: &Stream, b: &Stream, cfg: &Config, sides: &Sides) -> Report {
    let m = Model::new(a, b, cfg, sides);
    let mut collisions = Vec::new();
    m.same_objects(&mut collisions);
    m.same_hosts(&mut collisions);
    m.same_made(&mut collisions);
    let mut notes = controllers::between_copies(a, b);
    m.cross_selectors(&mut collisions, &mut notes);
    finish(collisions, notes)
}

fn finish(mut collisions: Vec<Collision>, mut notes: Vec<Note>) -> Report {
    collisions.sort();
    collisions.dedup();
    notes.sort();
    notes.dedup();
    Report { collisions, notes }
}

type KindName<'s> = (&'s str, &'s str);

#[cfg(test)]
mod tests;
