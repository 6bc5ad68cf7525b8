"""Codesign's benchmark: how fast and frugal pages are where people really are.

Not part of `make test`. Run it on PostgreSQL with Redis, one database per size:

    createdb -h 127.0.0.1 -U postgres codesign_bench_20k
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/codesign_bench_20k
    export REDIS_URL=redis://127.0.0.1:6379/7   # a database of Redis the bench may empty
    # migrate, then seed_large --size 20k (2k, 20k or 200k) unless the database holds it already
    .venv/bin/python -m bench.run --size 20k --readme README.md

What it measures, on the organisation `seed_large` builds (its measured project holds a tenth
of the contributions, a quarter of them touchpoints, and an idea with ten comments):

- settings: production's (bench/settings.py: two-factor required, Redis as the cache, DEBUG
  off, manifest static files), plus the bare view;
- people: a participant of the project and its facilitator (the manager for the organisation
  dashboard), signed in; the facilitator and the manager have an authenticator app;
- pages: the board's first, middle and last page and a search, the contribution with ten
  comments, a session page, the journey map, the project and organisation dashboards;
- states of each page: kept (asked again, nothing changed), after a support and after a comment
  (another participant has just written, through the service), nothing kept (the cache
  emptied);
- each request paired with the bare view (`bare/`: a plain HttpResponse through the whole
  middleware, signed in) asked just before it by the same person, before the write or the
  emptying: median time, median ratio of the pairs, and the queries of each request;
- throughput: gunicorn with 2 workers on a free loopback port, participants in turn, the board
  against the bare view, without writes and with two writes a second;
- exports and report PDFs: time, queries, peak memory;
- reminders: 10,000 due at once sent by the worker's run, timed, then run again (none may go
  twice), in a transaction rolled back after (bench/reminders.py).

It prints every target of the performance issue as met, MISSED or not measured (a target names
the size it holds at; bench/targets.py), and writes the figures to bench/results.json (each size
beside the others) and, with --readme, to the README, misses included. `bench.before` measures
the code as it stood before this round on the same machine, with the same pages, people and
pairing (bench/before.py), for the target "no figure worse than before".
`tests/test_bench.py` tests its machinery at a tiny size, so the harness cannot rot.
"""
