"""Start a real Neo4j (Community engine, via ``org.neo4j.test:neo4j-harness``) for tests.

The Java side lives in ``tests/neo4j_harness/`` (a small Maven project). The first call
builds it: Maven fetches the harness jars from Maven Central into ``~/.m2`` (about 145 MB)
and computes a classpath, cached under ``tests/neo4j_harness/target/graphkit-build/``
and rebuilt when ``pom.xml`` or the launcher source changes. Later calls start Java
directly from that classpath, without Maven.

Usage::

    from neo4j_server import start_neo4j, clear_database, Neo4jUnavailable

    with start_neo4j() as server:                    # auth disabled
        driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)

    with start_neo4j(auth_password="secret") as s:   # user "neo4j", password "secret"
        ...

Command line (starts one, prints its URI, runs until Ctrl-C/SIGTERM)::

    python tests/neo4j_server.py [--password PW]

Neo4j is GPLv3: it runs at test time only, and no jar is ever committed.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

__all__ = [
    "Neo4jUnavailable",
    "RunningNeo4j",
    "build_harness",
    "clear_database",
    "start_neo4j",
]

HARNESS_DIR = Path(__file__).resolve().parent / "neo4j_harness"
POM = HARNESS_DIR / "pom.xml"
LAUNCHER_SRC = HARNESS_DIR / "src" / "main" / "java" / "graphkit" / "harness" / "Launcher.java"
TARGET_DIR = HARNESS_DIR / "target"  # gitignored
CLASSES_DIR = TARGET_DIR / "classes"
BUILD_DIR = TARGET_DIR / "graphkit-build"
CLASSPATH_FILE = BUILD_DIR / "classpath.txt"
STAMP_FILE = BUILD_DIR / "stamp.txt"
BUILD_LOG = BUILD_DIR / "mvn.log"
LOG_DIR = TARGET_DIR / "logs"

MAIN_CLASS = "graphkit.harness.Launcher"

JVM_OPTS = [
    "-Xmx1g",
    "-XX:+ExitOnOutOfMemoryError",
    # What Neo4j 5's own start scripts pass on Java 17+.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
]

# Maven Central may answer 429 to bursts: let Maven's HTTP transport (wagon, Maven 3.8)
# retry transfers and 408/429/5xx answers itself; start_neo4j also retries whole builds.
MAVEN_RETRY_OPTS = [
    "-Dmaven.wagon.http.retryHandler.count=5",
    "-Dmaven.wagon.http.retryHandler.requestSentEnabled=true",
    "-Dmaven.wagon.http.serviceUnavailableRetryStrategy.class=standard",
    "-Dmaven.wagon.http.serviceUnavailableRetryStrategy.retryInterval=5000",
    "-Dmaven.wagon.http.serviceUnavailableRetryStrategy.maxRetries=5",
]
BUILD_ATTEMPTS = 4
BUILD_BACKOFF_S = (15, 45, 90)
BUILD_TIMEOUT_S = 1800  # per Maven attempt
STOP_TIMEOUT_S = 60
LOGS_KEPT = 20


class Neo4jUnavailable(Exception):
    """Neo4j cannot be started here; the message says why (and shows log tails)."""


# --------------------------------------------------------------------------- helpers


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _which(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise Neo4jUnavailable(
            f"`{tool}` is not on PATH: the Neo4j test server needs a JDK 17+ (java) and "
            f"Maven 3.8+ (mvn), e.g. `apt-get install -y openjdk-17-jdk-headless maven`"
        )
    return found


def _java_major(java: str) -> int:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60
        ).stderr
    except (OSError, subprocess.SubprocessError) as exc:
        raise Neo4jUnavailable(f"cannot run `{java} -version`: {exc}") from exc
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        raise Neo4jUnavailable(f"cannot read the Java version from: {out.strip()!r}")
    major = int(m.group(1))
    if major == 1 and m.group(2):  # "1.8.0_x"
        major = int(m.group(2))
    return major


def _stamp() -> str:
    h = hashlib.sha256()
    for path in (POM, LAUNCHER_SRC):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _cached_classpath() -> str | None:
    """The cached classpath if it is current and every entry still exists, else None."""
    try:
        if STAMP_FILE.read_text().strip() != _stamp():
            return None
        entries = [e for e in CLASSPATH_FILE.read_text().strip().split(os.pathsep) if e]
    except OSError:
        return None
    if not entries or not (CLASSES_DIR / "graphkit" / "harness" / "Launcher.class").is_file():
        return None
    if not all(os.path.exists(e) for e in entries):  # e.g. ~/.m2 was wiped
        return None
    return os.pathsep.join([str(CLASSES_DIR), *entries])


@contextlib.contextmanager
def _build_lock():
    """Serialise builds across processes (e.g. pytest-xdist workers)."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    lock_path = BUILD_DIR / ".lock"
    with open(lock_path, "w") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run_maven(mvn: str, extra: list[str], log) -> int:
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        *MAVEN_RETRY_OPTS,
        *extra,
        "compile",
        # Full coordinates: no plugin-prefix look-up, so `-o` works from ~/.m2 alone.
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
        f"-Dmdep.outputFile={CLASSPATH_FILE}",
    ]
    log.write(f"\n$ {' '.join(cmd)}\n".encode())
    log.flush()
    try:
        proc = subprocess.run(
            cmd,
            cwd=HARNESS_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        log.write(f"\n(timed out after {BUILD_TIMEOUT_S}s)\n".encode())
        return -1
    return proc.returncode


def build_harness(force: bool = False) -> str:
    """Build the Maven project if needed; return the Java classpath (classes + jars).

    First tries Maven offline (everything already in ~/.m2: no network at all), then
    online, up to BUILD_ATTEMPTS times with back-off and ``-U`` (so failures cached in
    ~/.m2, e.g. after a 429, are retried).
    """
    if not force:
        cp = _cached_classpath()
        if cp:
            return cp
    mvn = _which("mvn")
    with _build_lock():
        if not force:
            cp = _cached_classpath()  # another process may have just built it
            if cp:
                return cp
        for stale in (STAMP_FILE, CLASSPATH_FILE):
            with contextlib.suppress(OSError):
                stale.unlink()
        stamp = _stamp()
        with open(BUILD_LOG, "wb") as log:
            attempts: list[list[str]] = [["-o"]] + [
                ([] if i == 0 else ["-U"]) for i in range(BUILD_ATTEMPTS)
            ]
            rc = None
            for i, extra in enumerate(attempts):
                if i >= 2:
                    delay = BUILD_BACKOFF_S[min(i - 2, len(BUILD_BACKOFF_S) - 1)]
                    log.write(f"\n(retrying in {delay}s)\n".encode())
                    log.flush()
                    time.sleep(delay)
                rc = _run_maven(mvn, extra, log)
                if rc == 0 and CLASSPATH_FILE.is_file():
                    break
        if rc != 0 or not CLASSPATH_FILE.is_file():
            raise Neo4jUnavailable(
                f"building the Neo4j test harness with Maven failed (exit {rc}); "
                f"log {BUILD_LOG}:\n{_tail(BUILD_LOG)}"
            )
        STAMP_FILE.write_text(stamp + "\n")
        cp = _cached_classpath()
        if not cp:
            raise Neo4jUnavailable(
                f"Maven succeeded but the classpath in {CLASSPATH_FILE} is unusable; "
                f"log {BUILD_LOG}:\n{_tail(BUILD_LOG)}"
            )
        return cp


def _prune_logs() -> None:
    logs = sorted(LOG_DIR.glob("neo4j-*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-LOGS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()


# --------------------------------------------------------------------------- server


class RunningNeo4j:
    """A Neo4j started by :func:`start_neo4j`. Use ``.uri``/``.auth``; ``.stop()`` it."""

    def __init__(
        self,
        process: subprocess.Popen,
        uri: str,
        auth: tuple[str, str] | None,
        log_path: Path,
        log_file,
    ) -> None:
        self.process = process
        self.uri = uri
        self.auth = auth
        self.log_path = log_path
        self._log_file = log_file
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Close stdin (the launcher then shuts Neo4j down cleanly), wait; then
        SIGTERM, then SIGKILL if needed. Idempotent."""
        with self._lock:
            proc = self.process
            if proc.poll() is None:
                with contextlib.suppress(OSError, ValueError):
                    if proc.stdin:
                        proc.stdin.close()
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=15)
            with contextlib.suppress(OSError, ValueError):
                if proc.stdin:
                    proc.stdin.close()
            with contextlib.suppress(OSError, ValueError):
                self._log_file.close()

    def __enter__(self) -> RunningNeo4j:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else f"exited {self.process.returncode}"
        return f"<RunningNeo4j {self.uri} auth={'on' if self.auth else 'off'} pid={self.pid} {state}>"


_live: "weakref.WeakSet[RunningNeo4j]" = weakref.WeakSet()
_log_counter = itertools.count(1)


@atexit.register
def _stop_all() -> None:  # safety net; the launcher also stops when our stdin pipe closes
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.stop(timeout=20)


def start_neo4j(
    auth_password: str | None = None,
    timeout: float = 600,
    *,
    copy_from: str | os.PathLike[str] | None = None,
) -> RunningNeo4j:
    """Start one Neo4j on 127.0.0.1 and a free port; return it once it accepts Bolt.

    ``auth_password=None``: authentication disabled (``.auth`` is None). Otherwise
    authentication is on and user ``neo4j`` has that password (``.auth`` is
    ``("neo4j", auth_password)``). ``timeout`` bounds the wait for the server after the
    (cached) Maven build. ``copy_from``: a directory holding ``data/databases/neo4j`` and
    ``data/transactions/neo4j`` (e.g. the NEO4J_HOME of a ``database import full`` run,
    see neo4j_harness/import-tool/README.md); it is copied, never modified.
    Raises :class:`Neo4jUnavailable` with the reason.
    """
    java = os.environ.get("GRAPHKIT_JAVA") or _which("java")
    _which("mvn")
    major = _java_major(java)
    if major < 17:
        raise Neo4jUnavailable(f"Neo4j 5.26 needs Java 17+, `{java}` is Java {major}")

    if copy_from is not None and not Path(copy_from, "data", "databases").is_dir():
        raise Neo4jUnavailable(f"copy_from={str(copy_from)!r} has no data/databases/ directory")

    classpath = build_harness()

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    _prune_logs()
    log_path = LOG_DIR / f"neo4j-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_log_counter)}.log"
    log_file = open(log_path, "ab", buffering=0)

    cmd = [java, *JVM_OPTS, "-cp", classpath, MAIN_CLASS]
    if auth_password is not None:
        cmd += ["--password", auth_password]
    if copy_from is not None:
        cmd += ["--copy-from", str(Path(copy_from).resolve())]
    log_file.write(
        f"$ {java} {' '.join(JVM_OPTS)} -cp <{CLASSES_DIR} + jars from {CLASSPATH_FILE}> {MAIN_CLASS}"
        f"{' --password ***' if auth_password is not None else ''}"
        f"{f' --copy-from {cmd[-1]}' if copy_from is not None else ''}\n".encode()
    )

    try:
        proc = subprocess.Popen(
            cmd,
            cwd=TARGET_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
            start_new_session=True,  # Ctrl-C in the test run doesn't kill it before teardown
        )
    except OSError as exc:
        log_file.close()
        raise Neo4jUnavailable(f"cannot run {java}: {exc}") from exc

    found: dict[str, str] = {}
    ready = threading.Event()

    def pump() -> None:
        # Read the launcher's stdout: catch BOLT_URI=..., copy everything to the log.
        assert proc.stdout is not None
        for raw in proc.stdout:
            with contextlib.suppress(OSError, ValueError):
                log_file.write(b"[stdout] " + raw)
            line = raw.decode("utf-8", errors="replace").strip()
            if line.startswith("BOLT_URI=") and "uri" not in found:
                found["uri"] = line.split("=", 1)[1]
                ready.set()
        ready.set()  # EOF: process ended

    threading.Thread(target=pump, name="neo4j-stdout", daemon=True).start()

    deadline = time.monotonic() + timeout
    while not ready.wait(0.1):
        if time.monotonic() > deadline:
            break
    server = RunningNeo4j(
        proc, found.get("uri", ""), ("neo4j", auth_password) if auth_password is not None else None,
        log_path, log_file,
    )
    if "uri" not in found:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)  # stdout closed: let the process finish exiting
        exited = proc.poll()
        server.stop(timeout=10)
        why = (
            f"exited with code {proc.returncode}" if exited is not None
            else f"did not report a Bolt URI within {timeout:.0f}s"
        )
        raise Neo4jUnavailable(f"Neo4j launcher {why}; log {log_path}:\n{_tail(log_path)}")
    _live.add(server)
    return server


# --------------------------------------------------------------------------- helpers for tests


def _quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def clear_database(driver, database: str | None = None) -> None:
    """Empty a database: drop every constraint and index, delete all nodes and
    relationships. The two built-in token LOOKUP indexes are kept, so the result looks
    like a freshly created database. Community has one user database, ``neo4j``
    (the default when ``database`` is None)."""
    with driver.session(database=database) as session:
        for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
            session.run(f"DROP CONSTRAINT {_quote_name(record['name'])} IF EXISTS").consume()
        for record in list(session.run("SHOW INDEXES YIELD name, type")):
            if record["type"] == "LOOKUP":
                continue
            session.run(f"DROP INDEX {_quote_name(record['name'])} IF EXISTS").consume()
        while True:  # bounded batches keep transaction memory small
            deleted = session.run(
                "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c"
            ).single()["c"]
            if not deleted:
                break


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Start a test Neo4j and wait (Ctrl-C stops it).")
    parser.add_argument("--password", help="enable auth; user neo4j gets this password")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--build-only", action="store_true",
                        help="fetch the Maven artifacts and build the launcher, then exit")
    args = parser.parse_args(argv)
    if args.build_only:
        try:
            build_harness()
        except Neo4jUnavailable as exc:
            print(f"Neo4j harness build failed: {exc}", file=sys.stderr)
            return 1
        print("Neo4j test harness built", flush=True)
        return 0

    t0 = time.monotonic()
    try:
        server = start_neo4j(auth_password=args.password, timeout=args.timeout)
    except Neo4jUnavailable as exc:
        print(f"Neo4j unavailable: {exc}", file=sys.stderr)
        return 1
    print(server.uri, flush=True)
    print(
        f"# started in {time.monotonic() - t0:.1f}s, auth={'neo4j/' + args.password if args.password else 'none'},"
        f" pid {server.pid}, log {server.log_path}; Ctrl-C or SIGTERM stops it",
        file=sys.stderr,
        flush=True,
    )

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        while server.is_running():
            time.sleep(0.5)
        print(f"Neo4j exited unexpectedly (code {server.process.returncode}); log {server.log_path}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
