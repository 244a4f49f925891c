"""Small helpers shared by the orgs view tests."""

from django.contrib.messages import get_messages

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
STALE = "Someone else changed this record while you were editing it."


def assert_escaped(response):
    content = response.content.decode()
    assert HOSTILE not in content
    assert ESCAPED in content


def messages_of(response) -> list[str]:
    """The messages stored for the client so far, oldest first (the last is this request's)."""
    return [str(m) for m in get_messages(response.wsgi_request)]
