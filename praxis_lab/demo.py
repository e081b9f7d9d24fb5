"""``make demo``: the main job on an example protocol, start to finish.

1. simulate ``examples/plate_copy.py`` against its deck setup: one failure, with its fix;
2. apply the fix and simulate again: ok;
3. run the fixed protocol on PLR's chatterbox backend, every call logged to the store;
4. print this demo's run from the history as a pandas DataFrame, and how many runs the
   store holds in all (the default store is the user's: other runs are there too).

Run with ``python -m praxis_lab.demo`` (``--db URL`` to choose the store).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]


def _rule(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m praxis_lab.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", metavar="URL", help="store URL (default: the user store)")
    args = parser.parse_args(argv)

    import pandas as pd

    from praxis_lab import examples
    from praxis_lab.execution import runner
    from praxis_lab.fixes.suggest import apply_all
    from praxis_lab.pipeline import simulate
    from praxis_lab.store import frames
    from praxis_lab.store.db import default_url, display_url

    t0 = time.perf_counter()
    path = examples.path("plate_copy")
    _rule(f"1. simulate {path.name} --setup make_deck --param columns=6")
    report = simulate(path, setup="make_deck", params={"columns": 6})  # the count it runs
    print(report.summary())
    for mode in report.failure_modes[:1]:
        for fix in mode.fixes[:1]:
            print(f"\nfix for {mode.kind} @ line {mode.line}: {fix['description']}")
            print(fix["edit"])

    _rule("2. apply the fix and simulate again")
    fixed_source = apply_all(report.source, report.failure_modes)
    fixed = Path(tempfile.mkdtemp(prefix="praxis-demo-")) / "plate_copy_fixed.py"
    fixed.write_text(fixed_source)
    again = simulate(fixed, setup="make_deck", params={"columns": 6})
    print(again.summary().splitlines()[0])
    if not again.ok:
        print("the fixed protocol still fails: stopping", file=sys.stderr)
        return 1

    _rule("3. run the fixed protocol on PLR's chatterbox backend")
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        record = runner.run(fixed, setup="make_deck", db=args.db)
    lines = [ln for ln in chatter.getvalue().splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    print(f"(the chatterbox backend printed {len(lines)} lines; first: {first})")
    print(f"run {record.run_id}: {record.status} — {record.calls} of {record.expected_ops} PLR "
          f"calls logged, {record.duration_s:.3f} s on {record.backend} ({record.mode})")

    _rule(f"4. run history: this demo's run (run {record.run_id}, request {record.request_id})")
    runs = frames.history(args.db)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(runs[runs["id"] == record.run_id].to_string(index=False))
    others = len(runs) - 1
    print(f"\nthe store {display_url(args.db or default_url())} holds {len(runs)} run"
          f"{'s' if len(runs) != 1 else ''} in all"
          + (f" ({others} from other processes or earlier demos)" if others else "")
          + ": `praxis-lab history` lists them")
    print(f"\ndemo finished in {time.perf_counter() - t0:.1f} s")
    return 0 if record.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
