"""The bottom layer's shared primitives: leases and compare-and-set (leases.py). Every app may use it;
it imports no other app."""
