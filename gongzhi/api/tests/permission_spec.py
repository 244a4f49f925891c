"""The API's part of the permission matrix. The matrix signs personas in with a session; the API
reads no session, only `Authorization: Bearer`, so every persona — signed in or not — gets the
same answer: 401 from the endpoints, 200 from the public OpenAPI document and root, 404 from
unknown addresses. What each persona's *token* may do is tested in test_scope.py
(test_token_matrix)."""

from gongzhi.core.tests.matrix import ALL, Route


def everyone(status: int) -> dict:
    return {persona: status for persona in ALL}


def routes(world):
    return [
        Route("api:api-root", expect=everyone(200)),
        Route("api:openapi-json", expect=everyone(200)),
        Route("api:case_create", method="POST", expect=everyone(401)),
        Route("api:case_list", expect=everyone(401)),
        Route("api:case_list", method="PUT", expect=everyone(405)),
        Route("api:case_detail", args=("2611-0001",), expect=everyone(401)),
        Route("api:case_detail", args=("2611-0001",), method="POST", expect=everyone(405)),
        Route("api:category_list", expect=everyone(401)),
        Route("api:intake_detail", args=("abcdefghjkmn",), expect=everyone(401)),
        Route("api:not_found", args=("anything/else",), expect=everyone(404)),
    ]
