# pytest imports this package for the engine tests, which run without Odoo; inside Odoo the
# addon loads its models and controllers.
try:
    import odoo  # noqa: F401
except ImportError:
    pass
else:
    from . import controllers, models, wizard
