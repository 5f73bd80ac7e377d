"""The credit service: an HTTP API for departments' systems and the public 信用查询 pages, over the published release."""
