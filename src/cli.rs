//! Command-line flags and the settings they share with the config file. Each
//! setting is declared once ([`Settings`]) and has one spelling: `--host-map` on
//! the command line, `AMEIDE_TILT_HOST_MAP` in the environment, `host_map` in the
//! config file. [`crate::config`] merges them with the defaults.

use crate::k8s::{HostClaim, OperatorObjectsEntry, Reference, ReferenceShape};
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::path::PathBuf;

/// Helm post-renderer: turns any chart's manifests into an isolated inner-loop
/// (Tilt) copy that can run next to the Argo CD baseline in the same namespace.
///
/// Reads a multi-document YAML stream on stdin (or FILE), writes the rewritten
/// stream on stdout. Every setting is also read from AMEIDE_TILT_<FLAG> (for example
/// AMEIDE_TILT_HOST_MAP=dev.ameide.io=local.ameide.io) and from the --config file;
/// precedence is flag > environment > file > default.
#[derive(Debug, Parser)]
#[command(name = "ameide-tilt-render", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,

    /// YAML file with the same settings (snake_case keys) and your CRDs' table entries
    /// (references, reference_shapes, produces, operator_objects, host_claims)
    #[arg(global = true, long, env = "AMEIDE_TILT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print a man page (man) or shell completions (complete-bash, complete-zsh,
    /// complete-fish, complete-powershell, complete-elvish) on stdout and exit
    #[arg(long, value_enum, value_name = "KIND")]
    pub generate: Option<Generate>,

    /// The rendered stream to read (default: stdin, which is what Helm gives;
    /// `-` is stdin too)
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Every setting, declared once: a flag (with its `AMEIDE_TILT_*` variable) and
/// a key of the config file (the field's name). `None` where nothing said
/// anything, so [`crate::config::Config::from_settings`] takes the flag or variable,
/// else the file, else the default. The tables of your CRDs come from the file
/// only.
#[derive(Debug, Default, Clone, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Appended to object names and isolating label values [default: -tilt]
    #[arg(
        long,
        global = true,
        env = "AMEIDE_TILT_SUFFIX",
        value_name = "S",
        allow_hyphen_values = true
    )]
    pub suffix: Option<String>,

    /// Hostname suffix rewrite for routes and ingresses, repeatable; an entry for
    /// a new FROM is added to the map, one for a FROM already mapped replaces
    /// that entry [default: dev.ameide.io=local.ameide.io]
    #[arg(
        global = true,
        long = "host-map",
        env = HOST_MAP_ENV,
        value_name = "FROM=TO",
        value_delimiter = ','
    )]
    #[serde(default, deserialize_with = "string_list")]
    pub host_map: Option<Vec<String>>,

    /// sectionName set on every route parentRef to a shared Gateway [default: https-local]
    #[arg(global = true, long, env = "AMEIDE_TILT_LISTENER", value_name = "NAME")]
    pub listener: Option<String>,

    /// Kind removed from the stream (KIND or KIND.GROUP, matched as kubectl does),
    /// repeatable; giving any replaces the default [default: ExternalSecret.external-secrets.io]
    #[arg(
        global = true,
        long = "drop-kind",
        env = "AMEIDE_TILT_DROP_KIND",
        value_name = "KIND",
        value_delimiter = ','
    )]
    #[serde(default, deserialize_with = "string_list")]
    pub drop_kind: Option<Vec<String>>,

    /// Secret and key the Redis password comes from [default: redis-auth/password]
    #[arg(
        global = true,
        long = "redis-secret",
        env = "AMEIDE_TILT_REDIS_SECRET",
        value_name = "NAME/KEY"
    )]
    pub redis_secret: Option<String>,

    /// Env var that carries the Redis password [default: REDIS_PASSWORD]
    #[arg(
        global = true,
        long = "redis-env",
        env = "AMEIDE_TILT_REDIS_ENV",
        value_name = "VAR"
    )]
    pub redis_env: Option<String>,

    /// Do not wire the Redis password (rule 6)
    #[arg(global = true, long = "no-redis", env = "AMEIDE_TILT_NO_REDIS", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_name = "BOOL",
          value_parser = BoolishValueParser::new())]
    pub no_redis: Option<bool>,

    /// Do not rewrite own hosts and Services inside strings (rule 9)
    #[arg(global = true, long = "no-string-refs", env = "AMEIDE_TILT_NO_STRING_REFS", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_name = "BOOL",
          value_parser = BoolishValueParser::new())]
    pub no_string_refs: Option<bool>,

    /// Over-long names are an error instead of being shortened
    #[arg(global = true, long = "strict-names", env = "AMEIDE_TILT_STRICT_NAMES", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_name = "BOOL",
          value_parser = BoolishValueParser::new())]
    pub strict_names: Option<bool>,

    /// An old name left in the copy that no rule follows and no exception keeps (rule 11) is an error instead of a warning
    #[arg(global = true, long = "strict", env = "AMEIDE_TILT_STRICT", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", value_name = "BOOL",
          value_parser = BoolishValueParser::new())]
    pub strict: Option<bool>,

    /// Make a partial copy: fork only this workload (KIND/NAME, NAME or
    /// image=GLOB) and what exists for it; everything else stays the baseline's
    /// and is used by its baseline name. Repeatable
    #[arg(
        global = true,
        long,
        env = "AMEIDE_TILT_FORK",
        value_name = "SELECTOR",
        value_delimiter = ','
    )]
    #[serde(default, deserialize_with = "string_list")]
    pub fork: Option<Vec<String>>,

    /// Report on stderr one line per change and a summary; -vv adds each rule's
    /// reasons and what it kept
    #[arg(global = true, short, long, env = "AMEIDE_TILT_VERBOSE", action = ArgAction::Count,
          value_parser = verbosity_level)]
    #[serde(default, deserialize_with = "verbosity")]
    pub verbose: Option<u8>,

    /// The config file's `references:` (rule 2).
    #[arg(skip)]
    #[serde(default)]
    pub references: Vec<Spanned<Reference>>,
    /// The config file's `reference_shapes:` (rule 2).
    #[arg(skip)]
    #[serde(default)]
    pub reference_shapes: Vec<Spanned<ReferenceShape>>,
    /// The config file's `host_claims:` (rule 4).
    #[arg(skip)]
    #[serde(default)]
    pub host_claims: Vec<Spanned<HostClaim>>,
    /// The config file's `produces:` (rule 10).
    #[arg(skip)]
    #[serde(default)]
    pub produces: Vec<Spanned<Reference>>,
    /// The config file's `operator_objects:` (rule 10).
    #[arg(skip)]
    #[serde(default)]
    pub operator_objects: Vec<Spanned<OperatorObjectsEntry>>,
}

/// A verbosity as the variable spells it: a level (`0`, `1`, `2`) or a boolean
/// (`true` is `1`, as `-v`).
fn verbosity_level(s: &str) -> Result<u8, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Ok(1),
        "false" | "no" | "off" | "" => Ok(0),
        n => n.parse::<u8>().map_err(|_| {
            format!("`{s}` is no verbosity: write 0, 1 (as -v), 2 (as -vv), true or false")
        }),
    }
}

/// `verbose:` in the config file: `true`/`false` or a level (`2` is `-vv`).
fn verbosity<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u8;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true, false or a level (0, 1, 2)")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<u8, E> {
            Ok(u8::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u8, E> {
            u8::try_from(v)
                .map_err(|_| E::custom(format!("verbosity {v} is too high: write 0, 1 or 2")))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u8, E> {
            u8::try_from(v)
                .map_err(|_| E::custom(format!("verbosity {v} is no level: write 0, 1 or 2")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
            verbosity_level(v).map_err(E::custom)
        }
    }
    d.deserialize_any(V).map(Some)
}

/// A list the way the flags spell it: one string, a list of strings, or (for
/// `host_map`) a mapping `FROM: TO`, read as `FROM=TO`.
fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string, a list of strings or a mapping of strings")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some((from, to)) = map.next_entry::<String, String>()? {
                out.push(format!("{from}={to}"));
            }
            Ok(out)
        }
    }
    d.deserialize_any(V).map(Some)
}

/// What `--generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    Man,
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompletePowershell,
    CompleteElvish,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding (the default)
    #[default]
    Text,
    /// One JSON document with every finding, for CI
    Json,
}

/// What to do besides filtering stdin to stdout.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Show what the tilt copy will differ in: a unified diff of input vs output,
    /// each hunk headed by the document it is in, coloured on a terminal (not with
    /// NO_COLOR); Secret values, secret env values and URL passwords redacted
    Diff {
        /// The rendered stream to read (default: stdin; `-` is stdin too)
        file: Option<PathBuf>,
        /// One line per changed document with its count of changed lines, and a
        /// summary, instead of the diff
        #[arg(long)]
        stat: bool,
    },
    /// Verify that a stream is already a correct tilt copy (rules 1-7, 9 and 10): list
    /// each violation with its document and path, exit 1 if there is any. With
    /// --baseline: can the copies run side by side with the baseline in one
    /// namespace? List every collision with both places (exit 1 if there is any)
    /// and, as lines that do not change the exit code, what renaming cannot
    /// separate (`controller:`) and what the model cannot prove (`note (lost)`,
    /// `note (unproven)`). Several copies (one per developer) are each checked
    /// against the baseline and against each other; each line then begins with
    /// the pair it belongs to
    Check {
        /// The rewritten stream to read (default: stdin; `-` is stdin too); with
        /// --baseline, one or more copies
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The baseline stream (the chart rendered for Argo CD) to place beside the copies
        #[arg(long, value_name = "BASELINE")]
        baseline: Option<PathBuf>,
        /// text: one line per finding; json: one JSON document for CI (same
        /// findings, same exit code)
        #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
        format: Format,
    },
    /// `--generate KIND` (not a subcommand: set from the flag by [`parse_from`]).
    #[command(skip)]
    Generate(Generate),
    /// The filter reading FILE instead of stdin (not a subcommand: set from the
    /// argument by [`parse_from`]).
    #[command(skip)]
    Filter(PathBuf),
}

/// The settings the flags and environment give, and the command. Errors are
/// clap's, printed by `main`.
pub fn parse_from<I, T>(
    args: I,
) -> Result<(Settings, Option<PathBuf>, Option<Command>), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    // `-v` counts, and a count is 0 when neither the flag nor its variable is
    // given: that leaves the config file's `verbose:` to decide.
    if matches.value_source("verbose") == Some(ValueSource::DefaultValue) {
        cli.settings.verbose = None;
    }
    // The host map is merged entry by entry (docs/configuration.md#the-host-map):
    // the variable's entries come before the flags', which replace those of the
    // same FROM, instead of clap dropping the variable when a flag is given.
    if matches.value_source("host_map") == Some(ValueSource::CommandLine)
        && let Some(env) = std::env::var_os(HOST_MAP_ENV)
    {
        let env = env.to_string_lossy();
        let mut merged: Vec<String> = env
            .split(',')
            .filter(|m| !m.trim().is_empty())
            .map(str::to_string)
            .collect();
        merged.extend(cli.settings.host_map.take().unwrap_or_default());
        cli.settings.host_map = Some(merged);
    }
    let command = match (cli.generate, cli.file, cli.command) {
        (Some(kind), _, _) => Some(Command::Generate(kind)),
        (None, Some(file), Some(command)) => {
            let name = match command {
                Command::Diff { .. } => "diff",
                _ => "check",
            };
            let mut cmd = Cli::command();
            return Err(cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("FILE comes after the command: `{name} {}`", file.display()),
            ));
        }
        (None, Some(file), None) => Some(Command::Filter(file)),
        (None, None, command) => command,
    };
    Ok((cli.settings, cli.config, command))
}

/// The variable of `--host-map`.
const HOST_MAP_ENV: &str = "AMEIDE_TILT_HOST_MAP";

/// The man page or completion script `--generate` prints, made by clap's own
/// generators from the definition above (flags, env vars and help text).
pub fn generate(kind: Generate) -> Vec<u8> {
    use clap::CommandFactory;
    use clap_complete::Shell;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match kind {
        Generate::Man => {
            man_page(cmd, &mut out);
            return out;
        }
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
        Generate::CompleteElvish => Shell::Elvish,
    };
    clap_complete::generate(shell, &mut cmd, "ameide-tilt-render", &mut out);
    out
}

/// One page for the tool and its commands (rg's way): clap_mangen's sections
/// for the tool, then each command's synopsis, description and own options
/// under a section of its own, instead of clap_mangen's pointers to pages of
/// their own (`ameide-tilt-render-check(1)`) that no archive ships.
fn man_page(cmd: clap::Command, out: &mut Vec<u8>) {
    use clap_mangen::Man;
    // Writing to a Vec cannot fail.
    let man = Man::new(cmd.clone());
    let _ = man.render_title(out);
    let _ = man.render_name_section(out);
    let _ = man.render_synopsis_section(out);
    let _ = man.render_description_section(out);
    let _ = man.render_options_section(out);
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = format!("{} {}", cmd.get_name(), sub.get_name());
        let page = Man::new(sub.clone().bin_name(name.clone()));
        let mut part = Vec::new();
        let _ = page.render_synopsis_section(&mut part);
        let _ = page.render_description_section(&mut part);
        let _ = page.render_options_section(&mut part);
        let part = String::from_utf8_lossy(&part)
            .replace(".SH SYNOPSIS", ".SS Synopsis")
            .replace(".SH DESCRIPTION", ".SS Description")
            .replace(".SH OPTIONS", ".SS Options");
        out.extend_from_slice(
            format!(".SH \"COMMAND: {}\"\n", name.replace('-', "\\-")).as_bytes(),
        );
        out.extend_from_slice(part.as_bytes());
    }
    let _ = man.render_version_section(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
