from gongzhi.core import process_cache


def test_remembered_until_forgotten_or_expired(monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert process_cache.remembered("t", "k", 60, compute) == 1
    assert process_cache.remembered("t", "k", 60, compute) == 1
    process_cache.forget("t")
    assert process_cache.remembered("t", "k", 60, compute) == 2
    clock = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: clock[0])
    process_cache.forget("t")
    assert process_cache.remembered("t", "k", 10, compute) == 3
    clock[0] += 11
    assert process_cache.remembered("t", "k", 10, compute) == 4
