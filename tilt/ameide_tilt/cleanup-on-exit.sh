#!/bin/sh
# Usage: cleanup-on-exit.sh RELEASE [NAMESPACE]
#
# The serve_cmd of the `<name>-cleanup-on-exit` local_resource that
# ameide_tilt_release(cleanup_on_exit=True) adds: it waits, and when Tilt
# stops it, uninstalls the Helm release so the "-tilt" copy does not outlive
# the Tilt session.
#
# What Tilt does to a serve_cmd (tilt-dev/tilt, checked in its source):
# - it starts it in a new session, so its own process group
#   (internal/controllers/core/cmd/execer.go processRun ->
#   pkg/procutil/procutil_unix.go SetOptNewProcessGroup: Setsid);
# - to stop it (Tilt exiting, the resource disabled or restarted) it sends
#   ONE SIGTERM to that process group (killProcess ->
#   GracefullyShutdownProcess: kill(-pid, SIGTERM)), waits up to 30 s
#   (DefaultGracePeriod), then SIGKILLs the group;
# - as soon as this script's own process exits it SIGKILLs the whole group
#   (processRun: Process.Wait, then KillProcessGroup), so helm must have
#   finished by then;
# - on Ctrl-C `tilt up` exits by itself 2 s after the first signal, or at
#   once on a second one (internal/cli/cli.go): the 30 s are not guaranteed,
#   and after Tilt is gone the pipe this script writes its log to is closed.
# Hence: trap TERM (and INT/HUP for a plain terminal), ignore any further
# signal and SIGPIPE while cleaning up, and run helm in a session of its own
# (setsid, where present) with its output in a file, so neither a second
# group signal, the 30 s SIGKILL, nor a closed log pipe can cut the
# uninstall short.
set -u

release=${1:?usage: cleanup-on-exit.sh RELEASE [NAMESPACE]}
namespace=${2:-}

if [ "$release" = "--uninstall" ]; then
    # Second entry point: the uninstall itself, run by cleanup() below in its
    # own session. Harmless when the release is already gone (`tilt down`, a
    # colleague, a previous run): `helm status` first, as helm_resource's own
    # helm-delete-helper.py does, so older Helm 3 without --ignore-not-found
    # works too.
    release=${2:?}
    namespace=${3:-}
    if [ -n "$namespace" ]; then
        set -- --namespace "$namespace"
    else
        set --
    fi
    if helm status "$release" "$@" >/dev/null 2>&1; then
        echo "ameide_tilt: helm uninstall $release $*"
        helm uninstall "$release" "$@"
    else
        echo "ameide_tilt: release $release is already gone; nothing to uninstall"
    fi
    exit
fi

sleeper=
cleanup() {
    # Only one uninstall, whatever else arrives; and a write to a closed log
    # pipe (Tilt already exited) must fail quietly, not kill the shell.
    trap '' TERM INT HUP PIPE
    echo "ameide_tilt: Tilt is stopping; uninstalling $release"
    if [ -n "$sleeper" ]; then
        kill "$sleeper" 2>/dev/null
    fi
    # helm's output goes to a file that is unlinked at once and kept open
    # (fd 3 to write, fd 4 to read it back): nothing is left in $TMPDIR, not
    # even when the 30 s SIGKILL ends this shell before helm is done.
    log=$(mktemp "${TMPDIR:-/tmp}/ameide-tilt-cleanup.XXXXXX" 2>/dev/null) || log=/dev/null
    exec 3>"$log" 4<"$log"
    [ "$log" = /dev/null ] || rm -f "$log"
    if command -v setsid >/dev/null 2>&1; then
        setsid sh "$0" --uninstall "$release" "$namespace" >&3 2>&1 </dev/null &
    else
        # macOS has no setsid: helm stays in Tilt's process group, which is
        # still fine for Tilt's single SIGTERM within the 30 s grace period.
        sh "$0" --uninstall "$release" "$namespace" >&3 2>&1 </dev/null &
    fi
    # Wait for it: when this shell exits, Tilt SIGKILLs its process group.
    # A signal may interrupt `wait` (it returns > 128): wait again.
    uninstaller=$!
    while :; do
        wait "$uninstaller"
        status=$?
        kill -0 "$uninstaller" 2>/dev/null || break
    done
    cat <&4 2>/dev/null
    exit "$status"
}
# A write to a closed log pipe must never kill this shell, not even before the
# trap runs: when Tilt's SIGTERM also kills the background `sleep`, the shell
# itself reports "Terminated" on stderr before it runs `cleanup` (seen with
# dash under strace: write -> EPIPE -> SIGPIPE -> no uninstall).
trap '' PIPE
trap cleanup TERM INT HUP

echo "ameide_tilt: will run helm uninstall $release${namespace:+ --namespace $namespace} when Tilt exits"
# `wait` returns as soon as a trapped signal arrives, whereas a foreground
# `sleep` would delay the trap until it ended (Tilt signals the whole group,
# sleep included, but a plain `kill <pid>` reaches only this shell).
while :; do
    sleep 86400 &
    sleeper=$!
    wait "$sleeper"
done
