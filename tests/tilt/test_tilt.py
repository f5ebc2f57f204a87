"""The Tilt extension tilt/ameide_tilt, without Tilt (run by tests/tilt.rs).

1. Starlark: Tiltfiles that load the extension the way Tilt does are executed
   by starlark-rust (PyPI starlark-pyo3) with stub Tilt built-ins that record
   their calls; the tests assert what would have reached helm_resource and
   local_resource.
2. cleanup-on-exit.sh: run as Tilt runs a serve_cmd and stopped as Tilt stops
   it, with a fake `helm` on PATH that records its argv.

Usage: python test_tilt.py REPO_ROOT
"""

import os
import posixpath
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import starlark as sl

REPO = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
EXT_DIR = os.path.join(REPO, "tilt", "ameide_tilt")
CLEANUP = os.path.join(EXT_DIR, "cleanup-on-exit.sh")
OUR_URL = "https://github.com/ameideio/ameide-tilt-render"
DEFAULT_REPO_URL = "https://github.com/tilt-dev/tilt-extensions"

# --------------------------------------------------------------------------
# A small Tilt: the built-ins the extension and examples/Tiltfile use.
# --------------------------------------------------------------------------

GLOBALS = sl.Globals.extended_by([sl.LibraryExtension.StructType, sl.LibraryExtension.Print])

# Tilt exposes `os` and `v1alpha1` as namespaces with attributes; starlark-pyo3
# only passes JSON-able values and callables, so build the structs in Starlark
# from callables added under private names.
PRELUDE = """
os = struct(
    getenv = _os_getenv,
    name = 'posix',
    path = struct(
        abspath = _os_path_abspath,
        basename = _os_path_basename,
        dirname = _os_path_dirname,
        exists = _os_path_exists,
        join = _os_path_join,
    ),
)
v1alpha1 = struct(extension_repo = _v1alpha1_extension_repo, extension = _v1alpha1_extension)
"""


class TiltfileError(Exception):
    pass


class Tilt:
    """Executes a Tiltfile; records every call to a Tilt built-in in `calls`."""

    def __init__(self, env=None):
        self.env = dict(env or {})
        self.calls = []  # (builtin, args, kwargs)
        self.repos = {"default": {"url": DEFAULT_REPO_URL}}
        self.exts = {}
        # Tilt resolves relative paths against the Tiltfile that is executing
        # (internal/tiltfile/starkit/path.go AbsPath via CurrentExecPath): the
        # loaded file while it loads, the caller's file during a call.
        self.exec_stack = []

    def _cwd(self):
        return os.path.dirname(self.exec_stack[-1])

    def _abs(self, p):
        return p if os.path.isabs(p) else os.path.normpath(os.path.join(self._cwd(), p))

    def _recorder(self, builtin):
        def record(*args, **kwargs):
            self.calls.append((builtin, list(args), kwargs))
            return None

        return record

    def _extension_repo(self, name, url="", ref="", load_host="", git_subpath="", **rest):
        assert not rest, "extension_repo has no argument %r" % sorted(rest)
        # The checks of ExtensionRepo.Validate (pkg/apis/core/v1alpha1/extensionrepo_types.go).
        if url.startswith("file://") and git_subpath:
            raise TiltfileError("cannot use git_subpath for file:// URL extension repositories")
        self.calls.append(("v1alpha1.extension_repo", [name], dict(url=url, ref=ref, git_subpath=git_subpath)))
        self.repos[name] = {"url": url, "ref": ref, "git_subpath": git_subpath}

    def _extension(self, name, repo_name="", repo_path="", args=None, **rest):
        assert not rest, "extension has no argument %r" % sorted(rest)
        self.calls.append(("v1alpha1.extension", [name], dict(repo_name=repo_name, repo_path=repo_path)))
        self.exts[name] = {"repo_name": repo_name, "repo_path": repo_path}

    def _module(self, path):
        m = sl.Module()
        m.add_callable("_os_getenv", lambda key, default=None: self.env.get(key, default))
        m.add_callable("_os_path_abspath", self._abs)
        m.add_callable("_os_path_basename", posixpath.basename)
        m.add_callable("_os_path_dirname", posixpath.dirname)
        m.add_callable("_os_path_exists", lambda p: os.path.exists(self._abs(p)))
        m.add_callable("_os_path_join", posixpath.join)
        m.add_callable("_v1alpha1_extension_repo", self._extension_repo)
        m.add_callable("_v1alpha1_extension", self._extension)
        for builtin in ("local_resource", "k8s_resource", "k8s_yaml", "local", "helm_resource"):
            m.add_callable(builtin, self._recorder(builtin))
        sl.eval(m, sl.parse("<prelude>", PRELUDE), GLOBALS)
        # Tilt predeclares __file__ per loaded file (starkit/environment.go doLoad).
        m["__file__"] = path
        return m

    def _ext_path(self, module_name):
        """Where Tilt finds ext://NAME: internal/tiltfile/tiltextension/plugin.go
        (LocalPath: a registered extension, else NAME in the default repo) and
        internal/controllers/core/extension/reconciler.go (apply: repo path +
        git_subpath + repo_path + "Tiltfile"). A clone of this repository is
        stood in for by the checkout under test."""
        ext = self.exts.get(module_name, {"repo_name": "default", "repo_path": module_name})
        repo = self.repos[ext["repo_name"]]
        if repo["url"] == DEFAULT_REPO_URL:
            return None  # tilt-extensions: stubbed
        if repo["url"] == OUR_URL:
            root = os.path.join(REPO, repo["git_subpath"])
        elif repo["url"].startswith("file://"):
            root = repo["url"][len("file://"):]
        else:
            raise TiltfileError("unknown extension repo %s" % repo["url"])
        return os.path.join(root, ext["repo_path"], "Tiltfile")

    def _load(self, module_id):
        if module_id.startswith("ext://"):
            name = module_id[len("ext://"):]
            path = self._ext_path(name)
            if path is None:
                stub = sl.Module()
                stub.add_callable(name, self._recorder(name))
                return stub.freeze()
        else:
            path = self._abs(module_id)
        return self.exec_file(path).freeze()

    def exec_file(self, path, source=None):
        if source is None:
            if not os.path.exists(path):
                raise TiltfileError("no extension tiltfile found at %s" % path)
            with open(path) as f:
                source = f.read()
        m = self._module(path)
        self.exec_stack.append(path)
        try:
            # Dialect.standard(): no top-level for/if, no f-strings, no
            # keyword-only parameters -- what go.starlark.net also accepts.
            sl.eval(m, sl.parse(path, source), GLOBALS, sl.FileLoader(self._load))
        finally:
            self.exec_stack.pop()
        return m

    def of(self, builtin):
        return [(a, kw) for (b, a, kw) in self.calls if b == builtin]


def run(main_source, directory, env=None):
    tilt = Tilt(env)
    path = os.path.join(directory, "Tiltfile")
    module = tilt.exec_file(path, main_source)
    return tilt, module


# How a user's Tiltfile loads the extension (docs/tilt.md "Tilt quick-start").
LOAD = """
v1alpha1.extension_repo(name='ameide', url='https://github.com/ameideio/ameide-tilt-render',
                        ref='main', git_subpath='tilt')
v1alpha1.extension(name='ameide_tilt', repo_name='ameide', repo_path='ameide_tilt')
load('ext://ameide_tilt', 'ameide_tilt_release')
"""


class Extension(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        os.makedirs(os.path.join(self.dir, "charts", "www-ameide"))

    def tearDown(self):
        self.tmp.cleanup()

    def one_helm_resource(self, tilt):
        calls = tilt.of("helm_resource")
        self.assertEqual(len(calls), 1, tilt.calls)
        return calls[0]

    def test_full_call(self):
        tilt, m = run(
            LOAD
            + """
release = ameide_tilt_release(
    'apps-www-ameide',
    './charts/www-ameide',
    values=['./charts/www-ameide/values-dev.yaml', 'more.yaml'],
    set=['replicas=1', 'debug=true'],
    config='tilt-render.yaml',
    host_map=['dev.ameide.io=local.ameide.io', 'ameide.io=local.ameide.io'],
    image_deps=['ghcr.io/ameideio/www-ameide'],
    image_keys=[('image.repository', 'image.tag')],
    resource_deps=['keycloak'],
    labels=['apps'],
)
""",
            self.dir,
        )
        args, kw = self.one_helm_resource(tilt)
        self.assertEqual(args, ["apps-www-ameide", "./charts/www-ameide"])
        self.assertEqual(kw["release_name"], "apps-www-ameide-tilt")
        self.assertEqual(m["release"], "apps-www-ameide-tilt")
        self.assertEqual(kw["namespace"], "ameide")
        config = os.path.join(self.dir, "tilt-render.yaml")
        self.assertEqual(
            kw["flags"],
            [
                "--values", "./charts/www-ameide/values-dev.yaml",
                "--values", "more.yaml",
                "--set", "replicas=1",
                "--set", "debug=true",
                "--post-renderer", "ameide-tilt-render",
                "--post-renderer-args", "--config",
                "--post-renderer-args", config,
                "--post-renderer-args", "--suffix",
                "--post-renderer-args", "-tilt",
                "--post-renderer-args", "--host-map",
                "--post-renderer-args", "dev.ameide.io=local.ameide.io",
                "--post-renderer-args", "--host-map",
                "--post-renderer-args", "ameide.io=local.ameide.io",
            ],
        )
        self.assertEqual(
            kw["deps"],
            ["./charts/www-ameide", "./charts/www-ameide/values-dev.yaml", "more.yaml", "tilt-render.yaml"],
        )
        self.assertEqual(kw["image_deps"], ["ghcr.io/ameideio/www-ameide"])
        # starlark-pyo3 hands tuples over as lists.
        self.assertEqual(kw["image_keys"], [["image.repository", "image.tag"]])
        self.assertEqual(kw["resource_deps"], ["keycloak"])
        self.assertEqual(kw["labels"], ["apps"])
        self.assertEqual(tilt.of("local_resource"), [], "no cleanup resource unless asked")

    def test_minimal_call(self):
        tilt, m = run(LOAD + "ameide_tilt_release('web', './charts/www-ameide')\n", self.dir)
        args, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["release_name"], "web-tilt")
        self.assertEqual(kw["namespace"], "ameide")
        self.assertEqual(
            kw["flags"],
            ["--post-renderer", "ameide-tilt-render", "--post-renderer-args", "--suffix", "--post-renderer-args", "-tilt"],
        )
        self.assertEqual(kw["deps"], ["./charts/www-ameide"])
        for key in ("image_deps", "image_keys", "resource_deps", "labels"):
            self.assertEqual(kw[key], [], key)
        self.assertEqual(tilt.of("local_resource"), [])

    def test_name_already_ending_in_the_suffix_is_the_release_name(self):
        tilt, _ = run(LOAD + "ameide_tilt_release('apps-www-ameide-tilt', './charts/www-ameide')\n", self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["release_name"], "apps-www-ameide-tilt")
        tilt, _ = run(LOAD + "ameide_tilt_release('web-tilt-bob', 'repo/web', suffix='-tilt-bob')\n", self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["release_name"], "web-tilt-bob")
        # A name that merely contains the suffix still gets it.
        tilt, _ = run(LOAD + "ameide_tilt_release('web-tilt-x', 'repo/web')\n", self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["release_name"], "web-tilt-x-tilt")

    def test_chart_reference_is_not_watched(self):
        tilt, _ = run(LOAD + "ameide_tilt_release('redis', 'oci://registry/charts/redis', config='c.yaml')\n", self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["deps"], ["c.yaml"])

    def test_per_developer_suffix_and_host_map(self):
        source = LOAD + """
user = os.getenv('USER', 'dev').lower()
ameide_tilt_release('apps-www-ameide', './charts/www-ameide', config='tilt-render.yaml',
                    suffix='-tilt-' + user, host_map=['dev.ameide.io=' + user + '.local.ameide.io'])
"""
        releases = {}
        for user in ("Alice", "bob"):
            tilt, _ = run(source, self.dir, env={"USER": user})
            _, kw = self.one_helm_resource(tilt)
            releases[user] = kw["release_name"]
            renderer_args = [kw["flags"][i + 1] for i, f in enumerate(kw["flags"]) if f == "--post-renderer-args"]
            self.assertEqual(
                renderer_args,
                [
                    "--config", os.path.join(self.dir, "tilt-render.yaml"),
                    "--suffix", "-tilt-" + user.lower(),
                    "--host-map", "dev.ameide.io=%s.local.ameide.io" % user.lower(),
                ],
            )
        self.assertEqual(releases, {"Alice": "apps-www-ameide-tilt-alice", "bob": "apps-www-ameide-tilt-bob"})

    def test_fork_entries_become_one_post_renderer_arg_each(self):
        tilt, _ = run(
            LOAD
            + "ameide_tilt_release('www', './charts/www-ameide', suffix='-tilt-al', fork=['Deployment/www-ameide', 'image=ghcr.io/ameideio/*'])\n",
            self.dir,
        )
        _, kw = self.one_helm_resource(tilt)
        flags = kw["flags"]
        renderer_args = [flags[i + 1] for i, f in enumerate(flags) if f == "--post-renderer-args"]
        self.assertEqual(
            renderer_args,
            ["--suffix", "-tilt-al", "--fork", "Deployment/www-ameide", "--fork", "image=ghcr.io/ameideio/*"],
        )
        self.assertNotIn("--fork", [f for i, f in enumerate(flags) if i == 0 or flags[i - 1] != "--post-renderer-args"],
                         "--fork goes to the post-renderer, never to helm itself")
        # The post-renderer makes the partial copy from exactly these arguments.
        binary = os.environ.get("AMEIDE_TILT_RENDER_BIN")
        if not binary:
            self.skipTest("AMEIDE_TILT_RENDER_BIN not set (tests/tilt.rs sets it)")
        with open(os.path.join(REPO, "testdata", "worked-example-www-ameide", "input.yaml"), "rb") as f:
            out = subprocess.run([binary] + renderer_args, stdin=f, capture_output=True)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        text = out.stdout.decode()
        self.assertIn("  name: www-ameide-tilt-al\n", text)
        # The search Service is not forked: the copy reads the baseline's.
        self.assertNotIn("\n  name: www-ameide-search", text)
        self.assertIn("http://www-ameide-search:8080", text)
        self.assertIn("partial copy", out.stderr.decode())

    def test_cleanup_resource_only_when_asked(self):
        tilt, _ = run(
            LOAD
            + "ameide_tilt_release('web', './charts/www-ameide', namespace='team', suffix='-tilt-al', labels=['apps'], cleanup_on_exit=True)\n",
            self.dir,
        )
        _, kw = self.one_helm_resource(tilt)
        cleanup = tilt.of("local_resource")
        self.assertEqual(len(cleanup), 1, tilt.calls)
        args, lr = cleanup[0]
        self.assertEqual(args, ["web-cleanup-on-exit"])
        # The script beside the extension's own Tiltfile, however the user's
        # Tiltfile is laid out.
        self.assertEqual(lr["serve_cmd"], ["sh", CLEANUP, "web-tilt-al", "team"])
        self.assertTrue(os.path.isfile(lr["serve_cmd"][1]))
        self.assertEqual(lr["resource_deps"], ["web"], "must not start (and so never uninstall) before the install")
        self.assertEqual(lr["labels"], ["apps"])
        self.assertNotIn("cmd", lr, "a plain cmd would run once and exit; the trap needs a serve_cmd")

    def test_bad_arguments_fail_the_tiltfile(self):
        for call, message in [
            ("ameide_tilt_release('web', 'c', suffix='')", "suffix must not be empty"),
            ("ameide_tilt_release('web', 'c', suffix='-tilt-First.Last')", "lowercase letters"),
            ("ameide_tilt_release('web', 'c', suffix='tilt')", 'must start with "-"'),
            ("ameide_tilt_release('web', 'c', suffix='-tilt-')", "must end with a letter or digit"),
            ("ameide_tilt_release('web', 'c', host_map=['local.ameide.io'])", "FROM=TO"),
            ("ameide_tilt_release('web', 'c', values='v.yaml')", "values must be a list"),
            ("ameide_tilt_release('web', 'c', fork='www')", "fork must be a list"),
            ("ameide_tilt_release('web', 'c', fork=['a,b'])", "fork entry"),
            ("ameide_tilt_release('web', 'c', fork=[''])", "fork entry"),
        ]:
            with self.assertRaises(sl.StarlarkError) as e:
                run(LOAD + call + "\n", self.dir)
            self.assertIn(message, str(e.exception), call)

    def test_a_local_checkout_loads_through_a_file_url(self):
        source = """
v1alpha1.extension_repo(name='ameide', url='file://%s/tilt')
v1alpha1.extension(name='ameide_tilt', repo_name='ameide', repo_path='ameide_tilt')
load('ext://ameide_tilt', 'ameide_tilt_release')
ameide_tilt_release('web', './charts/www-ameide')
""" % REPO
        tilt, _ = run(source, self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["release_name"], "web-tilt")

    def test_a_checkout_loads_by_relative_path(self):
        # The extension's own relative paths must not follow the caller's.
        source = "load('%s/tilt/ameide_tilt/Tiltfile', 'ameide_tilt_release')\n" % os.path.relpath(REPO, self.dir)
        tilt, _ = run(source + "ameide_tilt_release('web', './charts/www-ameide', cleanup_on_exit=True)\n", self.dir)
        _, kw = self.one_helm_resource(tilt)
        self.assertEqual(kw["deps"], ["./charts/www-ameide"])
        (_, lr), = tilt.of("local_resource")
        self.assertEqual(lr["serve_cmd"][1], CLEANUP)


class Example(unittest.TestCase):
    """examples/Tiltfile, executed where it lives, and the Tilt snippets of the README and docs/tilt.md."""

    def test_example_tiltfile(self):
        path = os.path.join(REPO, "examples", "Tiltfile")
        tilt = Tilt({"USER": "Carol.Smith"})
        with open(path) as f:
            tilt.exec_file(path, f.read())
        repos = tilt.of("v1alpha1.extension_repo")
        self.assertEqual(repos, [(["ameide"], {"url": OUR_URL, "ref": "main", "git_subpath": "tilt"})])
        (args, kw), = tilt.of("helm_resource")
        self.assertEqual(kw["release_name"], "apps-www-ameide-tilt-carol-smith")
        config = os.path.join(REPO, "examples", "tilt-render.yaml")
        self.assertTrue(os.path.isfile(config))
        renderer_args = [kw["flags"][i + 1] for i, f in enumerate(kw["flags"]) if f == "--post-renderer-args"]
        self.assertEqual(
            renderer_args,
            ["--config", config, "--suffix", "-tilt-carol-smith", "--host-map", "dev.ameide.io=carol-smith.local.ameide.io"],
        )
        self.assertIn("tilt-render.yaml", kw["deps"])
        (_, cleanup), = tilt.of("local_resource")
        self.assertEqual(cleanup["serve_cmd"][2:], ["apps-www-ameide-tilt-carol-smith", "ameide"])
        # The pipe form re-runs when the chart or the config changes, and
        # isolates the same way.
        (local_args, local_kw), = tilt.of("local")
        self.assertIn(
            "| ameide-tilt-render --config tilt-render.yaml --suffix -tilt-carol-smith"
            " --host-map dev.ameide.io=carol-smith.local.ameide.io",
            local_args[0],
        )
        self.assertIn("tilt-render.yaml", local_kw["deps"])
        self.render_with(renderer_args)

    def readme_snippet(self, heading, page="docs/tilt.md"):
        """The first ```python block under `heading` in `page`."""
        with open(os.path.join(REPO, page)) as f:
            text = f.read()
        self.assertIn(heading + "\n", text)
        rest = text[text.index(heading + "\n"):]
        start = rest.index("```python\n") + len("```python\n")
        return rest[start:rest.index("```", start)]

    def test_readme_snippets(self):
        with tempfile.TemporaryDirectory() as d:
            tilt, _ = run(self.readme_snippet("## With Tilt", "README.md"), d)
            (_, kw), = tilt.of("helm_resource")
            self.assertEqual(kw["release_name"], "apps-www-ameide-tilt")
            self.assertIn(os.path.join(d, "tilt-render.yaml"), kw["flags"])
            tilt, _ = run(self.readme_snippet("## Tilt quick-start"), d)
            (_, kw), = tilt.of("helm_resource")
            self.assertEqual(kw["release_name"], "apps-www-ameide-tilt")
            self.assertIn(os.path.join(d, "tilt-render.yaml"), kw["flags"])
            (args, _), = tilt.of("local_resource")
            self.assertEqual(args, ["apps-www-ameide-cleanup-on-exit"])
            # The per-developer snippet continues the quick-start's loads.
            tilt, _ = run(LOAD + self.readme_snippet("## Several developers, one namespace"), d, {"USER": "alice"})
            (_, kw), = tilt.of("helm_resource")
            self.assertEqual(kw["release_name"], "apps-www-ameide-tilt-alice")
            self.assertIn("dev.ameide.io=alice.local.ameide.io", kw["flags"])

    def render_with(self, renderer_args):
        """The post-renderer accepts exactly what the extension makes Helm pass it."""
        binary = os.environ.get("AMEIDE_TILT_RENDER_BIN")
        if not binary:
            self.skipTest("AMEIDE_TILT_RENDER_BIN not set (tests/tilt.rs sets it)")
        with open(os.path.join(REPO, "testdata", "worked-example-www-ameide", "input.yaml"), "rb") as f:
            out = subprocess.run(
                [binary] + renderer_args, stdin=f, capture_output=True, cwd=os.path.join(REPO, "examples")
            )
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        text = out.stdout.decode()
        self.assertIn("  name: www-ameide-tilt-carol-smith\n", text)
        self.assertIn("www.carol-smith.local.ameide.io", text)
        self.assertNotIn("www.dev.ameide.io", text)


# --------------------------------------------------------------------------
# cleanup-on-exit.sh, run and stopped the way Tilt runs and stops serve_cmds.
# --------------------------------------------------------------------------

FAKE_HELM = r"""#!/bin/sh
# Records its argv (tab-separated) in $FAKE_HELM_LOG. `status` fails when
# $FAKE_HELM_GONE is set (the release does not exist). `uninstall` takes
# $FAKE_HELM_SECONDS and records "done" only when it got to the end.
printf '%s\t' "$@" >>"$FAKE_HELM_LOG"
printf '\n' >>"$FAKE_HELM_LOG"
case "$1" in
status) [ -z "${FAKE_HELM_GONE:-}" ] ;;
uninstall)
    sleep "${FAKE_HELM_SECONDS:-0}"
    printf 'done\n' >>"$FAKE_HELM_LOG"
    echo "release \"$2\" uninstalled"
    ;;
esac
"""

READY = b"when Tilt exits"


class CleanupOnExit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        bindir = os.path.join(self.tmp.name, "bin")
        os.makedirs(bindir)
        helm = os.path.join(bindir, "helm")
        with open(helm, "w") as f:
            f.write(FAKE_HELM)
        os.chmod(helm, 0o755)
        self.log = os.path.join(self.tmp.name, "helm.log")
        # The script's own temporary files go here, and must not outlive it.
        self.tmpdir = os.path.join(self.tmp.name, "tmpdir")
        os.makedirs(self.tmpdir)
        self.env = dict(
            os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], FAKE_HELM_LOG=self.log, TMPDIR=self.tmpdir
        )
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
            if p.stdout:
                p.stdout.close()
        try:
            # Even a SIGKILLed script (the grace period's end) leaves nothing.
            self.assertEqual(os.listdir(self.tmpdir), [], "files left in $TMPDIR")
        finally:
            self.tmp.cleanup()

    def start(self, *args, **env):
        """Like Tilt's processExecer.processRun: argv as given, a new session
        (Setsid), stdout and stderr to Tilt's log. Returns once the script
        says it is waiting."""
        p = subprocess.Popen(
            ["sh", CLEANUP] + list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(self.env, **env),
        )
        self.procs.append(p)
        first = p.stdout.readline()
        self.assertIn(READY, first)
        return p

    def recorded(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [line.rstrip("\n").rstrip("\t").split("\t") for line in f]

    def wait_for(self, predicate, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()

    def tilt_stops(self, p, grace=30.0):
        """Tilt's killProcess: SIGTERM to the process group, wait up to the
        grace period, then SIGKILL the group; and when the process itself has
        exited, SIGKILL the group (processRun after Process.Wait)."""
        os.killpg(p.pid, signal.SIGTERM)
        try:
            code = p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            code = None
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if code is None:
            p.wait()
        return code

    def test_sigterm_to_the_group_uninstalls(self):
        p = self.start("www-ameide-tilt", "ameide")
        code = self.tilt_stops(p)
        out = p.stdout.read().decode()
        self.assertEqual(code, 0, out)
        self.assertEqual(
            self.recorded(),
            [
                ["status", "www-ameide-tilt", "--namespace", "ameide"],
                ["uninstall", "www-ameide-tilt", "--namespace", "ameide"],
                ["done"],
            ],
        )
        self.assertIn('release "www-ameide-tilt" uninstalled', out, "helm's output reaches Tilt's log")

    def test_sigterm_to_the_script_alone_uninstalls(self):
        # `kill <pid>` from a terminal reaches only the shell, not its sleep.
        p = self.start("web-tilt", "ameide")
        p.terminate()
        self.assertEqual(p.wait(timeout=30), 0)
        self.assertEqual(
            self.recorded(),
            [["status", "web-tilt", "--namespace", "ameide"], ["uninstall", "web-tilt", "--namespace", "ameide"], ["done"]],
        )

    def children(self, pid):
        """Pids whose parent is `pid` (from /proc)."""
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    out.append(int(entry))
        return out

    def test_a_closed_log_pipe_never_kills_the_script(self):
        # The deterministic form of a race seen under load: Tilt's SIGTERM
        # kills the background `sleep` too, and the shell reports "Terminated"
        # on its stderr, which is Tilt's log pipe, closed once Tilt is gone.
        # Without `trap '' PIPE` that write killed the shell before the trap
        # ran, and nothing was uninstalled.
        p = self.start("web-tilt", "ameide")
        p.stdout.close()
        # The script forks its sleep just after saying it waits.
        self.assertTrue(self.wait_for(lambda: self.children(p.pid), 10), "the script waits on a background sleep")
        sleepers = self.children(p.pid)
        for pid in sleepers:
            os.kill(pid, signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(p.poll(), "the shell died writing to the closed pipe")
        os.killpg(p.pid, signal.SIGTERM)
        self.assertEqual(p.wait(timeout=30), 0)
        self.assertEqual(
            self.recorded(),
            [["status", "web-tilt", "--namespace", "ameide"], ["uninstall", "web-tilt", "--namespace", "ameide"], ["done"]],
        )

    def test_tilt_gone_and_a_second_signal_do_not_cut_the_uninstall_short(self):
        # Ctrl-C twice: Tilt sends SIGTERM and exits at once, so its end of the
        # log pipe may close before the script writes a word. Another SIGTERM
        # to the group arrives mid-uninstall.
        p = self.start("web-tilt", "ameide", FAKE_HELM_SECONDS="1")
        p.stdout.close()
        os.killpg(p.pid, signal.SIGTERM)
        self.assertTrue(self.wait_for(lambda: len(self.recorded()) >= 2, 10), self.recorded())
        os.killpg(p.pid, signal.SIGTERM)
        self.assertEqual(p.wait(timeout=30), 0)
        self.assertEqual(
            self.recorded(),
            [["status", "web-tilt", "--namespace", "ameide"], ["uninstall", "web-tilt", "--namespace", "ameide"], ["done"]],
        )

    @unittest.skipUnless(subprocess.call(["sh", "-c", "command -v setsid"], stdout=subprocess.DEVNULL) == 0, "no setsid")
    def test_sigkill_after_the_grace_period_does_not_cut_the_uninstall_short(self):
        # A slow uninstall (pre-delete hooks) outlasting the grace period: Tilt
        # SIGKILLs the script's group; helm runs in a session of its own.
        p = self.start("web-tilt", "ameide", FAKE_HELM_SECONDS="2")
        self.assertIsNone(self.tilt_stops(p, grace=0.5), "the script should still be waiting for helm")
        self.assertTrue(self.wait_for(lambda: ["done"] in self.recorded(), 15), self.recorded())

    def test_release_already_gone_is_harmless(self):
        p = self.start("web-tilt", "ameide", FAKE_HELM_GONE="1")
        code = self.tilt_stops(p)
        out = p.stdout.read().decode()
        self.assertEqual(code, 0, out)
        self.assertEqual(self.recorded(), [["status", "web-tilt", "--namespace", "ameide"]])
        self.assertIn("already gone", out)

    def test_no_namespace_means_helms_own(self):
        p = self.start("web-tilt")
        self.assertEqual(self.tilt_stops(p), 0)
        self.assertEqual(self.recorded(), [["status", "web-tilt"], ["uninstall", "web-tilt"], ["done"]])

    def test_nothing_happens_while_tilt_runs(self):
        p = self.start("web-tilt", "ameide")
        time.sleep(1.5)
        self.assertIsNone(p.poll(), "the serve_cmd must keep running")
        self.assertEqual(self.recorded(), [])
        # SIGKILL cannot be trapped: nothing is uninstalled (docs/tilt.md says so).
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        time.sleep(0.5)
        self.assertEqual(self.recorded(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
