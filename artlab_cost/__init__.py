"""artlab-cost: what PAI ArtLab will cost you, and the cheapest way to pay for it."""

__version__ = "0.1.0"
