"""Build the optional C extension (the record finder); everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        # optional: without a C compiler trailaudit installs and uses the Python path
        Extension("auditor.ingest._scan", ["auditor/ingest/_scan.c"], optional=True),
    ]
)
