"""Login errors keep the codes and statuses integrators rely on."""

from accounts.exceptions import AccountErrorCode, InvalidCredentials, LockedOut


def test_login_errors_carry_their_codes_and_statuses():
    wrong = InvalidCredentials("Unable to log in with the provided credentials.")
    locked = LockedOut("Too many failed logins: try again later.")
    assert (wrong.code, wrong.status_code) == ("invalid_credentials", 400)
    assert (locked.code, locked.status_code) == ("locked_out", 429)
    assert {code.value for code in AccountErrorCode} == {"invalid_credentials", "locked_out"}
