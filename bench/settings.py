"""Production settings, plus the bare view's URL: what the benchmark runs with.

`python -m bench.run` sets the environment production asks for (a random SECRET_KEY for the
run, the hosts it answers to, Redis at REDIS_URL as the cache, its own STATIC_ROOT) and uses
these settings in its own process and in the gunicorn it starts for the throughput run.
Two-factor is on, as in production (CODESIGN_REQUIRE_MFA defaults to true there).
"""

from codesign.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Production in everything but its name, which the seed commands refuse: `bench.run --size`
# seeds the benchmark's database under these settings.
CODESIGN_ENVIRONMENT = "benchmark"
