"""The front desk (前台): the walk-in and phone registration (来店(电)客户登记表), today's log,
the close of the day (日终结账), edit conflicts, importing a paper log, the demo store and
the first run."""
