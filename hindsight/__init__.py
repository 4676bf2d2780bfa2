"""Hindsight: a self-hosted, real-time board for blameless incident post-mortems.

The code lives in the repository's top-level folders, and every import goes through this
package, so installed beside other software nothing collides with a bare `server` or `client`:

- `hindsight.board_state`: the pure core (model, ops, rules, reducer, projection, protocol);
- `hindsight.server`: the Starlette shell, in four parts: `meeting` (rooms, the hub,
  websockets), `storage` (the SQLite store, its schema and the incident log's tables), `web`
  (pages, the JSON API, templates) and `outputs` (write-up, incident log, follow-up, transfer);
- `hindsight.client`: the Python SDK and CLI, and `client.bench`, the benchmark;
- `hindsight/static`: the browser client.

In a checkout the four entries here are symbolic links to those folders; the wheel holds the
folders themselves under `hindsight/`.
"""
