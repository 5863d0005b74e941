from __future__ import annotations

import pytest

from tests.matching.factories import (
    MatchProposalFactory,
    PairRuleFactory,
    SuggestionFactory,
    UnmatchedMenteeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [MatchProposalFactory, UnmatchedMenteeFactory])
def test_run_rows_belong_to_the_runs_program_and_organization(factory):
    row = factory()
    assert row.mentee.program_id == row.run.program_id
    assert row.organization_id == row.run.organization_id


@pytest.mark.parametrize("factory", [PairRuleFactory, SuggestionFactory])
def test_pairs_are_a_mentee_and_a_mentor_of_the_program(factory):
    row = factory()
    assert (row.mentee.role, row.mentor.role) == ("mentee", "mentor")
    assert {row.mentee.program_id, row.mentor.program_id} == {row.program_id}
    assert row.organization_id == row.program.organization_id
