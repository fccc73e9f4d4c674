"""How a signature's certificate reads on the verification pages: an organisation, not a DN."""

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID
from django import template

register = template.Library()


@dataclass(frozen=True)
class CertificateHolder:
    #: The organisation (O) the certificate was issued to, else its common name (CN).
    organisation: str
    #: Its unit (OU), or "".
    unit: str


@register.filter
def certificate_holder(subject: str) -> CertificateHolder:
    """The holder of a certificate from its subject as an RFC 4514 string (``IssuedDocument.signer``).

    A subject that does not parse is shown as it is rather than hidden.
    """
    try:
        name = x509.Name.from_rfc4514_string(subject or "")
    except ValueError:
        return CertificateHolder(organisation=subject or "", unit="")

    def first(oid) -> str:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    organisation = first(NameOID.ORGANIZATION_NAME) or first(NameOID.COMMON_NAME) or subject
    return CertificateHolder(organisation=organisation, unit=first(NameOID.ORGANIZATIONAL_UNIT_NAME))
