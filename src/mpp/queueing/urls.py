from django.urls import path

from .views import board, booking, console, kiosk, manager

app_name = "queueing"

urlpatterns = [
    # The MPP's entrance kiosk and the visitor's ticket (public; the ticket's id is its capability).
    path("antrean/<uuid:mpp_id>/kios/", kiosk.kiosk, name="kiosk"),
    path("antrean/<uuid:mpp_id>/kios/check-in/", kiosk.check_in, name="check_in"),
    path("antrean/tiket/<uuid:ticket_id>/", board.ticket, name="ticket"),
    path("antrean/tiket/<uuid:ticket_id>/status.json", board.ticket_status, name="ticket_status"),
    path("antrean/tiket/<uuid:ticket_id>/sms/", kiosk.send_ticket, name="send_ticket"),
    # The display board (public, numbers only).
    path("antrean/<uuid:mpp_id>/layar/", board.display, name="display"),
    path("antrean/<uuid:mpp_id>/layar.json", board.display_status, name="display_status"),
    # Appointments (signed-in citizens).
    path("antrean/<uuid:mpp_id>/pesan/", booking.book, name="book"),
    path("antrean/pesanan/", booking.mine, name="my_bookings"),
    path("antrean/pesanan/<uuid:booking_id>/", booking.detail, name="booking"),
    path("antrean/pesanan/<uuid:booking_id>/qr.svg", booking.qr, name="booking_qr"),
    path("antrean/pesanan/<uuid:booking_id>/batal/", booking.cancel, name="cancel"),
    path("antrean/pesanan/<uuid:booking_id>/pindah/", booking.reschedule, name="reschedule"),
    # The counter console (counter officers).
    path("loket/antrean/", console.start, name="console_start"),
    path("loket/antrean/<int:counter_id>/", console.console, name="console"),
    path("loket/antrean/<int:counter_id>/antrean/", console.line, name="console_line"),
    path("loket/antrean/<int:counter_id>/<slug:action>/", console.act, name="console_act"),
    # The MPP manager's queue page.
    path("pengelola/antrean/", manager.manager, name="manager"),
    path("pengelola/antrean/<uuid:mpp_id>/", manager.mpp_queue, name="manager_mpp"),
    path("pengelola/antrean/<uuid:mpp_id>/<slug:action>/", manager.act, name="manager_act"),
]
