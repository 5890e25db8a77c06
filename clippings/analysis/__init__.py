"""Analysis of article texts: related pieces, stories, quotations, alignment.

Pure functions and small in-memory structures over texts and their features: no
database, no index, no Qt. The services feed them and store what they compute.
"""
