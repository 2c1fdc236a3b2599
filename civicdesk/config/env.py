"""The one place civicdesk reads its environment."""

from pathlib import Path

import environ

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# var/ sits in the working directory, so a checkout and an installed wheel both keep data local.
VAR_DIR = Path(environ.Env().str("CIVICDESK_VAR_DIR", default=str(Path.cwd() / "var")))

env = environ.Env()
