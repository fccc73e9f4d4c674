"""The authorization endpoint with our consent screen, discovery, logout, and the citizen's list of connected apps."""

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import LogoutDenied, OAuthToolkitError
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error, MissingRedirectURIError, UnsupportedResponseTypeError
from oauthlib.openid.connect.core.exceptions import ConsentRequired

from mpp.registry.nik import mask_nik

from . import acr, claims, form_action, selectors, services, validators
from .forms import ConsentForm
from .models import AgencyClient

# The parts of a validated authorization request the consent form carries to its POST.
REQUEST_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


class AuthorizeView(dot_views.AuthorizationView):
    """OpenID Connect authorization endpoint (code flow, PKCE S256 required by settings).

    For a signed-in citizen: refuses a request for a higher level of assurance than the
    account has (``unmet_authentication_requirements``), approves at once what the citizen
    already agreed to share with this client, and otherwise shows the consent screen.
    """

    template_name = "sso/consent.html"
    form_class = ConsentForm

    def get_initial(self):
        return super().get_initial() | {"acr_values": self.oauth2_data.get("acr_values", "")}

    def get(self, request, *args, **kwargs):
        if not request.GET.get("redirect_uri"):  # OIDC Core 3.1.2.1: required; never guessed from the registration
            return self.error_response(OAuthToolkitError(error=MissingRedirectURIError()), application=None)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            # A response type other than code is one we do not support (RFC 6749 4.1.2.1), not a client's fault.
            if error.oauthlib_error.error == "unauthorized_client" and request.GET.get("response_type") != "code":
                refused = UnsupportedResponseTypeError(state=request.GET.get("state"))
                refused.redirect_uri = error.oauthlib_error.redirect_uri  # checked against the client's registration
                error.oauthlib_error = refused
            return self.error_response(error, application=None)
        prompt = set(request.GET.get("prompt", "").split())
        if "login" in prompt:
            return self.handle_prompt_login()
        client = selectors.client_by_client_id(credentials["client_id"])
        for parameter in ("request", "request_uri"):  # OIDC Core 6: request objects are not supported
            if request.GET.get(parameter):
                error = CustomOAuth2Error(error=f"{parameter}_not_supported", state=credentials.get("state"))
                return self._refuse(client, credentials, error)
        if request.GET.get("resource"):
            return self._refuse(client, credentials, validators.resource_indicators_refused(credentials.get("state")))
        acr_values = request.GET.get("acr_values", "")
        refusal = self._refuse_below_assurance(client, credentials, acr_values, credentials.get("claims"))
        if refusal is not None:
            return refusal
        if "consent" not in prompt and selectors.has_consent(user=request.user, client=client, scopes=scopes):
            return self._approve(client, scopes, credentials)
        if "none" in prompt:
            return self._refuse(client, credentials, ConsentRequired(state=credentials.get("state")))

        self.oauth2_data = {key: credentials.get(key) for key in REQUEST_FIELDS} | {
            "scopes": scopes,
            "claims": json.dumps(credentials["claims"]) if credentials.get("claims") else None,
            "acr_values": acr_values,
        }
        # The consent form's answer redirects to the client: its origin must be a form-action of this page.
        return form_action.allow(
            self.render_to_response(self._consent_context(client, scopes)), credentials["redirect_uri"]
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            client = selectors.client_by_client_id(data["client_id"])
        except AgencyClient.DoesNotExist as exc:
            raise Http404 from exc
        if not client.redirect_uri_allowed(data["redirect_uri"]):
            raise Http404  # a crafted form: never redirect anywhere the client did not register
        if data.get("allow"):
            refusal = self._refuse_below_assurance(client, data, data.get("acr_values", ""), _json(data["claims"]))
            if refusal is not None:
                return refusal
        self.success_url = None
        with transaction.atomic():
            response = super().form_valid(form)
            if data.get("allow") and self.success_url:
                services.grant_consent(user=self.request.user, client=client, scopes=data["scope"].split())
        return response

    def _consent_context(self, client, scopes) -> dict:
        user = self.request.user
        items = claims.scope_items(scopes)
        return self.get_context_data(
            form=self.get_form(),
            application=client,
            items=items,
            signed_in_as=mask_nik(user.nik) if user.nik else user.get_username(),
            registry_withheld=any(item.from_registry for item in items) and not claims.may_release_registry_data(user),
            phone_missing="phone" in scopes and not user.phone,
        )

    def _approve(self, client, scopes, credentials):
        if isinstance(credentials.get("ui_locales"), list):
            credentials["ui_locales"] = " ".join(credentials["ui_locales"])
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, client)
        return self.redirect(uri, client)

    def _refuse_below_assurance(self, client, credentials, acr_values, requested_claims):
        level = acr.required_level(acr_values, requested_claims if isinstance(requested_claims, dict) else None)
        if level is None or self.request.user.has_assurance(level):
            return None
        error = CustomOAuth2Error(
            error="unmet_authentication_requirements",
            description=f"The account's level of assurance is below the requested {acr.PREFIX}{level}.",
            state=credentials.get("state"),
        )
        return self._refuse(client, credentials, error)

    def _refuse(self, client, credentials, error):
        return self.error_response(OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]), client)

    def error_response(self, error, application, **kwargs):
        """DOT's error answer; one that goes back to the client carries ``iss``, as a success does (RFC 9207 2)."""
        response = super().error_response(error, application, **kwargs)
        if response.status_code == 302:
            issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
            response["Location"] = _with_query(response["Location"], iss=issuer)
        return response


def _with_query(url: str, **params) -> str:
    """``url`` with ``params`` set in its query (replacing any of the same name)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


def _json(text: str):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None  # oauthlib refuses the malformed claims parameter itself


class TokenView(dot_views.TokenView):
    """The token endpoint: django-oauth-toolkit's, each exchange in one transaction.

    DOT saves the ID token, the access and refresh tokens, and deletes the code in three
    transactions; here they commit together. A code exchange that fails writes nothing: when
    two requests race with one code, the second's delete finds nothing and what it wrote is
    rolled back (DOT alone would leave its tokens in the database, unreturned). A refused
    refresh keeps its writes: refusing a replayed refresh token revokes its whole family.
    DOT's ``app_authorized`` signal, which costs a query per exchange to find the token again,
    is not sent: nothing here listens to it.
    """

    def authorization_flow_token_response(self, request, *args, **kwargs):
        exchanging = request.POST.get("grant_type") == "authorization_code"
        with transaction.atomic():
            _uri, headers, body, status = self.create_token_response(request)
            if status != 200 and exchanging:
                transaction.set_rollback(True)
        if exchanging and status != 200 and (_json(body) or {}).get("error") == "invalid_grant":
            # A replayed code revokes what its first exchange got (RFC 6749 4.1.2): it may have been stolen.
            services.revoke_for_replayed_code(code=request.POST.get("code", ""))
        response = HttpResponse(content=body, status=status, content_type="application/json")
        for name, value in headers.items():
            response[name] = value
        return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request):
    """The OpenID Connect userinfo endpoint (Core 5.3): the claims the access token's scopes grant.

    The access token comes as ``Authorization: Bearer`` or, on POST, as the form field
    ``access_token`` (RFC 6750 2.1, 2.2), never both. Answers 401 with ``invalid_token`` for an
    unknown, expired or revoked token, a deactivated client or account, and 403 with
    ``insufficient_scope`` without ``openid``. Each answer that releases data about the person
    is recorded for the citizen (``sso.services.record_release``).
    """
    header = request.headers.get("Authorization", "")
    scheme, _space, header_token = header.partition(" ")
    from_header = header_token.strip() if scheme.lower() == "bearer" else ""
    from_body = request.POST.get("access_token", "") if request.method == "POST" else ""
    if from_header and from_body:
        return _bearer_error(400, "invalid_request", _("Kirim token akses satu kali saja: di header atau di formulir."))
    if request.GET.get("access_token"):  # a token in a URL ends up in logs and histories (RFC 6750 2.3, RFC 9700)
        return _bearer_error(400, "invalid_request", _("Token akses tidak diterima di alamat URL; kirim di header."))
    token = from_header or from_body
    if not token:
        return _bearer_error(401, None, _("Token akses diperlukan (Authorization: Bearer)."))
    access = selectors.bearer_access(token)
    if access is None:
        return _bearer_error(401, "invalid_token", _("Token akses tidak dikenal, kedaluwarsa, atau dicabut."))
    if "openid" not in access.scopes:
        return _bearer_error(403, "insufficient_scope", _("Token akses ini tidak mencakup openid."))
    released = claims.userinfo_claims(access.user, access.scopes, access.person)
    services.record_release(
        user=access.user, client_name=access.client_name, agency_name=access.agency_name, claims=released
    )
    response = JsonResponse(released)
    response["Cache-Control"] = "no-store"
    return response


def _bearer_error(status: int, error: str | None, description: str) -> JsonResponse:
    """An RFC 6750 error: the code in ``WWW-Authenticate`` (none when no token was sent) and a JSON body."""
    challenge = 'Bearer realm="MPP Digital"'
    if error:
        challenge += f', error="{error}"'
    response = JsonResponse({"error": error or "invalid_request", "error_description": description}, status=status)
    response["WWW-Authenticate"] = challenge
    response["Cache-Control"] = "no-store"
    return response


#: The grants there are: citizens' sign-in (code, refresh) and agency systems posting statuses (client credentials).
GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"]


def _truthful(request, metadata: dict) -> JsonResponse:
    """DOT's metadata, corrected to what this provider does: RS256 only (client secrets are stored hashed, so HS256
    cannot work), the client-credentials grant agency systems use, and the revocation endpoint."""
    metadata = metadata | {
        "grant_types_supported": GRANT_TYPES,
        "revocation_endpoint": request.build_absolute_uri(reverse("oauth2_provider:revoke-token")),
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
    if "id_token_signing_alg_values_supported" in metadata:
        metadata["id_token_signing_alg_values_supported"] = ["RS256"]
    answer = JsonResponse(metadata)
    answer["Access-Control-Allow-Origin"] = "*"
    return answer


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    """OpenID Provider metadata, served under the issuer only (``<host>/o/.well-known/…``): what we support."""

    def get(self, request, *args, **kwargs):
        metadata = json.loads(super().get(request, *args, **kwargs).content) | {
            "acr_values_supported": list(acr.ACR_VALUES),
            "prompt_values_supported": ["none", "login", "consent"],
        }
        return _truthful(request, metadata)


class AuthorizationServerMetadataView(dot_views.OAuthServerMetadataView):
    """RFC 8414 metadata, agreeing with the OpenID configuration."""

    def get(self, request, *args, **kwargs):
        return _truthful(request, json.loads(super().get(request, *args, **kwargs).content))


class LogoutView(dot_views.RPInitiatedLogoutView):
    """RP-initiated logout (OIDC RP-Initiated Logout 1.0): ends the session here and the asking client's tokens.

    Asked first unless the ID token hint is the signed-in person's own: a hint alone, from a
    browser with no session here (or another person's), changes nothing without the person's
    confirmation, and revokes nothing of anyone who is not signed in here. Only the tokens of
    the client that asked are revoked, unless the citizen chooses "every app".
    """

    template_name = "sso/logout_confirm.html"

    def must_prompt(self, token_user):
        user = self.request.user
        return not (user.is_authenticated and token_user is not None and token_user == user)

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        user = self.request.user
        if user.is_authenticated and token_user in (None, user):
            everywhere = self.request.method == "POST" and self.request.POST.get("everywhere") == "true"
            services.end_sign_ins(user=user, client=None if everywhere else application)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user=None)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Shown only after validate_logout_request accepted the URI for this client: the form may lead there.
        uri = (getattr(self, "oidc_data", None) or {}).get("post_logout_redirect_uri")
        return form_action.allow(response, uri) if uri else response

    def error_response(self, error):
        if isinstance(error, LogoutDenied):  # the citizen chose to stay signed in
            messages.info(self.request, _("Anda tetap masuk di MPP Digital."))
            return redirect("identity:account")
        return super().error_response(error)


@login_required
@require_GET
def consent_list(request):
    consents = [(consent, claims.scope_items(consent.scopes)) for consent in selectors.consents_of(request.user)]
    return render(request, "sso/consents.html", {"consents": consents})


@login_required
@require_POST
def consent_revoke(request, consent_id):
    consent = get_object_or_404(selectors.consents_of(request.user), pk=consent_id)
    services.revoke_consent(consent=consent)
    messages.success(
        request,
        _("Izin untuk %(client)s sudah dicabut. Aplikasi itu akan meminta persetujuan Anda lagi saat Anda masuk.")
        % {"client": consent.client.name},
    )
    return redirect("sso:consents")
