"""One document at a time: docgen's renderer against a plain DocxTemplate, per kind.

    python benchmarks/render_single.py [--runs 15] [--kinds decision,commitment,plan,report]

For every sample of samples/quan-son-2022 (or the kinds asked), in one process:

- document: `docgen.render_document(kind, data)` — validation, context, sanitising and
  `render.render` (a pooled DocxTemplate put back to its pristine state, the package
  written with the unchanged parts compressed once);
- render: `render.render(template, context)` alone, on a context built once;
- plain: what docxtpl's public API gives on the same context — `DocxTemplate(BytesIO(
  template)).render(context, jinja_env, autoescape=True)` then `save()` (the package
  opened and saved whole on every call) — the reference `render` must equal
  (tests/test_render_equivalence.py).

The three are interleaved run by run (a garbage collection before each, outside the
timing), after one warm-up of each, so a change in the machine's load falls on all alike.
Prints medians and the ratio plain / render measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "quan-son-2022"


def cases(name: str):
    """The three no-argument renderers of one sample."""
    import docgen
    from docxtpl import DocxTemplate

    from docgen import documents, render, schema
    kind_name = name.split("-")[0]
    kind = documents.get(kind_name)
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    context = kind.context(schema.parse(kind.input, data))
    safe = render.sanitize(context)
    template = render.template_bytes(kind.template)

    def plain() -> bytes:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(safe, jinja_env=render.environment(), autoescape=True)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    return {"document": lambda: docgen.render_document(kind_name, data),
            "render": lambda: render.render(kind.template, context),
            "plain": plain}


def timed(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kinds", default="",
                        help="comma-separated sample names (default: every sample)")
    args = parser.parse_args()
    names = ([n.strip() for n in args.kinds.split(",") if n.strip()]
             or sorted(p.stem for p in SAMPLES.glob("*.json") if p.stem != "dossier"))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; median of {args.runs} runs, in ms")
    print(f"{'sample':<18}{'document':>10}{'render':>10}{'plain':>10}{'plain/render':>14}")
    for name in names:
        fns = cases(name)
        for fn in fns.values():
            fn()
        times: dict[str, list[float]] = {k: [] for k in fns}
        for _ in range(args.runs):
            for key, fn in fns.items():
                times[key].append(timed(fn))
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print(f"{name:<18}{med['document']:>10.1f}{med['render']:>10.1f}{med['plain']:>10.1f}"
              f"{med['plain'] / med['render']:>13.1f}×")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
