"""Which optional C extensions the install must have built on this machine.

Both are built by ``pip install`` when the C compiler Python names is present: the record
finder on x86-64 (its AVX2 pass), the huge-page arenas on Linux.
"""

from __future__ import annotations

import platform
import shutil
import sys
import sysconfig

HAVE_COMPILER = bool(shutil.which(str(sysconfig.get_config_var("CC")).split()[0]))
SCAN_EXPECTED = HAVE_COMPILER and platform.machine() in ("x86_64", "AMD64")
ARENAS_EXPECTED = HAVE_COMPILER and sys.platform == "linux"
