from django.contrib import admin

from parley.markets.models import DailyBar, Instrument, PriceImport


@admin.register(DailyBar)
class DailyBarAdmin(admin.ModelAdmin):
    list_display = ["symbol", "day", "close", "adj_close", "volume", "currency", "source"]
    list_filter = ["source", "currency"]
    search_fields = ["symbol"]


@admin.register(PriceImport)
class PriceImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "path", "symbol", "source", "stored", "refused"]
    readonly_fields = ["path", "symbol", "source", "stored", "refused", "problems", "created_at"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["symbol", "name", "kind", "exchange", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["symbol", "name"]
