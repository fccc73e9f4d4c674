from django.urls import path

from .views import citizen, connectors, counter, files, introduction, officer

app_name = "applications"

urlpatterns = [
    path("layanan/<uuid:service_id>/ajukan/", citizen.apply, name="apply"),
    path("layanan/<uuid:service_id>/ajukan/draf/", citizen.save_draft, name="draft"),
    path("permohonan/", citizen.dashboard, name="dashboard"),
    path("permohonan/<str:tracking_number>/", citizen.detail, name="detail"),
    path("permohonan/<str:tracking_number>/perbaikan/", citizen.revise, name="revise"),
    path("permohonan/<str:tracking_number>/tagihan-baru/", citizen.renew_bill, name="renew_bill"),
    path("lacak/", citizen.track, name="track"),
    # Agency systems: each connector's health and contract, for the region's manager and the ministry.
    path("pengelola/sistem-instansi/", connectors.health, name="connectors"),
    path("pengelola/sistem-instansi/baru/", connectors.add, name="connector_add"),
    path("pengelola/sistem-instansi/<uuid:system_id>/", connectors.edit, name="connector"),
    path("pengelola/sistem-instansi/<uuid:system_id>/layanan/", connectors.connect_service, name="connector_service"),
    # The RT/RW head's one-time link (no account), and the applicant sending it again.
    path("pengantar/<str:token>/", introduction.answer, name="introduction"),
    path("permohonan/<str:tracking_number>/pengantar/", introduction.ask_again, name="introduction_again"),
    # Removing a vault document is the applications' call: only they know which files an open application uses.
    path("brankas/<uuid:document_id>/hapus/", citizen.vault_remove, name="vault_remove"),
    path("berkas/<uuid:upload_id>/", files.download, name="download"),
    path("petugas/", officer.worklist, name="worklist"),
    path("loket/", counter.start, name="counter"),
    path("loket/formulir/", counter.apply, name="counter_form"),
    path("loket/cari/", counter.find, name="counter_find"),
    path("petugas/permohonan/<uuid:application_id>/", officer.detail, name="officer_detail"),
    path("petugas/permohonan/<uuid:application_id>/ambil/", officer.claim, name="claim"),
    path("petugas/permohonan/<uuid:application_id>/tugaskan/", officer.assign, name="assign"),
    path("petugas/permohonan/<uuid:application_id>/tindakan/", officer.act, name="act"),
    path(
        "petugas/permohonan/<uuid:application_id>/kependudukan/",
        officer.registry_lookup,
        name="registry_lookup",
    ),
]
