from core.backoff import BACKOFF_MAX_SECONDS, backoff_seconds


def test_backoff_grows_and_stays_capped():
    assert 30 <= backoff_seconds(1) <= 60
    assert 240 <= backoff_seconds(4) <= 480
    assert backoff_seconds(50) <= BACKOFF_MAX_SECONDS
