"""The trusted-header mode through a real nginx from Debian (server/web/auth_header.py).

nginx plays the authenticating proxy: it signs people in with HTTP basic auth and names them in
`X-Forwarded-Email` (their groups in `X-Forwarded-Groups`), overwriting whatever the client
sent, as oauth2-proxy behind nginx's `auth_request` does. It connects to a real `hindsight
serve` from 127.0.0.2 (`proxy_bind`), the only trusted proxy; a request sent straight to the
server comes from 127.0.0.1, so the same header from there must be ignored.

nginx comes from `make proxy-deps` (which `make test` runs); without it these tests skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.realserver import RealServer, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
USERS = {  # the proxy's accounts: email -> password
    "ann@example.com": "ann-pw",  # a member, in the group sre
    "bob@example.com": "bob-pw",  # the right domain, not in the group
    "eve@other.example": "eve-pw",  # in the group, another domain
}
MAIN = """
worker_processes 1;
master_process off;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
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
CONF = """
    map $remote_user $member_groups {{
        "ann@example.com" "sre,staff";
        "eve@other.example" "sre";
        default "staff";
    }}
    server {{
        listen 127.0.0.1:{port};
        auth_basic "Hindsight";
        auth_basic_user_file {tmp}/htpasswd;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_bind 127.0.0.2;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Email $remote_user;
            proxy_set_header X-Forwarded-Groups $member_groups;
        }}
    }}
"""


class Nginx:
    """Debian's nginx on a free loopback port, running `http(port)` as its http block."""

    def __init__(self, tmp: Path, http: Callable[[int], str]) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / "htpasswd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in USERS.items()))
        (tmp / "nginx.conf").write_text(MAIN.format(tmp=tmp, http=http(self.port)))
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
                httpx.get(self.url, timeout=0.5)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def need_nginx() -> None:
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed: `make proxy-deps` installs Debian's")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RealServer, Nginx]]:
    need_nginx()
    tmp = tmp_path_factory.mktemp("header")
    server = RealServer(
        tmp / "t.db",
        env={
            "HINDSIGHT_AUTH": "header",
            "HINDSIGHT_TRUSTED_PROXIES": "127.0.0.2",
            "HINDSIGHT_MEMBER_DOMAINS": "example.com",
            "HINDSIGHT_MEMBER_GROUPS": "sre",
            "HINDSIGHT_AUTH_GROUPS_HEADER": "X-Forwarded-Groups",
            "HINDSIGHT_AUTH_SIGNOUT_URL": "/oauth2/sign_out",
        },
    )
    server.start()
    conf = lambda port: CONF.format(tmp=tmp / "nginx", port=port, upstream=server.port)  # noqa: E731
    nginx = Nginx(tmp / "nginx", conf)
    try:
        yield server, nginx
    finally:
        nginx.stop()
        server.stop()


def through_proxy(stack: tuple[RealServer, Nginx], email: str, **kw: Any) -> httpx.Client:
    return httpx.Client(base_url=stack[1].url, auth=(email, USERS[email]), **kw)


PAGE = {"accept": "text/html"}


def test_through_the_proxy_a_member_is_signed_in(stack: tuple[RealServer, Nginx]) -> None:
    with through_proxy(stack, "ann@example.com") as ann:
        r = ann.get("/log", headers=PAGE)
        assert r.status_code == 200
        assert 'title="ann@example.com"' in r.text and "Sign out" in r.text
        assert ann.get("/api/log").status_code == 200


def test_the_header_sent_straight_to_the_server_is_ignored(
    stack: tuple[RealServer, Nginx],
) -> None:
    server, _ = stack
    forged = {"x-forwarded-email": "ann@example.com", "x-forwarded-groups": "sre"}
    r = httpx.get(f"{server.url}/log", headers={**forged, **PAGE}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/signin?next=%2Flog")
    api = httpx.get(f"{server.url}/api/log", headers=forged)
    assert api.status_code == 401 and "ann@example.com" not in api.text
    page = httpx.get(f"{server.url}/signin", headers=forged)
    assert page.status_code == 401 and "did not come" in page.text


def test_a_header_the_client_adds_is_replaced_by_the_proxy(
    stack: tuple[RealServer, Nginx],
) -> None:
    with through_proxy(stack, "ann@example.com") as ann:
        r = ann.get("/log", headers={**PAGE, "x-forwarded-email": "boss@example.com"})
        assert r.status_code == 200
        assert 'title="ann@example.com"' in r.text and "boss@example.com" not in r.text


def test_without_the_proxys_sign_in_nothing_reaches_the_server(
    stack: tuple[RealServer, Nginx],
) -> None:
    r = httpx.get(f"{stack[1].url}/log", headers={"x-forwarded-email": "ann@example.com"})
    assert r.status_code == 401  # nginx's own answer


@pytest.mark.parametrize(
    "email, why",
    [("eve@other.example", "example.com"), ("bob@example.com", "not in a group")],
)
def test_someone_the_proxy_knows_but_who_is_no_member_gets_a_403(
    stack: tuple[RealServer, Nginx], email: str, why: str
) -> None:
    with through_proxy(stack, email) as person:
        r = person.get("/log", headers=PAGE, follow_redirects=False)
        assert r.status_code == 303
        refused = person.get(r.headers["location"], headers=PAGE)
        assert refused.status_code == 403
        assert email in refused.text and why in refused.text
        assert person.get("/api/log").status_code == 401


def test_forms_through_the_proxy_carry_the_sessions_token(
    stack: tuple[RealServer, Nginx],
) -> None:
    with through_proxy(stack, "ann@example.com") as ann:
        landing = ann.get("/", headers=PAGE)
        token = re.search(r'name="csrf" value="([^"]+)"', landing.text)
        assert token, landing.text[:500]
        form = {"title": "Through the proxy", "severity": "sev3", "template": "blameless-90"}
        assert ann.post("/boards", data=form).status_code == 403
        made = ann.post("/boards", data={**form, "csrf": token.group(1)})
        assert made.status_code == 303 and made.headers["location"].startswith("/b/")
        out = ann.post("/signout", data={"csrf": token.group(1)})
        assert (out.status_code, out.headers["location"]) == (303, "/oauth2/sign_out")


def test_joining_by_link_needs_no_proxy(stack: tuple[RealServer, Nginx]) -> None:
    """The meeting opens by its links: joining works straight at the server, from an
    address that is no proxy, with no account."""
    server, _ = stack
    with through_proxy(stack, "ann@example.com") as ann:
        made = ann.post("/api/boards", json={"title": "By link"}).json()
    body = {"name": "Kim", "role": "participant", "token": made["join_token"]}
    r = httpx.post(f"{server.url}/api/boards/{made['board_id']}/join", json=body)
    assert r.status_code == 201
