"""Glossary, romanisation, translation catalogs and coverage."""
