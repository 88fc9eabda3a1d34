import sys

try:  # Ctrl-C while the modules load (jinja2, …) or the arguments are read: as anywhere else, no traceback
    from .cli import main

    status = main()
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    status = 130

raise SystemExit(status)
