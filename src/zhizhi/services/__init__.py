"""One-stop government services (一网通办): items, applications, one window, bundles, ratings and
supervision (docs/services.md)."""
