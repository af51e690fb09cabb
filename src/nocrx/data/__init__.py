"""Public reference data (CMS HCPCS, ASP/NOC crosswalks and prices, OPPS, FDA NDC) into SQLite.

    reading.py      bytes from files, zip members and gzip; cp1252/UTF-8; CSV title lines; dates, quarters
    xlsx.py         the first sheet of an xlsx as text rows (expat, streaming)
    formats.py      recognise a file by its content and hand it to the right parser
    hcpcs.py noc_codes.py crosswalks.py pricing.py fda.py formulary.py
                    parsers: turn one file into a ParsedFile (kind, release, dates, rows) without the DB
    importer.py     files and folders in, one ImportResult per file out (loads through the store)
    sources.py      where each file comes from: official URL, mirror path and sha256, licence
    download.py     fetch the sources over HTTP (one seam: ``http_fetch``), written atomically
    store.py        the only module that imports sqlite3; schema.sql sits beside it
    records.py      the dataclasses the store and the decision share

May import ``nocrx.codes``, ``nocrx.errors`` and ``nocrx.model``; never the CLI, API or rules.
"""
