"""Every named query on the loaded store, run through run_named with parameters from the data.

Paths (variable-length or two-actor traversals) have a 300 ms goal, the rest 100 ms.
The time includes turning the result into Python rows, as every command does.
"""
from __future__ import annotations

from .figure import Context, Row
from .timing import measure

PATH_QUERIES = {"shortest-path", "common-neighbours"}
GOAL_MS = {"path": 300, "aggregate": 100}
TIMEOUT_S = 120


def run(ctx: Context) -> list[Row]:
    from graphkit.query.named import named_queries, run_named
    from graphkit.errors import GraphkitError
    from graphkit.stores import LadybugStore

    params = ctx.manifest["params"]
    store = LadybugStore(ctx.loaded_store(), read_only=True)
    out = []
    try:
        for name in named_queries():
            kind = "path" if name in PATH_QUERIES else "aggregate"
            goal = GOAL_MS[kind]
            given = params.get(name, {})
            try:
                t = measure(lambda: run_named(store, name, given, timeout_s=TIMEOUT_S), ctx.repeat, warmup=1)
            except GraphkitError as exc:
                out.append(Row(name, None, "ms", goal=f"< {goal} ms ({kind})", met=False,
                               note=f"failed: {str(exc)[:120]}", detail={"params": given}))
                continue
            ms = t.wall_s * 1000
            out.append(Row(name, ms, "ms", goal=f"< {goal} ms ({kind})", met=ms < goal,
                           note=f"{len(t.result.rows):,} rows" + (f"; {given}" if given else ""),
                           detail={**t.as_json(), "rows": len(t.result.rows), "params": given, "kind": kind}))
    finally:
        store.close()
    return out
