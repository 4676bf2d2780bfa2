"""`hindsight`: the product's command.

    hindsight serve [--host H] [--port P] [--db PATH] [--synchronous FULL|NORMAL|OFF]
    hindsight check-corpus [PATH ...]   precision and recall of the wording nudges, per file
                                        (and per split), as JSON lines

Flags override the environment (HINDSIGHT_HOST, HINDSIGHT_PORT, HINDSIGHT_DB,
HINDSIGHT_SYNCHRONOUS, HINDSIGHT_ALLOWED_ORIGINS), which overrides the defaults
(127.0.0.1, 8000, ./data/hindsight.db, FULL). Sign-in (--auth and its settings,
HINDSIGHT_AUTH and friends) is described in docs/operators.md, Sign-in.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any

from hindsight.server.config import SIGN_IN_LISTS, SIGN_IN_TEXT, Settings
from hindsight.server.storage.choose import shown

# The server settings `hindsight serve` runs with; the benchmark's floor relay (server/floor.py)
# uses the same ones, so the two differ only in what the application does.
UVICORN_OPTIONS: dict[str, Any] = dict(
    # websockets' sans-I/O implementation (uvicorn's default), named so an installed wsproto
    # or a future default cannot change it behind our back.
    ws="websockets-sansio",
    # Compression roughly doubles CPU per message and memory per connection for small JSON
    # frames (docs/performance.md); frames above 1 MiB close the connection (ours stop at 64 KiB).
    ws_per_message_deflate=False,
    ws_max_size=1 << 20,
    # A websocket ping every 10 s, and a connection that has not answered one within 10 s is
    # closed (1011; uvicorn's defaults are 20 and 20). That is how a reader that stopped reading
    # is dropped: what it does not read piles up in the kernel's send buffer (up to 4 MiB)
    # long before our own queue for it fills. Presence also notices a closed laptop sooner.
    # The client resumes from its last seq on reconnect (docs/performance.md, Overload).
    ws_ping_interval=10.0,
    ws_ping_timeout=10.0,
)

# Collect the youngest generation every 10,000 net new objects instead of 700 (see tune_gc).
GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """Garbage collection for a long-running server, called once the app is built (by `serve`
    and by the floor relay alike). Everything importing and building made (some 70,000 objects
    that live as long as the process) is frozen out of every later collection, and the young
    generation is collected less often. Under the benchmark's load at 3,000 ops/s this took
    collections from 228 ms to 64 ms over a run and removed the full collections of ~57 ms that
    stalled every board at once (docs/performance.md). Board state is freed by reference
    counting as before; only cyclic garbage waits a little longer."""
    gc.freeze()  # no collect first: it would cost the start-up ~30 ms for a few cycles
    gc.set_threshold(*GC_THRESHOLDS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hindsight",
        description=("Hindsight: a real-time board for blameless incident post-mortems."),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="run the web server",
        description=("Serve the board. Settings also come from HINDSIGHT_* environment variables."),
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument(
        "--db",
        help="a SQLite file or sqlite:///path (default ./data/hindsight.db), or a "
        "postgresql://user:password@host/name URL: several nodes may share one",
    )
    serve.add_argument(
        "--synchronous",
        choices=["FULL", "NORMAL", "OFF"],
        type=str.upper,
        help="SQLite durability: FULL (default) survives power loss",
    )
    serve.add_argument(
        "--allowed-origin",
        action="append",
        dest="allowed_origins",
        help="extra browser origin allowed to open websockets (repeatable)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        help="host name the server answers to besides loopback and --host, "
        "e.g. its public name behind a reverse proxy (repeatable; * for any)",
    )
    serve.add_argument(
        "--idle-close-days",
        type=float,
        dest="idle_close_days",
        help="close and seal open boards nobody changed for this many days (default 14; 0: never)",
    )
    _tracker_flags(serve)
    _webhook_flags(serve)
    _sign_in_flags(serve)
    corpus = sub.add_parser(
        "check-corpus",
        help="measure the wording nudges on a corpus",
        description=(
            "For each corpus file, print one JSON line per check (blame, vague_action) with "
            "precision, recall and counts, then one per split and check when the examples name "
            'their split; a corpus is JSON lines, {"check", "text", "flag"} a line, '
            'optionally "split".'
        ),
    )
    corpus.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"corpus files (default {DEFAULT_CORPUS})"
    )
    return parser


def _tracker_flags(serve: argparse.ArgumentParser) -> None:
    """The issue tracker's flags (docs/operators.md, Issue trackers); its token has none."""
    serve.add_argument(
        "--tracker",
        choices=["github", "gitlab", "jira"],
        type=str.lower,
        help="issue tracker actions become issues in (docs/operators.md, Issue trackers; "
        "its token only in HINDSIGHT_TRACKER_TOKEN)",
    )
    serve.add_argument(
        "--tracker-url",
        dest="tracker_url",
        help="the tracker's API address (default https://api.github.com or "
        "https://gitlab.com/api/v4; Jira: its site, e.g. https://example.atlassian.net)",
    )
    serve.add_argument(
        "--tracker-project",
        dest="tracker_project",
        help="where issues go: owner/repo (GitHub), a project id or path (GitLab), a key (Jira)",
    )
    serve.add_argument(
        "--tracker-user",
        dest="tracker_user",
        help="Jira Cloud: the email of the account whose API token is HINDSIGHT_TRACKER_TOKEN",
    )
    serve.add_argument(
        "--tracker-poll",
        type=float,
        dest="tracker_poll",
        help="seconds between reads of linked issues' states (default 300; 0: never)",
    )


def _webhook_flags(serve: argparse.ArgumentParser) -> None:
    """Outgoing webhooks' flags (docs/operators.md, Webhooks)."""
    serve.add_argument(
        "--webhooks",
        metavar="PATH",
        help="TOML file of outgoing webhooks (docs/operators.md, Webhooks; default: none)",
    )
    serve.add_argument(
        "--public-url",
        dest="public_url",
        help="the address people reach the server at, for links in webhook messages, "
        "e.g. https://retro.example.com (default: http://HOST:PORT)",
    )
    serve.add_argument(
        "--webhook-tick",
        type=float,
        dest="webhook_tick",
        help="seconds between looks for due reminders and digests (default 60)",
    )


def _sign_in_flags(serve: argparse.ArgumentParser) -> None:
    """Sign-in's flags (docs/operators.md, Sign-in). Its secrets have none: flags show in `ps`,
    so HINDSIGHT_OIDC_CLIENT_SECRET and HINDSIGHT_SESSION_SECRET are environment only."""
    group = serve.add_argument_group("sign-in (docs/operators.md, Sign-in)")
    group.add_argument(
        "--auth",
        choices=["off", "oidc", "header"],
        type=str.lower,
        help="who may open the organisation's pages: everyone (off, the default), members "
        "signed in with OpenID Connect (oidc), or named by an authenticating proxy (header)",
    )
    group.add_argument("--session-hours", type=float, help="how long a sign-in lasts (default 12)")
    group.add_argument("--oidc-issuer", help="the OpenID provider's issuer URL")
    group.add_argument("--oidc-client-id", help="this server's client id at the provider")
    group.add_argument("--oidc-scopes", help='scopes asked for (default "openid email profile")')
    group.add_argument(
        "--oidc-groups-claim", help="the ID token claim listing groups (default groups)"
    )
    group.add_argument(
        "--member-domain",
        action="append",
        dest="member_domains",
        help="email domain of members, e.g. example.com; * for any (repeatable)",
    )
    group.add_argument(
        "--member-group",
        action="append",
        dest="member_groups",
        help="group whose people are members (repeatable; with domains, both must hold)",
    )
    group.add_argument(
        "--trusted-proxy",
        action="append",
        dest="trusted_proxies",
        help="address or network of the authenticating proxy (header mode; repeatable)",
    )
    group.add_argument(
        "--auth-email-header", help="header naming the member (default X-Forwarded-Email)"
    )
    group.add_argument("--auth-name-header", help="header with the member's name (optional)")
    group.add_argument(
        "--auth-groups-header", help="header with the member's groups, comma-separated"
    )
    group.add_argument(
        "--auth-signout-url", help="the proxy's sign-out path, e.g. /oauth2/sign_out"
    )


def _sign_in_settings(args: argparse.Namespace) -> dict[str, object]:
    # Every sign-in setting has a flag but the secrets (flags show in `ps`).
    names = [n for n in SIGN_IN_TEXT if not n.endswith("secret")] + ["session_hours"]
    found: dict[str, object] = {name: getattr(args, name) for name in names}
    for name in SIGN_IN_LISTS:
        values = getattr(args, name)
        found[name] = tuple(values) if values else None
    return found


# The project's own labelled corpus for the guardrail checks (source checkout only).
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests/board_state/guardrails_corpus.jsonl"


def check_corpus(paths: list[str]) -> int:
    """Scores on stdout, one JSON object a line, nothing else; problems go to stderr. Every file
    is read and parsed before anything is printed, so a bad file prints no scores at all."""
    import json

    from hindsight.board_state.guardrails.corpus import Score, parse, results, score, score_splits
    from hindsight.server.nudge_model import install

    install()  # score the nudges the server gives, its models included

    sources = [Path(p) for p in paths] or [DEFAULT_CORPUS]
    corpora = []
    for source in sources:
        try:
            examples = parse(source.read_text(encoding="utf-8").splitlines())
        except (OSError, ValueError) as err:
            print(f"hindsight check-corpus: {source}: {err}", file=sys.stderr)
            return 2
        corpora.append((str(source), examples))

    def line(corpus: str, split: str | None, s: Score) -> str:
        row: dict[str, object] = {"corpus": corpus}
        if split is not None:
            row["split"] = split
        row.update(check=s.check, precision=s.precision, recall=s.recall, n=s.n)
        row.update(tp=s.tp, fp=s.fp, fn=s.fn, tn=s.tn)
        return json.dumps(row)

    for corpus, examples in corpora:
        rs = results(examples)
        for s in score(rs):
            print(line(corpus, None, s))
        for split, scores in score_splits(rs):
            for s in scores:
                print(line(corpus, split, s))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check-corpus":
        return check_corpus(args.paths)
    if args.command == "serve":
        import logging

        import uvicorn

        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")

        from hindsight.server.app import create_app

        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            db=args.db,
            synchronous=args.synchronous,
            allowed_origins=tuple(a.rstrip("/") for a in args.allowed_origins)
            if args.allowed_origins
            else None,
            allowed_hosts=tuple(args.allowed_hosts) if args.allowed_hosts else None,
            idle_close_days=args.idle_close_days,
            tracker=args.tracker,
            tracker_url=args.tracker_url,
            tracker_project=args.tracker_project,
            tracker_user=args.tracker_user,
            tracker_poll=args.tracker_poll,
            webhooks=args.webhooks,
            public_url=args.public_url,
            webhook_tick=args.webhook_tick,
            **_sign_in_settings(args),
        )
        print(
            f"Hindsight on http://{settings.host}:{settings.port}/"
            f"  (database {shown(settings.db)})",
            flush=True,
        )
        try:
            app = create_app(settings)
        except ValueError as e:  # a setting it cannot use (the webhooks file, ...): says which
            print(f"hindsight serve: {e}", file=sys.stderr)
            return 2
        tune_gc()
        from hindsight.server.web.auth import uvicorn_options

        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            **{**UVICORN_OPTIONS, **uvicorn_options(settings)},
            log_level="info",
            access_log=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
