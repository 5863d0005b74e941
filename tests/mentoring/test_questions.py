"""Program questions: services, admin pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from mentoring.models import Participant, Question
from mentoring.services import questions as services
from tests.mentoring.factories import ProgramFactory, QuestionFactory
from turazo.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _fields(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    return caught.value.fields


# --- Services --------------------------------------------------------------------------


def test_creating_a_question_derives_the_key_and_appends_it(program):
    first = services.question_create(program=program, label="Preferred format?", choices=["Video", " In  person "])
    second = services.question_create(program=program, label="Anything else?", kind="text", key="Else")
    assert (first.key, first.position, first.choices) == ("preferred-format", 1, ["Video", "In person"])
    assert (second.key, second.position, second.choices) == ("else", 2, [])


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"label": "  ", "kind": "text"},
            {
                "label": ["Write the question people will see."],
                "key": ["Give the question a short key of letters, digits and dashes, e.g. preferred-format."],
            },
        ),
        (
            {"label": "Format?", "choices": ["Video"]},
            {"choices": ["A choice question needs at least two different choices, one per line."]},
        ),
        (
            {"label": "Format?", "choices": ["Video", "VIDEO "]},
            {"choices": ["A choice question needs at least two different choices, one per line."]},
        ),
        (
            {"label": "Format?", "kind": "multiple", "choices": []},
            {"choices": ["A choice question needs at least two different choices, one per line."]},
        ),
        ({"label": "Format?", "kind": "essay"}, {"kind": ["Choose single choice, multiple choice or short text."]}),
        (
            {"label": "Format?", "kind": "text", "audience": "managers"},
            {"audience": ["Choose who answers: mentors and mentees, mentors, or mentees."]},
        ),
        (
            {"label": "Again", "kind": "text", "key": "Existing"},
            {"key": ["This program already has a question with the key “existing”; choose another key."]},
        ),
    ],
    ids=["blank", "one-choice", "duplicate-choices", "multiple-without-choices", "kind", "audience", "duplicate-key"],
)
def test_invalid_questions_get_a_message_per_field_and_nothing_is_created(program, kwargs, expected):
    QuestionFactory(program=program, key="existing")
    assert _fields(services.question_create, program=program, **kwargs) == expected
    assert program.questions.count() == 1


def test_the_same_key_is_fine_in_another_program(program):
    QuestionFactory(program=program, key="format")
    other = ProgramFactory(organization=program.organization)
    assert services.question_create(program=other, label="Format?", key="format", kind="text").key == "format"


def test_adding_a_required_question_recomputes_everyones_completeness(program, mentee):
    participant = Participant.objects.get(user=mentee)
    participant.completeness = 100
    participant.save()
    services.question_create(program=program, label="Format?", choices=["Video", "In person"], required=True)
    participant.refresh_from_db()
    assert participant.completeness == 30  # 3 of 10: name, time zone and languages came from the factory


def test_an_optional_question_does_not_change_anyones_completeness(program, mentee):
    participant = Participant.objects.get(user=mentee)
    services.question_create(program=program, label="Format?", choices=["Video", "In person"])
    participant.refresh_from_db()
    assert participant.completeness == 33  # 3 of 9: optional questions do not count


def test_making_a_question_optional_recomputes_completeness(program, mentee):
    participant = Participant.objects.get(user=mentee)
    question = services.question_create(program=program, label="Format?", choices=["Video", "In person"], required=True)
    participant.refresh_from_db()
    assert participant.completeness == 30
    services.question_update(
        question=question, label="Format?", kind="single", choices=["Video", "In person"], audience="both", required=False
    )
    participant.refresh_from_db()
    assert participant.completeness == 33


def test_deleting_a_question_removes_its_answers_and_renumbers(program, mentee, mentor):
    a = QuestionFactory(program=program, key="a", position=1)
    b = QuestionFactory(program=program, key="b", position=2)
    c = QuestionFactory(program=program, key="c", position=3)
    Participant.objects.filter(program=program).update(answers={"a": ["Video"], "b": ["Video"]})
    services.question_delete(question=b)
    assert not Question.objects.filter(pk=b.pk).exists()
    assert list(Participant.objects.filter(program=program).values_list("answers", flat=True)) == [
        {"a": ["Video"]},
        {"a": ["Video"]},
    ]
    assert list(program.questions.values_list("pk", "position")) == [(a.pk, 1), (c.pk, 2)]


def test_updating_choices_drops_answers_that_no_longer_fit(program, mentee, mentor):
    question = QuestionFactory(program=program, key="format", choices=["Video", "In person"])
    Participant.objects.filter(user=mentee).update(answers={"format": ["In person"]})
    Participant.objects.filter(user=mentor).update(answers={"format": ["Video"]})
    services.question_update(
        question=question, label="Format", kind="single", choices=["video", "Phone"], audience="both", required=False
    )
    question.refresh_from_db()
    assert question.choices == ["video", "Phone"]
    assert Participant.objects.get(user=mentee).answers == {}
    assert Participant.objects.get(user=mentor).answers == {"format": ["video"]}


def test_narrowing_the_audience_drops_the_other_roles_answers(program, mentee, mentor):
    question = QuestionFactory(program=program, key="format")
    Participant.objects.filter(program=program).update(answers={"format": ["Video"]})
    services.question_update(
        question=question, label="Format", kind="single", choices=question.choices, audience="mentor", required=True
    )
    assert Participant.objects.get(user=mentee).answers == {}
    assert Participant.objects.get(user=mentor).answers == {"format": ["Video"]}


def test_moving_questions_up_and_down(program):
    a, b, c = (QuestionFactory(program=program, position=n) for n in (1, 2, 3))
    services.question_move(question=c, direction="up")
    assert list(program.questions.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    services.question_move(question=a, direction="up")  # already first: unchanged
    assert list(program.questions.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    services.question_move(question=a, direction="down")
    assert list(program.questions.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


def test_reorder_needs_every_question_once(program):
    a, b = QuestionFactory(program=program, position=1), QuestionFactory(program=program, position=2)
    assert _fields(services.question_reorder, program=program, order=[a.pk, a.pk]) == {
        "order": [f"Expected the ids {sorted([a.pk, b.pk])} in some order."]
    }
    assert list(program.questions.values_list("pk", flat=True)) == [a.pk, b.pk]


# --- Pages -----------------------------------------------------------------------------


def test_admin_adds_a_question_on_the_page(client, hr_admin, program):
    client.force_login(hr_admin)
    url = reverse("question-list", args=[program.pk])
    response = client.post(
        url, {"label": "Preferred format", "kind": "single", "choices": "Video\nIn person\n", "audience": "both"}
    )
    assert response.status_code == 302
    question = program.questions.get()
    assert (question.key, question.choices, question.required) == ("preferred-format", ["Video", "In person"], False)
    assert "Preferred format" in client.get(url).content.decode()


def test_admin_sees_the_message_next_to_choices(client, hr_admin, program):
    client.force_login(hr_admin)
    response = client.post(
        reverse("question-list", args=[program.pk]),
        {"label": "Format", "kind": "multiple", "choices": "Video", "audience": "both"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "choices": ["A choice question needs at least two different choices, one per line."]
    }
    assert 'id="id_choices_error"' in response.content.decode()
    assert not program.questions.exists()


def test_admin_edits_a_question_but_not_its_key(client, hr_admin, program):
    question = QuestionFactory(program=program, key="format")
    client.force_login(hr_admin)
    url = reverse("question-edit", args=[program.pk, question.pk])
    assert "key" not in client.get(url).context["form"].fields
    response = client.post(
        url, {"label": "Format?", "kind": "text", "choices": "", "audience": "mentee", "required": "on", "key": "x"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.key, question.label, question.kind, question.audience, question.required) == (
        "format",
        "Format?",
        "text",
        "mentee",
        True,
    )


def test_htmx_move_and_delete_return_the_list_partial(client, hr_admin, program):
    a, b = QuestionFactory(program=program, label="First?", position=1), QuestionFactory(program=program, position=2)
    client.force_login(hr_admin)
    response = client.post(
        reverse("question-move", args=[program.pk, b.pk]), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="question-list"')
    assert f"Moved “{b.label}” up." in html
    assert list(program.questions.values_list("pk", flat=True)) == [b.pk, a.pk]

    response = client.post(reverse("question-delete", args=[program.pk, a.pk]), HTTP_HX_REQUEST="true")
    assert "Question “First?” and its answers deleted." in response.content.decode()
    assert list(program.questions.values_list("pk", flat=True)) == [b.pk]


def test_move_without_htmx_redirects_back_to_the_list(client, hr_admin, program):
    a, b = QuestionFactory(program=program, position=1), QuestionFactory(program=program, position=2)
    client.force_login(hr_admin)
    response = client.post(reverse("question-move", args=[program.pk, a.pk]), {"direction": "down"})
    assert response["Location"] == reverse("question-list", args=[program.pk])
    assert list(program.questions.values_list("pk", flat=True)) == [b.pk, a.pk]


def test_delete_needs_post(client, hr_admin, program):
    question = QuestionFactory(program=program)
    client.force_login(hr_admin)
    assert client.get(reverse("question-delete", args=[program.pk, question.pk])).status_code == 405
    assert program.questions.exists()


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_participants_get_403_on_question_pages(client, request, program, who):
    question = QuestionFactory(program=program)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("question-list", args=[program.pk])).status_code == 403
    assert client.get(reverse("question-edit", args=[program.pk, question.pk])).status_code == 403
    assert client.post(reverse("question-delete", args=[program.pk, question.pk])).status_code == 403
    assert program.questions.count() == 1


def test_outsider_gets_404_on_question_pages(client, outsider, program):
    question = QuestionFactory(program=program)
    client.force_login(outsider)
    assert client.get(reverse("question-list", args=[program.pk])).status_code == 404
    assert client.get(reverse("question-edit", args=[program.pk, question.pk])).status_code == 404
    assert client.post(reverse("question-delete", args=[program.pk, question.pk])).status_code == 404
    assert client.post(reverse("question-move", args=[program.pk, question.pk]), {"direction": "up"}).status_code == 404
    assert program.questions.count() == 1


def test_a_question_is_not_reachable_through_another_program(client, hr_admin, program):
    other = ProgramFactory(organization=program.organization)
    question = QuestionFactory(program=other)
    client.force_login(hr_admin)
    assert client.get(reverse("question-edit", args=[program.pk, question.pk])).status_code == 404


def test_program_page_links_to_questions(client, hr_admin, program):
    client.force_login(hr_admin)
    html = client.get(reverse("program-detail", args=[program.pk])).content.decode()
    assert f'href="{reverse("question-list", args=[program.pk])}">Questions' in html


# --- API -------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_api_crud_questions(api, hr_admin, program):
    api.force_authenticate(hr_admin)
    base = f"/api/programs/{program.pk}/questions/"
    created = api.post(base, {"label": "Format?", "choices": ["Video", "In person"], "required": True}, format="json")
    assert created.status_code == 201
    qid = created.json()["id"]
    assert created.json() == {
        "id": qid,
        "key": "format",
        "label": "Format?",
        "kind": "single",
        "choices": ["Video", "In person"],
        "audience": "both",
        "required": True,
        "position": 1,
    }
    patched = api.patch(f"{base}{qid}/", {"choices": ["Video", "Phone"]}, format="json")
    assert patched.status_code == 200
    assert patched.json()["choices"] == ["Video", "Phone"]
    assert api.get(base).json()[0]["choices"] == ["Video", "Phone"]
    assert api.delete(f"{base}{qid}/").status_code == 204
    assert not program.questions.exists()


def test_api_reports_field_errors_and_refuses_key_changes(api, hr_admin, program):
    question = QuestionFactory(program=program, key="format")
    api.force_authenticate(hr_admin)
    base = f"/api/programs/{program.pk}/questions/"
    response = api.post(base, {"label": "Other", "key": "format", "kind": "text"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_failed",
            "message": "Please correct the question: key.",
            "fields": {"key": ["This program already has a question with the key “format”; choose another key."]},
        }
    }
    response = api.patch(f"{base}{question.pk}/", {"key": "new"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "key": ["The key stays “format”: it names the stored answers and the CSV column."]
    }


def test_api_reorders_questions(api, hr_admin, program):
    a, b = QuestionFactory(program=program, position=1), QuestionFactory(program=program, position=2)
    api.force_authenticate(hr_admin)
    response = api.post(f"/api/programs/{program.pk}/questions/reorder/", {"order": [b.pk, a.pk]}, format="json")
    assert [(q["id"], q["position"]) for q in response.json()] == [(b.pk, 1), (a.pk, 2)]


def test_api_mentee_gets_403_and_outsider_404_on_questions(api, mentee, outsider, program):
    question = QuestionFactory(program=program)
    base = f"/api/programs/{program.pk}/questions/"
    api.force_authenticate(mentee)
    assert api.get(base).status_code == 403
    assert api.post(base, {"label": "X", "kind": "text"}, format="json").status_code == 403
    api.force_authenticate(outsider)
    assert api.get(base).status_code == 404
    assert api.get(f"{base}{question.pk}/").status_code == 404
    assert api.delete(f"{base}{question.pk}/").status_code == 404
    assert api.post(base, {"label": "X", "kind": "text"}, format="json").status_code == 404
    assert program.questions.count() == 1
