"""Real servers for tests that must cross process boundaries: a database set up the way
`make run` sets it up (migrate, seed_demo), and servers on it as production runs them
(`manage.py serve`).

With DATABASE_URL pointing at PostgreSQL the site gets its own database beside it (NAME_site);
otherwise an SQLite file in a temporary folder. With REDIS_URL the servers share Redis under a
prefix of their own; without it each has the in-memory channel layer (one server only).
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url

from cad.bench import ROOT
from cad.stream_scale.processes import ServeProcess, free_port

PASSWORD = "demo-password-for-tests"


class Site:
    def __init__(self, folder: Path, *, name: str, redis_url: str | None = None):
        self.folder = folder
        self.redis_url = redis_url if redis_url is not None else os.environ.get("REDIS_URL", "")
        base = os.environ.get("DATABASE_URL", "")
        if base.startswith("postgres"):
            config = dj_database_url.parse(base)
            self.pg_name = f"{config['NAME']}_{name}"
            self.database_url = base.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.pg_name = None
            self.database_url = f"sqlite:///{folder / 'site.sqlite3'}"
        self.prefix = f"cad-test-{name}-{os.getpid()}"
        self.servers: list[Server] = []

    @property
    def env(self) -> dict:
        env = {**os.environ, "DATABASE_URL": self.database_url, "CAD_DEMO_PASSWORD": PASSWORD,
               "SECRET_KEY": "test-site-secret-key-not-for-production-use-0123456789",
               "ALLOWED_HOSTS": "127.0.0.1,localhost", "CHANNEL_LAYER_PREFIX": self.prefix,
               "CAD_STREAM_POLL_SECONDS": "0.5", "PYTHONUNBUFFERED": "1",
               # Every server runs the timers (two schedulers where there are two servers), often.
               "CAD_INPROCESS_SCHEDULER": "1", "CAD_TIMERS_SECONDS": "1",
               "CAD_STATUS_CHECK_ESCALATE_SECONDS": "6"}
        env.pop("REDIS_URL", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> "Site":
        if self.pg_name:
            self._recreate_pg_database()
        self.manage("migrate", "-v0")
        self.manage("seed_demo")
        return self

    def _recreate_pg_database(self) -> None:
        import psycopg

        admin = dj_database_url.parse(os.environ["DATABASE_URL"])
        with psycopg.connect(host=admin["HOST"] or "127.0.0.1", port=admin["PORT"] or 5432,
                             user=admin["USER"] or "postgres", password=admin["PASSWORD"] or None,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.pg_name}"')

    def token(self, agency_code: str) -> str:
        return self.manage("agency_token", agency_code).strip().split()[-1]

    def start(self, **env) -> "Server":
        server = Server(self, env)
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()


class Server(ServeProcess):
    def __init__(self, site: Site, extra_env: dict):
        self.site = site
        port = free_port()
        super().__init__({**site.env, **extra_env}, site.folder / f"serve-{port}.log", port=port)

    def api(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.url}/api/v1/{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
