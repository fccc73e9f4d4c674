"""SP4N-LAPOR! simulator: the national complaint channel, receiving the complaints MPP Digital
forwards, moving them through LAPOR!'s statuses, and telling the platform by polling and by
signed callbacks.

Run `python -m simulators.lapor --help`; the HTTP API is described in README.md.
"""
