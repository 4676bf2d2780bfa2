"""Storage: the SQLite store (one writer thread, group commit, sealing), its schema and
migrations, the incident log's tables, and the crash points that test durability."""
