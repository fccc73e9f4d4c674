"""SISDMK simulator: the Ministry of Health's health-workforce information system (SATUSEHAT
SDMK), holding health workers, their registrations (STR) and the practice permits (SIP) they
hold. Its workers are persons of the Dukcapil simulator's population, linked by NIK.

Run `python -m simulators.sisdmk --help`; the HTTP API is described in README.md.
"""
