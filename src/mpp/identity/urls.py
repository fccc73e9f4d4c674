from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "identity"
urlpatterns = [
    path("akun/", views.account, name="account"),
    path("akun/daftar/", views.register, name="register"),
    path("akun/konfirmasi-surel/", views.confirm_email, name="confirm_email"),
    path("akun/masuk/", views.login_view, name="login"),
    path("akun/masuk/kode/", views.login_code, name="login_code"),
    path("akun/keluar/", views.logout_view, name="logout"),
    path("akun/profil/perbarui/", views.refresh_profile, name="refresh_profile"),
    path("akun/kontak/", views.update_contact, name="update_contact"),
    path("akun/sesi/", views.sessions, name="sessions"),
    path("akun/dua-langkah/", views.totp, name="totp"),
    path("akun/wajah/", views.face, name="face"),
    path("akun/tingkat/", views.upgrade, name="upgrade"),
    path("akun/penggunaan-data/", views.data_uses, name="data_uses"),
    path("akun/kuasa/", views.delegations, name="delegations"),
    path(
        "akun/sandi/lupa/",
        views.password_reset,
        name="password_reset",
    ),
    path(
        "akun/sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="identity/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "akun/sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="identity/password_reset_confirm.html",
            success_url=reverse_lazy("identity:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path("akun/aktivasi/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path(
        "akun/sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(template_name="identity/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
