"""Deciding: what the detectors said becomes one keep/remove judgement and a document.

:mod:`.evidence` turns every line into a row of numbers, :mod:`.arbiter`
(the one place that decides) weighs them with a learned model,
:mod:`.assemble` builds the :class:`~cleanse.model.CleanedDocument` and
:mod:`.language` tags its segments.
"""
