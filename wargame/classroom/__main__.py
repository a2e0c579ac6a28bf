"""``python -m wargame.classroom COMMAND``: see ``wargame.classroom.main``."""

import sys

from . import main

sys.exit(main())
