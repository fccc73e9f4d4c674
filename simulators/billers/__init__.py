"""Billers simulator: the two back ends whose bills citizens pay at the MPP of Kota Samarinda
and online, in one process. PBB-P2 (Bapenda's land and building tax, a bill per tax object
and year with a late penalty) and PDAM (Perumda Air Minum Tirta Kencana, a bill per customer
and month with a late fee): the platform asks what is due and confirms what was paid, exactly
once per bill.

Run `python -m simulators.billers --help`; the HTTP API is described in README.md.
"""
