"""frontdesk: the showroom front desk of a car dealership (4S store).

The core package: models, the store, the business rules and services, and the CLI.
It never imports Textual; the terminal UI lives in the sibling package ``screens``.
"""

__version__ = "0.1.0"
