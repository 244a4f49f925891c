"""Limits that count and then insert hold under concurrent requests (issue 11, finding 10): ten
threads asking codes for one number at the same moment send no more than the hourly limit."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.accounts import services
from gongzhi.accounts.models import PhoneCode
from gongzhi.api.tests.test_concurrency import _shared_memory_sqlite


@pytest.mark.skipif(_shared_memory_sqlite(), reason="needs a database where writers wait for each other")
@pytest.mark.django_db(transaction=True)
def test_concurrent_code_requests_stay_within_the_address_limit(settings):
    settings.OTP_MAX_PER_ADDRESS_PER_HOUR = 3
    settings.OTP_RESEND_SECONDS = 0
    barrier = threading.Barrier(10)
    refused = []

    def ask(n):
        try:
            barrier.wait(timeout=10)
            services.request_phone_code(phone=f"1391111{n:04d}", address="198.51.100.7")
        except ValidationError:
            refused.append(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert PhoneCode.objects.filter(address="198.51.100.7").count() == 3
    assert len(refused) == 7
