"""Packs the top-level ``resources/`` folder into the wheel as ``clippings/_resources``.

Everything else is in pyproject.toml. ``clippings.resources`` looks for ``_resources``
beside the package, so an installed wheel finds its icon and sample articles; an editable
install (and a checkout) reads ``resources/`` in place instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False) or not RESOURCES.is_dir():
            return
        target = Path(self.build_lib) / "clippings" / "_resources"
        shutil.copytree(RESOURCES, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithResources})
