"""The demo certification authority's trust services: a time-stamping authority (RFC 3161) and
an OCSP responder (RFC 6960), as a real CA runs them, for the demo and the tests of PAdES B-LTA.
See README.md."""
