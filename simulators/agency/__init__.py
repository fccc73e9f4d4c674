"""Agency system simulator: Disdukcapil's SIAK receiving applications that MPP Digital
forwards by signed webhook, processing them and posting status updates back.

Run `python -m simulators.agency --help`; the HTTP API is described in README.md.
"""
