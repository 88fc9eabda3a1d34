"""Static bilingual publishing of Beijing government documents.

Data flows one way: sources -> model -> links -> pages -> files (the layers are listed, and checked, in
pyproject.toml's import-linter contracts).
"""
__version__ = "0.1.0"
