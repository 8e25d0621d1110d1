"""The benchmark of ``reconcile``: ground truth by construction, quality and speed figures,
and a side-by-side with CollateX. ``make bench`` (quick) and ``make bench-full`` run it;
``python -m bench --help`` says how.

Modules:

- ``generate``: works and their edition folders built from the clean texts in ``corpus/``,
  with every change recorded (``truth.json``);
- ``quality``: grouping F1, character error rates, corruption sites reported and restored,
  precision of the notes;
- ``speed``: wall time and peak memory of ``reconcile run`` as a subprocess, growth exponent,
  a profile of the largest run;
- ``compare``: CollateX, reconcile and difflib aligning the same witness pairs;
- ``report``: ``docs/benchmarks.md`` and ``docs/bench-time.png``;
- ``run`` (``python -m bench``): all of it in order.

Only ``generate`` and ``quality`` (and the scoring part of ``compare``) are imported by the
unit tests; they need nothing beyond what ``reconcile`` itself needs.
"""
