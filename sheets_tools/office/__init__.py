"""The office's Excel: the control workbook with its buttons (through xlwings) and the leadership report."""
