from django.urls import path

from .views import citizen, kiosk, manager, officer, public

app_name = "surveys"
urlpatterns = [
    # Answering: the applicant, the kiosk (any MPP's, or one), a counter officer's code, the open survey last.
    path("survei/permohonan/<str:tracking_number>/", citizen.application_survey, name="application"),
    path("survei/kios/", kiosk.kiosk, name="kiosk"),
    path("survei/kios/<str:region_code>/", kiosk.kiosk, name="kiosk_region"),
    path("survei/<str:region_code>/", public.open_survey, name="open"),
    path("loket/survei/<uuid:application_id>/", officer.survey_code, name="code"),
    path("loket/survei/kunjungan/<uuid:ticket_id>/", officer.visit_code, name="visit_code"),
    # The index, public.
    path("ikm/", public.national, name="national"),
    path("ikm/<str:code>/", public.region, name="region"),
    # The region's MPP manager (and the ministry's exports).
    path("pengelola/ikm/", manager.manager, name="manager"),
    path("pengelola/ikm/tindak-lanjut/<uuid:action_id>/", manager.action, name="action"),
    path("pengelola/ikm/unduh.csv", manager.export, {"extension": "csv"}, name="export_csv"),
    path("pengelola/ikm/unduh.xlsx", manager.export, {"extension": "xlsx"}, name="export_xlsx"),
]
