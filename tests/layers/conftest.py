"""Fixtures of the GIS team's tests."""
from __future__ import annotations

import pytest

from participation.accounts.models import Role


@pytest.fixture
def gis(create_user, town, login):
    """A GIS-team member of `town`, logged in with the test client."""
    user = create_user(Role.GIS, towns=[town])
    login(user)
    return user
