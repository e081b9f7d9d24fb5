"""The widgets' JavaScript tests (vitest + jsdom against a fake model) pass."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

WIDGETS_JS = Path(__file__).resolve().parent.parent / "widgets_js"


@pytest.mark.slow
def test_vitest_suite_passes() -> None:
    npx = shutil.which("npx")
    assert shutil.which("node") and npx, (
        "node/npx not found: install Node.js ≥ 20 (make install needs it for the widgets)")
    if not (WIDGETS_JS / "node_modules" / ".bin" / "vitest").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=WIDGETS_JS, check=True, timeout=600)
    proc = subprocess.run([npx, "vitest", "run"], cwd=WIDGETS_JS, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert " passed" in proc.stdout


GROUPS_JS = """
import { groupOps } from "LAYOUT_URL";
import { readFileSync } from "node:fs";
const graphs = JSON.parse(readFileSync(0, "utf8"));
const out = graphs.map((g) => groupOps(g).filter((x) => x.loop).map((x) => ({
  id: x.id, loop: x.loop, ops: x.ops.length, iterations: x.starts.length })));
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.slow
def test_the_drawn_and_the_python_loop_groups_agree_on_every_fixture_graph():
    from praxis_lab.pipeline import simulate
    from praxis_lab.widgets import GraphView

    node = shutil.which("node")
    assert node, "node not found: install Node.js ≥ 20 (make install needs it for the widgets)"
    root = WIDGETS_JS.parent / "tests"
    graphs = []
    for path in sorted([*root.glob("protocols/*.py"), *root.glob("corpus/*.py")]):
        exp = json.loads(path.with_suffix(".json").read_text())
        try:
            report = simulate(str(path), setup=exp.get("setup"), params=exp.get("params"))
        except Exception:  # fixtures that are meant not to load (syntax errors...)
            continue
        graphs.append(report.graph.to_dict())
    assert len(graphs) > 80
    script = GROUPS_JS.replace("LAYOUT_URL", (WIDGETS_JS / "src" / "_graph_layout.js").as_uri())
    proc = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(graphs),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    drawn = json.loads(proc.stdout)
    python = [[{k: g[k] for k in ("id", "loop", "ops", "iterations")}
               for g in GraphView(graph).loops()] for graph in graphs]
    mismatched = [(graph["protocol_fqn"], d, p) for graph, d, p in zip(graphs, drawn, python,
                                                                       strict=True) if d != p]
    assert not mismatched, mismatched[:3]
    assert sum(len(d) for d in drawn) > 40  # loops were really compared
