"""Median timings: wall clock and CPU, of a function or a child process."""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Timing:
    """Medians of several runs, and every run's wall time."""

    wall_s: float
    cpu_s: float
    runs: list[float] = field(default_factory=list)
    result: Any = None  # what the last run returned

    def as_json(self) -> dict:
        return {"wall_s": round(self.wall_s, 6), "cpu_s": round(self.cpu_s, 6),
                "runs_s": [round(r, 6) for r in self.runs]}


def measure(fn: Callable[[], Any], repeat: int, setup: Callable[[], None] | None = None,
            warmup: int = 0) -> Timing:
    """Run fn() `warmup + repeat` times (setup() before each, untimed); medians of the timed runs."""
    walls, cpus, result = [], [], None
    for i in range(warmup + max(1, repeat)):
        if setup:
            setup()
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if i >= warmup:
            walls.append(wall)
            cpus.append(cpu)
    return Timing(statistics.median(walls), statistics.median(cpus), walls, result)


@dataclass
class ChildRun:
    """One child process: wall time, CPU (user + system), peak RSS, exit code and output."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


# A small Python that runs the command and reports its RUSAGE_CHILDREN. Linux carries the
# high-water RSS of a process across exec, so a child forked straight from this (large)
# runner would report the runner's own RSS as its peak; one forked from a fresh, small
# interpreter reports its own.
_PEAK_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"wall_s": time.perf_counter() - t0, "cpu_s": u.ru_utime + u.ru_stime, "maxrss_kb": u.ru_maxrss,
           "returncode": code}, open(sys.argv[1], "w"))
"""


def run_child_peak(cmd: list[str], cwd: str | None = None, env: dict | None = None,
                   timeout_s: float = 1800) -> ChildRun:
    """Run cmd under a fresh interpreter that reports getrusage(RUSAGE_CHILDREN): its true peak RSS."""
    import json
    import sys

    with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        outer = run_child([sys.executable, "-c", _PEAK_WRAPPER, report.name, *cmd], cwd, env, timeout_s)
        try:
            got = json.load(open(report.name))
        except ValueError:
            return outer
    return ChildRun(got["wall_s"], got["cpu_s"], got["maxrss_kb"] / 1024, got["returncode"], outer.stdout, outer.stderr)


def run_child(cmd: list[str], cwd: str | None = None, env: dict | None = None,
              timeout_s: float = 1800) -> ChildRun:
    """Run cmd, reaping it with wait4: wall time, its CPU time, exit code and output.

    Its max_rss_mb is not the child's own peak when this process is large (see run_child_peak).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, text=True)
        killer = threading.Timer(timeout_s, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
                        out.read(), err.read())


def median_child(cmd_for_run: Callable[[int], list[str]], repeat: int, cwd: str | None = None,
                 env: dict | None = None, setup: Callable[[int], None] | None = None,
                 timeout_s: float = 1800) -> tuple[Timing, list[ChildRun]]:
    """Run a child `repeat` times (a fresh command per run); median wall and CPU."""
    runs = []
    for i in range(max(1, repeat)):
        if setup:
            setup(i)
        run = run_child(cmd_for_run(i), cwd=cwd, env=env, timeout_s=timeout_s)
        runs.append(run)
        if run.returncode != 0:
            break
    walls = [r.wall_s for r in runs]
    return Timing(statistics.median(walls), statistics.median(r.cpu_s for r in runs), walls, runs[-1]), runs
