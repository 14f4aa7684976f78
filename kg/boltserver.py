"""A real Bolt server for tests, CI and benchmarks: ArcadeDB run as its own JVM process.

ArcadeDB (PyPI package ``arcadedb-embedded``, a test extra) speaks Bolt and understands the
Neo4j 5 Cypher kg uses (see ``docs/neo4j.md``).  :class:`BoltServer` starts it with the Java
runtime bundled in the package on free 127.0.0.1 ports, in a fresh temporary data directory,
with a random password, waits until ``RETURN 1`` succeeds on the database, and always stops it
(SIGTERM, then SIGKILL) and removes the directory::

    with BoltServer() as server:
        config = server.config()          # a kg.neo4j_export.Neo4jConfig
        ...

``python -m kg.boltserver`` starts one, prints ``NEO4J_URI=... NEO4J_USER=...`` lines for a
shell or CI job, and runs until interrupted.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import KgError

if TYPE_CHECKING:  # pragma: no cover
    from kg.neo4j_export import Neo4jConfig

PACKAGE = "arcadedb-embedded"
MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"

# The module/reflection flags ArcadeDB needs on Java 21+ (the same the package's jvm.py uses).
_JVM_FLAGS = (
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF8",
    "-Dpolyglot.engine.WarnInterpreterOnly=false",
    "-XX:+UseSerialGC",
)


def package_dir() -> Path:
    """Directory of the installed ``arcadedb_embedded`` package (with ``jre/`` and ``jars/``)."""
    import importlib.util

    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.origin:
        raise KgError(
            f"the Bolt test server needs the Python package {PACKAGE} "
            f"(pip install '{PACKAGE}>=26.10', or pip install -e '.[test]')"
        )
    pkg = Path(spec.origin).parent
    java, jars = pkg / "jre" / "bin" / "java", pkg / "jars"
    if not java.exists() or not jars.is_dir():
        raise KgError(f"{pkg}: the {PACKAGE} package has no bundled jre/bin/java or jars/ (broken install?)")
    return pkg


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the JVM gets SIGTERM when the process that started it dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BoltServer:
    """An ArcadeDB server with the Bolt plugin, owned by this process.

    ``heap`` is the JVM ``-Xmx`` (keep it modest on shared machines); ``database`` is created
    empty on start and is the Bolt default database.
    """

    user = "root"

    def __init__(self, heap: str = "1g", database: str = "kg", start_timeout: float = 90.0):
        if not database.isidentifier():
            raise ValueError(f"database name must be an identifier: {database!r}")
        self.heap = heap
        self.database = database
        self.start_timeout = start_timeout
        self.password = secrets.token_urlsafe(12)  # >= 8 chars, required by ArcadeDB
        self.bolt_port: int | None = None
        self.http_port: int | None = None
        self.data_dir: Path | None = None
        self.process: subprocess.Popen | None = None
        self._log = None

    # -- public ---------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        if self.bolt_port is None:
            raise RuntimeError("server not started")
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def config(self) -> "Neo4jConfig":
        from kg.neo4j_export import Neo4jConfig

        return Neo4jConfig(uri=self.uri, user=self.user, password=self.password, database=self.database)

    def memory(self) -> dict[str, int]:
        """The server JVM's current and peak resident memory in bytes (``rss``, ``peak_rss``:
        VmRSS and VmHWM of /proc/PID/status); empty when not running or not on Linux."""
        if self.process is None:
            return {}
        try:
            text = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        except OSError:
            return {}
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        out = {}
        for key, name in (("rss", "VmRSS"), ("peak_rss", "VmHWM")):
            value = fields.get(name, "").split()
            if value and value[0].isdigit():
                out[key] = int(value[0]) * 1024     # "12345 kB"
        return out

    def log_text(self) -> str:
        if self.data_dir is None:
            return ""
        path = self.data_dir / "server.out"
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def start(self) -> "BoltServer":
        if self.process is not None:
            raise RuntimeError("server already started")
        pkg = package_dir()
        self.data_dir = Path(tempfile.mkdtemp(prefix="kg-arcadedb-"))
        try:
            for attempt in range(3):  # a port taken between free_port() and bind: retry
                self.bolt_port, self.http_port = free_port(), free_port()
                self._launch(pkg)
                if self._wait_ready():
                    return self
                self._terminate()
                if attempt < 2 and "Address already in use" in self.log_text():
                    continue
                break
            tail = "\n".join(self.log_text().splitlines()[-15:])
            raise KgError(f"ArcadeDB Bolt server did not become ready (log tail:\n{tail})")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self._terminate()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def __enter__(self) -> "BoltServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- internals ------------------------------------------------------------------------
    def _command(self, pkg: Path) -> list[str]:
        assert self.data_dir is not None
        return [
            str(pkg / "jre" / "bin" / "java"),
            f"-Xmx{self.heap}",
            *_JVM_FLAGS,
            f"-XX:ErrorFile={self.data_dir}/hs_err_pid%p.log",
            f"-Darcadedb.server.rootPath={self.data_dir}",
            f"-Darcadedb.server.rootPassword={self.password}",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={self.http_port}",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={self.bolt_port}",
            f"-Darcadedb.bolt.defaultDatabase={self.database}",
            f"-Darcadedb.server.defaultDatabases={self.database}[root]",
            "-cp",
            str(pkg / "jars" / "*"),
            MAIN_CLASS,
        ]

    def _launch(self, pkg: Path) -> None:
        assert self.data_dir is not None
        self._log = open(self.data_dir / "server.out", "ab")
        self.process = subprocess.Popen(
            self._command(pkg),
            cwd=self.data_dir,  # ArcadeDB writes ./log
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in a terminal goes to us, we stop it cleanly
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def _wait_ready(self) -> bool:
        import neo4j
        from neo4j import exceptions as nx

        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if 'Exception in thread "main"' in self.log_text():
                return False  # e.g. a port clash: the JVM may keep running without serving
            try:
                with neo4j.GraphDatabase.driver(
                    self.uri, auth=(self.user, self.password), connection_timeout=2
                ) as driver, driver.session(database=self.database) as session:
                    record = session.run("RETURN 1 AS x").single()  # no retries: we poll
                    if record is not None and record["x"] == 1:
                        return True
            except (nx.ServiceUnavailable, nx.ClientError, nx.DatabaseError, nx.TransientError, OSError):
                pass
            time.sleep(0.25)
        return False

    def _terminate(self) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def main() -> None:  # pragma: no cover - manual/CI helper
    import argparse

    ap = argparse.ArgumentParser(description="Run a throw-away ArcadeDB Bolt server until interrupted.")
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--database", default="kg")
    args = ap.parse_args()

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # `kill PID` stops the server and removes its files
    try:
        with BoltServer(heap=args.heap, database=args.database) as server:
            print(f"NEO4J_URI={server.uri}")
            print(f"NEO4J_USER={server.user}")
            print(f"NEO4J_PASSWORD={server.password}")
            print(f"NEO4J_DATABASE={server.database}", flush=True)
            try:
                while server.process is not None and server.process.poll() is None:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    except KgError as e:
        raise SystemExit(f"error: {e}")


if __name__ == "__main__":  # pragma: no cover
    main()
