"""One-stop government services (一网通办), one package split by sub-capability (docs/services.md):
``items`` (the service item catalogue and the public guide), then ``applications``, ``bundles``,
``prefill``, ``ratings`` and ``supervision``.  Each sub-package follows the usual anatomy
(enums → models → schemas → repository → rules → service → endpoints / pages); other packages
call ``zhizhi.services.items.service`` (and its views in ``schemas``), never the tables."""
