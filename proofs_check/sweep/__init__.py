"""Parameter sweeps: a grid of cells run locally or on Dask, stored as JSON Lines.

:mod:`.grid` (the spec and its cells), :mod:`.cells` (one cell's simulation),
:mod:`.executors` (local process pool, Dask), :mod:`.store` (the resumable results
file), :mod:`.run` (:func:`~.run.run_sweep`), :mod:`.plots` (``larscheck plot sweep``).
"""
