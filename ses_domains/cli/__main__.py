"""``python -m ses_domains.cli``."""

import sys

from ses_domains.cli.main import main

sys.exit(main())
