"""Compiles the classifier's scoring loop (complaints/classifier/_scorer.c, with the
headers in complaints/classifier/scorer/) in place.
Run by _venv.sh after installing packages, and by the Dockerfile; it needs a C compiler and
Python's headers. Without it the classifier still works, on numpy alone, about half as fast."""

import os
import sys
import tempfile
from pathlib import Path

from setuptools import Distribution, Extension
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    source = "complaints/classifier/_scorer.c"
    headers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "complaints/classifier/scorer").glob("*.h"))
    extension = Extension("complaints.classifier._scorer", [source], depends=headers, extra_compile_args=["-O2", "-Wall"])
    distribution = Distribution({"name": "ecoute-scorer", "ext_modules": [extension]})
    distribution.script_args = []
    command = build_ext(distribution)
    command.inplace = True
    with tempfile.TemporaryDirectory() as scratch:
        command.build_temp = command.build_lib = scratch  # only the module in place stays
        command.ensure_finalized()
        command.run()


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
