"""Issued documents: rendering result PDFs, signing them (PAdES) and validating uploaded ones."""
