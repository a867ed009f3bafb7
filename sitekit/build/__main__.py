import sys

from sitekit.build import main

sys.exit(main())
