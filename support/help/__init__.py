"""The help center: articles as data, full-text and trigram search, the help pages."""
