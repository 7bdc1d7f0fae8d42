"""Experiments: settings in, a result out, and the status line a learner reads; one module per topic.

They build on the maths and models of ``nnlab`` and import neither matplotlib nor ipywidgets.
"""
