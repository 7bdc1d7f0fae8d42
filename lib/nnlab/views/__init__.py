"""Views: figures and widgets, one module per topic. They draw results and wire controls to experiments.

Only notebooks, tests and other views import this layer; the maths and experiments below never do.
"""
