"""Codesign's benchmark: how fast and frugal the busiest pages and exports are at scale.

Not part of `make test`. Run it on PostgreSQL with the large data set:

    createdb -h 127.0.0.1 -U postgres codesign_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/codesign_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_large
    .venv/bin/python -m bench.run --out bench/results.json

What it measures, on the organisation `seed_large` builds (20 projects, 2,000 participants,
20,000 contributions; one project holds 2,000 of them):

- pages: the median server time over 20 requests, after 5 warm-up requests, and the queries of
  one request, for the organisation dashboard (as the manager), the project dashboard and the
  contribution board's first page (as the facilitator, on the 2,000-contribution project), each
  beside `bare/`, a view that renders the base template and runs no queries of its own, asked
  by the same signed-in person just before each request (so the ratio holds on a machine whose
  speed varies). Requests go through Django's test client and the whole middleware stack; no
  network, no web server.
- exports and the project report PDF: wall time, queries, the process's peak resident memory
  (VmHWM, reset before each run) and the peak of Python allocations (tracemalloc, a second run).

It writes every figure, each target and whether it was met to the JSON file, and prints a table.
`tests/test_bench.py` runs a tiny version in the suite, so the harness cannot rot.
"""
