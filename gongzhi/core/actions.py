"""One way for a page to run what a user posts: an action is declared once, in a table of its
page (the form it takes, the service it calls, who may post it, the message on success), and run
by `run_action`:

- an action the user may not take at all (unknown, or refused by `allowed`), or a service that
  raises PermissionDenied, is a 404: nothing is revealed;
- a form with errors, a service's ValidationError, or a stale form (ConcurrentEditError: someone
  changed the record since the page was shown — "reload the page") shows the page again with the
  form as it was sent and the reason in words on it; nothing is saved;
- success flashes the message and redirects (POST → redirect → GET).

`attempt` is the same run for a page with one form of its own (create and edit pages:
`core.pages.form_page`, and pages that render their own template). The pages are not driven by
htmx: a plain redirect is the answer to every successful POST."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .forms import apply_service

Message = Any  # a (lazy) string, or a function of the service's result returning one


def _always(on) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    """One action of a page. `on` is whatever the page's view hands the runner (the record and
    what the page knows about the user's part in it)."""

    form: Callable[[Any, Any, Any], forms.BaseForm]
    """form(on, data, files): the bound form."""
    call: Callable[[Any, forms.BaseForm], Any]
    """call(on, form): the service call, with the form's cleaned data."""
    done: Message
    """The success message: a string, or done(result) for one that names what was done."""
    allowed: Callable[[Any], bool] = _always
    """allowed(on): whether the user's role may post this action at all (else 404). Whether the
    record's state allows it now is the service's to say (a ValidationError, shown on the form)."""
    to: Callable[[Any, Any], Any] | None = None
    """to(on, result): where success goes (a URL or a model); by default the page's `back`."""
    on_page: bool = True
    """Whether the page shows this action's form: then a refusal shows the page again with it;
    otherwise (a bare button) the reasons are flashed and the user goes back to the page."""


def _message(done: Message, result) -> str:
    return done(result) if callable(done) else done


def attempt(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[], Any], *, done: Message, to
) -> HttpResponse | None:
    """Run `call` (a service) for a valid `form`. Success: flash `done` and redirect to `to` (or
    `to(result)` when callable). Refused (form errors, a ValidationError now on the form): None,
    and the caller shows the form again. A PermissionDenied from the service is a 404."""
    if not form.is_valid():
        return None
    succeeded = False

    def tracked():
        nonlocal succeeded
        result = call()
        succeeded = True
        return result

    try:
        result = apply_service(form, tracked)
    except PermissionDenied:
        raise Http404 from None
    if not succeeded:
        return None
    messages.success(request, _message(done, result))
    return redirect(to(result) if callable(to) else to)


def act(request: HttpRequest, obj, form: forms.BaseForm, call: Callable, *, done: Message, to, reshow) -> HttpResponse:
    """One step on a record from its page: `call(obj, cleaned_data)` through `attempt`. Refused:
    `reshow(form)` — the record's page again with the form as the user typed it (status 400)."""
    response = attempt(request, form, lambda: call(obj, form.cleaned_data), done=done, to=to)
    return response or reshow(form)


def flash_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """A refused form that the page does not show: its reasons as messages."""
    for error in form.non_field_errors():
        messages.error(request, error)
    for field in form:
        for error in field.errors:
            messages.error(request, error)


def run_action(
    request: HttpRequest,
    actions: Mapping[str, Action],
    key: str,
    on,
    *,
    back,
    page: Callable[[str, forms.BaseForm], HttpResponse],
) -> HttpResponse:
    """Run the posted action `key` of a page's table `actions` on `on`. `back` is the page (a URL
    or a model); `page(key, form)` renders it again with the refused form in place."""
    action = actions.get(key)
    if action is None or not action.allowed(on):
        raise Http404
    form = action.form(on, request.POST, request.FILES)

    def to(result):
        return action.to(on, result) if action.to is not None else back

    response = attempt(request, form, lambda: action.call(on, form), done=action.done, to=to)
    if response is not None:
        return response
    if not action.on_page:
        flash_errors(request, form)
        return redirect(back)
    return page(key, form)
