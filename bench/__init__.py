"""The benchmark of ``reconcile``: ground truth by construction, quality and speed figures,
and a side-by-side with CollateX. ``make bench`` (quick) and ``make bench-full`` run it;
``python -m bench --help`` says how.

Modules:

- ``generate``: works and their edition folders built from the clean texts in ``corpus/``,
  with every change recorded (``truth.json``);
- ``quality``: grouping F1, character error rates beside two baselines (the best single
  printing, a plain vote), corruption sites reported and restored, precision of the notes,
  page order of printings over page files; overall, per language and per case;
- ``speed``: wall time and peak memory of ``reconcile run`` as a subprocess, growth exponent,
  a profile of the largest run;
- ``realocr``: real OCR of one book by three engines (``../shared/data/``), scored against
  its transcription beside a plain vote, each engine and the oracle;
- ``reallines``: the same pages cut into one work per transcription line (short works),
  scored the same way beside the average single reading;
- ``compare``: CollateX, reconcile and difflib aligning the same witness pairs;
- ``report``: ``docs/benchmarks.md`` and ``docs/bench-time.png``;
- ``run`` (``python -m bench``): all of it in order.

Only ``generate``, ``quality`` (with ``realocr.rover``), ``reallines.cut`` and the scoring part
of ``compare`` are imported by the unit tests; they need nothing beyond what ``reconcile``
itself needs.
"""
