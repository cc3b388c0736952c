"""Errors a user can act on.

Every problem a user can fix (a wrong setting, a missing file, a bad value)
is raised as a :class:`CeintelError` whose message says what is wrong, where,
and how to fix it. The command line prints that message as one line and exits
non-zero; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class CeintelError(Exception):
    """A problem the user can fix; the message is shown as it is."""

    exit_code = 2


class ConfigError(CeintelError):
    """A configuration file is missing, unreadable or holds a value that is not allowed."""


class WorkspaceError(CeintelError):
    """A folder is not a workspace, or a workspace is incomplete."""
