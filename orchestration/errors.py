"""Errors a user can cause (bad path, bad period, missing data).

The CLI prints their message on one line and exits non-zero, without a traceback.
"""


class UserError(Exception):
    """Something the user can fix; the message says what and how."""

    exit_code = 2
