"""Test helper: render a Mermaid diagram with the real library in headless Chromium.

The library comes from the npm registry (`tests/mermaid/package.json`, installed by `.ci/run`)
and Chromium from Debian (`/usr/bin/chromium`). `renderer()` says why when either is missing,
so the calling test can skip with that reason.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MERMAID_JS = Path(__file__).parent / "mermaid" / "node_modules" / "mermaid" / "dist" / \
    "mermaid.min.js"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# What the machine's closed network needs: no background fetches, no first-run work.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files", "--virtual-time-budget=20000")
TIMEOUT_S = 120
RESULT = re.compile(r'<pre id="result">(.*?)</pre>', re.DOTALL)
PAGE = """<!doctype html><meta charset="utf-8">
<body style="margin:0;background:#fff"><div id="diagram"></div><pre id="result"></pre>
<script src="{script}"></script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
mermaid.render("dag", {source}).then(({{svg}}) => {{
  document.getElementById("diagram").innerHTML = svg;
  const box = document.querySelector("#diagram svg").getBBox();
  document.getElementById("result").textContent = JSON.stringify({{
    ok: true, edges: document.querySelectorAll("#diagram .flowchart-link").length,
    nodes: document.querySelectorAll("#diagram .node").length,
    clusters: document.querySelectorAll("#diagram .cluster").length,
    width: box.width, height: box.height}});
}}).catch((e) => {{
  document.getElementById("result").textContent = JSON.stringify({{ok: false, error: String(e)}});
}});
</script>"""


@dataclass(frozen=True)
class Rendering:
    """What the library drew: counts from the SVG, its size, and the screenshot's path."""

    edges: int
    nodes: int
    clusters: int
    width: float
    height: float
    screenshot: Path


class MermaidError(AssertionError):
    """The library refused the diagram (a parse error, say)."""


def renderer() -> str | None:
    """The Chromium executable, or None; see `missing()` for why."""
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def missing() -> str | None:
    """Why a diagram cannot be rendered here, or None when it can."""
    if not MERMAID_JS.exists():
        return f"the mermaid npm package is not installed ({MERMAID_JS}; .ci/run installs it)"
    if renderer() is None:
        return "no Chromium on PATH (Debian package chromium; .ci/run installs it)"
    return None


def render(diagram: str, workdir: Path, width: int = 2400, height: int = 1400) -> Rendering:
    """Render `diagram` (Mermaid source, no fences), returning its counts and a screenshot."""
    chromium = renderer()
    assert chromium is not None, missing()
    page = workdir / "dag.html"
    page.write_text(PAGE.format(script=MERMAID_JS.as_uri(), source=json.dumps(diagram)),
                    encoding="utf-8")

    def run(*extra: str) -> str:
        done = subprocess.run([chromium, *FLAGS, f"--user-data-dir={workdir / 'profile'}",
                               *extra, page.as_uri()], capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
        return done.stdout

    found = RESULT.search(run("--dump-dom"))
    assert found is not None and found.group(1), "Chromium rendered nothing"
    result = json.loads(html.unescape(found.group(1)))
    if not result["ok"]:
        raise MermaidError(result["error"])
    shot = workdir / "dag.png"
    run(f"--screenshot={shot}", f"--window-size={width},{height}")
    return Rendering(result["edges"], result["nodes"], result["clusters"], result["width"],
                     result["height"], shot)
