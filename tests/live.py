"""A real Ruhu server on loopback, for the browser tests, the concurrency tests and the benches.

The Flask test client runs one request at a time; the promises of the sync (no lost update, one
revision per operation id, cursors that never skip) are about requests that really overlap, and a
browser needs a real server, so these run `gunicorn -w N wsgi:app` on a database of its own: a
fresh SQLite file, or a fresh schema in the PostgreSQL database that RUHU_TEST_DATABASE_URL names.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "demo12345"


def make_run_log_args() -> list[str]:
    """The config and logging flags of the gunicorn line of `make run`, as the Makefile has them
    (a server started with `access_log=True` logs exactly as `make run` does)."""
    makefile = (ROOT / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if "bin/gunicorn " in line]
    words = line.split("bin/gunicorn", 1)[1].split()
    out = []
    for i, word in enumerate(words):
        if word in ("-c", "--config") or word.startswith(("--access-log", "--error-log", "--log-")):
            out.append(word)
            if "=" not in word and i + 1 < len(words):
                out.append(words[i + 1])
    return out


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class PostgresSchema:
    """A schema of its own in the test database, so a live server never meets the test app's."""

    def __init__(self, url: str):
        import psycopg

        self.base, self.name = url, f"live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._psycopg = psycopg
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        sep = "&" if "?" in url else "?"
        self.url = f"{url}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self._psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


class LiveServer:
    """Prepare a database (migrate, seed the demo county), run gunicorn, log in the demo users."""

    def __init__(
        self,
        workdir: Path,
        *,
        postgres_url: str | None = None,
        database_url: str | None = None,
        root: Path = ROOT,
        workers: int = 4,
        households: int = 120,
        threads: int = 1,
        timeout: int = 30,
    ):
        """`database_url`: serve a database prepared elsewhere; `root`: a copy of the app to serve
        (the update test changes a copy's files while it runs)."""
        self.workdir, self.workers, self.threads = Path(workdir), workers, threads
        self.households, self.timeout, self.root = households, timeout, Path(root)
        self.schema = PostgresSchema(postgres_url) if postgres_url else None
        self.database_url = database_url or (
            self.schema.url if self.schema else f"sqlite:///{self.workdir / 'live.db'}"
        )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.http = requests.Session()

    @property
    def env(self) -> dict:
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "RUHU_SECRET_KEY": "live-test-secret-key-long-enough-for-hs256",
            "FLASK_APP": "wsgi",
            "RUHU_QUEUE_FILE": str(self.workdir / "queue.db"),  # the jobs' queue, beside it
            "RUHU_CONSUMER": "1",  # a job worker beside gunicorn, as `make run` starts one
            "RUHU_PRERENDER_MINUTES": "0",
        }

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _flask(self, *args: str) -> None:
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=self.root,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def prepare(self) -> LiveServer:
        self._flask("db", "upgrade")
        self._flask("seed-demo", "--households", str(self.households))
        return self

    def start(self, *, access_log: bool = False) -> LiveServer:
        """`access_log`: log as `make run` does (its access log, its log level), into
        gunicorn.log; otherwise warnings only. Either way gunicorn reads the gunicorn.conf.py of
        the app's folder, as `make run` does."""
        self._log = log = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 (kept open)
        logging = make_run_log_args() if access_log else ["--log-level", "warning"]
        args = [
            str(BIN / "gunicorn"),
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(self.timeout),
            *logging,
            "wsgi:app",
        ]
        if self.threads > 1:
            args[1:1] = ["--threads", str(self.threads)]
        self.process = subprocess.Popen(args, cwd=self.root, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.workdir / "gunicorn.log").read_text()
                raise RuntimeError(f"gunicorn exited: {log}")
            try:
                requests.get(f"{self.base}/api/forms", timeout=5)
                return self
            except requests.RequestException:  # not listening yet, or a worker still booting
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start within 30 s")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut or the out-of-memory
        killer would: nothing gets to finish a request or a commit. `start()` serves again."""
        if self.process is None or self.process.poll() is not None:
            return
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self._log.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.http.close()
        if getattr(self, "_log", None) is not None:
            self._log.close()
        if self.schema is not None:
            self.schema.drop()

    def headers(self, username: str, device_id: str | None = None) -> dict:
        response = requests.post(
            f"{self.base}/api/auth/login",
            timeout=30,
            json={"username": username, "password": PASSWORD, "device_id": device_id or username},
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def engine(self):
        """Direct read access to the server's database (revision documents, conflict rows)."""
        from sqlalchemy import create_engine

        return create_engine(sqlalchemy_url(self.database_url))
