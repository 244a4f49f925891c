"""The warning letters' demo story on the small test world (the property persona's login is named as
in the demo town): a 提示函 answered and closed, one escalated to a 警示函 (with its credit record)
waiting for its answer, one draft to approve; deterministic and played once."""

import pytest

from gongzhi.core.models import User
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.tests.factories import name_manager
from gongzhi.warning_letters import demo
from gongzhi.warning_letters.models import Letter, Level
from gongzhi.warning_letters.workflow import LetterState

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_the_story_plays_through_the_services_once(world):
    name_manager(world)
    User.objects.filter(username="property_manager").update(username="property")
    told = demo.play(world.town)
    assert told == (
        "3 warning letters (〔2026〕第1号 closed, 〔2026〕第3号 警示函 waiting for its answer, one draft to approve) "
        "played through the services."
    )
    states = {(letter.level, letter.state) for letter in Letter.objects.all()}
    assert states == {
        (Level.NOTICE, LetterState.CLOSED),
        (Level.NOTICE, LetterState.ESCALATED),
        (Level.WARNING, LetterState.SENT),
        (Level.NOTICE, LetterState.DRAFT),
    }
    warning = Letter.objects.get(level=Level.WARNING)
    assert warning.previous.state == LetterState.ESCALATED and warning.deadline.isoformat() > "2026-11-27"
    assert warning.credit_record == CreditRecord.objects.get(category="warnings.warning")
    closed = Letter.objects.get(state=LetterState.CLOSED)
    assert closed.evidence.count() == 1 and closed.answer
    assert Letter.objects.get(state=LetterState.DRAFT).addressee == world.orgs["oc1"]
    assert demo.play(world.town) == ""
