"""Static bilingual publishing of Beijing government documents.

Data flows one way: sources -> model -> links -> pages -> files.
"""
__version__ = "0.1.0"
