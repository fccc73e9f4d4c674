"""Population registry (Dukcapil) simulator: persons, families, element verification
and face verification with liveness, behind institution keys, agreements and quotas.

Run `python -m simulators.dukcapil --help`; the HTTP API is described in README.md.
"""
