from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("desa-saya/", views.mine, name="mine"),
    path("desa-saya/<str:code>/", views.keep, name="keep"),
    path("desa-saya/<str:code>/rt-rw/", views.add_head, name="add_head"),
    path("desa-saya/<str:code>/rt-rw/<int:head_id>/berhenti/", views.retire_head, name="retire_head"),
]
