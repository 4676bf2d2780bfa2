"""The oauth2-proxy + nginx configuration in docs/operators.md (Sign-in, A trusted header), run
as written in Debian's nginx in front of a real `hindsight serve` started with the documented
flags. Only the addresses are changed (free loopback ports, no TLS), and oauth2-proxy itself,
which Debian does not package, is played by a small stand-in that answers its documented
`/oauth2/auth` contract: 202 with `X-Auth-Request-*` headers for a signed-in cookie, 401 without.

So the snippet is checked for what it promises: members are named, a name sent by the client
is not believed, guests still reach a meeting by its link (pages, API and the websocket), and
Hindsight's "Sign in" lands on the proxy's sign-in with the page to come back to.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2 as httpx
import pytest
from websockets.sync.client import connect

from hindsight.server.cli import build_parser
from tests.realserver import RealServer

from .test_auth_header import Nginx, need_nginx

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operators.md"
MEMBERS = {"ann@example.com": ("Ann", "sre,staff")}  # oauth2-proxy's signed-in people
COOKIE = "_oauth2_proxy"


class StandIn:
    """oauth2-proxy's endpoints as nginx calls them; `started` records /oauth2/start's `rd`."""

    def __init__(self) -> None:
        self.started: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                cookies = dict(
                    c.strip().split("=", 1)
                    for c in self.headers.get("cookie", "").split(";")
                    if "=" in c
                )
                who = MEMBERS.get(cookies.get(COOKIE, ""))
                if path == "/oauth2/auth" and who is not None:
                    self.send_response(202)
                    self.send_header("X-Auth-Request-Email", cookies[COOKIE])
                    self.send_header("X-Auth-Request-Preferred-Username", who[0])
                    self.send_header("X-Auth-Request-Groups", who[1])
                elif path == "/oauth2/auth":
                    self.send_response(401)
                else:  # /oauth2/start, /oauth2/sign_out: where the provider would take over
                    outer.started.append(dict(parse_qsl(query)).get("rd", ""))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def documented(section: str = "oauth2-proxy with nginx") -> tuple[str, list[str]]:
    """The nginx block and the `hindsight serve` flags that follow `section` in the docs."""
    text = DOCS.read_text()
    after = text[text.index(section) :]
    nginx = re.search(r"```nginx\n(.*?)```", after, re.S)
    shell = re.search(r"```sh\n(.*?)```", after, re.S)
    assert nginx and shell
    flags = shell.group(1).replace("\\\n", " ").split()
    return nginx.group(1), flags[flags.index("serve") + 1 :]


def environment_of(flags: list[str]) -> dict[str, str]:
    """The documented flags, read by the real parser, as the equivalent HINDSIGHT_* variables
    (RealServer passes its own --port and --db)."""
    args = vars(build_parser().parse_args(["serve", *flags]))
    env = {}
    for name, value in args.items():
        if value is None or name == "command":
            continue
        text = ",".join(value) if isinstance(value, list) else str(value)
        env[f"HINDSIGHT_{name.upper()}"] = text
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RealServer, StandIn]]:
    need_nginx()
    tmp = tmp_path_factory.mktemp("docs")
    snippet, flags = documented()
    server = RealServer(tmp / "t.db", env=environment_of(flags))
    proxy = StandIn()

    def http(port: int) -> str:
        conf = snippet.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
        conf = conf.replace("127.0.0.1:4180", f"127.0.0.1:{proxy.port}")
        conf = conf.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
        return conf.replace("# in the http block: ", "")

    server.start()
    nginx = Nginx(tmp / "nginx", http)
    try:
        yield nginx.url, server, proxy
    finally:
        nginx.stop()
        server.stop()
        proxy.server.shutdown()


PAGE = {"accept": "text/html"}


def test_the_documented_flags_are_the_ones_the_test_runs() -> None:
    env = environment_of(documented()[1])
    assert env["HINDSIGHT_AUTH"] == "header"
    assert env["HINDSIGHT_TRUSTED_PROXIES"] == "127.0.0.2"
    assert env["HINDSIGHT_AUTH_SIGNOUT_URL"] == "/oauth2/sign_out"


def test_a_member_signed_in_at_the_proxy_is_named(site: tuple[str, RealServer, StandIn]) -> None:
    url, _, _ = site
    with httpx.Client(base_url=url, cookies={COOKIE: "ann@example.com"}) as ann:
        r = ann.get("/log", headers={**PAGE, "x-forwarded-email": "boss@example.com"})
        assert r.status_code == 200
        assert 'title="ann@example.com">Ann<' in r.text and "boss@example.com" not in r.text


def test_a_guest_is_sent_to_the_proxys_sign_in_and_back(
    site: tuple[str, RealServer, StandIn],
) -> None:
    url, _, proxy = site
    with httpx.Client(base_url=url) as guest:
        r = guest.get("/log", headers={**PAGE, "x-forwarded-email": "ann@example.com"})
        assert (r.status_code, r.headers["location"]) == (303, "/signin?next=%2Flog")
        signin = guest.get(r.headers["location"])
        assert signin.status_code == 302
        assert signin.headers["location"] == f"{url}/oauth2/start?rd=%2Flog"
        guest.get(signin.headers["location"])
        assert proxy.started[-1] == "/log"


def test_a_guest_still_joins_by_link_pages_api_and_websocket(
    site: tuple[str, RealServer, StandIn],
) -> None:
    url, _, _ = site
    with httpx.Client(base_url=url, cookies={COOKIE: "ann@example.com"}) as ann:
        made = ann.post("/api/boards", json={"title": "Link only", "facilitator_name": "Ann"})
        assert made.status_code == 201
    board = made.json()
    with httpx.Client(base_url=url) as guest:
        assert guest.get(f"/b/{board['board_id']}/join", headers=PAGE).status_code == 200
        body = {"name": "Kim", "role": "participant", "token": board["join_token"]}
        joined = guest.post(f"/api/boards/{board['board_id']}/join", json=body)
        assert joined.status_code == 201
    ws_url = url.replace("http://", "ws://") + "/ws"
    with connect(ws_url, open_timeout=5) as ws:
        hello = {"type": "hello", "board": board["board_id"], "last_seq": 0, "epoch": ""}
        ws.send(json.dumps({**hello, "credential": joined.json()["credential"]}))
        assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    assert urlsplit(ws_url).port == urlsplit(url).port  # it went through nginx
