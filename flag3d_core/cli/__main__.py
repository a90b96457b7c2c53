import sys

from flag3d_core.cli import main

sys.exit(main())
