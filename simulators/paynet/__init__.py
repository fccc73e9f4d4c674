"""Payment-network simulator: a bank or payment provider speaking Bank Indonesia's SNAP
(docs/payments-snap.md, the network's side). It issues virtual accounts, PNBP billing codes
and dynamic QRIS for MPP Digital's bills, takes their payment at a small bank page (or an
admin call), notifies the platform with signed SNAP calls retried until taken, answers the
platform's status inquiries and serves a settlement file per day.

Run `python -m simulators.paynet --help`; the HTTP API is described in README.md.
"""
