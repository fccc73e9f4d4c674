"""What each scope releases about the citizen, and in which words the consent screen says so.

Registry-backed claims (``profile``, ``nik``, ``address``, ``family``) come from our dated copy
of the population registry (``registry.PersonRecord``) and are released only for accounts whose
NIK the registry confirmed (level 2 or 3): a level-1 account has typed a NIK nobody checked,
and must not obtain that person's data. Claims use the OpenID Connect standard names where
one exists. The ID token carries only ``sub`` and ``acr``; everything else is served by the
userinfo endpoint, so personal data never travels in front-channel URLs or logs.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mpp.identity.models import AssuranceLevel
from mpp.registry.selectors import family_record

from .acr import acr_of


@dataclass(frozen=True)
class Scope:
    name: str
    #: What the citizen is told is shared, on the consent screen and the list of connected apps.
    data: Promise
    claims: tuple[str, ...]
    note: Promise | str = ""
    from_registry: bool = False


SCOPES: dict[str, Scope] = {
    scope.name: scope
    for scope in [
        Scope(
            "openid",
            _("Tanda pengenal akun Anda untuk aplikasi ini dan tingkat verifikasi identitas"),
            ("sub", "acr"),
            note=_("Tanda pengenal ini bukan NIK Anda."),
        ),
        Scope(
            "profile",
            _("Nama lengkap, tanggal lahir, jenis kelamin, tempat lahir"),
            ("name", "birthdate", "gender", "birth_place"),
            from_registry=True,
        ),
        Scope("nik", _("NIK"), ("nik",), from_registry=True),
        Scope("address", _("Alamat sesuai KK"), ("address",), from_registry=True),
        Scope(
            "family",
            _("Nomor KK dan nama anggota keluarga"),
            ("kk_number", "family_members"),
            note=_("Nama dan hubungan keluarga saja; NIK anggota keluarga lain tidak dikirim."),
            from_registry=True,
        ),
        Scope("email", _("Alamat surel"), ("email", "email_verified")),
        Scope("phone", _("Nomor telepon"), ("phone_number", "phone_number_verified")),
    ]
}

#: Claims about the login rather than about the person: their release is not recorded.
PROTOCOL_CLAIMS = frozenset({"sub", "acr"})
GENDERS = {"LAKI-LAKI": "male", "PEREMPUAN": "female"}


def scope_items(scopes) -> list[Scope]:
    """The known scopes among ``scopes``, in the catalogue's order (for the consent screen)."""
    requested = set(scopes)
    return [scope for name, scope in SCOPES.items() if name in requested]


def supported_claims() -> list[str]:
    return sorted({claim for scope in SCOPES.values() for claim in scope.claims})


def id_token_claims(user) -> dict:
    """The claims of the ID token besides the protocol ones oauthlib and DOT add."""
    return {"sub": str(user.public_id), "acr": acr_of(user)}


def may_release_registry_data(user) -> bool:
    return bool(user.nik) and user.has_assurance(AssuranceLevel.NIK_VERIFIED)


def userinfo_claims(user, scopes, person) -> dict:
    """Every claim ``scopes`` grant about ``user`` that we hold; absent data is left out, never sent empty.

    ``person`` is our copy of the registry's data about the user's NIK (``registry.PersonRecord``), or None.
    """
    scopes = set(scopes)
    claims = id_token_claims(user)
    if person is not None and scopes & {"profile", "nik", "address", "family"} and may_release_registry_data(user):
        claims |= _registry_claims(user, scopes, person)
    if "email" in scopes and user.email:
        claims |= {"email": user.email, "email_verified": user.email_verified_at is not None}
    if "phone" in scopes and user.phone:
        # We do not confirm phone numbers (yet): the citizen typed it.
        claims |= {"phone_number": user.phone, "phone_number_verified": False}
    return claims


def _registry_claims(user, scopes: set[str], record) -> dict:
    data = record.data
    claims = {}
    if "profile" in scopes:
        claims |= _present(
            name=data.get("name"),
            birthdate=data.get("birth_date"),
            gender=GENDERS.get(data.get("sex", "")),
            birth_place=data.get("birth_place"),
        )
    if "nik" in scopes:
        claims["nik"] = user.nik
    if "address" in scopes and data.get("address"):
        claims["address"] = _address(data["address"])
    if "family" in scopes:
        kk_number = record.kk_number or data.get("kk_number", "")
        family = family_record(kk_number)
        claims |= _present(kk_number=kk_number)
        if family is not None:
            claims["family_members"] = [
                {"name": member.get("name", ""), "relationship": member.get("relationship", "")}
                for member in family.data.get("members", [])
            ]
    return claims


def _address(address: dict) -> dict:
    """The OIDC address claim (section 5.1.1) from the registry's address, plus the village's Kemendagri code."""
    street = address.get("street", "")
    rt, rw = address.get("rt"), address.get("rw")
    street_address = f"{street} RT {rt}/RW {rw}" if rt and rw else street
    place = [
        street_address,
        address.get("village_name"),
        address.get("district_name"),
        address.get("regency_name"),
        " ".join(part for part in [address.get("province_name"), address.get("postal_code")] if part),
    ]
    return _present(
        formatted=", ".join(part for part in place if part),
        street_address=street_address,
        locality=address.get("village_name"),
        region=address.get("regency_name"),
        postal_code=address.get("postal_code"),
        country="ID",
        kemendagri_code=address.get("village_code"),
    )


def _present(**values) -> dict:
    return {key: value for key, value in values.items() if value}
