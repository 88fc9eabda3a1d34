"""Delete a folder the generator made, its marker file last.

Everything but the marker goes first, then the marker, then the folder. Stopped at any moment (kill -9, the
machine going down), what is left still carries the marker, so the next build knows it for its own and deletes
it; a plain ``shutil.rmtree`` may delete the marker first and leave a folder that nobody may delete.

Run as a script (``python remove_folder.py FOLDER MARKER``) by ``output.delete_later`` in a process of its own;
it imports nothing of the generator, so that process starts in milliseconds."""
from __future__ import annotations

import os
import shutil
import sys


def remove(path: str, marker: str) -> None:
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        if entry.name == marker:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
    try:
        os.unlink(os.path.join(path, marker))
        os.rmdir(path)
    except OSError:
        pass


if __name__ == "__main__":
    remove(sys.argv[1], sys.argv[2])
