"""Turazo's date and time formats, one set per language (FORMAT_MODULE_PATH).

Templates show dates only through the named formats (``|date`` or ``|date:"DATE_FORMAT"``,
``{% daterange %}``, ``|when``); tests/core/test_formats.py keeps it that way."""
