from django.contrib import admin

from parley.markets.models import (
    DailyBar,
    Instrument,
    PriceFetch,
    PriceFetchState,
    PriceImport,
    PriceProvider,
)


@admin.register(DailyBar)
class DailyBarAdmin(admin.ModelAdmin):
    list_display = ["symbol", "day", "close", "adj_close", "volume", "currency", "source"]
    list_filter = ["source", "currency"]
    search_fields = ["symbol"]


@admin.register(PriceImport)
class PriceImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "path", "symbol", "source", "stored", "refused"]
    readonly_fields = ["path", "symbol", "source", "stored", "refused", "problems", "warnings", "created_at"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["symbol", "name", "kind", "exchange", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["symbol", "name"]


# Fetching from a provider (parley.markets.fetching): the shared budget, each symbol's state and
# every request, read-only: they are the record of what happened, written by the fetch alone.
@admin.register(PriceProvider)
class PriceProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "day", "requests_today", "hour", "requests_this_hour", "paused_until", "last_error"]
    readonly_fields = ["name", "day", "requests_today", "hour", "requests_this_hour", "last_error"]
    fields = [*readonly_fields, "paused_until"]  # an operator may lift a pause


@admin.register(PriceFetchState)
class PriceFetchStateAdmin(admin.ModelAdmin):
    list_display = ["symbol", "provider", "last_outcome", "consecutive_failures", "last_try_at", "next_try_at",
                    "last_error"]
    list_filter = ["last_outcome", "provider"]
    search_fields = ["symbol"]
    readonly_fields = ["symbol", "provider", "last_try_at", "last_success_at", "last_outcome", "last_error",
                       "consecutive_failures"]
    fields = [*readonly_fields, "next_try_at"]  # emptied, the symbol is asked in the next round


@admin.register(PriceFetch)
class PriceFetchAdmin(admin.ModelAdmin):
    list_display = ["started_at", "provider", "symbol", "outcome", "status", "stored", "refused", "error"]
    list_filter = ["outcome", "provider"]
    search_fields = ["symbol"]
    readonly_fields = ["provider", "symbol", "started_at", "finished_at", "url", "status", "outcome", "stored",
                       "refused", "first_day", "last_day", "error"]

    def has_add_permission(self, request):
        return False
