from __future__ import annotations

import pytest

from turazo.core.mail import subject_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Spring\ncohort", "Spring cohort"),
        ("  Two\r\n lines\tand tabs ", "Two lines and tabs"),
        ("Plain", "Plain"),
    ],
)
def test_subjects_are_always_one_line(raw, expected):
    assert subject_line(raw) == expected


def test_invitation_email_for_a_program_name_with_a_line_break_is_sent(program, hr_admin, mailoutbox):
    from mentoring.services.invitations import invitation_issue_bulk
    from mentoring.tasks.invitations import invitations_send
    from tests.mentoring.factories import ParticipantFactory

    program.name = "Spring\ncohort"
    program.save()
    invitation = invitation_issue_bulk(participants=[ParticipantFactory(program=program)], invited_by=hr_admin)[0]
    invitations_send.run([invitation.pk])
    assert [m.subject for m in mailoutbox] == ["You're invited to Spring cohort as a mentee"]
