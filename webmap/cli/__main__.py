"""``python -m webmap.cli``: the ``hpmap`` command where its script is not installed."""

from webmap.cli import main

main()
