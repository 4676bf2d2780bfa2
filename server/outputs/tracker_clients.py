"""The issue trackers' REST APIs: the small part Hindsight uses, and nothing else.

    GitHub  POST {api}/repos/{owner}/{repo}/issues          {title, body}  -> {number, html_url}
            GET  {api}/repos/{owner}/{repo}/issues/{number}  -> {state: open|closed, state_reason}
            header `Authorization: Bearer <token>`
            https://docs.github.com/en/rest/issues/issues#create-an-issue
            https://docs.github.com/en/rest/issues/issues#get-an-issue
    GitLab  POST {api}/projects/{id}/issues                 {title, description, due_date}
                                                             -> {iid, web_url, references.full}
            GET  {api}/projects/{id}/issues/{iid}           -> {state: opened|closed}
            header `PRIVATE-TOKEN: <token>`; {id} is the project's number or its url-encoded path
            https://docs.gitlab.com/api/issues/#new-issue
            https://docs.gitlab.com/api/issues/#single-project-issue
    Jira    POST {site}/rest/api/2/issue  {fields: {project: {key}, summary, description,
                                           issuetype: {name}, duedate}}  -> {id, key, self}
            GET  {site}/rest/api/2/issue/{key}?fields=status,resolution
                 -> {fields: {status: {statusCategory: {key: new|indeterminate|done}},
                              resolution: {name} | null}}
            header `Authorization: Basic base64(email:API token)` (Cloud) or
            `Authorization: Bearer <personal access token>` (Data Center)
            https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/
            https://developer.atlassian.com/server/jira/platform/rest/v10000/api-group-issue/

The calls block (urllib); callers run them in a thread. A refusal or a failure is raised as
`TrackerError`, a `Rejected` whose message names the tracker and what the operator should
check: `tracker_refused` (the tracker answered no: token, project, fields) or
`tracker_unavailable` (no answer, a timeout, a 5xx or a rate limit: try again later).
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from hindsight.board_state import Rejected
from hindsight.board_state.model import ActionStatus, TrackerKind
from hindsight.server.config import Settings

NAMES: dict[str, str] = {"github": "GitHub", "gitlab": "GitLab", "jira": "Jira"}
DEFAULT_URLS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
TIMEOUT = 15.0  # seconds for one call
MAX_ANSWER = 1 << 20  # bytes of an answer read at most
MAX_TITLE = 250  # GitLab and Jira stop titles at 255 characters; the whole text is in the body
# Jira resolutions (Cloud's and Data Center's defaults) that close an issue without doing it.
NOT_DONE = {"won't do", "won't fix", "duplicate", "cannot reproduce", "incomplete", "declined"}
JIRA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[0-9]+$")


@dataclass(frozen=True)
class Tracker:
    """The operator's tracker settings (docs/operators.md, Issue trackers)."""

    kind: TrackerKind
    api_url: str  # no trailing slash; for Jira, the site (its REST API is under /rest/api/2)
    project: str
    token: str = field(repr=False)
    user: str = ""  # Jira Cloud: the account's email, for basic auth with an API token
    issue_type: str = "Task"  # Jira's issue type for new issues

    @property
    def name(self) -> str:
        return NAMES[self.kind]


@dataclass(frozen=True)
class NewIssue:
    title: str
    body: str
    due: str  # YYYY-MM-DD or ""


@dataclass(frozen=True)
class Issue:
    tracker: TrackerKind
    key: str  # as people write it: "acme/ops#12", "OPS-12"
    url: str  # its web page


class TrackerError(Rejected):
    """A tracker's refusal or failure; `status` is its HTTP status (None: no answer)."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(code, message)
        self.status = status

    @property
    def stops_a_round(self) -> bool:
        """True when asking about the next issue would fail the same way (the token, the
        network, the tracker itself); False when only this issue is affected."""
        return self.status is None or self.status in (401, 403, 429) or self.status >= 500


# --- settings ------------------------------------------------------------------------------


def tracker_from(settings: Settings) -> Tracker | None:
    """The tracker the settings name, or None; ValueError naming the setting that is wrong."""
    kind = settings.tracker.strip().lower()
    if not kind:
        return None
    if kind not in NAMES:
        raise ValueError(
            f"the tracker (--tracker, HINDSIGHT_TRACKER) is '{kind}': choose github, gitlab or jira"
        )
    name = NAMES[kind]
    project = settings.tracker_project.strip()
    if not project:
        raise ValueError(f"{name} needs a project (--tracker-project, HINDSIGHT_TRACKER_PROJECT)")
    if kind == "github" and not re.fullmatch(r"[\w.-]+/[\w.-]+", project):
        raise ValueError(f"the GitHub project is '{project}': write it as owner/repository")
    if not settings.tracker_token:
        raise ValueError(f"{name} needs a token in HINDSIGHT_TRACKER_TOKEN")
    url = (settings.tracker_url.strip() or DEFAULT_URLS.get(kind, "")).rstrip("/")
    if not url:
        raise ValueError(
            "Jira needs its address (--tracker-url, HINDSIGHT_TRACKER_URL), "
            "e.g. https://example.atlassian.net"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"the tracker URL is '{url}': it must start with https:// (or http://)")
    if settings.tracker_poll < 0:
        raise ValueError("the tracker poll interval (--tracker-poll) cannot be negative")
    return Tracker(
        kind=kind,  # type: ignore[arg-type]  # checked against NAMES above
        api_url=url,
        project=project,
        token=settings.tracker_token,
        user=settings.tracker_user.strip(),
        issue_type=settings.tracker_issue_type.strip() or "Task",
    )


# --- HTTP ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the token to wherever it points, and a redirected POST would be
    # replayed without its body: a 3xx is reported as it is.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _headers(t: Tracker) -> dict[str, str]:
    h = {"Accept": "application/json", "Content-Type": "application/json"}
    h["User-Agent"] = "Hindsight"  # GitHub refuses requests without one
    if t.kind == "github":
        h["Accept"] = "application/vnd.github+json"
        h["X-GitHub-Api-Version"] = "2022-11-28"
        h["Authorization"] = f"Bearer {t.token}"
    elif t.kind == "gitlab":
        h["PRIVATE-TOKEN"] = t.token
    elif t.user:  # Jira Cloud: email and API token
        pair = base64.b64encode(f"{t.user}:{t.token}".encode()).decode()
        h["Authorization"] = f"Basic {pair}"
    else:  # Jira Data Center: a personal access token
        h["Authorization"] = f"Bearer {t.token}"
    return h


class _Refused(Exception):
    def __init__(self, status: int, detail: str, fields: set[str], limited: bool) -> None:
        self.status, self.detail, self.fields, self.limited = status, detail, fields, limited


def _detail(raw: bytes) -> tuple[str, set[str]]:
    """What a tracker's error answer says, briefly, and the fields it names (Jira's `errors`)."""
    try:
        answer = json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace").strip()[:200], set()
    if not isinstance(answer, dict):
        return "", set()
    parts: list[str] = []
    for k in ("message", "error", "error_description"):
        if answer.get(k):
            parts.append(str(answer[k]))
    parts += [str(m) for m in answer.get("errorMessages") or []]
    errors = answer.get("errors")
    fields = set(errors) if isinstance(errors, dict) else set()
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    return "; ".join(parts)[:300], fields


def _call(t: Tracker, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The tracker's JSON answer; `_Refused` for an HTTP error, TrackerError for no answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(t.api_url + path, data=data, headers=_headers(t))
    request.method = method
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            raw = response.read(MAX_ANSWER)
    except urllib.error.HTTPError as e:
        with e:
            detail, fields = _detail(e.read(MAX_ANSWER))
            limited = e.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in e.headers
        raise _Refused(e.code, detail, fields, limited) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise TrackerError(
            "tracker_unavailable",
            f"{t.name} could not be reached at {t.api_url} ({reason}); try again later",
        ) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise TrackerError(
            "tracker_unavailable",
            f"{t.name} answered with something other than a JSON object; check the tracker URL "
            f"({t.api_url})",
        )
    return answer


def _explain(t: Tracker, r: _Refused, doing: str, missing: str) -> TrackerError:
    """A refusal as a sentence for people: what happened and what to check."""
    said = f" ({r.detail})" if r.detail else ""
    if r.status == 429 or r.status >= 500 or (r.status == 403 and r.limited):
        code, text = "tracker_unavailable", f"{t.name} is busy or failing; try again later"
    elif r.status == 401:
        user = " and HINDSIGHT_TRACKER_USER" if t.kind == "jira" and t.user else ""
        code = "tracker_refused"
        text = (
            f"{t.name} refused the token: check HINDSIGHT_TRACKER_TOKEN{user} "
            "(wrong, expired or revoked)"
        )
    elif r.status == 403:
        code = "tracker_refused"
        text = f"{t.name} refused: the token may not {doing} (check its scopes or permissions)"
    elif r.status in (404, 410):
        code, text = "tracker_refused", f"{t.name} has no {missing} that this token can see"
    elif r.status in (400, 422):
        code, text = "tracker_refused", f"{t.name} did not accept the request to {doing}"
    else:
        code = "tracker_refused"
        text = f"{t.name} answered unexpectedly to {doing}; check the tracker URL ({t.api_url})"
    return TrackerError(code, f"{text} [HTTP {r.status}{said}]", r.status)


def _text(value: Any, what: str, t: Tracker) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    raise TrackerError("tracker_unavailable", f"{t.name} answered without the issue's {what}", 200)


def _page(value: Any, t: Tracker) -> str:
    url = _text(value, "web address", t)
    if urlsplit(url).scheme not in ("http", "https"):  # it becomes a link on every board
        raise TrackerError("tracker_unavailable", f"{t.name} answered with an odd issue address")
    return url


# --- the two things Hindsight asks ---------------------------------------------------------


def create_issue(t: Tracker, new: NewIssue) -> Issue:
    """Create the issue in `t.project`; its key and page."""
    title = new.title if len(new.title) <= MAX_TITLE else new.title[: MAX_TITLE - 1] + "…"
    doing = f"create issues in {t.project}"
    try:
        if t.kind == "github":
            owner, repo = t.project.split("/")
            got = _call(
                t,
                "POST",
                f"/repos/{_seg(owner)}/{_seg(repo)}/issues",
                {"title": title, "body": new.body},
            )
            number = _text(got.get("number"), "number", t)
            return Issue(t.kind, f"{t.project}#{number}", _page(got.get("html_url"), t))
        if t.kind == "gitlab":
            body = {
                "title": title,
                "description": new.body,
                **({"due_date": new.due} if new.due else {}),
            }
            got = _call(t, "POST", f"/projects/{_seg(t.project)}/issues", body)
            iid = _text(got.get("iid"), "number", t)
            full = (got.get("references") or {}).get("full")
            key = full if isinstance(full, str) and full else f"{t.project}#{iid}"
            return Issue(t.kind, key, _page(got.get("web_url"), t))
        return _create_jira(t, title, new)
    except _Refused as r:
        raise _explain(t, r, doing, f"project {t.project}") from None


def _create_jira(t: Tracker, title: str, new: NewIssue) -> Issue:
    fields: dict[str, Any] = {
        "project": {"key": t.project},
        "summary": title,
        "description": new.body,
        "issuetype": {"name": t.issue_type},
    }
    if new.due:
        fields["duedate"] = new.due
    try:
        got = _call(t, "POST", "/rest/api/2/issue", {"fields": fields})
    except _Refused as r:
        if r.status != 400 or "duedate" not in r.fields:
            raise
        # The project's create screen has no due date: create it without (the body has it).
        del fields["duedate"]
        got = _call(t, "POST", "/rest/api/2/issue", {"fields": fields})
    key = _text(got.get("key"), "key", t)
    if not JIRA_KEY.match(key):
        raise TrackerError("tracker_unavailable", f"Jira answered with an odd issue key '{key}'")
    return Issue(t.kind, key, f"{t.api_url}/browse/{key}")


def issue_status(t: Tracker, key: str) -> ActionStatus | None:
    """What the issue's state means for its action: `done` once closed as done, `dropped` once
    closed without doing it (GitHub's "not planned" or "duplicate", Jira's "Won't Do"...),
    None while it is open."""
    try:
        if t.kind == "jira":
            if not JIRA_KEY.match(key):
                raise TrackerError("tracker_refused", f"'{key}' is not a Jira issue key", 404)
            got = _call(t, "GET", f"/rest/api/2/issue/{_seg(key)}?fields=status,resolution")
            f = got.get("fields") or {}
            category = ((f.get("status") or {}).get("statusCategory") or {}).get("key")
            if category != "done":
                return None
            resolution = str((f.get("resolution") or {}).get("name") or "")
            return "dropped" if resolution.replace("’", "'").casefold() in NOT_DONE else "done"
        project, _, number = key.rpartition("#")
        if not project or not number.isdigit():
            raise TrackerError("tracker_refused", f"'{key}' is not a {t.name} issue", 404)
        if t.kind == "github":
            owner, _, repo = project.partition("/")
            got = _call(t, "GET", f"/repos/{_seg(owner)}/{_seg(repo)}/issues/{number}")
            if got.get("state") != "closed":
                return None
            return "dropped" if got.get("state_reason") in ("not_planned", "duplicate") else "done"
        got = _call(t, "GET", f"/projects/{_seg(project)}/issues/{number}")
        return "done" if got.get("state") == "closed" else None
    except _Refused as r:
        raise _explain(t, r, f"read the issue {key}", f"issue {key}") from None


def _seg(part: str) -> str:
    """One path segment (a GitLab path's slashes included)."""
    return quote(part, safe="")
