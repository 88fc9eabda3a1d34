"""Static bilingual publishing of Beijing government documents.

Data flows one way: sources -> model -> links -> pages -> files.
"""
__version__ = "0.1.0"


def _safe_loader():
    import yaml

    # libyaml's loader where PyYAML was built with it (the wheels are): the same safe subset, parsed in C
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


SAFE_LOADER = _safe_loader()


def replace_file(path, data: bytes) -> None:
    """Write a cache file atomically (see ``fileio.atomic_write``; caches skip the fsync: they can be made
    again)."""
    from .fileio import atomic_write

    atomic_write(path, data, durable=False)
