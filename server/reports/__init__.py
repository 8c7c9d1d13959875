"""The county's tables: pure functions from the database to a context, and two views of it.

`catalog.py` names the tables, `queries.py` holds their SQL aggregates (households are read,
never written), `context.py` turns the aggregates into rows by township then village with each
township's 小计 and the county's 合计, and `render.py` prints one context as a PDF (WeasyPrint) or
an .xlsx workbook (XlsxWriter). Nothing here imports the HTTP layer.
"""
