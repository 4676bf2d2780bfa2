"""The PostgreSQL store's tables, as migrations of their own (schema.py has SQLite's).

The tables and columns are SQLite's (schema.py says what each holds), with PostgreSQL's types:
`bytea` for encoded boards and entries, `bigint` for milliseconds. What differs:

* `ops` keeps its primary key `(board_id, seq)`: two nodes can never both commit a seq of one
  board (the loser catches up and tries again, see meeting/catch_up.py), and a unique index on
  `(board_id, actor, cid)` for client op ids, so an op resent to another node is a duplicate
  there too. Refocus is stored with no cid and is not in it.
* The incident log's full-text index is a `tsvector` column of the row itself (English
  stemming, like SQLite's porter tokenizer), with a GIN index.
* The webhook triggers are PL/pgSQL functions doing what schema.m005's SQLite triggers do.
* Saved agendas' names are `citext` (case-insensitive, as SQLite's COLLATE NOCASE).

Migrations run when a node starts, under an advisory lock, so three nodes starting at once
apply each migration once. A schema change is a new entry of MIGRATIONS, never an edit of an
applied one, and SQLite gets the same change in schema.py.
"""

from __future__ import annotations

from typing import Any

MIGRATION_LOCK = 0x68696E64  # pg_advisory_lock key: "hind"

P001_INITIAL = """
CREATE TABLE boards (
    id text PRIMARY KEY, epoch text NOT NULL, created_at bigint NOT NULL, meta text NOT NULL);
CREATE TABLE credentials (
    board_id text NOT NULL, participant_id text NOT NULL, secret_hash text NOT NULL,
    role text NOT NULL, PRIMARY KEY (board_id, participant_id));
CREATE TABLE ops (
    board_id text NOT NULL, seq bigint NOT NULL, actor text NOT NULL, cid text NOT NULL,
    body bytea NOT NULL, CONSTRAINT ops_pkey PRIMARY KEY (board_id, seq));
CREATE UNIQUE INDEX ops_client_op ON ops (board_id, actor, cid) WHERE cid <> '';
CREATE TABLE snapshots (
    board_id text NOT NULL, seq bigint NOT NULL, state bytea NOT NULL, cids bytea,
    PRIMARY KEY (board_id, seq));
CREATE TABLE log (
    board_id text PRIMARY KEY, seq bigint NOT NULL, date text NOT NULL,
    created_at bigint NOT NULL, title text NOT NULL, severity text NOT NULL,
    status text NOT NULL, learning_question text NOT NULL, root_cause text NOT NULL,
    tags text NOT NULL, categories text NOT NULL, actions text NOT NULL,
    updated_at bigint NOT NULL, restricted integer NOT NULL DEFAULT 0,
    body tsvector NOT NULL DEFAULT ''::tsvector);
CREATE INDEX log_date ON log (date, created_at);
CREATE INDEX log_body ON log USING gin (body);
CREATE TABLE webhook_events (
    key text PRIMARY KEY, kind text NOT NULL, board_id text NOT NULL, tags text NOT NULL,
    data text NOT NULL, created_at bigint NOT NULL, dispatched integer NOT NULL DEFAULT 0);
CREATE INDEX webhook_events_pending ON webhook_events (created_at) WHERE dispatched = 0;
CREATE TABLE webhook_outbox (
    hook text NOT NULL, key text NOT NULL, kind text NOT NULL, board_id text NOT NULL,
    data text NOT NULL, status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0, next_try bigint NOT NULL, last_code integer,
    last_error text NOT NULL DEFAULT '', created_at bigint NOT NULL,
    updated_at bigint NOT NULL, delivered_at bigint, PRIMARY KEY (hook, key));
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_try) WHERE status = 'pending';
CREATE INDEX webhook_outbox_recent ON webhook_outbox (updated_at);
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE agendas (
    name citext PRIMARY KEY, phases text NOT NULL, created_at bigint NOT NULL,
    updated_at bigint NOT NULL);
CREATE TABLE board_readers (
    board_id text NOT NULL, email text NOT NULL, source text NOT NULL,
    PRIMARY KEY (board_id, email, source));
CREATE INDEX board_readers_email ON board_readers (email);
CREATE TABLE seat_accounts (
    board_id text NOT NULL, participant_id text NOT NULL, email text NOT NULL,
    PRIMARY KEY (board_id, participant_id));
CREATE INDEX seat_accounts_email ON seat_accounts (email);
CREATE TABLE action_owners (
    board_id text NOT NULL, action_id text NOT NULL, email text NOT NULL,
    PRIMARY KEY (board_id, action_id, email));
CREATE INDEX action_owners_email ON action_owners (email);
CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);

-- A board's row going from open to closed: the meeting closed (once per board, ever).
CREATE FUNCTION webhook_meeting_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF old.status = 'open' AND new.status = 'closed' THEN
        INSERT INTO webhook_events (key, kind, board_id, tags, data, created_at)
        VALUES ('meeting.closed:' || new.board_id, 'meeting.closed', new.board_id, new.tags,
            json_build_object('title', new.title, 'severity', new.severity,
                'status', new.status, 'date', new.date, 'root_cause', new.root_cause,
                'actions', new.actions::json)::text,
            new.updated_at)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_meeting_closed AFTER UPDATE OF status ON log
    FOR EACH ROW EXECUTE FUNCTION webhook_meeting_closed();

-- A committed action whose status differs from the row it replaces; the key names the
-- replaced row's seq, so each change is one event, and a change back later is another.
CREATE FUNCTION webhook_action_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF old.actions IS DISTINCT FROM new.actions THEN
        INSERT INTO webhook_events (key, kind, board_id, tags, data, created_at)
        SELECT 'action.status_changed:' || new.board_id || ':' || (n.value ->> 'id')
                || ':' || old.seq || ':' || (n.value ->> 'status'),
            'action.status_changed', new.board_id, new.tags,
            json_build_object('title', new.title, 'severity', new.severity,
                'status', new.status, 'action', n.value, 'from', p.value -> 'status')::text,
            new.updated_at
        FROM json_array_elements(new.actions::json) AS n(value)
        JOIN json_array_elements(old.actions::json) AS p(value)
            ON (p.value ->> 'id') = (n.value ->> 'id')
        WHERE (n.value ->> 'status') IS DISTINCT FROM (p.value ->> 'status')
            AND coalesce((n.value ->> 'selected')::boolean, true)
            AND coalesce((p.value ->> 'selected')::boolean, true)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_action_status AFTER UPDATE OF actions ON log
    FOR EACH ROW EXECUTE FUNCTION webhook_action_status();
"""

MIGRATIONS: tuple[tuple[str, str], ...] = (("p001_initial", P001_INITIAL),)  # append only


def migrate(conn: Any) -> list[str]:
    """Apply the pending migrations (a psycopg connection in autocommit mode); return their
    names. Each runs in its own transaction; the advisory lock makes concurrent starts wait."""
    applied_now = []
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS hindsight_migrations "
            "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM hindsight_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with conn.transaction():
                conn.execute(sql)
                conn.execute("INSERT INTO hindsight_migrations (name) VALUES (%s)", (name,))
            applied_now.append(name)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied_now
