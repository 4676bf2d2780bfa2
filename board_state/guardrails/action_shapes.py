"""The shape of an action item, read clause by clause (`action_wording.py` runs these):

* the main clause runs from the leading verb to the first subordinate clause ("so we can ...",
  "when ...", "to <verb>" of purpose); a comparative or a vague quantity there ("more often",
  "something more robust", "some kind of monitoring") leaves done undefined, one in a purpose
  clause does not;
* a question ("Can we use ACM instead?"), a hedge ("might be an option", "maybe"), a rule for
  people ("All applications should run in containers", "We should declare incidents sooner",
  "Nobody to use the token") and a process, plan or strategy still to be defined ("Create a
  process for ...", "Define the Redis strategy") are not yet work;
* "ensure" and "make sure" are concrete when what they ask for is a state one can check ("make
  sure user pods are in a separate pool", "ensure pycurl is used"), vague when it is a capacity
  or a quality ("ensure notifications can always get through", "ensure durability"); a "so
  that" clause stating such a state is a success criterion ("so that a majority of the team is
  notified");
* "monitor" is concrete with a signal to monitor ("Monitor 5xx status codes for the API");
* coordinated verbs are read together: "Investigate and fix the leak" ends in a fix, "Fix and
  improve the alerts" in an improvement.
"""

from __future__ import annotations

from .lexicon import (
    ABSTRACT_NOUNS,
    COMPARATIVES,
    CONCRETE_VERBS,
    DEGREE_VERBS,
    DETERMINERS,
    HEDGE_PHRASES,
    INQUIRY_VERBS,
    INQUIRY_WORDS,
    PERSON_WORDS,
    POLICY_QUANTIFIERS,
    PRACTICE_NOUNS,
    PRACTICE_PARTICIPLES,
    PROCESS_NOUNS,
    PROCESS_VERBS,
    QUESTION_WORDS,
    SIGNAL_NOUNS,
    SUBORDINATORS,
    VAGUE_QUANTITIES,
    VAGUE_VERBS,
)

Span = tuple[int, int]  # the words found, first and last token, inclusive

_BE = frozenset({"is", "are", "be", "was", "were", "gets", "get", "being", "been"})
_STATE_PREPS = frozenset({"in", "on", "at", "behind", "under", "inside", "within", "off"})
_NORMATIVE = frozenset({"should", "must", "shall"})
_CONDUCT = frozenset({"always", "never", "whenever", "before", "when", "every", "each"})
_TENTATIVE = frozenset({"could", "might", "may"})
_NP_END = frozenset(
    {"for", "to", "of", "in", "on", "with", "that", "which", "so", ",", ".", ";", ":", "-", "and"}
)
_RULE_MODALS = frozenset({"should", "must", "shall", "will", "need", "needs", "to"})
_REWORK = frozenset({"improve", "rework", "change", "update", "adjust", "refactor"})
_NOT_AN_OBJECT = frozenset({"of", "that", "which", "way", "ways", "for", "how", ",", "and"})
_UNCHOSEN = frozenset({"different", "new", "alternative", "other", "better"})
_STATES = frozenset({"used", "set", "part"})  # "they are part of marking a deployment green"
_NO_CONDITION = DETERMINERS | {"now", "some", "any", "issues", "problems", "signs", "changes"}
_NOT_QUANTIFIED = frozenset({"of", "time", "point", "days", "weeks", "months", "years"})
_MODAL_CAN = frozenset({"can", "could", "will", "would", "always", "never", "should"})


def lemma(word: str, known: frozenset[str] = frozenset()) -> str:
    """A verb's base form for the leads we know (and the `known` verbs): "discussed",
    "exploring", "improving", "review/audit"."""
    word = word.split("/")[0]
    for base in (word, word[:-3], word[:-3] + "e", word[:-2], word[:-1], word[:-2] + "e"):
        if base in VAGUE_VERBS or base in CONCRETE_VERBS or base in known:
            return base
    return word


def _at(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return low[i : i + len(phrase)] == list(phrase)


def _infinitive(low: list[str], k: int) -> bool:
    """Is the "to" at k an infinitive marker ("to respond") rather than a preposition ("to
    something", "to Grafana", "to 60Gi")?"""
    nxt = low[k + 1] if k + 1 < len(low) else ""
    return nxt.isalpha() and nxt not in DETERMINERS and nxt not in {"something", "somewhere"}


def main_clause_end(low: list[str], lead: int) -> int:
    """Where the main clause of the action ends: at a subordinator, "in order to", or a "to"
    of purpose after the leading verb's object."""
    for k in range(lead + 1, len(low)):
        w = low[k]
        if w in SUBORDINATORS or w in {"how", "which", "who"} or _at(low, k, ("in", "order")):
            return k
        if w == "to" and k > lead + 1 and _infinitive(low, k) and low[k - 1] not in {"how"}:
            if low[k + 1] != "be":  # "rewrite the errors to be less confusing": the result
                return k
    return len(low)


def comparative(low: list[str], lead: int, end: int) -> Span | None:
    """A comparative or vague quantity in the main clause, without a number after it; what
    comes after "with" describes the content ("runbooks with deeper investigation paths"). A
    verb of degree is one too ("Reduce the interval", "Speed up the fix")."""
    if lead < len(low) and lemma(low[lead], DEGREE_VERBS) in DEGREE_VERBS:
        return (lead, lead + (low[lead + 1 : lead + 2] == ["up"]))
    for k in range(lead, end):
        w = low[k]
        if w == "with" and k > lead:
            break
        if k > 0 and low[k - 1] in {"no", "any"}:
            continue  # "no longer", "any more"
        nxt = low[k + 1] if k + 1 < len(low) else ""
        if {"the", "these", "those"} & set(low[max(lead, k - 2) : k]) and nxt.isalpha():
            if not nxt.endswith("ly"):
                continue  # "Delete the older larger nodes": which ones, not a target
        if set(w.split("/")) & COMPARATIVES and not (k + 1 < len(low) and low[k + 1] == "than"):
            if w == "more" and k + 1 < end and low[k + 1] in {"than", "and"} | DETERMINERS:
                continue
            return (k, min(k + 1, end - 1)) if w == "more" else (k, k)
        for q in VAGUE_QUANTITIES:
            after = low[k + len(q)] if k + len(q) < len(low) else ""
            if _at(low, k, q) and not after[:1].isdigit() and after not in _NOT_QUANTIFIED:
                return (k, k + len(q) - 1)  # "some monitoring", not "fixes for some of these"
    return None


def hedge(low: list[str], end: int) -> Span | None:
    """'Workload segmentation might be an option', 'could potentially relaunch', 'if possible'."""
    for k in range(0, end):
        for h in HEDGE_PHRASES:
            if _at(low, k, h):
                return (k, k + len(h) - 1)
    return None


def question(low: list[str], first: int) -> Span | None:
    """An open question instead of a change: 'Can we search the audit logs without an admin?',
    'How would the team escalate a major incident'."""
    if first >= len(low) or low[first] not in QUESTION_WORDS:
        return None
    if "?" in low or low[first] in {"how", "what", "why", "where", "can"}:
        return (first, first)
    return None


def policy(low: list[str], first: int, lead: int, modal: int) -> Span | None:
    """A rule for people rather than work: 'All applications should run in containers',
    'Nobody to use the token', 'We should declare incidents as soon as we confirm an issue'."""
    if first < len(low) and low[first] in POLICY_QUANTIFIERS and first + 1 < len(low):
        if low[first] == "no" and low[first + 1] in {"more", "longer", "less"}:
            return None
        end = min(len(low), first + 9)
        m = next((k for k in range(first + 2, end) if low[k] in _RULE_MODALS), -1)
        if m > first + 2:
            return None  # "All endorsed plugin implementations should ...": a named set's target
        return (first, first + 1)  # "All applications should run in containers": a blanket rule
    if modal < 0 or low[modal] not in _NORMATIVE | _TENTATIVE or lead >= len(low):
        return None
    subject = [w for w in low[first:modal] if w not in DETERMINERS]
    if any(w not in PERSON_WORDS and w not in {"teams", "also"} for w in subject):
        return None  # "Unrecoverable PodReflector errors should abort the Hub": a system's rule
    if low[modal] in _TENTATIVE and subject:
        return (modal, lead)  # "We could run the scans continually": an option, not a plan
    verb = lemma(low[lead])
    if verb in CONCRETE_VERBS or low[lead : lead + 2] == ["be", "able"]:
        return None
    # A rule for people's conduct: no subject ("Should nominate one person to be the driver")
    # or a when ("as soon as we confirm an issue", "always", "before deploying").
    conduct = any(
        low[k] in _CONDUCT or _at(low, k, ("as", "soon", "as")) for k in range(modal, len(low))
    )
    return (modal, lead) if not subject or conduct else None


def process(low: list[str], lead: int) -> Span | None:
    """A process, plan, strategy or guidelines to be set up: 'Create a process for identifying
    the owners', 'Define and implement Redis strategy', 'Need to devise a strategy'. Not when a
    clause says what it does ('a process that removes the IP addresses')."""
    if lead >= len(low):
        return None
    second = coordinated(low, lead)  # "Document and formalize the testing process"
    if second >= 0 and lemma(low[second]) in PROCESS_VERBS:
        lead = second
    # Any verb will do for a process not yet chosen: "Switch to a different secret management
    # strategy".
    unnamed = lemma(low[lead]) not in PROCESS_VERBS
    if unnamed and lemma(low[lead]) not in CONCRETE_VERBS:
        return None
    for k in range(lead + 1, min(len(low), lead + 7)):
        if unnamed and low[k] in PROCESS_NOUNS and not set(low[lead + 1 : k]) & _UNCHOSEN:
            return None
        if low[k] in PROCESS_NOUNS:
            if k + 1 < len(low) and low[k + 1] in {"that", "which"}:
                return None
            return (lead, k)
        if low[k] in {",", ";", "."}:
            break
    return None


def state_clause(low: list[str], k: int) -> bool:
    """Does the clause from token k state a state one can check: 'everybody gets emailed',
    'user pods are in a separate pool', 'we have a non-stackdriver alerting service'?"""
    n = len(low)
    if k < n and low[k] == "that":
        k += 1
    for j in range(k, min(n, k + 8)):
        w = low[j]
        if w in _MODAL_CAN or w in {",", ";", "."}:
            return False
        if w in {"don't", "doesn't"}:
            continue
        if w in _BE:
            nxt = low[j + 1] if j + 1 < n else ""
            if nxt == "not":
                nxt = low[j + 2] if j + 2 < n else ""
            if nxt in PRACTICE_PARTICIPLES and set(low[k:j]) & PRACTICE_NOUNS:
                return False  # "ensure checklists are used": people's practice, not a state
            return (nxt.endswith("ed") and len(nxt) > 3) or nxt in _STATE_PREPS | _STATES
        if w in {"has", "have"}:
            rest = [x for x in low[j + 1 : j + 5] if x not in DETERMINERS]
            return bool(rest) and not set(rest) & ABSTRACT_NOUNS
    return False


def ensure_concrete(low: list[str], lead: int) -> bool:
    """Is 'ensure ...' / 'make sure ...' asking for a state one can check?"""
    k = lead + (2 if _at(low, lead, ("make", "sure")) else 1)
    return state_clause(low, k)


def criterion(low: list[str], lead: int) -> bool:
    """A 'so that' clause stating a checkable state: 'so that a majority of the team is
    notified when there's an outage'."""
    for k in range(lead + 1, len(low) - 1):
        if low[k] == "so" and low[k + 1] == "that":
            return state_clause(low, k + 2)
    return False


def purpose_behaviour(low: list[str], lead: int) -> bool:
    """'Improve the data migration to run in batches': the object is named in a few words and the
    "to" says how it will work afterwards, with a concrete verb and no comparative. Not "Improve
    handling of spawners that are slow to stop" nor "... to catch it sooner"."""
    to = next((k for k in range(lead + 2, min(len(low) - 1, lead + 7)) if low[k] == "to"), -1)
    if to < 0 or lemma(low[lead]) not in _REWORK or lemma(low[to + 1]) not in CONCRETE_VERBS:
        return False
    if set(low[lead + 1 : to]) & _NOT_AN_OBJECT:
        return False
    return comparative(low, to + 1, main_clause_end(low, to + 1)) is None


def monitor_concrete(low: list[str], lead: int) -> bool:
    """'Monitor 5xx status codes for the API server', 'Monitor the cluster for non-running pods':
    monitoring with a signal or a condition to watch for (not "for a while", "for issues")."""
    if lemma(low[lead]) != "monitor":
        return False
    if set(low[lead + 1 : lead + 7]) & SIGNAL_NOUNS:
        return True
    return any(
        low[k] == "for" and low[k + 1] not in _NO_CONDITION
        for k in range(lead + 1, min(len(low) - 1, lead + 5))
    )


def coordinated(low: list[str], lead: int) -> int:
    """The second of two coordinated leading verbs ('Investigate and fix', 'Document and think
    about'), else -1."""
    k = lead + 1
    if k + 1 < len(low) and low[k] in {"and", "/", "&"}:
        second = lemma(low[k + 1])
        if second in VAGUE_VERBS | CONCRETE_VERBS | PROCESS_VERBS or second == "think":
            return k + 1
    return -1


def inquiry(low: list[str], first: int, lead: int) -> Span | None:
    """'Check why we did not get the alert', 'Ask Grafana support if we should use a PVC',
    'Find where the token was used': a question behind a concrete-looking verb."""
    if first < len(low) and lemma(low[first]) in INQUIRY_VERBS:
        lead = first  # "Ask" is also a lead-in word ("Ask the DB team to add ...")
    if lead >= len(low) or lemma(low[lead]) not in INQUIRY_VERBS:
        return None
    for k in range(lead + 1, min(len(low), lead + 5)):
        if low[k] in INQUIRY_WORDS:
            return (lead, k)
        if low[k] in {",", ";", ".", "that"}:
            break
    return None


def elaboration(low: list[str], lead: int) -> int:
    """The verb that opens an elaboration after a dash or a colon ("Establishing a more robust
    testing strategy - we should test lazy loaded extensions with all past versions"), else
    -1."""
    for k in range(lead + 1, len(low) - 1):
        if low[k] in {"-", "—", "–", ":"}:
            for j in range(k + 1, min(len(low), k + 5)):
                verb = lemma(low[j])
                if verb in CONCRETE_VERBS or verb in VAGUE_VERBS:
                    return j
            return -1
    return -1


def process_head(low: list[str], lead: int) -> Span | None:
    """An action that is only a noun phrase about a plan or a strategy: "Action plan for
    checking release notes", "Deployment strategy evolution"."""
    if lead >= len(low) or lemma(low[lead]) in CONCRETE_VERBS | VAGUE_VERBS | PROCESS_VERBS:
        return None
    k = lead  # the head noun: the last word before a preposition or a clause ("an incident
    while k + 1 < min(len(low), lead + 7) and low[k + 1] not in _NP_END:  # response process")
        k += 1
    for j in (*range(lead, min(len(low), lead + 3)), k):
        if low[j] in {"plan", "strategy", "process", "guidelines"}:
            return (lead, j)
    return None
