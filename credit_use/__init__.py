"""Using credit where decisions are made: automatic matching of a subject against a service
matter (`check`), credit reports (`report`), and the query log every look-up is written to.

Everything here reads only the published marts (never the warehouse) and logs every query."""
