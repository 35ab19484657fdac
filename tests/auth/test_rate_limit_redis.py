"""Login rate limits kept in Redis are shared by every worker (real Redis, no mock)."""
import os
import uuid

import pytest

from app import create_app
from app.auth.services import create_user
from tests.conftest import BASE_CONFIG
from tests.helpers import login, require_service

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url():
    url = os.environ.get("TIER0_TEST_REDIS_URL")
    if not url:
        require_service("TIER0_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError as exc:
        require_service(f"Redis at TIER0_TEST_REDIS_URL is unreachable: {exc}")
    return url


def test_a_second_worker_sees_the_attempts_counted_by_the_first(tmp_path, sqlite_template, redis_url):
    import redis
    import shutil

    prefix = f"tier0test{uuid.uuid4().hex[:8]}"
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(sqlite_template, instance / "tier0.db")
    config = {**BASE_CONFIG, "INSTANCE_PATH": str(instance), "REDIS_URL": redis_url,
              "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "3 per minute"}
    first = create_app(config)
    with first.app_context():
        create_user("ed@example.com", "correct horse battery", role="editor")
    client = first.test_client()
    assert [login(client, "ed@example.com", "nope-nope").status_code for _ in range(3)] == [400, 400, 400]

    second = create_app(config)  # another worker: fresh process state, same Redis
    response = login(second.test_client(), "ed@example.com", "correct horse battery")

    assert response.status_code == 429
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys(f"*{prefix}*")]
    assert keys and not any("127.0.0.1" in key for key in keys)
    redis.Redis.from_url(redis_url).delete(*keys)
