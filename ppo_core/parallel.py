"""Running independent jobs (seeds, settings) in worker processes, with a progress bar over finished jobs.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous, 07_table1.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed


def _one_thread():
    import torch

    torch.set_num_threads(1)  # the networks are tiny: one thread per process, one process per core


def run_in_workers(fn, jobs, workers: int = 2, desc: str = "runs", progress: bool = True, **kwargs) -> list:
    """``[fn(*job, **kwargs) for job in jobs]``, computed by ``workers`` processes, in the order of ``jobs``.

    Each worker runs torch on one thread. The progress bar (tqdm.auto: a widget in notebooks, text
    in terminals) advances as jobs finish. With ``workers=1`` everything runs in this process.

    Args:
        fn: a function importable by name (defined in a module, not in a notebook cell), e.g.
            ``ppo_core.train``.
        jobs: a list of argument tuples, e.g. ``[(config,) for config in configs]``.
        workers: processes to use, >= 1.
        desc: the progress bar's label.
        progress: show the progress bar.
        **kwargs: keyword arguments passed to every call. ``workers``, ``desc`` and ``progress`` are this
            function's own; to pass one of those names to ``fn``, bind it first, e.g.
            ``run_in_workers(functools.partial(train, progress=False), jobs)``.

    Returns:
        the results, one per job, in the order of ``jobs``.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous, 07_table1.
    """
    from tqdm.auto import tqdm

    if not callable(fn):
        raise TypeError(f"`fn` must be a function, got {type(fn).__name__}.")
    jobs = [tuple(job) for job in jobs]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive int, got {workers!r}.")
    results = [None] * len(jobs)
    with tqdm(total=len(jobs), desc=desc, unit="run", disable=not progress) as bar:
        if workers == 1:
            for i, job in enumerate(jobs):
                results[i] = fn(*job, **kwargs)
                bar.update(1)
            return results
        context = multiprocessing.get_context("spawn")  # safe with torch; notebooks' own state is not copied
        with ProcessPoolExecutor(min(workers, len(jobs)) or 1, mp_context=context, initializer=_one_thread) as pool:
            futures = {pool.submit(fn, *job, **kwargs): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update(1)
    return results
