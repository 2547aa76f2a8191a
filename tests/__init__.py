# Odoo's test runner imports this package and runs its test_* modules. The engine tests in
# tests/engine/ and the Graph emulator in tests/graph_emulator/ run without Odoo (pytest,
# which imports this package too, hence the guard).
try:
    import odoo  # noqa: F401
except ImportError:
    pass
else:
    from . import (
        test_install,
        test_neutralize,
        test_outlook_button_tour,
        test_reset_account,
        test_security_logs,
        test_security_rpc,
        test_security_sign_in,
        test_security_storage,
        test_security_users,
        test_shared_meetings,
        test_sign_in,
        test_store_contract,
        test_sync,
        test_sync_history,
        test_translations,
        test_trust_core,
        test_trust_odoo,
        test_ux,
    )
