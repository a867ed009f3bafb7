"""`python -m sitekit.runner`: build, then leave without tearing the interpreter down.

Python's own exit frees every object the build made, one by one. Everything
that must outlive the build is done by then: the output is swapped in, the
caches are written, and every pool of processes is closed. So once logging
and the streams are flushed, the process ends at once. Measured on a no-change
rebuild of 1,000 articles, medians of four alternating runs: 1.26 s against
1.33 s.
"""

import logging
import os
import sys

from sitekit.runner import main

code = main()
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
