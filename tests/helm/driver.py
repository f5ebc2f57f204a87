"""Runs a real Helm 4 client-side dry-run install through helm-python-sdk.

usage: driver.py CHART RELEASE NAMESPACE STRATEGY PLUGIN [POST-RENDERER-ARGS...]

HELM_PLUGINS must be set in the environment before this process starts (the Go
runtime reads it at load). Prints one JSON object: {"ok": true, "manifest": ...}
or {"ok": false, "error": ...}.
"""
import json
import sys

import helm_python
from helm_python import _native


def main() -> None:
    chart_path, release, namespace, strategy, plugin, *args = sys.argv[1:]
    cfg = helm_python.Config(namespace=namespace, storage_driver="memory")
    chart = helm_python.Chart.load(chart_path)
    opts = {
        "dry_run": "client",
        "namespace": namespace,
        "post_renderer": plugin,
        "post_renderer_args": args,
        "post_render_strategy": strategy,
    }
    try:
        payload = _native.call_string(
            "helm_install", cfg._raw(), _native.HANDLE(0), chart._raw(), None, release, None, json.dumps(opts)
        )
        print(json.dumps({"ok": True, "manifest": json.loads(payload).get("manifest", "")}))
    except helm_python.HelmError as e:  # the failure Helm reports to its caller
        print(json.dumps({"ok": False, "error": str(e)}))


if __name__ == "__main__":
    main()
