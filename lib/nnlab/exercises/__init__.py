"""Exercises that check themselves: ``ex.check(answer)``, ``ex.hint()``, ``ex.hint(2)``, ``ex.solution()``.

Each notebook's exercises live in a module ``nbNN`` of this package. A learner
replaces the placeholder ``____`` with an answer and calls ``check``; it prints
what is right or off and never raises at the learner.
"""
from .core import Exercise, Incorrect, ____, all_exercises

__all__ = ["Exercise", "Incorrect", "____", "all_exercises"]
