//! The binary: flags → config, stdin → library → stdout, errors → stderr + exit code.
//! Output is written only when the whole stream succeeded.
//!
//! Helm 4 throws a plugin's stderr away, even on failure, so when we run as a
//! Helm plugin (HELM_PLUGIN_NAME is set) a failure is also written to the parent's
//! stderr (Linux: /proc/<ppid>/fd/2, which is helm's own terminal) and appended to a
//! log file (see [`error_log_path`]). docs/troubleshooting.md says where to look.

use ameide_tilt_render::baseline::controllers::NoteKind;
use ameide_tilt_render::cli::{Command, Format, generate, parse_from};
use ameide_tilt_render::diff::{self, diff_stream};
use ameide_tilt_render::error::Class;
use ameide_tilt_render::{
    Config, Error, check, check_copies, json, other_settings, run as filter_input,
};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const NAME: &str = "ameide-tilt-render";

fn main() -> ExitCode {
    // A panic is a bug; its message could quote the input it choked on, and the
    // input holds Secret values: say where, never what.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "ameide-tilt-render: internal error{at}; please report this input (no value is shown)"
        );
    }));
    match run() {
        Ok(code) => code,
        // The one place an error is printed.
        Err(e) => {
            let line = format!("{NAME}: error: {e}");
            let _ = writeln!(std::io::stderr(), "{line}");
            surface_failure(&line);
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// The command line read and carried out, in one match on the command; an
/// error goes back to `main`, which prints it.
fn run() -> Result<ExitCode, Error> {
    let (given, config, command) = match parse_from(std::env::args_os()) {
        Ok(g) => g,
        Err(e) => {
            // clap's own output (a usage error, --help, --version), as clap
            // formats it.
            if e.use_stderr() {
                surface_failure(&e.to_string());
            }
            let _ = e.print();
            return Ok(ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)));
        }
    };
    // Every command but --generate reads the settings, before any input.
    let settings = move || Config::from_settings(given, config.as_deref());
    match command {
        Some(Command::Generate(kind)) => write_stdout(&generate(kind)),
        Some(Command::Check {
            files,
            baseline: Some(path),
            format,
        }) => {
            let cfg = settings()?;
            let baseline = read_file(&path)?;
            let mut copies = files
                .iter()
                .map(|f| Ok((f.display().to_string(), read_file(f)?)))
                .collect::<Result<Vec<_>, Error>>()?;
            if copies.is_empty() {
                copies.push(("stdin".to_string(), read_stdin()?));
            }
            check_side_by_side(&baseline, &copies, &cfg, format)
        }
        Some(Command::Check { files, format, .. }) => {
            let cfg = settings()?;
            if files.len() > 1 {
                let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                return Err(Error::usage(format!(
                    "check takes one FILE, not {}: several copies are checked beside their baseline",
                    shown.len()
                ))
                .with_hint(format!(
                    "if {} is the baseline: check --baseline {}",
                    shown[0],
                    shown.join(" ")
                )));
            }
            check_stream(&read_input(files.first())?, &cfg, format)
        }
        Some(Command::Diff { file, stat }) => {
            let cfg = settings()?;
            filter(&read_input(file.as_ref())?, &cfg, Some(stat))
        }
        Some(Command::Filter(file)) => {
            let cfg = settings()?;
            filter(&read_input(Some(&file))?, &cfg, None)
        }
        None => {
            let cfg = settings()?;
            filter(&read_input(None)?, &cfg, None)
        }
    }
}

/// The filter (or, with `diff`, what it changed; `Some(true)`: `--stat`): notes
/// and the -v report on stderr, the output on stdout only when the whole stream
/// succeeded.
fn filter(input: &[u8], cfg: &Config, diff: Option<bool>) -> Result<ExitCode, Error> {
    let rendered = filter_input(input, cfg)?;
    let mut err = std::io::stderr().lock();
    for n in &rendered.notes {
        let _ = writeln!(err, "{NAME}: {n}");
    }
    if cfg.verbose {
        for line in &rendered.report {
            let _ = writeln!(err, "{NAME}: {line}");
        }
    }
    match diff {
        Some(stat) => {
            let opts = diff::Options {
                colour: use_colour(),
                stat,
            };
            // The filter succeeded, so the input is UTF-8.
            let input = String::from_utf8_lossy(input);
            write_stdout(diff_stream(&input, &rendered, cfg, opts).as_bytes())
        }
        None => write_stdout(rendered.output.as_bytes()),
    }
}

/// Writes all of `bytes` to stdout. A reader that closed the pipe early
/// (`… | head`) has what it wanted: that is no error, and says nothing.
fn write_stdout(bytes: &[u8]) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(unplaced(format!("cannot write stdout: {e}"))),
    }
}

/// An input error that belongs to no document (exit 1).
fn unplaced(message: String) -> Error {
    Error {
        class: Class::Input,
        ..Error::usage(message)
    }
}

/// The file at `path`; `-` is stdin.
fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    if path == Path::new("-") {
        return read_stdin();
    }
    std::fs::read(path).map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))
}

/// The FILE given, else stdin.
fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>, Error> {
    match file {
        Some(path) => read_file(path),
        None => read_stdin(),
    }
}

/// `check`: violations on stdout, one per line (or one JSON document); exit 1 if
/// there is any.
fn check_stream(input: &[u8], cfg: &Config, format: Format) -> Result<ExitCode, Error> {
    let mut found = check(input, cfg)?;
    let settings = other_settings(input, cfg, &mut found);
    if format == Format::Json {
        write_stdout(json::violations(&found, settings.as_ref()).as_bytes())?;
    }
    if found.is_empty() {
        let _ = writeln!(std::io::stderr(), "{NAME}: check: no violations");
        return Ok(ExitCode::SUCCESS);
    }
    if format == Format::Text {
        let mut lines: String = found.iter().map(|v| format!("{v}\n")).collect();
        if let Some(note) = &settings {
            lines.push_str(&format!("{note}\n"));
        }
        write_stdout(lines.as_bytes())?;
    }
    let _ = writeln!(
        std::io::stderr(),
        "{NAME}: check: {} violation(s)",
        found.len()
    );
    Ok(ExitCode::from(1))
}

fn read_stdin() -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    match std::io::stdin().lock().read_to_end(&mut buf) {
        Ok(_) => Ok(buf),
        Err(e) => Err(unplaced(format!("cannot read stdin: {e}"))),
    }
}

/// `check --baseline`: collisions, then notes, on stdout; exit 1 if there is any
/// collision (notes never change the exit code). With several copies every pair
/// is checked and each line begins with its pair (`[baseline vs alice.yaml]`).
fn check_side_by_side(
    baseline: &[u8],
    copies: &[(String, Vec<u8>)],
    cfg: &Config,
    format: Format,
) -> Result<ExitCode, Error> {
    let pairs = check_copies(baseline, copies, cfg)?;
    let several = copies.len() > 1;
    let (mut collisions, mut notes) = (Vec::new(), Vec::new());
    for pair in &pairs {
        let (c, n) = pair.lines(several);
        collisions.extend(c);
        notes.extend(n);
    }
    let text = match format {
        Format::Json => json::pairs(&pairs, several),
        Format::Text => collisions
            .iter()
            .chain(&notes)
            .map(|l| format!("{l}\n"))
            .collect(),
    };
    write_stdout(text.as_bytes())?;
    let mut err = std::io::stderr().lock();
    let kinds = pairs.iter().flat_map(|p| &p.report.notes).map(|n| n.kind);
    let controller = kinds.clone().filter(|&k| k == NoteKind::Controller).count();
    let unprovable = kinds.filter(|&k| k != NoteKind::Controller).count();
    if controller > 0 {
        let _ = writeln!(
            err,
            "{NAME}: check --baseline: {controller} controller-level note(s): what renaming cannot separate"
        );
    }
    if unprovable > 0 {
        let _ = writeln!(
            err,
            "{NAME}: check --baseline: {unprovable} note(s) on what the model cannot prove (lost, unproven)"
        );
    }
    if several {
        let _ = writeln!(
            err,
            "{NAME}: check --baseline: the baseline and {} copies, {} pairs",
            copies.len(),
            pairs.len()
        );
    }
    if collisions.is_empty() {
        let _ = writeln!(err, "{NAME}: check --baseline: no collision");
        Ok(ExitCode::SUCCESS)
    } else {
        let n = collisions.len();
        let _ = writeln!(err, "{NAME}: check --baseline: {n} collision(s)");
        Ok(ExitCode::from(1))
    }
}

fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Where a failed run under Helm 4 leaves its message: AMEIDE_TILT_ERROR_LOG, else
/// $XDG_STATE_HOME/ameide-tilt-render/error.log, else ~/.local/state/…, else the
/// temp directory.
fn error_log_path() -> PathBuf {
    if let Some(p) = std::env::var_os("AMEIDE_TILT_ERROR_LOG").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    state.join(NAME).join("error.log")
}

/// Makes a failure visible when Helm 4 discards our stderr.
fn surface_failure(line: &str) {
    if std::env::var_os("HELM_PLUGIN_NAME").is_none() {
        return;
    }
    let path = error_log_path();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let when = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = writeln!(f, "[{when}] {line}");
    }
    #[cfg(target_os = "linux")]
    {
        let ppid = std::os::unix::process::parent_id();
        if let Ok(mut parent) = std::fs::OpenOptions::new()
            .append(true)
            .open(format!("/proc/{ppid}/fd/2"))
        {
            let _ = writeln!(
                parent,
                "{line}\n{NAME}: (Helm 4 hides plugin errors; this message is also in {})",
                path.display()
            );
        }
    }
}
