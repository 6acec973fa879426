from django.conf import settings


def test_flag():
    assert settings.ONLY_IN_TESTS
