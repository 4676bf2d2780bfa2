"""What a meeting leaves behind: the write-up, the incident log, action follow-up, and moving
a board (export and import)."""
