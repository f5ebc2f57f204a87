#!/usr/bin/env python3
"""Side-by-side benchmark: ameide-tilt-render vs kustomize as a post-renderer.

Usage (from the repository root):  python3 bench/bench.py [--runs N] [--against BIN]

Builds the release binary, builds the 10.7 MB corpus stream with
../shared/corpus/make-big.py (and a 2x stream by concatenating it twice), then
times both tools on it and on every corpus chart (Helm 3 and Helm 4 forms),
interleaved, N runs each (default 3 for the big stream, 5 per chart): median
wall time (perf_counter around the bare process, spawn included) and peak RSS
(/usr/bin/time %M, from a separate run). Also times `true` as the floor that
process creation alone costs here.
With --against BIN (a binary built from an earlier commit), times that binary too,
interleaved in the same runs, and adds its time and the change in per cent.
Prints a Markdown table and writes it to target/bench/results.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AMEIDE_TILT_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "target" / "bench"
BIN = ROOT / "target" / "release" / "ameide-tilt-render"


def measure(cmd, stdin_path):
    """One run: (wall seconds, peak RSS in MB, exit code). The wall time is taken
    around the bare process (spawn included); peak RSS comes from a second run
    under /usr/bin/time, so its own start-up does not count in the time."""
    rss_file = OUT / "rss.txt"
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    with open(stdin_path, "rb") as stdin:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd],
                       stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss_kb = int(rss_file.read_text().strip().splitlines()[-1]) if rss_file.exists() else 0
    return wall, rss_kb / 1024, proc.returncode


def compare(label, path, runs, with_kustomize=True, against=None):
    ours, theirs, before = [], [], []
    for _ in range(runs):  # interleaved, so all see the same machine state
        ours.append(measure([str(BIN)], path))
        if against:
            before.append(measure([str(against)], path))
        if with_kustomize:
            theirs.append(measure([str(OUT / "kustomize-anchor" / "post-render.sh")], path))
    def summary(rows):
        if not rows:
            return None
        if any(code != 0 for _, _, code in rows):
            return ("failed", max(r for _, r, _ in rows))
        return (statistics.median(w for w, _, _ in rows), max(r for _, r, _ in rows))
    return label, path.stat().st_size, summary(ours), summary(theirs), summary(before)


def fmt_time(s):
    if s is None:
        return "—"
    if s == "failed":
        return "failed"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def change(now, then):
    """The change in wall time from an earlier build, in per cent (negative: faster)."""
    if "failed" in (now, then):
        return "—"
    return f"{(now / then - 1) * 100:+.1f}%"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="runs per tool on the big streams")
    ap.add_argument("--chart-runs", type=int, default=5, help="runs per tool on each chart")
    ap.add_argument("--against", type=Path, help="an earlier build of ameide-tilt-render to time in the same runs")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    anchor = OUT / "kustomize-anchor"
    shutil.rmtree(anchor, ignore_errors=True)
    shutil.copytree(SHARED / "bench" / "kustomize-anchor", anchor)
    for f in anchor.iterdir():
        f.chmod(0o755 if f.suffix == ".sh" else 0o644)
    anchor.chmod(0o755)
    big = OUT / "big.yaml"
    subprocess.run([sys.executable, str(SHARED / "corpus" / "make-big.py"), str(SHARED / "corpus"), str(big)],
                   check=True, stdout=subprocess.DEVNULL)
    big2 = OUT / "big-2x.yaml"
    big2.write_bytes(big.read_bytes() * 2)

    floor = statistics.median(measure(["true"], big)[0] for _ in range(20))
    rows = [compare("big.yaml (10.7 MB, 802 objects)", big, args.runs, against=args.against)]
    rows.append(compare("big-2x.yaml (2 × big.yaml)", big2, args.runs, with_kustomize=False, against=args.against))
    charts = sorted((SHARED / "corpus").glob("*.yaml")) + sorted((SHARED / "corpus" / "helm4").glob("*.yaml"))
    for c in charts:
        label = ("helm4/" if c.parent.name == "helm4" else "") + c.name
        rows.append(compare(label, c, args.chart_runs, against=args.against))

    lines = [
        "| input | bytes | ameide-tilt-render | peak RSS | kustomize | peak RSS | speed-up |"
        + (" earlier build | change |" if args.against else ""),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if args.against else ""),
    ]
    for label, size, ours, theirs, before in rows:
        speed = "—"
        if ours and theirs and ours[0] != "failed" and theirs[0] != "failed":
            speed = f"{theirs[0] / ours[0]:.0f}×"
        lines.append(
            f"| {label} | {size} | {fmt_time(ours[0])} | {ours[1]:.1f} MB | "
            f"{fmt_time(theirs[0]) if theirs else '—'} | {f'{theirs[1]:.1f} MB' if theirs else '—'} | {speed} |"
            + (f" {fmt_time(before[0])} | {change(ours[0], before[0])} |" if before else "")
        )
    b1, b2 = rows[0][2][0], rows[1][2][0]
    lines.append("")
    lines.append(f"2× stream / 1× stream wall time: {b2 / b1:.2f} (linear = 2.00)")
    lines.append(f"big.yaml peak RSS: {rows[0][2][1]:.1f} MB for {rows[0][1] / 1e6:.1f} MB of input")
    lines.append(f"process creation floor (`true`, median of 20): {floor * 1000:.1f} ms")
    text = "\n".join(lines)
    (OUT / "results.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
