"""Agency system simulator: an agency's back office receiving applications that MPP Digital
forwards by signed webhook, processing them and posting status updates back. Which agency
is a data file (profiles/: SIAK of Disdukcapil, Kantor Imigrasi, Korlantas, Polri); the
korlantas profile also has a portal of its own, signed in with MPP Digital's OpenID Connect.

Run `python -m simulators.agency --help`; the HTTP API is described in README.md.
"""
