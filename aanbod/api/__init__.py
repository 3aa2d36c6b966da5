"""The catalogue as open data: a read-only Open Referral HSDS 3.0 API (see views.py and openapi.py)."""
