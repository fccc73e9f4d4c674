"""Stand-ins for the external systems MPP Digital talks to over HTTP.

Each simulator is its own process with its own data and speaks the same HTTP API as
the real system, so the platform knows it only by URL and key (DESIGN.md, principle 6).
"""
