"""``python -m cleanse`` is the ``cleanse`` command."""

from cleanse.running.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
