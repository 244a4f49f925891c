"""The one action runner of the pages (core.actions): a refused action shows the page again with
the user's input kept and the reason in words; a forbidden one is a 404; success flashes the
message and redirects."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from gongzhi.core.actions import Action, attempt, run_action
from gongzhi.core.records import ConcurrentEditError


class NoteForm(forms.Form):
    text = forms.CharField(max_length=20)
    version = forms.IntegerField()


def _request(data: dict):
    request = RequestFactory().post("/thing/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


class Page:
    """Records what the runner asked the page to show again."""

    def __init__(self):
        self.shown = None

    def __call__(self, key, form):
        self.shown = (key, form)
        return HttpResponse("page", status=400)


def _action(call, **kwargs) -> Action:
    return Action(form=lambda on, data, files: NoteForm(data), call=call, done="Saved.", **kwargs)


def _run(action: Action, data: dict, key: str = "note", on=None):
    request, page = _request(data), Page()
    response = run_action(request, {"note": action}, key, on, back="/thing/", page=page)
    return request, page, response


GOOD = {"text": "hello", "version": "3"}


def test_success_flashes_the_message_and_redirects_to_the_page():
    seen = []
    request, page, response = _run(_action(lambda on, form: seen.append(form.cleaned_data) or "done"), GOOD)
    assert response.status_code == 302 and response["Location"] == "/thing/"
    assert _texts(request) == ["Saved."] and page.shown is None
    assert seen == [{"text": "hello", "version": 3}]


def test_a_service_returning_nothing_still_succeeded_and_the_message_may_name_the_result():
    action = Action(
        form=lambda on, data, files: NoteForm(data),
        call=lambda on, form: None,
        done=lambda result: f"Done: {result}.",
        to=lambda on, result: "/elsewhere/",
    )
    request, _page, response = _run(action, GOOD)
    assert response["Location"] == "/elsewhere/" and _texts(request) == ["Done: None."]


def test_an_unknown_or_forbidden_action_is_a_404_and_nothing_runs():
    calls = []
    with pytest.raises(Http404):
        _run(_action(lambda on, form: calls.append(1)), GOOD, key="other")
    with pytest.raises(Http404):
        _run(_action(lambda on, form: calls.append(1), allowed=lambda on: False), GOOD)
    assert calls == []


def test_permission_denied_by_the_service_is_a_404():
    def refuse(on, form):
        raise PermissionDenied("not yours")

    with pytest.raises(Http404):
        _run(_action(refuse), GOOD)


def test_form_errors_show_the_page_again_with_the_input_kept():
    calls = []
    request, page, response = _run(_action(lambda on, form: calls.append(1)), {"text": "x" * 30, "version": "3"})
    assert response.status_code == 400 and calls == []
    key, form = page.shown
    assert key == "note" and form.data["text"] == "x" * 30 and form.errors["text"]
    assert _texts(request) == []


def test_a_missing_version_is_an_error_not_the_current_version():
    _request_, page, _response = _run(_action(lambda on, form: "done"), {"text": "hello"})
    assert page.shown[1].errors["version"]


def test_the_services_refusal_is_shown_on_the_form_in_words():
    def refuse(on, form):
        raise ValidationError({"text": "Not that text.", "__all__": "Not now."})

    _request_, page, _response = _run(_action(refuse), GOOD)
    form = page.shown[1]
    assert form.errors["text"] == ["Not that text."] and form.non_field_errors() == ["Not now."]
    assert form.data["text"] == "hello"


def test_a_stale_form_says_reload_and_keeps_the_input():
    def stale(on, form):
        raise ConcurrentEditError()

    with translation.override("en"):
        _request_, page, _response = _run(_action(stale), GOOD)
        form = page.shown[1]
        assert "reload the page" in form.non_field_errors()[0] and form.data["text"] == "hello"


def test_a_bare_button_refused_flashes_the_reasons_and_goes_back():
    def refuse(on, form):
        raise ValidationError("The vote is closed.")

    request, page, response = _run(_action(refuse, on_page=False), GOOD)
    assert page.shown is None and response.status_code == 302 and response["Location"] == "/thing/"
    assert _texts(request) == ["The vote is closed."]


def test_attempt_returns_none_when_refused_and_a_redirect_when_done():
    request = _request(GOOD)
    refused = NoteForm({"text": ""})
    assert attempt(request, refused, lambda: "x", done="Saved.", to="/a/") is None
    response = attempt(request, NoteForm(GOOD), lambda: "x", done="Saved.", to=lambda result: f"/{result}/")
    assert response["Location"] == "/x/" and _texts(request) == ["Saved."]
