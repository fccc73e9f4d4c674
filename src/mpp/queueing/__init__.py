"""The physical MPP's queue (*antrean*): appointments booked ahead, walk-in tickets from the kiosk, the counter
console that calls them, the display board and the waiting citizen's phone page, and the day's figures."""
