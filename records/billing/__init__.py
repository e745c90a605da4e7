"""False-alarm billing: the ordinance as data, which alarms are billable, the monthly run, bills,
their notices, appeals and payments."""
