"""Change Order errors keep the codes and statuses the pages and the API show."""

from projects.exceptions import AccountNotEligible, ProjectClosed, ProjectErrorCode


def test_project_errors_carry_their_codes_and_statuses():
    not_eligible = AccountNotEligible("Only a partner user can start a Change Order.")
    closed = ProjectClosed("This project is closed: no new quotes can be created on it.")
    assert (not_eligible.code, not_eligible.status_code) == ("account_not_eligible", 400)
    assert (closed.code, closed.status_code) == ("project_closed", 409)
    assert {code.value for code in ProjectErrorCode} == {"account_not_eligible", "project_closed"}
