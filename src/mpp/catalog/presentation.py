"""How a service reads for people and clients: the same shapes for pages and the API.

``service_summary`` and ``service_detail`` are the API's shapes: the Indonesian text with its
English twins beside it. The ``*_page`` and ``*_card`` functions are for pages: they choose each
text in the language of the request, here and nowhere else. A text without a translation stays
Indonesian and says so (``Text.lang``), so a page in English marks it ``lang="id"`` (WCAG 3.1.2).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Service
from .standard import COMPONENTS, TRANSLATED_TEXTS


def service_summary(row: dict) -> dict:
    """A service in a list, from a row of ``selectors.services_in_region``."""
    return {
        "id": row["id"],
        "slug": row["slug"],
        "name": row["name"],
        "name_en": row["name_en"],
        "summary": row["summary"],
        "agency": row["agency_name"],
        "mode": row["mode"],
        "channels": row["channels"],
        "assurance_level": row["assurance_level"],
        **row["figures"],  # duration_days, fee, once_only: standard.list_figures
        "version": row["version"],
    }


def service_detail(service: Service) -> dict:
    template, version = service.template, service.current_version
    standard = version.standard
    summary = {
        "id": service.id,
        "slug": template.slug,
        "name": template.name,
        "name_en": template.name_en,
        "summary": template.summary,
        "agency_name": service.agency.name,
        "mode": service.mode,
        "channels": template.channels,
        "assurance_level": template.assurance_level,
        "figures": version.summary,
        "version": version.number,
    }
    return {
        **service_summary(summary),
        "region_code": service.region_id,
        "region_name": service.region.name,
        "agency_kind": service.template.agency_kind.name,
        "standard": standard,
        "components": [{"key": key, "title": str(title), "value": standard[key]} for key, title in COMPONENTS],
    }


# --- pages, in the language of the request ---------------------------------------------------------------


class Text(str):
    """A text as a page shows it. ``lang`` is "" when the text is in the page's language, and the
    language it is in otherwise (``{{ text|lang_marked }}`` then wraps it in ``<span lang="…">``)."""

    lang = ""


def page_language() -> str:
    """The language texts are chosen in: the request's ("id" or "en")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def text(indonesian: str, english: str = "") -> Text:
    """``english`` on an English page when there is one, otherwise ``indonesian`` (marked when the page is not)."""
    language = page_language()
    if language == "en" and english:
        return Text(english)
    chosen = Text(indonesian or "")
    if language != "id":
        chosen.lang = "id"
    return chosen


def untranslated(value: str) -> Text:
    """A region's own text (a name, an address) that has no translation."""
    return text(value)


def service_card(row: dict) -> dict:
    """A service in a list (the region page), from a row of ``selectors.services_in_region``, its texts in the
    page's language."""
    summary = service_summary(row)
    days, once_only = summary["duration_days"], summary["once_only"]
    return {
        **summary,
        "name": text(row["name"], row["name_en"]),
        "summary": text(row["summary"], row["summary_en"]),
        "agency": untranslated(summary["agency"]),
        # Composed here rather than by a {% blocktranslate %} per card: a region lists dozens of services.
        "duration": ngettext("%(days)s hari kerja", "%(days)s hari kerja", days) % {"days": days},
        "once_only_text": _("%(held)s dari %(total)s persyaratan tidak perlu Anda unggah")
        % {"held": once_only["held_by_state"], "total": once_only["total"]}
        if once_only["held_by_state"]
        else "",
    }


def service_page(service: Service) -> dict:
    """``service_detail`` for the service page: names, summary and the standard in the page's language."""
    detail = service_detail(service)
    return {
        **detail,
        "name": text(service.template.name, service.template.name_en),
        "summary": text(service.template.summary, service.template.summary_en),
        "agency": untranslated(detail["agency"]),
        "region_name": untranslated(detail["region_name"]),
        "standard": localized_standard(detail["standard"]),
    }


def search_result(service: Service) -> dict:
    """A service found by the search, with its region and agency."""
    template = service.template
    return {
        "id": service.id,
        "name": text(template.name, template.name_en),
        "region_name": untranslated(service.region.name),
        "agency": untranslated(service.agency.name),
    }


def localized_standard(standard: dict) -> dict:
    """A standard's JSON (see ``standard.ServiceStandard``) with each text chosen for the page.

    Lists (legal bases, facilities…) are translated whole or not at all; legal bases never are:
    they are the official titles.
    """
    procedure, fee, product, complaints = (standard[key] for key in ("procedure", "fee", "product", "complaints"))
    return {
        **standard,
        "requirements": [
            {**requirement, **_texts(requirement, "name", "description", "held_source")}
            for requirement in standard["requirements"]
        ],
        "procedure": {
            **_texts(procedure, "summary"),
            "steps": [_texts(step, "title", "description", "actor") for step in procedure["steps"]],
        },
        "fee": {"amount": fee["amount"], **_texts(fee, "note")},
        "product": _texts(product, "name", "description"),
        "complaints": {**_texts(complaints, "summary"), "channels": _items(complaints, "channels")},
        "legal_basis": _items(standard, "legal_basis"),
        "facilities": _items(standard, "facilities"),
        "competence": _items(standard, "competence"),
        **_texts(standard, *TRANSLATED_TEXTS),
    }


def _texts(source: dict, *keys: str) -> dict[str, Text]:
    return {key: text(source.get(key, ""), source.get(f"{key}_en", "")) for key in keys}


def _items(source: dict, key: str) -> list[Text]:
    items, english = source.get(key, []), source.get(f"{key}_en") or []
    if len(english) != len(items):
        english = [""] * len(items)
    return [text(item, translated) for item, translated in zip(items, english, strict=True)]
