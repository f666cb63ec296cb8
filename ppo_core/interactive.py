"""Figures you can play with: sliders where ipywidgets runs, the same figure as a static image everywhere.

``interactive_figure(draw, controls)`` draws the figure once at the controls' defaults and shows it
as an ordinary image (what a rendered page, a PDF or a frontend without widgets shows), then, where
ipywidgets is installed, adds sliders; moving one draws the figure for the new values below them. ``draw`` is a plain
function of the control values, so a notebook can also call it directly, e.g. under a test.

Notebooks: 01_advantage, 04_clipped_surrogate.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt


def interactive_figure(draw, controls: dict, figsize=(8, 4)):
    """Show ``draw(fig, **defaults)`` as a static figure, then sliders that redraw it (if ipywidgets is available).

    Args:
        draw: ``draw(fig, **values)`` draws one figure into the empty ``fig`` for one value of each control.
        controls: ``{name: (low, high, step, default)}`` for a slider over numbers, or
            ``{name: [option, ...]}`` for a choice whose first option is the default.
        figsize: the figure size in inches.

    Returns:
        the ipywidgets box of controls and figure, or None where ipywidgets cannot be imported.

    Notebooks: 01_advantage, 04_clipped_surrogate.
    """
    if not callable(draw):
        raise TypeError(f"`draw` must be a function draw(fig, **values), got {type(draw).__name__}.")
    if not isinstance(controls, dict) or not controls:
        raise ValueError("`controls` must be a non-empty dict {name: (low, high, step, default)} or {name: [options]}.")
    defaults = {name: _default(name, spec) for name, spec in controls.items()}
    _show(draw, figsize, defaults)  # the static figure, always
    try:
        import ipywidgets
        from IPython.display import display
    except ImportError:
        return None
    widgets = {name: _widget(ipywidgets, name, spec, defaults[name]) for name, spec in controls.items()}
    output = ipywidgets.Output()  # empty until a control moves: the static figure above shows the defaults

    def redraw(_change):
        with output:
            output.clear_output(wait=True)
            _show(draw, figsize, {name: widget.value for name, widget in widgets.items()})

    for widget in widgets.values():
        widget.observe(redraw, names="value")
    box = ipywidgets.VBox([ipywidgets.HBox(list(widgets.values())), output])
    display(box)
    return box


def _default(name, spec):
    if isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, numbers.Real) for v in spec):
        low, high, step, default = spec
        if not low <= default <= high or step <= 0:
            raise ValueError(f"control `{name}`: need low <= default <= high and step > 0, got {spec}.")
        return default
    if isinstance(spec, list) and spec:
        return spec[0]
    raise ValueError(f"control `{name}` must be (low, high, step, default) or a non-empty list of options, got {spec!r}.")


def _widget(ipywidgets, name, spec, default):
    if isinstance(spec, list):
        return ipywidgets.ToggleButtons(options=spec, value=default, description=name)
    low, high, step, _ = spec
    return ipywidgets.FloatSlider(min=low, max=high, step=step, value=default, description=name, continuous_update=False)


def _show(draw, figsize, values):
    fig = plt.figure(figsize=figsize)
    draw(fig, **values)
    plt.show()
