"""The statistics screens: a day's figures (F5), the month sheet and the export dialog."""
