"""The JSON API (django-ninja): schemas and routers only; the work is done by the services."""
