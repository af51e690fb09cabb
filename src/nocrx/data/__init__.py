"""Public reference data (CMS HCPCS, ASP/NOC crosswalks and prices, OPPS, FDA NDC) into SQLite.

Parsers turn a file into rows without touching the database; ``store`` is the only module
that imports sqlite3.
"""
