"""Pieces every app's API shares: the error body, query-text validation, pagination."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator


class ErrorOut(Schema):
    detail: str


def _printable(value: str) -> str:
    # NUL and other control characters cannot be stored or searched in PostgreSQL text.
    if any(ord(char) < 32 for char in value):
        raise ValueError("must not contain control characters")
    return value


SearchText = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_printable)]


class Pagination(PageNumberPagination):
    """Page-number pagination with the page size capped (settings.API_MAX_PAGE_SIZE)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs):
        from django.conf import settings

        super().__init__(page_size=settings.API_PAGE_SIZE, max_page_size=settings.API_MAX_PAGE_SIZE, **kwargs)
