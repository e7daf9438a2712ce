"""Django's SQLite backend with a quick queue in front of the single writer (see ``base``)."""
