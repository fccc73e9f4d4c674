"""Paying for a service: bills, the ledger of their money, and the payment network that collects it."""
