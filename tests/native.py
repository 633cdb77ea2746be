"""Whether the install must have built the optional C record finder on this machine.

``pip install`` builds it when the C compiler Python names is present; it is used on x86-64
(its AVX2 pass).
"""

from __future__ import annotations

import platform
import shutil
import sysconfig

HAVE_COMPILER = bool(shutil.which(str(sysconfig.get_config_var("CC")).split()[0]))
SCAN_EXPECTED = HAVE_COMPILER and platform.machine() in ("x86_64", "AMD64")
