import random
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import user_or_ip

from mpp.audit.selectors import KIND_FILTERS, described, use_lines
from mpp.core import qr
from mpp.core.errors import DomainError
from mpp.core.headers import allow_features
from mpp.core.limits import over_limit
from mpp.registry.dukcapil import FaceRejected, RegistryUnavailable
from mpp.registry.nik import mask_nik
from mpp.registry.selectors import family_record, person_record

from . import login_throttle, selectors, services
from .forms import CHALLENGES, CodeForm, ContactForm, DelegationForm, FaceForm, LoginForm, RegistrationForm
from .home_zone import home_zone
from .models import AssuranceLevel, Delegation, User
from .staff_pages import staff_pages

PENDING_2FA = "identity:pending_2fa_user"
FACE_CHALLENGE = "identity:face_challenge"
RESUME = "identity:registration_draft"
LOCKED = gettext_lazy("Terlalu banyak percobaan. Tunggu 15 menit lalu coba lagi.")
REGISTRY_DOWN = gettext_lazy(
    "Layanan Dukcapil sedang tidak dapat dihubungi. Belum ada yang disimpan; isian Anda tetap ada di sini, "
    "coba lagi dalam beberapa menit."
)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _landing(user: User) -> str:
    """Where signing in leads without a ``next``: staff to their role's first page (an officer's worklist,
    the ministry's dashboard, a manager's page), a citizen to their account."""
    if not user.is_staff:
        return reverse("identity:account")
    pages = staff_pages(user)
    return pages[0][0] if pages else reverse("applications:worklist")


def _sign_in_reason(target: str) -> str:
    """Why the sign-in page is shown, in the words of the page ``target`` leads to, or "".

    A view may carry ``sign_in_reason(**url_kwargs) -> str | None`` (applying for a service names the
    service); only a ``target`` that ``_next_url`` accepted gets here, so the words are always ours.
    """
    if not target:
        return ""
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return ""
    describe = getattr(match.func, "sign_in_reason", None)
    return (describe(**match.kwargs) or "") if describe else ""


def _complete_login(request, user: User):
    login(request, user, backend="mpp.identity.auth.NikOrEmailBackend")
    services.record_session(
        user=user,
        session_key=request.session.session_key,
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    target = _next_url(request, "")
    if user.is_citizen and not user.email_verified_at:
        # The confirmation page goes on to ``next`` (an application form) once the code is in.
        response = redirect(_with_next(reverse("identity:confirm_email"), target))
    else:
        if user.is_citizen and user.has_assurance(AssuranceLevel.NIK_VERIFIED):
            services.refresh_registry_data_if_stale(user=user)
        response = redirect(target or _landing(user))
    # This browser is now a known device of the account: it may sign in even while others guess the password.
    response.set_cookie(
        login_throttle.DEVICE_COOKIE,
        login_throttle.remember_device(request.COOKIES.get(login_throttle.DEVICE_COOKIE, ""), user.pk),
        max_age=login_throttle.DEVICE_COOKIE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_http_methods(["GET", "POST"])
def register(request):
    draft = request.session.get(RESUME, {})
    form = RegistrationForm(request.POST or None, initial=draft)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Per NIK as checked, not as typed: padding gives no fresh attempts.
        if over_limit(request, "register", "ip", "10/h") or over_limit(
            request, "register-nik", lambda *_: data["nik"], "5/h"
        ):
            form.add_error(None, LOCKED)
        else:
            try:
                user = services.register_citizen(
                    nik=data["nik"],
                    name=data["name"],
                    birth_date=data["birth_date"],
                    email=data["email"],
                    phone=data["phone"],
                    password=data["password"],
                )
            except RegistryUnavailable:
                request.session[RESUME] = {k: str(data[k]) for k in RegistrationForm.RESUMABLE}
                form.add_error(None, REGISTRY_DOWN)
            except DomainError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form.add_error("password", exc)
            else:
                request.session.pop(RESUME, None)
                return _complete_login(request, user)
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/register.html", {"form": form, "resumed": bool(draft)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        if over_limit(request, "email-resend", "user", "5/h"):
            messages.error(request, LOCKED)
        else:
            services.send_email_code(user=request.user)
            address = request.user.pending_email or request.user.email
            messages.success(request, _("Kode baru sudah dikirim ke %(email)s.") % {"email": address})
        return redirect("identity:confirm_email")
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "email-code", "user", "10/h"):
            form.add_error(None, LOCKED)
        else:
            try:
                services.confirm_email(user=request.user, code=form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error("code", exc.message)
            else:
                try:
                    services.refresh_registry_data(user=request.user, purpose=_("Menampilkan profil pemilik akun"))
                except RegistryUnavailable:
                    messages.warning(request, _("Data kependudukan akan diambil saat Dukcapil dapat dihubungi."))
                messages.success(request, _("Surel terkonfirmasi. Akun Anda kini berstatus NIK terverifikasi."))
                return redirect(_next_url(request, reverse("identity:account")))
    return render(request, "identity/confirm_email.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_view(request):
    """Sign in with NIK, e-mail or (staff) username; failures are limited by ``login_throttle`` (successes
    never count). Then on to a safe ``next``, else an officer's worklist or a citizen's account."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Count per account, not per typed name: the NIK and the e-mail of one account share a limit.
        account = selectors.user_by_login(form.cleaned_data["username"])
        account_key = str(account.pk) if account else form.cleaned_data["username"].strip().lower()
        address = user_or_ip(request)  # the client address as every rate limit reads it (RATELIMIT_IP_META_KEY)
        cookie = request.COOKIES.get(login_throttle.DEVICE_COOKIE, "")
        device = login_throttle.device_id(cookie, account.pk) if account else ""
        verdict = login_throttle.check(account_key=account_key, address=address, device=device)
        if not verdict.allowed:
            minutes = max(1, -(-verdict.wait_seconds // 60))
            form.add_error(
                None, _("Terlalu banyak percobaan. Coba lagi dalam %(minutes)d menit.") % {"minutes": minutes}
            )
            response = render(request, "identity/login.html", {"form": form}, status=429)
            response["Retry-After"] = str(verdict.wait_seconds)
            return response
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            failures = login_throttle.record_failure(account_key=account_key, address=address, device=device)
            if account is not None and failures == login_throttle.ALERT_AT:
                services.warn_of_failed_sign_ins(user=account, failures=failures, window=login_throttle.window_of())
            form.add_error(None, _("NIK/surel atau kata sandi salah."))
        elif user.totp_enabled_at:
            request.session[PENDING_2FA] = user.pk
            return redirect(_with_next(reverse("identity:login_code"), _next_url(request, "")))
        else:
            return _complete_login(request, user)
    status = 400 if request.method == "POST" else 200
    target = _next_url(request, "")
    context = {
        "form": form,
        "next": target,
        "reason": _sign_in_reason(target),
        "register_url": _with_next(reverse("identity:register"), target),
    }
    return render(request, "identity/login.html", context, status=status)


@require_http_methods(["GET", "POST"])
def login_code(request):
    user = User.objects.filter(pk=request.session.get(PENDING_2FA)).first()
    if user is None:
        return redirect("identity:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "totp", lambda g, r: str(user.pk), "5/15m"):
            form.add_error(None, LOCKED)
        elif services.check_totp(user=user, code=form.cleaned_data["code"]):
            del request.session[PENDING_2FA]
            return _complete_login(request, user)
        else:
            form.add_error("code", _("Kode dari aplikasi autentikator salah."))
    return render(request, "identity/login_code.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_view(request):
    if request.user.is_authenticated and request.POST.get("everywhere"):
        services.end_sessions(user=request.user)
    logout(request)
    messages.success(request, _("Anda sudah keluar."))
    # Not to the home page: without a session its cached copy would be served, leaving the message in
    # its cookie for whoever opens the next page. The sign-in page is never cached and shows it now.
    return redirect("identity:login")


@login_required
def account(request):
    user = request.user
    record = person_record(user.nik) if user.nik else None
    family = family_record(record.kk_number) if record else None
    return render(
        request,
        "identity/account.html",
        {
            "record": record,
            "family": family,
            "masked_nik": mask_nik(user.nik or ""),
            "levels": AssuranceLevel.choices,
            "contact_form": ContactForm(
                initial={"email": user.email, "phone": user.phone, "phone_channel": user.phone_channel}
            ),
            "sso_consents_url": reverse("sso:consents"),
        },
    )


@login_required
@require_POST
def refresh_profile(request):
    try:
        services.refresh_registry_data(user=request.user, purpose=_("Pemilik akun memperbarui profil"))
        messages.success(request, _("Data kependudukan sudah diperbarui dari Dukcapil."))
    except RegistryUnavailable:
        messages.error(request, _("Dukcapil sedang tidak dapat dihubungi. Coba lagi nanti."))
    return redirect("identity:account")


@login_required
@require_POST
def update_contact(request):
    form = ContactForm(request.POST)
    if form.is_valid():
        user = request.user
        user.phone = form.cleaned_data["phone"]
        user.phone_channel = form.cleaned_data["phone_channel"] or user.phone_channel
        user.save(update_fields=["phone", "phone_channel"])
        if form.cleaned_data["email"].lower() != user.email.lower():
            # The same answer whether or not another account uses the address (no oracle), and limited.
            if over_limit(request, "email-change", "user", "5/h"):
                messages.error(request, LOCKED)
                return redirect("identity:account")
            services.request_email_change(user=user, email=form.cleaned_data["email"])
            return redirect("identity:confirm_email")
        messages.success(request, _("Kontak tersimpan."))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("identity:account")


@login_required
def sessions(request):
    if request.method == "POST":
        if request.POST.get("all"):
            count = services.end_sessions(user=request.user, keep_session_key=request.session.session_key)
        else:
            session_id = request.POST.get("session", "")
            if not session_id.isdigit():
                raise Http404
            count = services.end_sessions(user=request.user, session_id=int(session_id))
        messages.success(request, _("%(count)d sesi diakhiri.") % {"count": count})
        return redirect("identity:sessions")
    return render(
        request,
        "identity/sessions.html",
        {"sessions": selectors.open_sessions(request.user), "current": request.session.session_key},
    )


@login_required
@require_http_methods(["GET", "POST"])
def totp(request):
    user = request.user
    form = CodeForm(request.POST or None)
    uri = None
    if request.method == "POST" and request.POST.get("action") == "start":
        uri = services.start_totp(user=user)
        form = CodeForm()
    elif request.method == "POST" and form.is_valid():
        action = services.disable_totp if user.totp_enabled_at else services.enable_totp
        try:
            action(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Pengaturan verifikasi dua langkah tersimpan."))
            return redirect("identity:account")
    elif user.totp_secret and not user.totp_enabled_at:
        uri = services.totp_uri(user=user)
    return render(request, "identity/totp.html", {"form": form, "uri": uri, "qr_svg": qr.svg(uri) if uri else ""})


@login_required
@require_http_methods(["GET", "POST"])
@allow_features("camera")  # the liveness check films the citizen; every other page is denied the camera
def face(request):
    user = request.user
    if not user.has_assurance(AssuranceLevel.NIK_VERIFIED):
        messages.info(request, _("Konfirmasi surel Anda terlebih dahulu."))
        return redirect("identity:confirm_email")
    form, status = None, 200
    challenge = request.session.get(FACE_CHALLENGE)
    if request.method == "POST" and challenge:
        form, status = FaceForm(request.POST, files=request.FILES), 400
        if over_limit(request, "face", "user", "10/h"):
            form.add_error(None, LOCKED)
        elif form.is_valid():
            try:
                passed = services.verify_face(user=user, challenge=challenge, frames=form.cleaned_data["frames"])
            except FaceRejected as exc:
                form.add_error(None, _FACE_MESSAGES.get(exc.code, _FACE_MESSAGES["bad_image"]))
            except RegistryUnavailable:
                form.add_error(None, _FACE_MESSAGES["unavailable"])
            else:
                if passed:
                    del request.session[FACE_CHALLENGE]
                    messages.success(request, _("Wajah terverifikasi. Akun Anda kini di tingkat tertinggi."))
                    return redirect(_next_url(request, reverse("identity:account")))
                form.add_error(None, _FACE_MESSAGES["no_match"])
    # A new prompt for every attempt, chosen and kept by the server: the client cannot pick an easy one.
    challenge = random.choice(CHALLENGES)
    request.session[FACE_CHALLENGE] = challenge[0]
    context = {"form": form, "challenge": challenge, "next": _next_url(request, "")}
    return render(request, "identity/face.html", context, status=status)


_FACE_MESSAGES = {
    "no_face": gettext_lazy("Wajah tidak terlihat di foto. Pastikan wajah Anda terang dan menghadap kamera."),
    "several_faces": gettext_lazy("Ada lebih dari satu wajah di foto. Pastikan hanya Anda yang terlihat."),
    "bad_image": gettext_lazy("Foto tidak dapat dibaca. Kirim foto JPEG atau PNG."),
    "unavailable": gettext_lazy("Layanan verifikasi wajah Dukcapil sedang sibuk. Coba lagi beberapa menit lagi."),
    "no_match": gettext_lazy("Wajah tidak cocok atau gerakan tidak terdeteksi. Ikuti petunjuk lalu coba lagi."),
}


@login_required
def upgrade(request):
    """Where a service that needs a higher level sends the citizen, with ``next`` to come back to."""
    try:
        level = AssuranceLevel(int(request.GET.get("level", AssuranceLevel.NIK_VERIFIED)))
    except ValueError as exc:
        raise Http404 from exc
    target = _next_url(request, reverse("identity:account"))
    if request.user.assurance_level >= level:
        return redirect(target)
    return render(request, "identity/upgrade.html", {"level": level, "next": target})


DATA_USES_PER_PAGE = 25


@login_required
def data_uses(request):
    """Who used my data: one line per use, grouped by application, newest first, 25 a page, by kind if asked."""
    chosen = request.GET.get("jenis", "")
    kinds = KIND_FILTERS[chosen][1] if chosen in KIND_FILTERS else None
    lines = use_lines(request.user.nik, kinds=kinds) if request.user.nik else []
    page = Paginator(lines, DATA_USES_PER_PAGE).get_page(request.GET.get("page"))
    groups = described(request.user.nik or "", page.object_list, home_zone=home_zone(request.user))
    filters = [(value, label) for value, (label, _kinds) in KIND_FILTERS.items()]
    context = {"page": page, "groups": groups, "filters": filters, "chosen": chosen if kinds else ""}
    return render(request, "identity/data_uses.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request):
    user = request.user
    form = DelegationForm(request.POST or None)
    answers = {
        "revoke": (services.revoke_delegation, "grantor", _("Kuasa dicabut.")),
        "accept": (
            services.accept_delegation,
            "grantee",
            _("Kuasa diterima. Anda kini dapat mengurus layanan untuknya."),
        ),
        "decline": (services.decline_delegation, "grantee", _("Kuasa ditolak.")),
    }
    answer = next((name for name in answers if request.POST.get(name)), None) if request.method == "POST" else None
    if answer is not None:
        service, role, done = answers[answer]
        try:
            service(**{role: user, "delegation_id": request.POST[answer]})
        except (Delegation.DoesNotExist, ValidationError) as exc:
            raise Http404 from exc
        messages.success(request, done)
        return redirect("identity:delegations")
    status = 200
    if request.method == "POST" and over_limit(request, "delegation-offer", "user", "10/h"):
        form.add_error(None, LOCKED)
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            services.grant_delegation(grantor=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # The same words whether or not the NIK has an account: the form tells nobody who is registered.
            messages.success(
                request,
                _(
                    "Kuasa ditawarkan. Bila pemilik NIK itu memiliki akun MPP Digital, ia dapat menerima atau "
                    "menolaknya di akunnya; kuasa berlaku setelah diterima."
                ),
            )
            return redirect("identity:delegations")
    return render(
        request,
        "identity/delegations.html",
        {
            "form": form,
            "children": selectors.minor_children(user),
            "given": selectors.delegations_given_by(user),
            "received": selectors.active_delegations_to(user),
            "offered": selectors.delegations_offered_to(user),
        },
        status=status,
    )


_reset_view = auth_views.PasswordResetView.as_view(
    template_name="identity/password_reset.html",
    email_template_name="identity/password_reset_email.txt",
    subject_template_name="identity/password_reset_subject.txt",
    success_url=reverse_lazy("identity:password_reset_done"),
)


def password_reset(request):
    """Django's reset by e-mail link, rate-limited per address (whatever its case or padding) and per IP."""
    if request.method == "POST" and (
        over_limit(request, "reset-ip", "ip", "10/h")
        or over_limit(request, "reset-email", lambda *_: request.POST.get("email", "").strip().lower()[:254], "3/h")
    ):
        messages.error(request, LOCKED)
        return redirect("identity:password_reset")
    return _reset_view(request)


class ActivateView(auth_views.PasswordResetConfirmView):
    """An invited staff member's one-time link: set the first password (Django's reset token: it stops
    working once the password is set, and after ``PASSWORD_RESET_TIMEOUT``), then sign in."""

    template_name = "identity/activate.html"
    success_url = reverse_lazy("identity:login")

    def form_valid(self, form):
        services.activate_staff(user=form.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            _("Akun Anda aktif. Masuk dengan nama pengguna %(username)s dan kata sandi baru.")
            % {"username": form.user.username},
        )
        return redirect(self.success_url)
