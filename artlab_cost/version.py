"""The version of artlab-cost: one constant at the bottom of the layers, so any module may name it."""

__version__ = "0.2.0"
