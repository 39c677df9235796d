"""The showroom statistics (展厅来店(电)统计表): a day's figures and the month sheet, and its
export."""
