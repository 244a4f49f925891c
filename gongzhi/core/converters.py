"""The path converter of the unguessable codes that URLs carry instead of sequential ids
(core.ids.new_uid: lower-case letters and digits). Registered once, as `uid`, by
`gongzhi/urls.py` before any app's URLs are read; every app writes `<uid:uid>`,
`<uid:file_uid>` …, so that a code is matched the same way everywhere.

Any length is matched, not only the 12 characters of new_uid: an unknown code is the view's 404
(as for any code not in the user's scope), never a different answer. So a fixed path next to a
code (`/cases/setup/`, `/meetings/new/`) must come before the code's pattern."""

from django.urls import register_converter


class UidConverter:
    regex = "[0-9a-z]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(UidConverter, "uid")
