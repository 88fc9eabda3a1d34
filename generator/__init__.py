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
    """Write ``data`` to ``path`` through ``<name>.tmp`` and a rename, so that a reader (or a build that
    stops half-way) never sees a file cut short: the caches' way of writing their entries."""
    import os

    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
