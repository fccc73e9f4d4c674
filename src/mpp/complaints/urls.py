from django.urls import path

from .views import public, staff

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", public.start, name="start"),
    path("pengaduan/baru/<str:code>/", public.file, name="file"),
    path("pengaduan/konfirmasi/<uuid:complaint_id>/", public.confirm, name="confirm"),
    path("pengaduan/lacak/", public.track, name="track"),
    path("pengaduan/saya/", public.mine, name="mine"),
    path("pengaduan/daerah/<str:code>/", public.region_figures, name="region_figures"),
    path("pengaduan/<str:number>/", public.detail, name="detail"),
    path("pengaduan/<str:number>/terkirim/", public.receipt, name="receipt"),
    path("pengaduan/<str:number>/keterangan/", public.inform, name="inform"),
    path("pengaduan/<str:number>/selesai/", public.verdict, name="verdict"),
    path("pengaduan/<str:number>/lampiran/<int:attachment_id>/", public.attachment, name="attachment"),
    path("petugas/pengaduan/", staff.worklist, name="worklist"),
    path("petugas/pengaduan/<uuid:complaint_id>/", staff.officer_detail, name="officer_detail"),
    path("petugas/pengaduan/<uuid:complaint_id>/identitas/", staff.reveal, name="reveal"),
    path(
        "petugas/pengaduan/<uuid:complaint_id>/lampiran/<int:attachment_id>/",
        staff.officer_attachment,
        name="officer_attachment",
    ),
    path("petugas/pengaduan/<uuid:complaint_id>/<slug:action>/", staff.act, name="act"),
    path("loket/pengaduan/", staff.counter_file, name="counter_file"),
    path("pengelola/pengaduan/aturan/", staff.rules, name="rules"),
]
