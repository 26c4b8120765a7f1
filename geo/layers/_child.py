"""Entry point of the sandbox child process.

Importing this module prepares GDAL's environment, so it must be imported
before pyogrio in the child (the forkserver preloads it).
"""
from __future__ import annotations

from geo.layers import gdalenv

gdalenv.prepare_process()

import pyogrio  # noqa: E402  (after prepare_process: drivers are chosen at import)

from geo.layers.pipeline import inspect_in_workdir  # noqa: E402

__all__ = ["inspect", "pyogrio"]


def inspect(*args: object, **kwargs: object) -> object:
    """`inspect_in_workdir`, reached through this module so spawn children prepare GDAL first."""
    return inspect_in_workdir(*args, **kwargs)
