"""SMS/WhatsApp notification gateway simulator: the aggregator the platform sends citizens'
notifications through, with per-sender API keys, idempotency keys, segment counting, a
simulated phone to read what was received, and fault injection.

Run `python -m simulators.gateway --help`; the HTTP API is described in README.md.
"""
