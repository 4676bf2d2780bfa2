"""A Hindsight cluster for tests: a throwaway PostgreSQL (tests/pgserver.py), real `hindsight
serve --db postgresql://...` nodes on free loopback ports, and Debian's nginx in front.

nginx comes in two configurations. With affinity, `hash $board consistent` on the board id
taken from the websocket path (`/ws/{board}`) and from the board's pages and API paths, so a
board's people land on one node; without, round-robin, so they are spread over the nodes. In
both, a dead node's new connections go to another (`proxy_next_upstream`, a short connect
timeout; `max_fails=0`, see `nginx_http`).

    with Cluster(pg, "db1", workdir, nodes=3, affinity=True) as cluster:
        cluster.url                  # nginx
        cluster.nodes[0].kill()      # SIGKILL one node
        cluster.nodes[0].start()     # and bring it back on the same port
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from tests.pgserver import PgServer, pg_available
from tests.realserver import RealServer, free_port
from tests.server.chaos import SERVER_ENV

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# Twenty clients and their reconnects come from one address through nginx: the per-address
# join and connection guards are for strangers, not for a test's own load generator.
NODE_ENV = {
    **SERVER_ENV,
    "HINDSIGHT_JOIN_RATE": "0",
    "HINDSIGHT_LINK_JOIN_RATE": "0",
    "HINDSIGHT_MAX_CONNECTIONS_PER_ADDRESS": "0",
}


def missing_parts() -> str:
    """Why a cluster cannot be started here ('' when it can)."""
    if not pg_available():
        return "PostgreSQL's binaries are not installed (`make pg-deps` installs Debian's)"
    if not Path(NGINX).exists():
        return "nginx is not installed (`make proxy-deps` installs Debian's)"
    return ""


class Node(RealServer):
    """One `hindsight serve` on PostgreSQL (tests/realserver.py), started and SIGKILLed as
    often as a test likes, on the same port each time (nginx's upstream list names it)."""

    def __init__(
        self, index: int, db_url: str, workdir: Path, env: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            workdir / f"node{index}.db", env={**NODE_ENV, **(env or {})}, db_url=db_url
        )
        self.index = index

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = 30.0) -> None:
        super().wait_ready(timeout)

    def start(self, timeout: float = 30.0) -> None:
        super().start(timeout)

    def connections(self) -> int:
        """Established TCP connections to this node's port (nginx's websockets to it)."""
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                count += state == "01" and int(local.rsplit(":", 1)[1], 16) == self.port
        return count


NGINX_MAIN = """
worker_processes 1;
master_process off;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{http}
}}
"""
# The board id, wherever a request names it: the websocket (`/ws/{board}`), the board's pages
# (`/b/{board}`, `/b/{board}/join`, ...) and its API (`/api/boards/{board}/...`). Requests that
# name no board (`/`, `/log`, creating a board, a bare `/ws`) hash on "" and all go to one node.
NGINX_HTTP = """
    map $uri $board {{
        "~^/ws/(?<bid>[^/]+)" $bid;
        "~^/b/(?<bid>[^/]+)" $bid;
        "~^/api/boards/(?<bid>[^/]+)" $bid;
        default "";
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}
    upstream hindsight {{
{balance}
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://hindsight;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 1s;
            proxy_read_timeout 300s;
            proxy_send_timeout 300s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 3s;
        }}
    }}
"""


def nginx_http(port: int, upstreams: list[int], affinity: bool) -> str:
    # max_fails=0: never mark a node failed. nginx clears a node's failure count only when a
    # connection to it *ends* well, and a websocket lives as long as the meeting: a node
    # restarted after a kill stays marked failed and gets one new connection per
    # fail_timeout, and when another node then dies nginx answers "no live upstreams" (502)
    # for seconds (measured: 11 s). A refused connect to a dead node costs nothing on a LAN;
    # proxy_next_upstream moves on to the next node at once.
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in upstreams)
    balance = "        hash $board consistent;" if affinity else "        # round-robin"
    return NGINX_HTTP.format(port=port, balance=balance, servers=servers)


class Nginx:
    def __init__(self, tmp: Path, upstreams: list[int], affinity: bool) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        tmp.mkdir(parents=True, exist_ok=True)
        http = nginx_http(self.port, upstreams, affinity)
        (tmp / "nginx.conf").write_text(NGINX_MAIN.format(tmp=tmp, http=http))
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + (tmp / "error.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + (tmp / "error.log").read_text()[-2000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Cluster:
    """`nodes` nodes on database `name` of `pg`, nginx in front (with `affinity` or
    round-robin). `before_nodes(url)` runs once the first node has migrated the database and
    before the others start (the negative controls drop a constraint there)."""

    def __init__(
        self,
        pg: PgServer,
        name: str,
        workdir: Path,
        *,
        nodes: int = 3,
        affinity: bool = True,
        env: dict[str, str] | None = None,
        nginx: bool = True,
    ) -> None:
        self.pg, self.name, self.workdir = pg, name, workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.db_url = pg.database(name)
        self.nodes = [Node(i, self.db_url, workdir, env) for i in range(nodes)]
        self.affinity = affinity
        self.with_nginx = nginx
        self.nginx: Nginx | None = None

    @property
    def url(self) -> str:
        """Where clients go: nginx, or (no nginx) the first node."""
        return self.nginx.url if self.nginx else self.nodes[0].url

    def sql(self, sql: str) -> str:
        return self.pg.psql(self.name, sql)

    def start(self, after_first: str = "") -> Cluster:
        """Every node at once (their migrations race on a fresh database, as a deploy's
        would), then nginx. With `after_first` (SQL): the first node alone, which migrates
        the database, then that SQL, then the others."""
        rest = self.nodes
        if after_first:
            self.nodes[0].start()
            self.sql(after_first)
            rest = self.nodes[1:]
        for node in rest:
            node.spawn()
        for node in rest:
            node.wait_ready()
        if self.with_nginx:
            self.nginx = Nginx(self.workdir / "nginx", [n.port for n in self.nodes], self.affinity)
        return self

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
