"""Independent check of our output with PyYAML (a YAML 1.1 reader, like the
Kubernetes decoder): for each (input, output) pair of files given, both parse,
the objects line up (minus the kinds that are not emitted), no scalar changes
its type, and every value that changed moved towards the tilt copy.

usage: yaml_oracle.py SUFFIX LOCAL_DOMAIN LISTENER INPUT OUTPUT [INPUT OUTPUT ...]
Prints one line per problem; exit 1 if there is any.
"""
import base64
import sys
from pathlib import Path

import yaml

# Kinds never emitted come from the tool's own table of Kubernetes facts; the
# drop kind is the SPEC's default `--drop-kind`, which these runs use.
BUILTIN = Path(__file__).resolve().parents[2] / "src" / "k8s" / "builtin.yaml"
DROPPED = set(yaml.safe_load(BUILTIN.read_text())["not_emitted"]) | {"ExternalSecret"}
# Keys that rules may add or remove.
ADDED_OK = {"sectionName", "valueFrom"}
# Rule 3 narrows an empty NetworkPolicy podSelector: `matchLabels` added in it
# (`podSelector` itself where it was absent), every value in it a tilt value.
ADDED_IN = {"podSelector": "matchLabels", "spec": "podSelector"}
# Rule 3 narrows a selector of an operator's fixed labels with its owner label:
# any key added in a selector or its `matchLabels`, every value in it a tilt value.
NARROWED_UNDER = {"selector", "podSelector", "matchLabels"}
REMOVED_OK = {"argocd.argoproj.io/tracking-id", "argocd.argoproj.io/instance", "annotations", "labels", "value"}


def main() -> int:
    suffix, domain, listener, *files = sys.argv[1:]
    problems = []

    def moved_towards_tilt(new) -> bool:
        if not isinstance(new, str):
            return False
        if suffix in new or domain in new or new == listener:
            return True
        # A Secret's `data` value is base64: the tilt copy's host is inside it.
        try:
            decoded = base64.b64decode(new, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        return suffix in decoded or domain in decoded

    def leaves(x):
        if isinstance(x, dict):
            for v in x.values():
                yield from leaves(v)
        else:
            yield x

    def walk(a, b, path):
        if type(a) is not type(b):
            problems.append(f"{path}: type {type(a).__name__} -> {type(b).__name__}")
        elif isinstance(a, dict):
            for k in a.keys() - b.keys():
                if k not in REMOVED_OK:
                    problems.append(f"{path}.{k}: removed")
            for k in b.keys() - a.keys():
                parent = path.rsplit(".", 1)[-1]
                narrowed = (ADDED_IN.get(parent) == k or parent in NARROWED_UNDER) and all(
                    moved_towards_tilt(v) for v in leaves(b[k]))
                if k not in ADDED_OK and not narrowed:
                    problems.append(f"{path}.{k}: added")
            for k in a.keys() & b.keys():
                walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list):
            if len(b) not in (len(a), len(a) + 1, len(a) - 1):
                problems.append(f"{path}: {len(a)} items -> {len(b)}")
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}[{i}]")
        elif a != b and not moved_towards_tilt(b):
            problems.append(f"{path}: {a!r} -> {b!r} does not move towards the tilt copy")

    for src, out in zip(files[0::2], files[1::2]):
        with open(src) as f:
            before = [d for d in yaml.safe_load_all(f) if d is not None]
        with open(out) as f:
            after = [d for d in yaml.safe_load_all(f) if d is not None]
        kept = [d for d in before if d.get("kind") not in DROPPED]
        if len(kept) != len(after):
            problems.append(f"{out}: {len(kept)} objects expected, {len(after)} found")
            continue
        for i, (a, b) in enumerate(zip(kept, after)):
            walk(a, b, f"{out}#{i}({a.get('kind')})")
    for p in problems:
        print(p)
    print(f"{len(files) // 2} streams compared, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
