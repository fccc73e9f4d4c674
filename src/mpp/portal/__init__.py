"""Public pages that compose several contexts (regions, catalog): the home page and the region pages."""
