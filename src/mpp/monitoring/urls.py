from django.urls import path

from .views import manager, ministry

app_name = "monitoring"

urlpatterns = [
    # The ministry.
    path("kementerian/monev/", ministry.rounds, name="rounds"),
    path("kementerian/monev/<uuid:round_id>/", ministry.round_detail, name="round"),
    path("kementerian/monev/<uuid:round_id>/unduh.xlsx", ministry.export, {"extension": "xlsx"}, name="export_xlsx"),
    path("kementerian/monev/<uuid:round_id>/unduh.csv", ministry.export, {"extension": "csv"}, name="export_csv"),
    path("kementerian/monev/<uuid:round_id>/<str:region_code>/", ministry.report_detail, name="report"),
    path("kementerian/monev/<uuid:round_id>/<str:region_code>/periksa/", ministry.review, name="review"),
    # A region's MPP manager.
    path("pengelola/monev/", manager.reports, name="manager_reports"),
    path("pengelola/monev/<uuid:round_id>/", manager.report, name="manager_report"),
    path("pengelola/monev/<uuid:round_id>/draf/", manager.draft, name="draft"),
    # The decree PDF of a report, for the ministry and the region's managers.
    path("monev/laporan/<uuid:report_id>/sk/", manager.decree, name="decree"),
]
