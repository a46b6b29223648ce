import sys

from crm_tools.lint.cli import main

sys.exit(main())
