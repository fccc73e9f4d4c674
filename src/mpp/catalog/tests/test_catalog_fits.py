"""Every text of the catalog's data files fits its column: PostgreSQL refuses a longer one where SQLite (the demo)
would store it, so a too-long summary must fail here, not in production's seed."""

import pytest
import yaml

from mpp.catalog.models import AgencyKind, ServiceTemplate
from mpp.catalog.seed import DATA_DIR


def _limits(model) -> dict[str, int]:
    return {field.name: field.max_length for field in model._meta.get_fields() if getattr(field, "max_length", None)}


CATALOG = yaml.safe_load((DATA_DIR / "catalog.yaml").read_text(encoding="utf-8"))
ENGLISH = yaml.safe_load((DATA_DIR / "catalog_en.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("model", "rows", "key"),
    [(ServiceTemplate, CATALOG["templates"], "slug"), (AgencyKind, CATALOG["agency_kinds"], "code")],
)
def test_every_value_fits_its_column(model, rows, key):
    limits = _limits(model)
    too_long = [
        f"{row[key]}.{name} ({len(value)} > {limits[name]})"
        for row in rows
        for name, value in row.items()
        if isinstance(value, str) and name in limits and len(value) > limits[name]
    ]
    assert not too_long


def test_every_english_summary_fits_its_column():
    limit = _limits(ServiceTemplate)["summary_en"]
    too_long = [
        f"{slug} ({len(text['summary'])} > {limit})"
        for slug, text in ENGLISH.items()
        if isinstance(text, dict) and len(text.get("summary", "")) > limit
    ]
    assert not too_long
