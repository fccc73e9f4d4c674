from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("bergabung/", views.request_form, name="request"),
    path("bergabung/<str:token>/", views.track, name="track"),
    path("daerah-mpp-digital/", views.public_list, name="public_list"),
    path("kementerian/bergabung/", views.queue, name="queue"),
    path("kementerian/bergabung/<uuid:request_id>/", views.review, name="review"),
    path("kementerian/bergabung/<uuid:request_id>/<str:action>/", views.act, name="act"),
    path("bergabung/berkas/<uuid:request_id>/<str:kind>/", views.document, name="document"),
    path("daerah/perjanjian/", views.region_agreement, name="region_agreements"),
    path("daerah/perjanjian/<uuid:request_id>/", views.region_agreement, name="region_agreement"),
    path("pengelola/", views.manager_home, name="manager"),
]
