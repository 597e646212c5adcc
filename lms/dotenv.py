"""Read a .env file into the environment (real variables always win)."""

import os
from pathlib import Path


def load_dotenv(path: Path) -> None:
    """Set KEY=value pairs from ``path`` that the environment does not already set."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.removeprefix("export ").strip()
        os.environ.setdefault(key, value.strip().strip("'\""))
