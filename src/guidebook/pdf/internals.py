"""The private Sphinx names the PDF writer needs (each has a guard test).

Sphinx's post-transforms choose which of them apply by ``env._builder_cls`` and the
application a builder belongs to is ``builder._app``; neither has a public setter or
getter. ``only`` conditions are memoised on the Tags object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.tags import Tags


def forget_evaluated_conditions(tags: Tags) -> None:
    """Clear Sphinx's memo of ``only`` conditions (the builder's own helper)."""
    from guidebook.builder import _forget_evaluated_conditions  # the builder imports us

    _forget_evaluated_conditions(tags)


def builder_class_of(env: BuildEnvironment) -> type[Builder]:
    """The builder class Sphinx's post-transforms check (``env._builder_cls``)."""
    return env._builder_cls


def set_builder_class(env: BuildEnvironment, cls: type[Builder]) -> None:
    env._builder_cls = cls


def application_of(builder: Builder) -> Sphinx:
    """The application *builder* was made for (``builder._app``; ``builder.app`` is
    deprecated and warns)."""
    return builder._app


__all__ = ["application_of", "builder_class_of", "forget_evaluated_conditions",
           "set_builder_class"]
