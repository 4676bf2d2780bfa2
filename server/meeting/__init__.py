"""The live meeting: one Room (single writer) per board, the hub that hands rooms out, and the
websocket endpoint with its connections."""
